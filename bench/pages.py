"""Public pages under load: the home page and an event page, served by gunicorn.

Starts what it needs: a temporary SQLite database (or DATABASE_URL if set), migrated
and filled with the demo data, and gunicorn with 2 workers on a free port of
127.0.0.1. Sends a bounded load (at most REQUESTS_PER_PAGE requests and
SECONDS_PER_PAGE seconds a page, from CLIENTS threads), then counts the SQL
queries one request of each page makes, in-process.

The last line of output is one JSON object:
{"home": {"req_per_s", "p50_ms", "p95_ms", "queries", "requests", "errors"}, "event": {...}}
"""

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PAGES = {"home": "/", "event": "/events/summit2027/"}
REQUESTS_PER_PAGE = 1000
SECONDS_PER_PAGE = 30.0
CLIENTS = 4
WORKERS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(env: dict) -> None:
    for command in (["db", "upgrade"], ["demo"]):
        result = subprocess.run(
            [str(BIN / "flask"), *command], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if result.returncode != 0:
            sys.exit(f"flask {' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    print(f"database ready: {env['DATABASE_URL'].split('@')[-1]}", flush=True)


def start_gunicorn(env: dict, port: int, log: Path, workers: int = WORKERS) -> subprocess.Popen:
    """gunicorn with `workers` sync workers on 127.0.0.1:`port`, its output in `log`."""
    with log.open("w") as log_file:
        return subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )


def stop_gunicorn(server: subprocess.Popen, log: Path) -> None:
    """Stop gunicorn gracefully (killed after 15 s) and show its log from the first
    traceback, if it logged one."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    text = log.read_text()
    if "Traceback" in text:  # from its line before the first traceback
        start = text.rfind("\n", 0, text.rfind("\n", 0, text.index("Traceback")))
        print(f"gunicorn log:\n{text[start + 1 : start + 4001]}", file=sys.stderr)


def wait_until_answering(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited ({server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer within 30 s:\n{log.read_text()}")


@contextlib.contextmanager
def serving(env: dict, port: int, log: Path, workers: int = WORKERS):
    """gunicorn answering on 127.0.0.1:`port` for the with block, stopped after it."""
    server = start_gunicorn(env, port, log, workers)
    try:
        wait_until_answering(f"http://127.0.0.1:{port}", server, log)
        print(f"gunicorn: {workers} workers on 127.0.0.1:{port}", flush=True)
        yield server
    finally:
        stop_gunicorn(server, log)


def in_process_app(env: dict, *extra: str):
    """The app in this process, on the bench database (for set-up and counting), with
    the bench's settings: DATABASE_URL, SECRET_KEY, BASE_URL and the `extra` keys."""
    keys = ("DATABASE_URL", "SECRET_KEY", "BASE_URL", *extra)
    os.environ.update({key: env[key] for key in keys if key in env})
    sys.path.insert(0, str(ROOT))
    from summit import create_app

    return create_app()


def timed_get(connection, path: str, headers: dict) -> tuple[float, int, bytes, dict]:
    """One GET on a kept-alive connection: seconds taken, status, body, headers (with the
    cookies it set as one Set-Cookie value, to send back as a browser does)."""
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    answer = dict(response.getheaders())
    cookies = [c.split(";", 1)[0] for c in response.msg.get_all("Set-Cookie") or []]
    if cookies:
        answer["Set-Cookie"] = "; ".join(cookies)
    return time.perf_counter() - started, response.status, body, answer


def run_load(
    port: int,
    path: str,
    requests: int,
    seconds: float,
    concurrency: int,
    headers: dict | None = None,
    expect: int = 200,
) -> dict:
    """GET `path` from `concurrency` threads, each on its own kept-alive connection,
    until `requests` are done or `seconds` are up. Answers other than `expect` count
    as errors, not in the latencies."""
    headers = headers or {}
    latencies: list[float] = []
    errors: list[str] = []
    sizes: list[int] = []
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if remaining[0] == 0:
                        return
                    remaining[0] -= 1
                try:
                    took, status, body, _headers = timed_get(connection, path, headers)
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    with lock:
                        errors.append(repr(error))
                    continue
                with lock:
                    if status == expect:
                        latencies.append(took)
                        sizes.append(len(body))
                    else:
                        errors.append(f"HTTP {status}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        print(f"{path}: {len(errors)} failed requests, e.g. {errors[:3]}", file=sys.stderr)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0.0] * 99
    return {
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(cuts[49] * 1000, 2),
        "p95_ms": round(cuts[94] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
        "requests": len(latencies),
        "errors": len(errors),
        "bytes": max(sizes, default=0),
    }


def load(port: int, path: str) -> dict:
    """Requests `path` from CLIENTS threads until REQUESTS_PER_PAGE are done or time is up."""
    figures = run_load(
        port, path, REQUESTS_PER_PAGE, SECONDS_PER_PAGE, CLIENTS, {"Accept-Language": "sv"}
    )
    return {
        "req_per_s": figures["requests_per_s"],
        **{key: figures[key] for key in ("p50_ms", "p95_ms", "requests", "errors")},
    }


def count_queries(env: dict) -> dict[str, int]:
    """SQL queries for one request of each page, after one warm-up request. Transaction
    control (the BEGIN that summit sends itself on SQLite) is not counted, so the figures
    compare across databases."""
    app = in_process_app(env)
    from sqlalchemy import event

    from summit.extensions import db

    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    counts = {}
    for name, path in PAGES.items():
        client.get(path)
        statements.clear()
        response = client.get(path, headers={"Accept-Language": "sv"})
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code} in-process")
        counts[name] = sum(1 for sql in statements if not sql.lstrip().upper().startswith("BEGIN"))
    with app.app_context():
        db.engine.dispose()
    return counts


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="summit-bench-") as tmp:
        env = {
            **os.environ,
            "FLASK_APP": "wsgi.py",
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db",
            "SECRET_KEY": secrets.token_urlsafe(48),
        }
        prepare_database(env)

        port = free_port()
        figures: dict[str, dict] = {}
        with serving(env, port, Path(tmp) / "gunicorn.log"):
            for name, path in PAGES.items():
                figures[name] = load(port, path)
                print(f"{path}: {figures[name]}", flush=True)

        for name, queries in count_queries(env).items():
            figures[name]["queries"] = queries

    print(json.dumps(figures))
    if any(page["errors"] or not page["requests"] for page in figures.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
