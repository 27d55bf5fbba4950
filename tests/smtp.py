"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, keeping what it receives.

    with running_smtp(app) as smtp:           # server on a free port, app pointed at it
        deliver_pending()
        assert smtp.message_ids() == [...]

`SMTPServer(port)` starts on a given port (e.g. one the app already points at while
nothing listened there); `smtp_config(app, port)` sets the app's SMTP settings and puts
the old ones back afterwards (the test app is session-wide).
"""

import asyncio
import random
import socket
import threading
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

# An SMTP reply ("550 5.1.1 No such user") to give instead of accepting, or None to accept.
Reply = Callable[[str], str | None]


def free_port() -> int:
    """A TCP port on 127.0.0.1 where nothing listens (right now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


class RecordingHandler:
    """Accepts mail and keeps it, parsed. `refuse_rcpt` / `refuse_data` map a recipient
    to a reply that refuses it at that stage; `delay` is a (min, max) pause in DATA."""

    def __init__(self, delay: tuple[float, float] | None = None):
        self.received: list[Received] = []
        self.delay = delay
        self.refuse_rcpt: Reply | None = None
        self.refuse_data: Reply | None = None
        self._lock = threading.Lock()
        self.arrived = threading.Condition(self._lock)  # notified with each message kept

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        reply = self.refuse_rcpt(address) if self.refuse_rcpt else None
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            await asyncio.sleep(random.uniform(*self.delay))
        for address in envelope.rcpt_tos:
            reply = self.refuse_data(address) if self.refuse_data else None
            if reply:
                return reply
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.arrived:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"


class SMTPServer:
    """aiosmtpd's Controller on 127.0.0.1 in its own thread, with a RecordingHandler."""

    def __init__(self, port: int | None = None, delay: tuple[float, float] | None = None):
        self.port = port or free_port()
        self.handler = RecordingHandler(delay=delay)
        self._controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, server_hostname="smtp.test"
        )

    def __enter__(self) -> "SMTPServer":
        self._controller.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._controller.stop()

    @property
    def received(self) -> list[Received]:
        with self.handler._lock:
            return list(self.handler.received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.received]

    def wait_for(self, done: Callable[[list[EmailMessage]], bool], timeout: float = 10) -> bool:
        """Wait until `done(messages)` holds, woken by each message that arrives (no
        polling); False if it still does not after `timeout` seconds."""
        with self.handler.arrived:
            return self.handler.arrived.wait_for(
                lambda: done([r.message for r in self.handler.received]), timeout
            )

    def message_ids(self) -> Counter:
        """How many times each Message-ID arrived."""
        return Counter(m["Message-ID"] for m in self.messages)


SMTP_KEYS = ("SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS", "SMTP_SSL", "SMTP_USER", "SMTP_PASSWORD")


@contextmanager
def app_config(app, **settings):
    """Set app.config keys for a block and put back what was there (or wasn't)."""
    missing = object()
    saved = {key: app.config.get(key, missing) for key in settings}
    app.config.update(settings)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is missing:
                app.config.pop(key, None)
            else:
                app.config[key] = value


@contextmanager
def smtp_config(app, port: int, **settings):
    """Point the app at plain SMTP on 127.0.0.1:port (no TLS, no login)."""
    with app_config(
        app,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_STARTTLS=False,
        SMTP_SSL=False,
        SMTP_USER="",
        SMTP_PASSWORD="",
        SMTP_TIMEOUT=10,
        **settings,
    ):
        yield


@contextmanager
def running_smtp(app, delay: tuple[float, float] | None = None, **settings):
    """A server on a free port and the app configured to send to it."""
    with SMTPServer(delay=delay) as server, smtp_config(app, server.port, **settings):
        yield server
