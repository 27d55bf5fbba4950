"""What the impact report's tests share: last year's summit and this year's with
people registered over two ticket types, their answers to "sektor", check-ins on day 1
and day 2, and tickets that must not count."""

from datetime import datetime

from summit.extensions import db as _db
from summit.models import (
    Answer,
    AnswerKind,
    Checkin,
    CheckinList,
    OrderStatus,
    Question,
    QuestionScope,
    TicketStatus,
)
from tests.checkin_world import ticket, ticket_type
from tests.conftest import STOCKHOLM

SECTORS = [
    {"key": "offentlig", "sv": "Offentlig sektor", "en": "Public sector"},
    {"key": "ideburen", "sv": "Idéburen sektor", "en": "Civil society"},
    {"key": "akademi", "sv": "Akademi", "en": "Academia"},
]
AFTER = datetime(2027, 5, 21, 12, 0, tzinfo=STOCKHOLM)  # the day after the summit


def sector_question(event) -> Question:
    question = Question(
        event=event,
        key="sektor",
        kind=AnswerKind.CHOICE,
        scope=QuestionScope.ATTENDEE,
        label_sv="Sektor",
        label_en="Sector",
        choices=SECTORS,
    )
    _db.session.add(question)
    _db.session.commit()
    return question


def answer(question, made, value) -> None:
    _db.session.add(Answer(question=question, order=made.order, ticket=made, value=value))
    _db.session.commit()


def check_in(made, checkin_list) -> Checkin:
    row = Checkin(ticket=made, checkin_list=checkin_list)
    _db.session.add(row)
    _db.session.commit()
    return row


def build(make_event):
    """Last year's summit (three people, one of them back this year) and this year's:
    seven registered over two ticket types, answers to "sektor", check-ins on day 1 and
    day 2, and tickets that must not count (cancelled, unpaid)."""
    then = make_event(slug="summit2026", starts_at=datetime(2026, 5, 19, 9, tzinfo=STOCKHOLM))
    last_type = ticket_type(then)
    for n in range(3):
        ticket(then, last_type, email=f"old{n}@example.org", organisation="Region Skåne")

    event = make_event(slug="summit2027")
    regular = ticket_type(event, "Ordinarie", position=0)
    day_one = ticket_type(event, "Förkonferens", position=1)
    question = sector_question(event)
    day1 = CheckinList(event=event, name="Dag 1", day=datetime(2027, 5, 18).date())
    day2 = CheckinList(event=event, name="Dag 2", day=datetime(2027, 5, 19).date())
    day2.ticket_types = [regular]
    _db.session.add_all([day1, day2])
    _db.session.commit()

    people = [
        # (type, organisation, sector, checked in on)
        (regular, "Malmö stad", "offentlig", [day1, day2]),
        (regular, "malmö  stad", "offentlig", [day1]),
        (regular, "Coompanion", "ideburen", [day2]),
        (regular, "Lunds universitet", "akademi", []),
        (regular, "", "", []),
        (day_one, "Malmö stad", "offentlig", [day1]),
        (day_one, "Ängby fritidsgård", "ideburen", []),
    ]
    tickets = []
    for n, (of_type, organisation, sector, lists) in enumerate(people):
        # The fourth person came last year too (the same address in other case).
        email = "OLD1@example.org" if n == 3 else f"new{n}@example.org"
        made = ticket(event, of_type, email=email, organisation=organisation)
        if sector:
            answer(question, made, sector)
        for checkin_list in lists:
            check_in(made, checkin_list)
        tickets.append(made)
    # Not registered: a cancelled ticket and an unpaid order, both checked in anyway.
    cancelled = ticket(event, regular, ticket_status=TicketStatus.CANCELLED)
    check_in(cancelled, day1)
    ticket(event, regular, status=OrderStatus.RESERVED)
    # An undone check-in does not count.
    undone = check_in(tickets[3], day1)
    undone.undone_at = undone.created_at
    _db.session.commit()
    return event, then, tickets
