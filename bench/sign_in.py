"""Password sign-in answers take as long for an unknown address as for a staff account.

Starts what it needs: a temporary SQLite database (or DATABASE_URL if set), migrated
and filled with the demo data (passwords hashed with the production default, scrypt),
and gunicorn with one worker on a free port of 127.0.0.1. Then ROUNDS rounds, each
posting the sign-in form once per case in a shuffled order, one request at a time:
a staff account with a wrong password, an unknown address, an account without a
password (emailed links only), and a staff account with its right password. Wrong
passwords are counted by the app, so the bench raises LOGIN_RATE_LIMIT and
LOGIN_ACCOUNT_RATE_LIMIT for itself (and says so).

The last line of output is one JSON object: each case's median and p95 in ms, and
"unknown_over_staff": the unknown address's median over the wrong staff password's.
"""

import http.client
import json
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from pages import free_port, prepare_database, start_gunicorn, stop_gunicorn, wait_until_answering

ROUNDS = 40
STAFF = "arrangor@example.org"  # an organizer of the demo summit
DEMO_PASSWORD = "demo-summit-2027"  # noqa: S105  (the demo accounts', as the README says)
LIMIT = "100000 per minute"
CASES = {
    "staff_wrong": (STAFF, "not the password"),
    "unknown": (None, DEMO_PASSWORD),  # a new unknown address every time
    "no_password": ("talare@example.org", DEMO_PASSWORD),
    "staff_right": (STAFF, DEMO_PASSWORD),
}


def form_token(page: bytes) -> bytes:
    return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]


class Browser:
    """One kept-alive connection with its cookies and the sign-in form's CSRF token."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.token = form_token(self.request("GET", "/login")[1])

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        took = time.perf_counter() - started
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return response.status, data, took

    def sign_in(self, email: str, password: str) -> tuple[int, float]:
        form = {"email": email, "password": password, "csrf_token": self.token.decode()}
        status, _body, took = self.request("POST", "/login", form)
        if status == 302:
            self.cookies.pop("session", None)  # signed out again: a new form
            self.token = form_token(self.request("GET", "/login")[1])
        return status, took


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="summit-bench-") as tmp:
        env = {
            **os.environ,
            "FLASK_APP": "wsgi.py",
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "LOGIN_RATE_LIMIT": LIMIT,
            "LOGIN_ACCOUNT_RATE_LIMIT": LIMIT,
        }
        print(f"wrong-password limits raised to {LIMIT} for the bench", flush=True)
        prepare_database(env)
        port = free_port()
        log = Path(tmp) / "gunicorn.log"
        server = start_gunicorn(env, port, log, workers=1)
        times: dict[str, list[float]] = {case: [] for case in CASES}
        errors = []
        try:
            wait_until_answering(f"http://127.0.0.1:{port}", server, log)
            browser = Browser(port)
            expected = {"staff_right": 302}
            for _ in range(3):  # warm-up: imports, first connections
                browser.sign_in(STAFF, "warm-up")
            for round_number in range(ROUNDS):
                order = list(CASES)
                random.shuffle(order)
                for case in order:
                    email, password = CASES[case]
                    email = email or f"nobody-{round_number}@example.org"
                    status, took = browser.sign_in(email, password)
                    if status != expected.get(case, 422):
                        errors.append(f"{case}: HTTP {status}")
                    times[case].append(took)
        finally:
            stop_gunicorn(server, log)

    figures = {}
    for case, seconds in times.items():
        cuts = statistics.quantiles(seconds, n=20)
        figures[case] = {
            "p50_ms": round(statistics.median(seconds) * 1000, 1),
            "p95_ms": round(cuts[18] * 1000, 1),
            "n": len(seconds),
        }
        print(f"{case}: {figures[case]}", flush=True)
    figures["unknown_over_staff"] = round(
        figures["unknown"]["p50_ms"] / figures["staff_wrong"]["p50_ms"], 2
    )
    figures["errors"] = len(errors)
    if errors:
        print(f"unexpected answers: {errors[:5]}", file=sys.stderr)
    print(json.dumps(figures))
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
