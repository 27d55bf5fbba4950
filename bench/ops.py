"""What the machines ask: a load balancer's /healthz and Prometheus's /metrics scrape,
served by gunicorn.

Starts what it needs: a PostgreSQL database (DATABASE_URL if set, otherwise a fresh
temporary one on the local server, dropped afterwards; --sqlite for a temporary SQLite
file instead), migrated, with the check-in bench's event (bench/checkin.py: TICKETS paid
tickets written directly as rows, 8 stations), a quarter of the tickets checked in and
outbox mails sent, waiting and failed, so the figures /metrics reads from the database
have rows to count (then ANALYZE on PostgreSQL, as autovacuum would); and gunicorn
with 2 workers on a free port of 127.0.0.1 (gunicorn.conf.py's gthread workers, each
writing its request counts to PROMETHEUS_MULTIPROC_DIR, here a temporary directory,
which a scrape sums).

Each target is warmed up, then requested, bounded in count and time (SECONDS), traffic
only to 127.0.0.1, each client thread on its own keep-alive connection:

    healthz     HEALTHZ_REQUESTS GET /healthz one at a time, as a load balancer asks
    healthz_c4  the same from 4 threads at once (reported; no target)
    metrics     SCRAPES GET /metrics one at a time, as Prometheus scrapes a target

One scrape is read back (summit_figures_up 1, the tickets sold and check-ins as
written), and the SQL statements of one scrape are counted in-process. --profile prints
where in-process scrapes spend their time (cProfile, to standard error).

    .venv/bin/python bench/ops.py [--tickets 2000 --requests 2000 --scrapes 200 --sqlite]

The last line of output is one JSON object:
{"healthz": {"requests_per_s", "p50_ms", "p95_ms", "p99_ms", "requests", "errors",
 "bytes"}, "healthz_c4": {...}, "metrics": {...}, "metrics_queries", "metrics_checkouts", "tickets",
 "checkins", "outbox", "database", "cpu_s", "targets_p95_ms", "missed"}
It exits non-zero on any failed request or answer other than 200, if the scrape does
not give the figures written, or if a target is missed: /healthz p95 under
HEALTHZ_P95_MS, /metrics p95 under METRICS_P95_MS.
"""

import argparse
import json
import os
import secrets
import sys
import tempfile
import urllib.request
from datetime import timedelta
from pathlib import Path

from checkin import prepare, sqlite_database
from pages import free_port, in_process_app, run_load, serving
from ticket_rush import CpuMeter, QueryCounter, database, flask

TICKETS = 2000
HEALTHZ_REQUESTS = 2000
SCRAPES = 200
SECONDS = 30.0
WARM_UP = 16
HEALTHZ_P95_MS = 5.0
METRICS_P95_MS = 50.0
MAILS = {"sent": 400, "pending": 25, "failed": 5}


def add_figures(app) -> tuple[int, dict[str, int]]:
    """A quarter of the tickets checked in, spread over the stations, and the outbox's
    mails: (check-ins, mails by status)."""
    from sqlalchemy import insert, select, text

    from summit.extensions import db
    from summit.models import Checkin, MessageStatus, OutboxMessage, Station, Ticket, utcnow

    with app.app_context():
        stations = db.session.execute(select(Station.id, Station.checkin_list_id)).all()
        tickets = db.session.scalars(select(Ticket.id).order_by(Ticket.id)).all()
        checked_in = tickets[: len(tickets) // 4]
        now = utcnow()
        db.session.execute(
            insert(Checkin),
            [
                {
                    "ticket_id": ticket_id,
                    "station_id": stations[n % len(stations)].id,
                    "checkin_list_id": stations[n % len(stations)].checkin_list_id,
                    "nonce": f"bench-{n}",
                    "created_at": now - timedelta(seconds=n),
                }
                for n, ticket_id in enumerate(checked_in)
            ],
        )
        db.session.execute(
            insert(OutboxMessage),
            [
                {
                    "to_address": f"deltagare{n}@example.org",
                    "subject": "Din biljett",
                    "body_text": "Hej!",
                    "status": MessageStatus(status),
                    "created_at": now - timedelta(minutes=n),
                    "sent_at": now if status == "sent" else None,
                }
                for status, count in MAILS.items()
                for n in range(count)
            ],
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # The planner's statistics as autovacuum keeps them on a running database:
            # without them, just after the bulk insert, it joins 20,000 tickets by
            # nested loops (49 ms a scrape instead of 11 ms).
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        db.session.remove()
    return len(checked_in), MAILS


def read_scrape(port: int, tickets: int, checkins: int) -> list[str]:
    """What one scrape says is wrong with the figures written (nothing: [])."""
    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    found: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[sample.name] = found.get(sample.name, 0.0) + sample.value
    wrong = []
    for name, expected in (
        ("summit_figures_up", 1),
        ("summit_tickets_sold", tickets),
        ("summit_checkins", checkins),
        ("summit_outbox_messages", sum(MAILS.values())),
    ):
        if found.get(name) != expected:
            wrong.append(f"{name} is {found.get(name)}, written {expected}")
    if not found.get("summit_http_requests_total"):
        wrong.append("no summit_http_requests_total: the processes' counts are not summed")
    return wrong


def count_queries(app) -> dict[str, int]:
    """SQL statements and connection checkouts of one scrape, after one warm-up."""
    from summit.extensions import db

    counter = QueryCounter(app)
    client = app.test_client()
    client.get("/metrics")
    response, counts = counter.measure(client, "GET", "/metrics")
    if response.status_code != 200:
        sys.exit(f"the in-process scrape answered {response.status_code}")
    with app.app_context():
        db.engine.dispose()
    return counts


def profile(app, scrapes: int) -> None:
    """cProfile over in-process scrapes, the functions that took longest first."""
    import cProfile
    import pstats

    client = app.test_client()
    client.get("/metrics")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(scrapes):
        client.get("/metrics")
    profiler.disable()
    print(f"cProfile of {scrapes} in-process scrapes:", file=sys.stderr)
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=TICKETS)
    parser.add_argument("--requests", type=int, default=HEALTHZ_REQUESTS, help="of /healthz")
    parser.add_argument("--scrapes", type=int, default=SCRAPES)
    parser.add_argument("--seconds", type=float, default=SECONDS, help="at most, a target")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite database")
    parser.add_argument("--profile", action="store_true", help="cProfile in-process scrapes")
    args = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="summit-bench-") as tmp,
        sqlite_database(tmp) if args.sqlite else database() as url,
    ):
        port = free_port()
        metrics_dir = Path(tmp) / "metrics"
        env = {
            **os.environ,
            "FLASK_APP": "wsgi.py",
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "BASE_URL": f"http://127.0.0.1:{port}",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        }
        flask(env, "db", "upgrade")
        app = in_process_app(env)
        prepare(app, args.tickets)
        checkins, outbox = add_figures(app)
        database_name = "sqlite" if args.sqlite else "postgresql"
        print(
            f"database ready: {url.split('@')[-1]} ({args.tickets} paid tickets, "
            f"{checkins} checked in, mails {outbox})",
            flush=True,
        )

        figures: dict[str, dict] = {}
        with serving(env, port, Path(tmp) / "gunicorn.log") as server:
            for path in ("/healthz", "/metrics"):  # each worker's first answers
                run_load(port, path, WARM_UP, args.seconds, 2)
            meter = CpuMeter(app, server.pid)
            meter.start()
            for name, path, requests, clients in (
                ("healthz", "/healthz", args.requests, 1),
                ("healthz_c4", "/healthz", args.requests, 4),
                ("metrics", "/metrics", args.scrapes, 1),
            ):
                figures[name] = run_load(port, path, requests, args.seconds, clients)
                print(f"{path} ({clients} at a time): {figures[name]}", flush=True)
            cpu = meter.stop()
            wrong = read_scrape(port, args.tickets, checkins)
        print(f"CPU seconds during the runs ({os.cpu_count()} cores): {cpu}")
        for problem in wrong:
            print(f"scrape: {problem}", file=sys.stderr)

        queries = count_queries(app)
        print(f"per scrape, in-process: {queries}")
        if args.profile:
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)  # the workers' files
            profile(app, args.scrapes)

    targets = {"healthz": HEALTHZ_P95_MS, "metrics": METRICS_P95_MS}  # p95, ms
    missed = [name for name, p95 in targets.items() if figures[name]["p95_ms"] >= p95]
    for name in missed:
        print(
            f"missed: {name} p95 {figures[name]['p95_ms']} ms, target under {targets[name]} ms "
            f"(other programs took {cpu['other']} CPU s meanwhile)",
            file=sys.stderr,
        )
    result = {
        **figures,
        "metrics_queries": queries["queries"],
        "metrics_checkouts": queries["checkouts"],
        "tickets": args.tickets,
        "checkins": checkins,
        "outbox": outbox,
        "database": database_name,
        "cpu_s": cpu,
        "targets_p95_ms": targets,
        "missed": missed,
    }
    print(json.dumps(result))
    failed = any(f["errors"] or not f["requests"] for f in figures.values())
    if failed or wrong or missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
