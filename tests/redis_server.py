"""A redis-server of a test's own, and a port where nothing listens."""

import shutil
import socket
import subprocess
import threading

import pytest


def said_by(process: subprocess.Popen, stream, words: str, timeout: float = 30) -> None:
    """Reads `stream` (the process's output) until a line has `words`; the rest of the
    output is read away in the background so the process never blocks on a full pipe.
    The process is killed if it has not said them within `timeout` seconds."""
    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    heard = []
    try:
        for line in stream:
            heard.append(line)
            if words in line:
                threading.Thread(target=stream.read, daemon=True).start()
                return
    finally:
        watchdog.cancel()
    raise AssertionError(f"never said {words!r}:\n{''.join(heard)}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of this test's own, on a free port, that can be stopped and
    started again on the same port."""

    def __init__(self, tmp_path):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(
                "redis-server is missing: install it with apt-get install redis-server",
                pytrace=False,
            )
        self.binary, self.dir, self.port, self.process = binary, tmp_path, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.PIPE,
            text=True,
        )
        said_by(self.process, self.process.stdout, "Ready to accept connections")

    def stop(self):
        self.process.kill()
        self.process.wait(timeout=10)
