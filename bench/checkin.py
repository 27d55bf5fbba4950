"""Check-in at the door under load: scans through the JSON API, served by gunicorn.

Starts what it needs: a PostgreSQL database (DATABASE_URL if set, otherwise a fresh
temporary one on the local server, dropped afterwards; --sqlite for a temporary SQLite
file instead), migrated, with one event running today, one ticket type, and
2 x TICKETS paid tickets written directly as rows; STATIONS check-in stations; and
gunicorn with 2 workers on a free port of 127.0.0.1. The per-station rate limit
(CHECKIN_RATE_LIMIT) is raised for the bench, and the bench says so.

Phases, each bounded in count and time (SECONDS), traffic only to 127.0.0.1; each
client thread is one door with its own station token and its own keep-alive
connection (http.client; gunicorn's sync workers close it after each answer, and
http.client opens the next one):

    first_c1    TICKETS first scans, one door
    first_c8    TICKETS first scans of other tickets, 8 doors at once
    repeat_c8   the same TICKETS scanned again, 8 doors ("already_checked_in")
    unknown_c8  UNKNOWN well-formed codes that are no ticket, 8 doors ("unknown")

Afterwards the check-ins are counted in the database (exactly one per ticket scanned
first) and the SQL statements of one scan of each kind are counted in-process.

With --redis the rate limits are counted in a redis-server of the bench's own (on a
free port, REDIS_URL for gunicorn), as in production. --stop-redis-after SECONDS kills
it that long into first_c8 (the app then counts in each process's memory) and leaves it
dead for the rest of the run; with --hang-redis it is stopped by SIGSTOP instead, so it
accepts connections and never answers (each wait is REDIS_TIMEOUT). The figures then
say how long the scans answered before, in flight at, after and in the first second
after the outage took.

    .venv/bin/python bench/checkin.py [--tickets 1000 --sqlite]
    .venv/bin/python bench/checkin.py --stop-redis-after 1 [--hang-redis]

The last line of output is one JSON object:
{"phases": {"first_c1": {"scans_per_s", "p50_ms", "p95_ms", "p99_ms", "max_ms",
 "reasons", "scans", "errors", "http_5xx", "transport_errors"}, "first_c8": {...},
 "repeat_c8": {...}, "unknown_c8": {...}}, "database", "checkins",
 "tickets_checked_in", "queries", "cpu_s", "rate_limit",
 "redis": null or {"outage", "after_s", "keys_before", "before": {"scans", "p50_ms",
 "p95_ms", "p99_ms", "max_ms", "over_timeout", "errors"}, "in_flight": {...},
 "after": {...}, "first_second": {...}, "fallback_logged", "swallowed_logged"}}
It exits non-zero on any error (an answer other than 200, a 5xx among them, or a
failed connection), on a first scan that is not "ok", or unless every ticket scanned
first has exactly one check-in.
"""

import argparse
import contextlib
import http.client
import json
import os
import secrets
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from pages import ROOT, free_port, in_process_app, serving
from ticket_rush import CpuMeter, database, flask, percentiles

TICKETS = 1000
UNKNOWN = 100
STATIONS = 8
SECONDS = 120.0
SLUG = "checkin2027"
REDIS_TIMEOUT = 0.25  # the app's default (config.py): seconds it waits for Redis
OUTAGE_PHASE = "first_c8"
RATE_LIMIT = "1000000 per minute"  # the default (600 a minute a door) would refuse
API = f"/api/v1/events/{SLUG}/checkin"


def prepare(app, tickets: int) -> tuple[list[str], list[str]]:
    """The event (running today), its paid tickets and the stations: (secrets, tokens)."""
    from sqlalchemy import insert, select

    from summit.extensions import db
    from summit.models import (
        Event,
        EventKind,
        EventStatus,
        Order,
        OrderStatus,
        Ticket,
        TicketType,
        utcnow,
    )
    from summit.models.orders import new_reference, new_token
    from summit.services.checkin import setup as checkin_setup

    with app.app_context():
        # The schema is the migrations' (`flask db upgrade` in main()), as in production.
        now = utcnow()
        event = Event(
            slug=SLUG,
            kind=EventKind.SUMMIT,
            status=EventStatus.PUBLISHED,
            published_at=now,
            name_sv="Incheckningen",
            name_en="The check-in",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=8),
        )
        regular = TicketType(event=event, name_sv="Ordinarie", name_en="Regular", price=150000)
        db.session.add_all([event, regular])
        db.session.commit()
        orders = [
            {
                "event_id": event.id,
                "token": new_token(),
                "reference": new_reference() + f"{n:06d}",
                "status": OrderStatus.PAID,
                "expires_at": now,
                "created_at": now,
                "paid_at": now,
                "confirmed_at": now,
                "locale": "sv",
                "buyer_name": f"Köpare {n}",
                "buyer_email": f"kopare{n}@example.org",
                "buyer_organisation": "Bench AB",
            }
            for n in range(tickets)
        ]
        db.session.execute(insert(Order), orders)
        order_ids = db.session.scalars(
            select(Order.id).where(Order.event_id == event.id).order_by(Order.id)
        ).all()
        secret_list = [new_token() for _ in order_ids]
        db.session.execute(
            insert(Ticket),
            [
                {
                    "order_id": order_id,
                    "ticket_type_id": regular.id,
                    "secret": secret,
                    "price": 150000,
                    "vat_percent": 25,
                    "attendee_name": f"Deltagare {n}",
                    "attendee_organisation": "Bench AB",
                }
                for n, (order_id, secret) in enumerate(zip(order_ids, secret_list, strict=True))
            ],
        )
        db.session.commit()
        tokens = [checkin_setup.create_station(event, f"Entré {n + 1}")[1] for n in range(STATIONS)]
        db.session.remove()
    return secret_list, tokens


def count_checkins(app) -> tuple[int, int]:
    """Check-in rows, and tickets checked in (the same when each is in once)."""
    from sqlalchemy import distinct, func, select

    from summit.extensions import db
    from summit.models import Checkin

    with app.app_context():
        rows, tickets = db.session.execute(
            select(func.count(), func.count(distinct(Checkin.ticket_id)))
        ).one()
        db.session.remove()
    return rows, tickets


class RedisOutage:
    """A redis-server of the bench's own for the rate limits, stopped `after` seconds
    into a phase: killed (connections refused at once), or with `hang` stopped by
    SIGSTOP (connections accepted, never answered: each wait is REDIS_TIMEOUT)."""

    def __init__(self, tmp: str, after: float | None, hang: bool):
        sys.path.insert(0, str(ROOT))
        from tests.redis_server import RedisServer

        self.server = RedisServer(Path(tmp))
        self.server.start()
        self.url, self.after, self.hang = self.server.url, after, hang
        self.at: float | None = None  # perf_counter() when it was stopped
        self.timer: threading.Timer | None = None

    def arm(self) -> None:
        """Counts the limiter's keys in Redis (it is in use), and starts the clock."""
        import redis

        with redis.Redis.from_url(self.url) as client:
            self.keys_before = client.dbsize()
        if self.after is not None:
            self.timer = threading.Timer(self.after, self._stop)
            self.timer.start()

    def _stop(self) -> None:
        self.server.process.send_signal(signal.SIGSTOP if self.hang else signal.SIGKILL)
        self.at = time.perf_counter()
        how = "hung (SIGSTOP)" if self.hang else "killed"
        print(f"redis-server {how} {self.after} s into the phase", flush=True)

    def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.server.stop()

    def around(self, scans: list[tuple[float, float, str | None]]) -> dict:
        """The scans (of the phases from the outage's on) answered before Redis stopped,
        in flight when it stopped, sent after it, and sent in its first second: how long
        they took, and how many took REDIS_TIMEOUT or longer."""
        if self.at is None:
            return {"outage": None}
        at = self.at
        windows = {
            "before": lambda sent, took: sent + took < at,
            "in_flight": lambda sent, took: sent < at <= sent + took,
            "after": lambda sent, took: sent >= at,
            "first_second": lambda sent, took: at <= sent < at + 1.0,
        }
        figures: dict = {
            "outage": "hang" if self.hang else "kill",
            "after_s": self.after,
            "keys_before": self.keys_before,
        }
        for name, inside in windows.items():
            chosen = [(took, error) for sent, took, error in scans if inside(sent, took)]
            took = [t for t, _ in chosen]
            figures[name] = {
                "scans": len(took),
                **percentiles(took),
                "max_ms": round(max(took, default=0.0) * 1000, 1),
                "over_timeout": sum(t >= REDIS_TIMEOUT for t in took),
                "errors": sum(1 for _, error in chosen if error),
            }
        return figures


class Door:
    """One client thread: a station's token and a keep-alive connection."""

    def __init__(self, port: int, token: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept-Language": "sv",
        }

    def scan(self, secret: str) -> tuple[float, str]:
        body = json.dumps({"secret": secret, "nonce": secrets.token_hex(8)})
        started = time.perf_counter()
        try:
            self.connection.request("POST", API, body=body, headers=self.headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            return time.perf_counter() - started, f"error: transport: {error!r}"
        took = time.perf_counter() - started
        if response.status >= 500:
            return took, f"error: 5xx: HTTP {response.status}"
        if response.status != 200:
            return took, f"error: HTTP {response.status}"
        return took, json.loads(data)["reason"] or "ok"

    def close(self) -> None:
        self.connection.close()


def phase(port: int, tokens: list[str], codes: list[str], concurrency: int, seconds: float):
    """The scans' figures, and each scan's (moment it was sent, seconds, error or None)."""
    reasons: Counter = Counter()
    latencies: list[float] = []
    scans: list[tuple[float, float, str | None]] = []
    errors: list[str] = []
    lock = threading.Lock()
    queue = iter(codes)
    deadline = time.monotonic() + seconds

    def client(token: str) -> None:
        door = Door(port, token)
        try:
            while time.monotonic() < deadline:
                with lock:
                    code = next(queue, None)
                if code is None:
                    return
                sent = time.perf_counter()
                took, reason = door.scan(code)
                failed = reason if reason.startswith("error") else None
                with lock:
                    latencies.append(took)
                    scans.append((sent, took, failed))
                    reasons[reason.split(":")[0]] += 1
                    if failed:
                        errors.append(reason)
        finally:
            door.close()

    threads = [threading.Thread(target=client, args=(tokens[n],)) for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    for error in errors[:5]:
        print(error, file=sys.stderr)
    figures = {
        "scans_per_s": round(len(latencies) / wall, 1),
        **percentiles(latencies),
        "max_ms": round(max(latencies, default=0.0) * 1000, 1),
        "reasons": dict(sorted(reasons.items())),
        "scans": len(latencies),
        "errors": len(errors),
        "http_5xx": sum(error.startswith("error: 5xx") for error in errors),
        "transport_errors": sum(error.startswith("error: transport") for error in errors),
    }
    return figures, scans


def count_queries(app, token: str, secrets_: dict[str, str]) -> dict[str, int]:
    """SQL statements of one scan of each kind, in-process (BEGIN not counted)."""
    from ticket_rush import QueryCounter

    from summit.extensions import db

    counter = QueryCounter(app)
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    client.post(API, json={"secret": "warm"}, headers=auth)  # the station, cached after
    counts = {}
    for kind, secret in secrets_.items():
        counter.statements = 0
        response = client.post(API, json={"secret": secret}, headers=auth)
        if response.status_code != 200:
            sys.exit(f"the in-process {kind} scan answered {response.status_code}")
        counts[kind] = counter.statements
    with app.app_context():
        db.engine.dispose()
    return counts


@contextlib.contextmanager
def sqlite_database(tmp: str):
    yield f"sqlite:///{tmp}/bench.db"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=TICKETS)
    parser.add_argument("--unknown", type=int, default=UNKNOWN)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite database")
    parser.add_argument(
        "--redis", action="store_true", help="rate limits in a redis-server of the bench's own"
    )
    parser.add_argument(
        "--stop-redis-after",
        type=float,
        metavar="SECONDS",
        help=f"kill that Redis this long into {OUTAGE_PHASE} (implies --redis)",
    )
    parser.add_argument(
        "--hang-redis",
        action="store_true",
        help="stop it with SIGSTOP instead (it accepts connections and never answers)",
    )
    args = parser.parse_args()
    if args.hang_redis and args.stop_redis_after is None:
        parser.error("--hang-redis needs --stop-redis-after")

    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="summit-bench-"))
        url = stack.enter_context(sqlite_database(tmp) if args.sqlite else database())
        port = free_port()
        env = {
            **os.environ,
            "FLASK_APP": "wsgi.py",
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "BASE_URL": f"http://127.0.0.1:{port}",
            "CHECKIN_RATE_LIMIT": RATE_LIMIT,
        }
        outage = None
        if args.redis or args.stop_redis_after is not None:
            outage = RedisOutage(tmp, args.stop_redis_after, args.hang_redis)
            stack.callback(outage.close)
            env.pop("RATELIMIT_STORAGE_URI", None)
            env["REDIS_URL"] = outage.url
            print(f"rate limits in {outage.url} (REDIS_TIMEOUT {REDIS_TIMEOUT} s)", flush=True)
        flask(env, "db", "upgrade")
        app = in_process_app(env, "CHECKIN_RATE_LIMIT")
        warm = 50
        secret_list, tokens = prepare(app, 2 * args.tickets + warm + 3)
        first_c1 = secret_list[: args.tickets]
        first_c8 = secret_list[args.tickets : 2 * args.tickets]
        warm_up = secret_list[2 * args.tickets : 2 * args.tickets + warm]
        probes = secret_list[2 * args.tickets + warm :]
        unknown = [secrets.token_urlsafe(24) for _ in range(args.unknown)]
        database_name = "sqlite" if args.sqlite else "postgresql"
        print(f"database ready: {url.split('@')[-1]} ({len(secret_list)} paid tickets)")
        print(f"CHECKIN_RATE_LIMIT raised to {RATE_LIMIT!r} for the bench", flush=True)

        log = Path(tmp) / "gunicorn.log"
        phases: dict[str, dict] = {}
        scans: dict[str, list] = {}
        with serving(env, port, log) as server:
            # Each worker's first scans compile and prepare the statements; a real door is
            # warm too. These check-ins are not timed.
            phase(port, tokens, warm_up, STATIONS, args.seconds)
            meter = CpuMeter(app, server.pid)
            meter.start()
            for name, codes, concurrency in (
                ("first_c1", first_c1, 1),
                ("first_c8", first_c8, 8),
                ("repeat_c8", first_c8, 8),
                ("unknown_c8", unknown, 8),
            ):
                if outage and name == OUTAGE_PHASE:
                    outage.arm()
                phases[name], scans[name] = phase(port, tokens, codes, concurrency, args.seconds)
                print(f"{name:>10}: {phases[name]}", flush=True)
            cpu = meter.stop()
        print(f"CPU seconds during the phases ({os.cpu_count()} cores): {cpu}")

        redis = None
        if outage:
            names = list(phases)
            since = [scan for name in names[names.index(OUTAGE_PHASE) :] for scan in scans[name]]
            redis = outage.around(since)
            logged = log.read_text()
            redis["fallback_logged"] = logged.count("Rate limit storage unreachable")
            redis["swallowed_logged"] = logged.count("Swallowing error")
            print(f"Redis around the outage: {redis}", flush=True)
        rows, tickets = count_checkins(app)
        checkins, checked_in = rows - warm, tickets - warm
        queries = count_queries(
            app,
            tokens[0],
            {"first": probes[0], "repeat": first_c1[0], "unknown": unknown[0], "garbage": "<x>"},
        )
        print(
            f"check-ins stored (after warm-up): {checkins} of {checked_in} tickets; "
            f"statements per scan: {queries}"
        )

    figures = {
        "phases": phases,
        "database": database_name,
        "checkins": checkins,
        "tickets_checked_in": checked_in,
        "queries": queries,
        "cpu_s": cpu,
        "rate_limit": RATE_LIMIT,
        "redis": redis,
    }
    print(json.dumps(figures))
    first_scans = phases["first_c1"]["scans"] + phases["first_c8"]["scans"]
    failed = (
        any(p["errors"] for p in phases.values())
        or phases["first_c1"]["reasons"].get("ok") != phases["first_c1"]["scans"]
        or phases["first_c8"]["reasons"].get("ok") != phases["first_c8"]["scans"]
        or not checkins == checked_in == first_scans
    )
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
