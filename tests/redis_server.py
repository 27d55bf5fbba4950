"""A redis-server of a test's own, and a port where nothing listens."""

import shutil
import socket
import subprocess
import time

import pytest
import redis


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
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)  # polling for the server to take connections

    def stop(self):
        self.process.kill()
        self.process.wait(timeout=10)
