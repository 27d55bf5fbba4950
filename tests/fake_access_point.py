"""A local fake of a Peppol access point's sending API, for the real HTTP client in
services/billing/access_point.py to talk to on 127.0.0.1.

POST / with the UBL document as application/xml, `Authorization: Bearer <token>`, the
receiver and sender in X-Peppol-Receiver / X-Peppol-Sender and an Idempotency-Key:
201 {"id": "msg-N"}. The same key again is the same message (its id again, nothing new
sent on), as providers do. It can be told to fail the next requests (e.g. 503 twice,
then take them) or to refuse everything (e.g. 400, an unknown receiver).
"""

import contextlib
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "ap-test-token-" + "z" * 20


@dataclass(frozen=True)
class Received:
    receiver: str
    sender: str
    key: str
    body: bytes
    id: str


class FakeAccessPoint:
    def __init__(self, token: str = TOKEN):
        self.token = token
        self.messages: list[Received] = []  # what went on to the Peppol network
        self.requests = 0  # every POST, refused or not
        self._failures: list[tuple[int, str]] = []
        self._refusal: tuple[int, str] | None = None
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    def fail_next(self, times: int, status: int = 503, message: str = "Busy (test).") -> None:
        with self._lock:
            self._failures += [(status, message)] * times

    def refuse(self, status: int = 400, message: str = "Unknown receiver (test).") -> None:
        with self._lock:
            self._refusal = (status, message)

    def start(self) -> "FakeAccessPoint":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, answer = fake._answer(self.headers, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _answer(self, headers, body: bytes) -> tuple[int, dict]:
        with self._lock:
            self.requests += 1
            if headers.get("Authorization") != f"Bearer {self.token}":
                return 401, {"error": "Not authenticated."}
            if not headers.get("Content-Type", "").startswith("application/xml"):
                return 415, {"error": "Send application/xml."}
            if self._failures:
                status, message = self._failures.pop(0)
                return status, {"error": message}
            if self._refusal:
                return self._refusal[0], {"error": self._refusal[1]}
            key = headers.get("Idempotency-Key", "")
            for sent in self.messages:
                if key and sent.key == key:
                    return 201, {"id": sent.id}
            received = Received(
                headers.get("X-Peppol-Receiver", ""),
                headers.get("X-Peppol-Sender", ""),
                key,
                body,
                f"msg-{len(self.messages) + 1}",
            )
            self.messages.append(received)
            return 201, {"id": received.id}


@contextlib.contextmanager
def running(app):
    """Start a fake and point the app's access point settings at it; restore after."""
    saved = {key: app.config.get(key) for key in ("ACCESS_POINT_URL", "ACCESS_POINT_TOKEN")}
    fake = FakeAccessPoint().start()
    app.config.update(ACCESS_POINT_URL=fake.url, ACCESS_POINT_TOKEN=fake.token)
    try:
        yield fake
    finally:
        fake.stop()
        app.config.update(saved)
