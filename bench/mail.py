"""Mail at scale: a group mail to every attendee and their confirmation mails with PDF
tickets, delivered by two `flask worker` processes to a local SMTP server.

Starts what it needs: a PostgreSQL database (DATABASE_URL if set, otherwise a fresh
temporary one on the local server, dropped afterwards), migrated, with one event and
ATTENDEES paid orders of one ticket each written directly as rows; an aiosmtpd server
on a free port of 127.0.0.1 in this process that counts what each address receives;
and two `flask worker` processes (real subprocesses, the default poll interval unless
--interval) pointed at it. Nothing leaves 127.0.0.1.

Phases, each bounded in time (SECONDS):

    group     a mailing to every attendee is sent (as the organizer's Skicka nu): the
              workers put it in the outbox and deliver it
    tickets   the ATTENDEES confirmation mails (order_mail.order_confirmed: the ticket
              PDF, rendered by the worker when it sends, and a link to the receipt) are
              queued at once, as after a sale, and delivered
    trickle   TRICKLE single messages queued one every 0.2 s while the workers poll:
              how long one waits when nothing is queued before it

While it runs, a sampler reads the age of the oldest unsent outbox message every
0.2 s. The bound it is held to is the poll interval plus the time the workers need to
send what was queued before it (for a burst, the burst; for the trickle, one mail).

    .venv/bin/python bench/mail.py [--attendees 2000] [--interval 2] [--ticket-mails N]

The last line of output is one JSON object:
{"group_mails_per_s", "ticket_mails_per_s", "duplicates", "lost", "attendees",
 "phases": {"group": {"mails", "seconds", "per_s", "oldest_unsent_max_s", "bound_s"},
 "tickets": {...}, "trickle": {"mails", "latency_max_s", "latency_p50_s",
 "oldest_unsent_max_s", "bound_s"}}, "poll_interval_s", "cpu_s", "cpu_count", "load"}
duplicates: messages an address received more than once in a phase; lost: addresses
that got nothing in a phase that finished in time; unfinished: addresses still waiting
when a phase's time was up (lost is then null). It exits non-zero on any of them.
"""

import argparse
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from pages import BIN, ROOT, in_process_app
from ticket_rush import database, flask

ATTENDEES = 2000
SECONDS = 600.0
TRICKLE = 20
INTERVAL = 2.0  # flask worker's default poll interval
SLUG = "utskick2027"
FIRST = ["Åsa", "Mohammed", "Erik", "Märta", "Örjan", "Li", "Ingrid", "Sven", "Fatima", "Björn"]
LAST = ["Öberg-Lindqvist", "Ängström", "Andersson", "Nguyen", "Ståhl", "Ek", "Söderström"]


# The SMTP server ---------------------------------------------------------------------


class Counting:
    """aiosmtpd handler: counts each (phase, recipient) by the Subject's phase tag."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: Counter = Counter()
        self.arrived: dict[str, list[float]] = {}

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        subject = ""
        for line in envelope.content.split(b"\r\n"):
            if not line:
                break
            if line.lower().startswith(b"subject:"):
                subject = line[8:].decode("ascii", "replace").strip()
        phase = _phase(subject)
        now = time.monotonic()
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.counts[phase, rcpt.lower()] += 1
            self.arrived.setdefault(phase, []).append(now)
        return "250 OK"

    def of(self, phase: str) -> Counter:
        with self.lock:
            return Counter({to: n for (p, to), n in self.counts.items() if p == phase})


def _phase(subject: str) -> str:
    # Subjects: the group mail's says "Programmet" (plain ASCII, never encoded), the
    # confirmation's is encoded (Your tickets / Dina biljetter), the trickle's "Trickle".
    if "Programmet" in subject:
        return "group"
    if "Trickle" in subject:
        return "trickle"
    return "tickets"


def smtp_server():
    from aiosmtpd.controller import Controller

    sys.path.insert(0, str(ROOT))
    from tests.smtp import free_port

    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, handler


# The data ----------------------------------------------------------------------------


def prepare(app, attendees: int) -> dict:
    """The event, its ticket type and `attendees` paid orders of one ticket each."""
    from sqlalchemy import insert, select

    from summit.extensions import db
    from summit.models import (
        Event,
        EventKind,
        EventStatus,
        Order,
        OrderStatus,
        PaymentMethod,
        Ticket,
        TicketType,
        utcnow,
    )
    from summit.models.orders import new_reference, new_token

    with app.app_context():
        now = utcnow()
        start = now.replace(hour=7, minute=0, second=0, microsecond=0) + timedelta(days=30)
        event = Event(
            slug=SLUG,
            kind=EventKind.SUMMIT,
            status=EventStatus.PUBLISHED,
            published_at=now,
            name_sv="Mötesplats Social Innovation 2027",
            name_en="Social Innovation Summit 2027",
            venue_name="Malmö Live",
            venue_address="Dag Hammarskjölds torg 4, Malmö",
            starts_at=start,
            ends_at=start + timedelta(days=1, hours=9),
        )
        regular = TicketType(
            event=event, name_sv="Ordinarie", name_en="Regular", price=150000, vat_percent=25
        )
        db.session.add_all([event, regular])
        db.session.commit()
        people = [
            (f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]} {n}", f"deltagare{n}@example.org")
            for n in range(attendees)
        ]
        db.session.execute(
            insert(Order),
            [
                {
                    "event_id": event.id,
                    "token": new_token(),
                    "reference": new_reference() + f"{n:05d}",
                    "status": OrderStatus.PAID,
                    "payment_method": PaymentMethod.DEV,
                    "expires_at": now,
                    "created_at": now,
                    "paid_at": now,
                    "confirmed_at": now,
                    "locale": "en" if n % 5 == 0 else "sv",
                    "buyer_name": name,
                    "buyer_email": email,
                    "buyer_organisation": "Region Skåne",
                }
                for n, (name, email) in enumerate(people)
            ],
        )
        order_ids = db.session.scalars(
            select(Order.id).where(Order.event_id == event.id).order_by(Order.id)
        ).all()
        db.session.execute(
            insert(Ticket),
            [
                {
                    "order_id": order_id,
                    "ticket_type_id": regular.id,
                    "secret": new_token(),
                    "price": 150000,
                    "vat_percent": 25,
                    "attendee_name": name,
                    "attendee_email": email,
                    "attendee_organisation": "Region Skåne",
                }
                for order_id, (name, email) in zip(order_ids, people, strict=True)
            ],
        )
        db.session.commit()
        return {"event_id": event.id, "emails": [email for _name, email in people]}


def send_group_mail(app, event_id: int) -> None:
    from summit.extensions import db
    from summit.models import Event
    from summit.services.mailings import sending
    from summit.services.mailings.recipients import Selection

    with app.app_context():
        event = db.session.get(Event, event_id)
        mailing = sending.save_mailing(
            event,
            sending.MailingData(
                subject_sv="Programmet för {evenemang} är klart",
                subject_en="Programmet: the program of {event} is out",
                body_sv="Hej {namn}!\n\nProgrammet är klart. Din beställning: {orderlänk}",
                body_en="Hello {name}!\n\nThe program is out. Your order: {order_link}",
                selection=Selection(attendees=True),
            ),
        )
        sending.send(mailing)
        db.session.remove()


def queue_confirmations(app, event_id: int, count: int) -> float:
    """The first `count` orders' confirmations in the outbox, in one commit; seconds it
    took."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from summit.database import unit_of_work
    from summit.extensions import db
    from summit.models import Order
    from summit.services.tickets import order_mail

    started = time.perf_counter()
    with app.app_context():
        orders = db.session.scalars(
            select(Order)
            .where(Order.event_id == event_id)
            .options(selectinload(Order.tickets), selectinload(Order.event))
            .order_by(Order.id)
            .limit(count)
        ).all()
        with unit_of_work():
            for order in orders:
                order_mail.order_confirmed(order)
        db.session.remove()
    return time.perf_counter() - started


def queue_trickle(app, emails: list[str], spacing: float = 0.2) -> None:
    from summit.database import unit_of_work
    from summit.extensions import db
    from summit.models import OutboxMessage

    with app.app_context():
        for n, email in enumerate(emails):
            with unit_of_work():
                db.session.add(
                    OutboxMessage(to_address=email, subject=f"Trickle {n}", body_text="Hej!")
                )
            db.session.remove()
            time.sleep(spacing)


# Watching ----------------------------------------------------------------------------


class OldestUnsent:
    """Samples the age of the oldest pending outbox message every `every` seconds."""

    def __init__(self, app, every: float = 0.2):
        self.app, self.every = app, every
        self.samples: list[tuple[float, float]] = []  # (monotonic time, age in seconds)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from sqlalchemy import text

        from summit.extensions import db

        with self.app.app_context():
            while not self._stop.is_set():
                age = db.session.scalar(
                    text(
                        "SELECT EXTRACT(EPOCH FROM now() - min(created_at)) "
                        "FROM outbox_messages WHERE status = 'pending'"
                    )
                )
                db.session.remove()
                self.samples.append((time.monotonic(), float(age or 0.0)))
                self._stop.wait(self.every)

    def start(self) -> "OldestUnsent":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def max_between(self, start: float, end: float) -> float:
        return round(max((a for t, a in self.samples if start <= t <= end), default=0.0), 2)


def wait_for(handler: Counting, phase: str, expected: int, seconds: float) -> float:
    """Until `expected` addresses got the phase's mail (or the time is up): seconds from
    now until the last of them arrived."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if len(handler.of(phase)) >= expected:
            break
        time.sleep(0.05)
    arrived = handler.arrived.get(phase, [])
    return (max(arrived) if arrived else time.monotonic()) - started


def start_workers(env: dict, interval: float, log_dir: Path) -> list[subprocess.Popen]:
    workers = []
    for n in range(2):
        with (log_dir / f"worker{n}.log").open("w") as log:
            workers.append(
                subprocess.Popen(
                    [str(BIN / "flask"), "worker", "--interval", str(interval)],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    return workers


def stop_workers(workers: list[subprocess.Popen], log_dir: Path) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
    for log in sorted(log_dir.glob("worker*.log")):
        errors = [line for line in log.read_text().splitlines() if "ERROR" in line]
        for line in errors[:5]:
            print(f"{log.name}: {line}", file=sys.stderr)


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attendees", type=int, default=ATTENDEES)
    parser.add_argument("--interval", type=float, default=INTERVAL)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument(
        "--ticket-mails", type=int, default=None, help="confirmations to send (all: default)"
    )
    parser.add_argument("--skip", default="", help="phases to leave out, e.g. tickets")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    # Stopped from outside: still stop the workers and drop the database (the finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    controller, handler = smtp_server()
    with tempfile.TemporaryDirectory(prefix="summit-bench-") as tmp, database() as url:
        env = {
            **os.environ,
            "FLASK_APP": "wsgi.py",
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "BASE_URL": "https://summit.example.org",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(controller.port),
            "SMTP_STARTTLS": "0",
            "SMTP_SSL": "0",
            "LOG_LEVEL": "WARNING",
        }
        flask(env, "db", "upgrade")
        app = in_process_app(env)
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's every command
        made = prepare(app, args.attendees)
        emails = made["emails"]
        print(f"database ready: {url.split('@')[-1]}; {len(emails)} attendees", flush=True)

        workers = start_workers(env, args.interval, Path(tmp))
        sampler = OldestUnsent(app).start()
        cpu_before = sum(_cpu(w.pid) for w in workers)
        phases = {}
        try:
            time.sleep(3)  # the workers' start (imports, the PDF renderer warmed)
            if "group" not in skip:
                start = time.monotonic()
                send_group_mail(app, made["event_id"])
                took = wait_for(handler, "group", len(emails), args.seconds)
                phases["group"] = _burst(handler, "group", emails, took, sampler, start, args)
                print(f"group: {phases['group']}", flush=True)
            if "tickets" not in skip:
                start = time.monotonic()
                confirmed = emails[: args.ticket_mails or len(emails)]
                queued_in = queue_confirmations(app, made["event_id"], len(confirmed))
                took = wait_for(handler, "tickets", len(confirmed), args.seconds)
                burst = _burst(handler, "tickets", confirmed, took, sampler, start, args)
                phases["tickets"] = burst
                phases["tickets"]["queued_in_s"] = round(queued_in, 2)
                print(f"tickets: {phases['tickets']}", flush=True)
            if "trickle" not in skip:
                time.sleep(args.interval * 2)  # idle: the workers are polling
                start = time.monotonic()
                trickle = [f"trickle{n}@example.org" for n in range(TRICKLE)]
                queue_trickle(app, trickle)
                wait_for(handler, "trickle", TRICKLE, args.seconds)
                phases["trickle"] = _trickle(app, handler, trickle, sampler, start, args)
                print(f"trickle: {phases['trickle']}", flush=True)
        finally:
            cpu = sum(_cpu(w.pid) for w in workers) - cpu_before
            sampler.stop()
            stop_workers(workers, Path(tmp))
            controller.stop()

    duplicates = sum(p["duplicates"] for p in phases.values())
    lost = sum(p["lost"] or 0 for p in phases.values())
    unfinished = sum(p.get("unfinished", 0) for p in phases.values())
    figures = {
        "group_mails_per_s": phases.get("group", {}).get("per_s"),
        "ticket_mails_per_s": phases.get("tickets", {}).get("per_s"),
        "duplicates": duplicates,
        "lost": lost,
        "unfinished": unfinished,
        "attendees": args.attendees,
        "phases": phases,
        "poll_interval_s": args.interval,
        "workers_cpu_s": round(cpu, 1),
        "cpu_count": os.cpu_count(),
        "load": [round(x, 1) for x in os.getloadavg()],
    }
    print(json.dumps(figures, ensure_ascii=False))
    if duplicates or lost or unfinished:
        sys.exit(1)


def _burst(handler, phase, emails, took, sampler, start, args) -> dict:
    got = handler.of(phase)
    missing = len(set(emails) - set(got))
    # Not there when the time was up: unfinished (still in the outbox), not lost.
    timed_out = bool(missing)
    return {
        "mails": sum(got.values()),
        "timed_out": timed_out,
        "seconds": round(took, 2),
        "per_s": round(len(got) / took, 1) if took else None,
        "duplicates": sum(n - 1 for n in got.values() if n > 1),
        "lost": None if timed_out else 0,
        "unfinished": missing,
        "oldest_unsent_max_s": sampler.max_between(start, start + took),
        "bound_s": round(args.interval + took, 2),
    }


def _trickle(app, handler, trickle, sampler, start, args) -> dict:
    from sqlalchemy import select

    from summit.extensions import db
    from summit.models import OutboxMessage

    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.created_at, OutboxMessage.sent_at).where(
                OutboxMessage.to_address.in_(trickle)
            )
        ).all()
        db.session.remove()
    latencies = sorted((sent - created).total_seconds() for created, sent in rows if sent)
    got = handler.of("trickle")
    return {
        "mails": sum(got.values()),
        "duplicates": sum(n - 1 for n in got.values() if n > 1),
        "lost": len(set(trickle) - set(got)),
        "latency_max_s": round(latencies[-1], 2) if latencies else None,
        "latency_p50_s": round(latencies[len(latencies) // 2], 2) if latencies else None,
        "oldest_unsent_max_s": sampler.max_between(start, time.monotonic()),
        "bound_s": args.interval,  # plus one mail's send time
    }


if __name__ == "__main__":
    main()
