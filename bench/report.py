"""The impact report at the summit's size, served by gunicorn.

Starts what it needs: a PostgreSQL database (DATABASE_URL if set, otherwise a fresh
temporary one on the local server, dropped afterwards), migrated, and written directly
as rows: last year's summit (1,800 registered) and this year's, over (2,000 registered
over 3 days, each with a "sektor" answer and check-ins on the days they came, from 400
organisations), 150 program sessions of which 30 workshops with sign-ups, and what the
feedback and survey parts of the system hold where they exist (RATINGS session ratings,
SURVEY_ANSWERS survey answers); an organizer of both; gunicorn with 2 workers on a free
port of 127.0.0.1.

Then, signed in as the organizer through the login form: the report page (compared with
last year's, its default) from CONCURRENCY threads until REQUESTS are done or SECONDS are
up, after a warm-up; the .xlsx and the PDF fetched XLSX_RUNS times each (the fastest
counted, after one warm-up); and, in-process, the SQL queries one request of the page
makes and how long it takes when the report is counted afresh (the page keeps what it
counted for a minute: services/impact/recent.py).

    .venv/bin/python bench/report.py

The last line of output is one JSON object:
{"report_page": {"requests_per_s", "p50_ms", "p95_ms", "p99_ms", "requests", "errors"},
 "xlsx_seconds", "pdf_seconds", "queries", "report_counted_afresh": {"p50_ms", "p95_ms"},
 "rows": {what: how many}}
It exits non-zero on any failed request.
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
import urllib.parse
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from pages import free_port, in_process_app, run_load, serving
from ticket_rush import database, flask

ATTENDEES = 2000
LAST_YEAR = 1800
ORGANISATIONS = 400
SESSIONS = 150
WORKSHOPS = 30
RATINGS = 5000
SURVEY_ANSWERS = 1500
REQUESTS = 400
SECONDS = 60.0
CONCURRENCY = 4
XLSX_RUNS = 3
FRESH_RUNS = 20
STOCKHOLM = ZoneInfo("Europe/Stockholm")
ORGANIZER = ("arrangor@example.org", "bench-report-2027")
SECTORS = [
    ("akademi", "Akademi", "Academia"),
    ("naringsliv", "Näringsliv", "Business"),
    ("offentlig", "Offentlig sektor", "Public sector"),
    ("ideburen", "Idéburen sektor", "Civil society"),
    ("annat", "Annat", "Other"),
]
TURNOUT = (0.9, 0.8, 0.65)


# The rows ----------------------------------------------------------------------------


def fill(app) -> dict[str, int]:
    """Both summits, their people and sessions, and the organizer; what was written."""
    from sqlalchemy import text

    from summit.extensions import db
    from summit.models import Role
    from summit.services import accounts

    rng = random.Random(2027)
    with app.app_context():
        rows: dict[str, int] = {}
        last = _summit(rng, "summit2025", date(2025, 5, 20), LAST_YEAR, rows)
        this = _summit(rng, "summit2026", date(2026, 5, 19), ATTENDEES, rows)
        sessions = _sessions(rng, this, rows)
        _ratings(rng, this, sessions, rows)
        _survey(rng, this, rows)
        user = accounts.create_user(ORGANIZER[0], name="Omar Haddad", password=ORGANIZER[1])
        db.session.commit()
        for event in (last, this):
            accounts.grant_role(event, user.email, Role.ORGANIZER, None)
        # A database in use has its planner statistics (autovacuum); rows written in
        # one go have none until it runs, and the planner guesses one row a table.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return rows


def _summit(rng, slug: str, first_day: date, attendees: int, rows: dict) -> object:
    from sqlalchemy import insert, select

    from summit.extensions import db
    from summit.models import (
        Answer,
        AnswerKind,
        Checkin,
        CheckinList,
        Event,
        EventKind,
        EventStatus,
        Order,
        OrderStatus,
        PaymentMethod,
        Question,
        QuestionScope,
        Ticket,
        TicketType,
    )
    from summit.models.orders import new_reference, new_token

    start = datetime.combine(first_day, clock(9), STOCKHOLM)
    event = Event(
        slug=slug,
        kind=EventKind.SUMMIT,
        status=EventStatus.PUBLISHED,
        published_at=start - timedelta(days=200),
        name_sv=f"Social Innovation Summit {first_day.year}",
        name_en=f"Social Innovation Summit {first_day.year}",
        starts_at=start,
        ends_at=start + timedelta(days=2, hours=8),
    )
    types = [
        TicketType(event=event, name_sv=name, name_en=name, price=price, vat_percent=25, position=n)
        for n, (name, price) in enumerate(
            [("Ordinarie", 345000), ("Offentlig sektor", 295000), ("Ideell", 145000)]
        )
    ]
    sector = Question(
        event=event,
        key="sektor",
        kind=AnswerKind.CHOICE,
        scope=QuestionScope.ATTENDEE,
        label_sv="Sektor",
        label_en="Sector",
        choices=[{"key": k, "sv": sv, "en": en} for k, sv, en in SECTORS],
        required=True,
    )
    days = [
        CheckinList(event=event, name=f"Dag {n + 1}", day=first_day + timedelta(days=n))
        for n in range(3)
    ]
    db.session.add_all([event, *types, sector, *days])
    db.session.commit()

    orders = []
    for n in range(attendees):
        bought = start - timedelta(days=rng.randint(1, 120), minutes=rng.randint(0, 900))
        orders.append(
            {
                "event_id": event.id,
                "token": new_token(),
                "reference": new_reference() + f"{n:05d}",
                "status": OrderStatus.PAID,
                "payment_method": PaymentMethod.DEV,
                "expires_at": bought,
                "created_at": bought,
                "paid_at": bought,
                "confirmed_at": bought,
                "buyer_name": f"Köpare {n}",
                "buyer_email": f"person{n}@example.org",
            }
        )
    db.session.execute(insert(Order), orders)
    order_ids = db.session.scalars(
        select(Order.id).where(Order.event_id == event.id).order_by(Order.id)
    ).all()
    db.session.execute(
        insert(Ticket),
        [
            {
                "order_id": order_id,
                "ticket_type_id": rng.choice(types).id,
                "secret": new_token(),
                "price": 295000,
                "vat_percent": 25,
                # Two of three came last year too: the same address.
                "attendee_email": f"person{n}@example.org",
                "attendee_name": f"Deltagare {n}",
                "attendee_organisation": f"Organisation {rng.randrange(ORGANISATIONS)}",
            }
            for n, order_id in enumerate(order_ids)
        ],
    )
    tickets = db.session.execute(
        select(Ticket.id, Ticket.order_id)
        .join(Order, Order.id == Ticket.order_id)
        .where(Order.event_id == event.id)
        .order_by(Ticket.id)
    ).all()
    db.session.execute(
        insert(Answer),
        [
            {
                "question_id": sector.id,
                "order_id": order_id,
                "ticket_id": ticket_id,
                "value": rng.choice(SECTORS)[0],
            }
            for ticket_id, order_id in tickets
        ],
    )
    checkins = []
    for day, turnout in zip(days, TURNOUT, strict=True):
        morning = datetime.combine(day.day, clock(8, 15), STOCKHOLM)
        for ticket_id, _order_id in tickets:
            if rng.random() < turnout:
                at = morning + timedelta(minutes=rng.randint(0, 150))
                checkins.append(
                    {"ticket_id": ticket_id, "checkin_list_id": day.id, "created_at": at}
                )
    db.session.execute(insert(Checkin), checkins)
    db.session.commit()
    for what, count in (("tickets", len(tickets)), ("checkins", len(checkins))):
        rows[what] = rows.get(what, 0) + count
    return event


def _sessions(rng, event, rows: dict) -> None:
    """SESSIONS sessions over the three days, WORKSHOPS of them taking sign-ups."""
    from sqlalchemy import insert, select

    from summit.extensions import db
    from summit.models import Order, ProgramSession, Ticket, WorkshopSignup

    first = event.starts_at
    sessions = [
        ProgramSession(
            event=event,
            title=f"Programpunkt {n}",
            duration_minutes=45,
            starts_at=first + timedelta(days=n % 3, minutes=60 * (n % 8)),
            takes_signups=n < WORKSHOPS,
            signup_limit=40 if n < WORKSHOPS else None,
        )
        for n in range(SESSIONS)
    ]
    db.session.add_all(sessions)
    db.session.commit()
    ticket_ids = db.session.scalars(
        select(Ticket.id).join(Order).where(Order.event_id == event.id)
    ).all()
    signups = [
        {"session_id": s.id, "ticket_id": ticket_id}
        for s in sessions[:WORKSHOPS]
        for ticket_id in rng.sample(ticket_ids, rng.randint(20, 40))
    ]
    db.session.execute(insert(WorkshopSignup), signups)
    db.session.commit()
    rows["sessions"], rows["signups"] = len(sessions), len(signups)
    return [s.id for s in sessions]


def _ticket_ids(event) -> list[int]:
    from sqlalchemy import select

    from summit.extensions import db
    from summit.models import Order, Ticket

    return db.session.scalars(
        select(Ticket.id).join(Order).where(Order.event_id == event.id).order_by(Ticket.id)
    ).all()


def _ratings(rng, event, sessions: list[int], rows: dict) -> None:
    """RATINGS ratings 1-5, each by a different person for a session (some with words)."""
    from sqlalchemy import insert

    from summit.extensions import db
    from summit.models import SessionRating

    tickets = _ticket_ids(event)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < RATINGS:
        pairs.add((rng.choice(tickets), rng.choice(sessions)))
    db.session.execute(
        insert(SessionRating),
        [
            {
                "ticket_id": ticket_id,
                "session_id": session_id,
                "score": rng.choice([2, 3, 4, 4, 5, 5]),
                "comment": "Konkret och inspirerande." if rng.random() < 0.2 else "",
            }
            for ticket_id, session_id in sorted(pairs)
        ],
    )
    db.session.commit()
    rows["ratings"] = len(pairs)


def _survey(rng, event, rows: dict) -> None:
    """The survey sent the morning after to everyone registered, SURVEY_ANSWERS of them
    answering its four questions (a choice, a number, yes/no, free text)."""
    from sqlalchemy import insert, select

    from summit.extensions import db
    from summit.models import (
        AnswerKind,
        Survey,
        SurveyAnswer,
        SurveyQuestion,
        SurveyRecipient,
        SurveyResponse,
        SurveyStatus,
    )

    after = event.ends_at + timedelta(hours=16)
    survey = Survey(
        event=event,
        title_sv="Vad tyckte du om summit?",
        title_en="What did you think of the summit?",
        status=SurveyStatus.SENT,
        send_at=after,
        sent_at=after,
        closes_at=after + timedelta(days=7),
    )
    questions = [
        SurveyQuestion(
            survey=survey,
            key="nytta",
            kind=AnswerKind.CHOICE,
            label_sv="Hur mycket nytta hade du av dagarna?",
            choices=[{"key": k, "sv": k.capitalize(), "en": k} for k in ("stor", "viss", "liten")],
            position=0,
        ),
        SurveyQuestion(
            survey=survey, key="betyg", kind=AnswerKind.NUMBER, label_sv="Betyg 1–10", position=1
        ),
        SurveyQuestion(
            survey=survey,
            key="igen",
            kind=AnswerKind.YES_NO,
            label_sv="Kommer du nästa år?",
            position=2,
        ),
        SurveyQuestion(
            survey=survey,
            key="med_dig",
            kind=AnswerKind.LONG_TEXT,
            label_sv="Vad tar du med dig?",
            position=3,
        ),
    ]
    db.session.add_all([survey, *questions])
    db.session.commit()
    tickets = _ticket_ids(event)
    db.session.execute(
        insert(SurveyRecipient),
        [
            {"survey_id": survey.id, "email": f"person{n}@example.org", "ticket_id": ticket_id}
            for n, ticket_id in enumerate(tickets)
        ],
    )
    recipients = db.session.scalars(
        select(SurveyRecipient.id).where(SurveyRecipient.survey_id == survey.id)
    ).all()
    db.session.execute(
        insert(SurveyResponse),
        [
            {"survey_id": survey.id, "recipient_id": r}
            for r in rng.sample(recipients, SURVEY_ANSWERS)
        ],
    )
    responses = db.session.scalars(
        select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id)
    ).all()
    values = {
        "nytta": lambda: rng.choice(["stor", "stor", "viss", "liten"]),
        "betyg": lambda: str(rng.randint(5, 10)),
        "igen": lambda: rng.choice(["yes", "yes", "no"]),
        "med_dig": lambda: rng.choice(["Nya kontakter i andra sektorer.", "Mod att pröva.", ""]),
    }
    answers = [
        {"response_id": response, "question_id": q.id, "value": values[q.key]()}
        for response in responses
        for q in questions
    ]
    db.session.execute(insert(SurveyAnswer), [a for a in answers if a["value"]])
    db.session.commit()
    rows["survey_responses"] = len(responses)


# Signed in ---------------------------------------------------------------------------


def signed_in(port: int) -> dict:
    """The organizer's session: the login form's CSRF token and cookie, then its POST."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    body = urllib.parse.urlencode(
        {"email": ORGANIZER[0], "password": ORGANIZER[1], "csrf_token": token}
    )
    connection.request(
        "POST",
        "/login",
        body=body,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        sys.exit(f"signing in answered {response.status}")
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    connection.close()
    return {"Cookie": cookie, "Accept-Language": "sv"}


def fastest_download(port: int, path: str, headers: dict) -> float:
    """The fastest of XLSX_RUNS downloads of `path`, after one not counted."""
    times = []
    for run in range(XLSX_RUNS + 1):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        took = time.perf_counter() - started
        connection.close()
        if response.status != 200 or not body:
            sys.exit(f"{path} answered {response.status}")
        if run:
            times.append(took)
    return round(min(times), 3)


def counted_afresh(env: dict) -> tuple[int, dict]:
    """In-process, signed in: the SQL queries of one request of the report page counted
    afresh (after one warm-up), and the time FRESH_RUNS such requests take when nothing
    is kept (services/impact/recent.py forgotten before each): {p50_ms, p95_ms}."""
    from sqlalchemy import event

    app = in_process_app(env)
    from summit.extensions import db

    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(True)
    )[1]
    client.post(
        "/login", data={"email": ORGANIZER[0], "password": ORGANIZER[1], "csrf_token": token}
    )
    from summit.services.impact import recent

    client.get(PAGE)
    recent.forget()
    statements.clear()
    if client.get(PAGE).status_code != 200:
        sys.exit("the report page failed in-process")
    queries = sum(1 for sql in statements if not sql.lstrip().upper().startswith("BEGIN"))
    took = []
    for _ in range(FRESH_RUNS):
        recent.forget()
        started = time.perf_counter()
        client.get(PAGE)
        took.append(time.perf_counter() - started)
    cuts = statistics.quantiles(took, n=20)
    return queries, {"p50_ms": round(cuts[9] * 1000, 1), "p95_ms": round(cuts[18] * 1000, 1)}


PAGE = "/manage/events/summit2026/impact/"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="summit-bench-") as tmp, database() as url:
        env = {
            **os.environ,
            "FLASK_APP": "wsgi.py",
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "RATELIMIT_ENABLED": "false",
        }
        flask(env, "db", "upgrade")
        rows = fill(in_process_app(env))
        print(f"database ready: {url.split('@')[-1]}; {rows}", flush=True)
        port = free_port()
        with serving(env, port, Path(tmp) / "gunicorn.log"):
            headers = signed_in(port)
            page = run_load(port, PAGE, 4, 30, 1, headers)  # warm both workers up
            page = run_load(port, PAGE, REQUESTS, SECONDS, CONCURRENCY, headers)
            print(f"{PAGE}: {page}", flush=True)
            xlsx = fastest_download(port, PAGE + "report.xlsx", headers)
            pdf = fastest_download(port, PAGE + "report.pdf", headers)
        queries, fresh = counted_afresh(env)
        figures = {
            "report_page": {
                k: page[k]
                for k in ("requests_per_s", "p50_ms", "p95_ms", "p99_ms", "requests", "errors")
            },
            "xlsx_seconds": xlsx,
            "pdf_seconds": pdf,
            "queries": queries,
            "report_counted_afresh": fresh,
            "rows": rows,
            "cpu_count": os.cpu_count(),
            "load": [round(x, 1) for x in os.getloadavg()],
        }
    print(json.dumps(figures))
    if page["errors"] or not page["requests"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
