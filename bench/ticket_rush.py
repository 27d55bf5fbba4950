"""Ticket rush: more buyers than seats, all at once, through the real shop and checkout.

Starts what it needs: a PostgreSQL database (DATABASE_URL if set, otherwise a fresh
temporary one on the local server, dropped afterwards), migrated, with one published
event whose single ticket type has CAPACITY seats; and gunicorn with 2 workers on a free
port of 127.0.0.1, with the reservation rate limit and the seats-per-address cap lifted.

Then BUYERS buyers, CONCURRENCY at a time, each with its own cookies, do what a person
does up to the payment step: open the shop (CSRF token), reserve one ticket, open the
checkout, send their details choosing the development payment provider, and stop at the
redirect to the payment page. A buyer who is told the ticket is sold out (422 with the
message) stops there; that is the expected answer, not an error. Bounded in count
(BUYERS) and time (SECONDS); traffic only to 127.0.0.1.

Afterwards the valid tickets in reserved orders are counted in the database (they must
equal the capacity exactly: no oversell, no lost seat), and the SQL statements and
connection checkouts of one request of each step are counted in-process on a second
event. The CPU time of gunicorn, PostgreSQL, this client and everything else on the
machine during the rush is printed too: figures taken while other programs keep the
cores busy say so.

    .venv/bin/python bench/ticket_rush.py [--buyers 200 --concurrency 16 --capacity 100]

The last line of output is one JSON object:
{"orders_per_s", "p50_ms", "p95_ms", "p99_ms", "capacity", "sold", "errors", "buyers",
 "ordered", "sold_out", "requests", "seconds", "queries", "checkouts", "cpu_s"}
orders_per_s counts buyers who reached the payment step over the whole rush; the
percentiles are over every request. It exits non-zero on any error or if sold differs
from capacity.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from pages import (
    BIN,
    ROOT,
    free_port,
    in_process_app,
    start_gunicorn,
    stop_gunicorn,
    wait_until_answering,
)

BUYERS = 200
CONCURRENCY = 16
CAPACITY = 100
SECONDS = 120.0
WORKERS = 2
LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/"
RUSH_SLUG = "rush2027"
PROBE_SLUG = "probe2027"  # a second event, for counting queries without touching the rush
STEPS = ("shop", "reserve", "checkout", "details")

CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
QUANTITY = re.compile(r'<select[^>]*name="(qty-\d+)"')
SOLD_OUT = "is sold out"  # "Sorry, <ticket type> is sold out." (Accept-Language: en)
HELD = "All seats are reserved right now."  # the rest are held in others' reservations


# Database ----------------------------------------------------------------------------


@contextmanager
def database():
    """DATABASE_URL, or a temporary database on the local PostgreSQL server."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    import psycopg

    name = f"summit_rush_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(LOCAL_SERVER + "postgres", autocommit=True)
    except psycopg.OperationalError as error:
        sys.exit(f"no DATABASE_URL and no PostgreSQL at {LOCAL_SERVER}: {error}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield LOCAL_SERVER + name
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flask(env: dict, *command: str) -> None:
    result = subprocess.run(
        [str(BIN / "flask"), *command], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def create_events(app, capacity: int) -> None:
    """The rush event and the probe event, each published with one ticket type."""
    from summit.extensions import db
    from summit.models import Event, EventKind, EventStatus, TicketType, utcnow

    starts = utcnow().replace(hour=7, minute=0, second=0, microsecond=0) + timedelta(days=60)
    with app.app_context():
        for slug, seats in ((RUSH_SLUG, capacity), (PROBE_SLUG, None)):
            event = Event(
                slug=slug,
                kind=EventKind.SUMMIT,
                status=EventStatus.PUBLISHED,
                published_at=utcnow(),
                name_sv="Rusningen",
                name_en="The rush",
                venue_name="Malmö Live",
                starts_at=starts,
                ends_at=starts + timedelta(hours=8),
            )
            ticket_type = TicketType(
                event=event,
                name_sv="Ordinarie",
                name_en="Regular",
                price=150000,
                vat_percent=25,
                capacity=seats,
            )
            db.session.add_all([event, ticket_type])
        db.session.commit()


def count_sold(app) -> dict[str, int]:
    """Valid tickets of the rush event, per order status."""
    from sqlalchemy import func, select

    from summit.extensions import db
    from summit.models import Event, Order, Ticket, TicketStatus

    with app.app_context():
        rows = db.session.execute(
            select(Order.status, func.count())
            .join(Ticket, Ticket.order_id == Order.id)
            .join(Event, Event.id == Order.event_id)
            .where(Event.slug == RUSH_SLUG, Ticket.status == TicketStatus.VALID)
            .group_by(Order.status)
        ).all()
        db.session.remove()
    return {status.value: n for status, n in rows}


# One buyer ---------------------------------------------------------------------------


class FlowError(Exception):
    """The site answered something a buyer would not expect."""


@dataclass
class Buyer:
    """One person with their own cookies, a new connection per request (gunicorn's sync
    workers close it after every answer anyway)."""

    port: int
    number: int
    cookies: dict[str, str] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)

    def request(self, step: str, method: str, path: str, form: dict | None = None):
        headers = {"Accept-Language": "en", "Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        self.timings.append((step, time.perf_counter() - started))
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        if response.status >= 500:
            raise FlowError(f"{step}: HTTP {response.status}")
        return response.status, response.headers, text

    def buy(self) -> str:
        """'ordered' (reached the payment step) or 'sold_out'; FlowError otherwise."""
        shop = f"/events/{RUSH_SLUG}/tickets/"
        status, _, page = self.request("shop", "GET", shop)
        if status != 200:
            raise FlowError(f"shop: HTTP {status}")
        token, quantity = CSRF.search(page), QUANTITY.search(page)
        if token is None:
            raise FlowError("shop: no CSRF token")
        if quantity is None:  # nothing to choose: the shop must say why
            if "Sold out" not in page and HELD not in page:
                raise FlowError("shop: no quantity to choose and no 'Sold out' or 'reserved'")
            return "sold_out"
        form = {"csrf_token": token[1], quantity[1]: "1", "code": ""}
        status, headers, page = self.request("reserve", "POST", shop, form)
        if status == 422 and (SOLD_OUT in page or HELD in page):
            return "sold_out"
        checkout = urlsplit(headers.get("Location", "")).path
        if status != 302 or not checkout.endswith("/checkout"):
            raise FlowError(f"reserve: HTTP {status} to {checkout!r}")

        status, _, page = self.request("checkout", "GET", checkout)
        token = CSRF.search(page)
        if status != 200 or token is None:
            raise FlowError(f"checkout: HTTP {status}")
        form = {
            "csrf_token": token[1],
            "buyer_name": f"Buyer {self.number}",
            "buyer_email": f"buyer{self.number}@example.org",
            "buyer_organisation": "Rush AB",
            "attendees-0-name": f"Attendee {self.number}",
            "attendees-0-email": "",
            "attendees-0-organisation": "Rush AB",
            "attendees-0-dietary_needs": "",
            "attendees-0-accessibility_needs": "",
            "method": "dev",
            "org_number": "",
            "invoice_address": "",
            "invoice_reference": "",
        }
        status, headers, _ = self.request("details", "POST", checkout, form)
        payment = urlsplit(headers.get("Location", "")).path
        if status != 302 or not payment.startswith("/payments/dev/"):
            raise FlowError(f"details: HTTP {status} to {payment!r}")
        return "ordered"


# The rush ----------------------------------------------------------------------------


def rush(port: int, buyers: int, concurrency: int, seconds: float) -> dict:
    outcomes: Counter = Counter()
    errors: list[str] = []
    timings: list[tuple[str, float]] = []
    lock = threading.Lock()
    numbers = iter(range(1, buyers + 1))
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            buyer = Buyer(port, number)
            try:
                outcome = buyer.buy()
            except (FlowError, OSError, http.client.HTTPException) as error:
                outcome = "error"
                with lock:
                    errors.append(f"buyer {number}: {error!r}")
            with lock:
                outcomes[outcome] += 1
                timings.extend(buyer.timings)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"outcomes": outcomes, "errors": errors, "timings": timings, "wall": wall}


def _process_cpu(pid: int | str) -> float:
    """User + system CPU seconds of one process (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in task.read_text().split()]
    return found


class CpuMeter:
    """Where the CPU went during the rush: gunicorn (master and workers), the PostgreSQL
    backends serving the bench database (when the server runs on this machine), this
    client, and the whole machine (busy time over all cores; what the others leave is
    other programs). Linux only."""

    def __init__(self, app, server_pid: int):
        self.app, self.server_pid = app, server_pid

    def _backends(self) -> list[int]:
        from sqlalchemy import text

        from summit.extensions import db

        with self.app.app_context():
            if db.engine.dialect.name != "postgresql":
                return []
            pids = db.session.scalars(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
            db.session.remove()
        return list(pids)

    def _read(self) -> dict:
        times = os.times()
        busy = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        idle = int(busy[3]) + int(busy[4])
        gunicorn = [self.server_pid, *_children(self.server_pid)]
        return {
            "gunicorn": sum(_process_cpu(pid) for pid in gunicorn),
            "postgres": {pid: _process_cpu(pid) for pid in self._backends()},
            "client": times.user + times.system,
            "machine": (sum(int(n) for n in busy[:8]) - idle) / os.sysconf("SC_CLK_TCK"),
        }

    def start(self) -> None:
        self.before = self._read()

    def stop(self) -> dict[str, float]:
        after, before = self._read(), self.before
        spent = {key: after[key] - before[key] for key in ("gunicorn", "client", "machine")}
        spent["postgres"] = sum(
            seconds - before["postgres"].get(pid, 0.0) for pid, seconds in after["postgres"].items()
        )
        spent["other"] = spent["machine"] - spent["gunicorn"] - spent["postgres"] - spent["client"]
        return {key: round(value, 2) for key, value in spent.items()}


def percentiles(seconds: list[float]) -> dict[str, float]:
    if len(seconds) < 2:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0}
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {f"p{n}_ms": round(cuts[n - 1] * 1000, 1) for n in (50, 95, 99)}


def warm_up(port: int) -> None:
    """Each worker compiles the shop and checkout templates on its first request; a few
    shop pages on the probe event make that happen before the clock starts."""
    for _ in range(4 * WORKERS):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", f"/events/{PROBE_SLUG}/tickets/")
        connection.getresponse().read()
        connection.close()


class QueryCounter:
    """SQL statements and connection checkouts of one request. Each checkout costs more
    round trips than its statements on PostgreSQL: the pool's ping, BEGIN, and COMMIT or
    ROLLBACK; a unit of work that commits and then reads again checks out again."""

    def __init__(self, app):
        from sqlalchemy import event

        from summit.extensions import db

        self.statements = self.checkouts = 0
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._statement)
            event.listen(db.engine.pool, "checkout", self._checkout)

    def _statement(self, conn, cursor, sql, *args) -> None:
        # BEGIN is not counted (summit sends it itself on SQLite, psycopg implicitly).
        if not sql.lstrip().upper().startswith("BEGIN"):
            self.statements += 1

    def _checkout(self, *args) -> None:
        self.checkouts += 1

    def measure(self, client, method: str, path: str, data=None):
        self.statements = self.checkouts = 0
        response = client.open(path, method=method, data=data, headers={"Accept-Language": "en"})
        return response, {"queries": self.statements, "checkouts": self.checkouts}


def count_queries(app) -> dict[str, dict[str, int]]:
    """Statements and checkouts of one request of each step (the second buyer's, so
    nothing is cold), on the probe event through the test client."""
    from summit.extensions import db

    counter = QueryCounter(app)
    shop = f"/events/{PROBE_SLUG}/tickets/"
    counts: dict[str, dict[str, int]] = {}
    for _ in range(2):
        client = app.test_client()
        response, counts["shop"] = counter.measure(client, "GET", shop)
        page = response.get_data(as_text=True)
        form = {"csrf_token": CSRF.search(page)[1], QUANTITY.search(page)[1]: "1"}
        response, counts["reserve"] = counter.measure(client, "POST", shop, form)
        checkout = urlsplit(response.headers["Location"]).path
        response, counts["checkout"] = counter.measure(client, "GET", checkout)
        form = {
            "csrf_token": CSRF.search(response.get_data(as_text=True))[1],
            "buyer_name": "Probe",
            "buyer_email": "probe@example.org",
            "attendees-0-name": "Probe",
            "method": "dev",
        }
        response, counts["details"] = counter.measure(client, "POST", checkout, form)
        if response.status_code != 302:
            sys.exit(f"the probe buyer's details answered {response.status_code} in-process")
    with app.app_context():
        db.engine.dispose()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=BUYERS)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--capacity", type=int, default=CAPACITY)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="summit-bench-") as tmp, database() as url:
        port = free_port()
        env = {
            **os.environ,
            "FLASK_APP": "wsgi.py",
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "BASE_URL": f"http://127.0.0.1:{port}",
            # One address buys 200 times a minute here; the default limit would refuse,
            # and so would the cap on the seats one address holds unpaid (0: none).
            "RESERVATION_RATE_LIMIT": "100000 per minute",
            "RESERVATION_SEATS_PER_ADDRESS": "0",
        }
        flask(env, "db", "upgrade")
        app = in_process_app(env, "RESERVATION_RATE_LIMIT", "RESERVATION_SEATS_PER_ADDRESS")
        create_events(app, args.capacity)
        print(f"database ready: {url.split('@')[-1]}", flush=True)

        log = Path(tmp) / "gunicorn.log"
        server = start_gunicorn(env, port, log)
        try:
            wait_until_answering(f"http://127.0.0.1:{port}", server, log)
            warm_up(port)
            print(
                f"gunicorn: {WORKERS} workers on 127.0.0.1:{port}; {args.buyers} buyers, "
                f"{args.concurrency} at a time, for {args.capacity} seats",
                flush=True,
            )
            meter = CpuMeter(app, server.pid)
            meter.start()
            result = rush(port, args.buyers, args.concurrency, args.seconds)
            cpu = meter.stop()
        finally:
            stop_gunicorn(server, log)

        by_step = defaultdict(list)
        for step, took in result["timings"]:
            by_step[step].append(took)
        for step in STEPS:
            print(f"{step:>8}: {len(by_step[step])} requests, {percentiles(by_step[step])}")
        for error in result["errors"][:5]:
            print(error, file=sys.stderr)

        print(f"CPU seconds during the rush ({os.cpu_count()} cores): {cpu}")

        sold_by_status = count_sold(app)
        queries = count_queries(app)
        print(f"valid tickets by order status: {sold_by_status}")
        print(f"per request: {queries}")

    outcomes = result["outcomes"]
    figures = {
        "orders_per_s": round(outcomes["ordered"] / result["wall"], 1),
        **percentiles([took for _, took in result["timings"]]),
        "capacity": args.capacity,
        "sold": sold_by_status.get("reserved", 0),
        "errors": outcomes["error"],
        "buyers": sum(outcomes.values()),
        "ordered": outcomes["ordered"],
        "sold_out": outcomes["sold_out"],
        "requests": len(result["timings"]),
        "seconds": round(result["wall"], 2),
        "queries": {step: counts["queries"] for step, counts in queries.items()},
        "checkouts": {step: counts["checkouts"] for step, counts in queries.items()},
        "cpu_s": cpu,
    }
    print(json.dumps(figures))
    if figures["errors"] or figures["sold"] != figures["capacity"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
