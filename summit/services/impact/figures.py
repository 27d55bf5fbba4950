"""The figures of one event, counted by the database from its own data, as the sales
figures are.

Registered: a valid ticket in a confirmed order (paid, invoiced or free). Attended: a
registered ticket with at least one check-in that was not undone. A no-show: registered,
the event begun, never checked in. A day of a check-in is its list's day, or for a list
of the whole event the day it happened, in the event's time zone.

Every figure is a GROUP BY over the event's tickets, so the report costs the same
handful of queries, returning a few rows each, however large the event
(bench/report.py: 2,000 registered, 9,000 check-ins).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, distinct, exists, func, literal, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    Answer,
    Checkin,
    CheckinList,
    Event,
    Order,
    OrderStatus,
    ProgramSession,
    Question,
    Ticket,
    TicketStatus,
    TicketType,
    WorkshopSignup,
)
from ..tickets.answers import find_question

# The registration question whose answer is a person's sector (issue 16's demo asks it).
SECTOR_KEY = "sektor"

Counts = tuple[int, int]  # (registered, attended)


@dataclass
class EventFigures:
    """Registered and attended in all and per sector, ticket type, organisation and day,
    and registrations per day. No person: figures only."""

    event: Event
    registered: int
    attended: int
    sector_question: Question | None
    by_sector: dict[str, Counts]  # by the answer's key; "": not answered
    by_type: dict[int, Counts]
    by_organisation: dict[str, Counts]  # as written; "": none given
    attended_on: dict[date, int]  # people checked in on each day
    # For each day of the event, the ticket types its lists admit (None: every type).
    day_types: dict[date, set[int] | None]
    registered_on: list[tuple[date, int]]  # registrations per day, in order of days
    types: dict[int, TicketType] = field(default_factory=dict)


def registered_tickets(event: Event):
    """The select's conditions for the event's registered tickets."""
    return (
        Order.event_id == event.id,
        Order.status.in_(OrderStatus.CONFIRMED),
        Ticket.status == TicketStatus.VALID,
    )


def person_email():
    """The address that says who a ticket is for: the attendee's, else the buyer's."""
    return func.lower(
        case((Ticket.attendee_email != "", Ticket.attendee_email), else_=Order.buyer_email)
    )


def _visits(event: Event, day_lists: list[list[int]]):
    """A subquery of one row per ticket let in at the event (a check-in not undone):
    its id, and 1 or 0 for whether it was let in on each day of `day_lists`. One pass
    over the event's check-ins, joined to the tickets by id."""
    on_days = [
        func.max(case((Checkin.checkin_list_id.in_(ids), 1), else_=0)).label(f"day{n}")
        for n, ids in enumerate(day_lists)
    ]
    return (
        select(Checkin.ticket_id, *on_days)
        .join(CheckinList, CheckinList.id == Checkin.checkin_list_id)
        .where(CheckinList.event_id == event.id, Checkin.undone_at.is_(None))
        .group_by(Checkin.ticket_id)
        .subquery("visits")
    )


def event_figures(event: Event, days: bool = True) -> EventFigures:
    """The event's figures; without `days`, not those per day of the event (what a
    comparison with another event does not show)."""
    question = find_question(event, SECTOR_KEY)
    lists = _day_lists(event) if days else []
    day_lists: dict[date, list[int]] = {}
    for checkin_list in lists:
        day_lists.setdefault(checkin_list.day, []).append(checkin_list.id)
    by_sector: dict[str, Counts] = {}
    by_type: dict[int, Counts] = {}
    by_organisation: dict[str, Counts] = {}
    attended_on: Counter = Counter()
    for sector, type_id, organisation, registered, attended, *on_days in _grouped(
        event, question, list(day_lists.values())
    ):
        for counts, key in (
            (by_sector, sector),
            (by_type, type_id),
            (by_organisation, organisation),
        ):
            before = counts.get(key, (0, 0))
            counts[key] = (before[0] + registered, before[1] + attended)
        for day, people in zip(day_lists, on_days, strict=True):
            attended_on[day] += people
    if days:
        attended_on = _with_whole_event_lists(event, attended_on)
    return EventFigures(
        event=event,
        registered=sum(r for r, _a in by_type.values()),
        attended=sum(a for _r, a in by_type.values()),
        sector_question=question,
        by_sector=by_sector if question is not None else {},
        by_type=by_type,
        by_organisation=_fold(by_organisation),
        attended_on=dict(attended_on),
        day_types=_day_types(lists),
        registered_on=_registered_on(event),
        types={
            t.id: t
            for t in db.session.scalars(select(TicketType).where(TicketType.event_id == event.id))
        },
    )


def sector_of_ticket(question: Question | None) -> tuple:
    """The sector of a ticket as a column of a select over Ticket and Order, and the
    outer joins it needs: the attendee's own answer, else their order's (a question
    asked once per order), else ""."""
    if question is None:
        return literal(""), []
    own = Answer.__table__.alias("own")
    orders = Answer.__table__.alias("order_answer")
    joins = [
        (own, and_(own.c.question_id == question.id, own.c.ticket_id == Ticket.id)),
        (
            orders,
            and_(
                orders.c.question_id == question.id,
                orders.c.order_id == Order.id,
                orders.c.ticket_id.is_(None),
            ),
        ),
    ]
    return func.coalesce(own.c.value, orders.c.value, literal("")), joins


def _grouped(event: Event, question: Question | None, day_lists: list[list[int]]) -> list[tuple]:
    """(sector key, ticket type id, organisation, registered, attended, and checked in on
    each day of `day_lists`) for each combination among the event's registered tickets:
    one query for every breakdown. The organisation is the attendee's, else the
    buyer's."""
    organisation = case(
        (Ticket.attendee_organisation != "", Ticket.attendee_organisation),
        else_=Order.buyer_organisation,
    )
    sector, joins = sector_of_ticket(question)
    visits = _visits(event, day_lists)
    query = (
        select(
            sector,
            Ticket.ticket_type_id,
            organisation,
            func.count(),
            func.count(visits.c.ticket_id),
            *(func.sum(visits.c[f"day{n}"]) for n in range(len(day_lists))),
        )
        .select_from(Ticket)
        .join(Order, Order.id == Ticket.order_id)
        .outerjoin(visits, visits.c.ticket_id == Ticket.id)
    )
    for target, on in joins:
        query = query.outerjoin(target, on)
    rows = db.session.execute(
        query.where(*registered_tickets(event)).group_by(
            sector, Ticket.ticket_type_id, organisation
        )
    ).all()
    return [(s, t, o or "", *(int(n or 0) for n in numbers)) for s, t, o, *numbers in rows]


def _fold(counts: dict[str, Counts]) -> dict[str, Counts]:
    """Spellings that differ only in case or spaces as one organisation, named as most of
    its people wrote it."""
    folded: dict[str, list] = {}
    for name, (registered, attended) in counts.items():
        written = " ".join(name.split())
        entry = folded.setdefault(written.casefold(), [{}, 0, 0])
        entry[0][written] = entry[0].get(written, 0) + registered
        entry[1] += registered
        entry[2] += attended
    return {
        max(spellings, key=spellings.get): (registered, attended)
        for spellings, registered, attended in folded.values()
    }


def _with_whole_event_lists(event: Event, attended_on: Counter) -> Counter:
    """The day lists' figures, with those checked in on a list of the whole event counted
    on the day they came (once per list: a ticket is let in on a list once). Someone let
    in on a day's list and on the whole event's the same day is one person."""
    registered = exists().where(Ticket.id == Checkin.ticket_id, *_ticket_in_order(event))
    of_event = (CheckinList.event_id == event.id, Checkin.undone_at.is_(None), registered)
    whole_event = db.session.execute(
        select(Checkin.ticket_id, Checkin.created_at)
        .join(CheckinList, CheckinList.id == Checkin.checkin_list_id)
        .where(CheckinList.day.is_(None), CheckinList.session_id.is_(None), *of_event)
    ).all()
    if not whole_event:
        return attended_on
    tz = event.tz
    people: dict[date, set[int]] = {}
    for ticket_id, at in whole_event:
        people.setdefault(at.astimezone(tz).date(), set()).add(ticket_id)
    for ticket_id, day in db.session.execute(
        select(Checkin.ticket_id, CheckinList.day)
        .join(CheckinList, CheckinList.id == Checkin.checkin_list_id)
        .where(CheckinList.day.is_not(None), CheckinList.session_id.is_(None), *of_event)
    ):
        people.setdefault(day, set()).add(ticket_id)
    return Counter({day: len(tickets) for day, tickets in people.items()})


def _ticket_in_order(event: Event):
    return (
        Order.id == Ticket.order_id,
        *registered_tickets(event),
    )


def _day_lists(event: Event) -> list[CheckinList]:
    """The event's check-in lists of one day each (not a workshop's door)."""
    return db.session.scalars(
        select(CheckinList)
        .where(
            CheckinList.event_id == event.id,
            CheckinList.day.is_not(None),
            CheckinList.session_id.is_(None),
        )
        .options(selectinload(CheckinList.ticket_types))
    ).all()


def _day_types(lists: list[CheckinList]) -> dict[date, set[int] | None]:
    """Which ticket types each day's check-in lists admit; a day without a list of its
    own is open to every type, as is a day with a list for all types."""
    admitted: dict[date, set[int] | None] = {}
    for checkin_list in lists:
        types = {t.id for t in checkin_list.ticket_types}
        if not types or admitted.get(checkin_list.day, set()) is None:
            admitted[checkin_list.day] = None
        else:
            admitted[checkin_list.day] = admitted.get(checkin_list.day, set()) | types
    return admitted


def _registered_on(event: Event) -> list[tuple[date, int]]:
    """Registrations per day the order was confirmed, in the event's time zone: counted
    per day by PostgreSQL (AT TIME ZONE); per order, and put on its day here, on SQLite
    (which knows no time zones)."""
    confirmed = func.coalesce(Order.confirmed_at, Order.created_at)
    if db.session.get_bind().dialect.name == "postgresql":
        local_day = func.date(func.timezone(event.timezone, confirmed))
        per_day = select(local_day, func.count()).group_by(local_day).order_by(local_day)
        rows = db.session.execute(
            per_day.select_from(Ticket)
            .join(Order, Order.id == Ticket.order_id)
            .where(*registered_tickets(event))
        )
        return [(day, int(count)) for day, count in rows]
    tz = event.tz
    counted: Counter = Counter()
    for at, tickets in db.session.execute(
        select(confirmed, func.count())
        .select_from(Ticket)
        .join(Order, Order.id == Ticket.order_id)
        .where(*registered_tickets(event))
        .group_by(Order.id)
    ):
        counted[at.astimezone(tz).date()] += tickets
    return sorted(counted.items())


# Across events ------------------------------------------------------------------------


def returning_people(event: Event) -> tuple[int, int]:
    """(first time, returning): the people registered for the event (by email address,
    in any case) who had or had not a registered ticket for an earlier event."""
    this = (
        select(person_email().label("email"))
        .select_from(Ticket)
        .join(Order, Order.id == Ticket.order_id)
        .where(*registered_tickets(event))
        .distinct()
        .subquery()
    )
    earlier = (
        select(person_email())
        .select_from(Ticket)
        .join(Order, Order.id == Ticket.order_id)
        .join(Event, Event.id == Order.event_id)
        .where(
            Event.starts_at < event.starts_at,
            Event.id != event.id,
            Order.status.in_(OrderStatus.CONFIRMED),
            Ticket.status == TicketStatus.VALID,
        )
    )
    people, returning = db.session.execute(
        select(func.count(this.c.email), func.count(case((this.c.email.in_(earlier), 1))))
    ).one()
    return int(people) - int(returning), int(returning)


# Workshops ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopFill:
    session: ProgramSession
    signed_up: int
    limit: int | None
    attended: int | None  # None: the workshop's door was not scanned


def workshop_fill(event: Event) -> list[WorkshopFill]:
    """Sessions taking sign-ups: how many signed up (with a valid ticket) against the
    limit, and how many were scanned in at the workshop's own door."""
    sessions = db.session.scalars(
        select(ProgramSession)
        .where(ProgramSession.event_id == event.id, ProgramSession.takes_signups.is_(True))
        .order_by(ProgramSession.starts_at, ProgramSession.id)
    ).all()
    if not sessions:
        return []
    ids = [s.id for s in sessions]
    signed = dict(
        db.session.execute(
            select(WorkshopSignup.session_id, func.count())
            .join(Ticket, Ticket.id == WorkshopSignup.ticket_id)
            .where(
                WorkshopSignup.session_id.in_(ids),
                WorkshopSignup.cancelled_at.is_(None),
                Ticket.status == TicketStatus.VALID,
            )
            .group_by(WorkshopSignup.session_id)
        ).all()
    )
    doors = dict(
        db.session.execute(
            select(CheckinList.session_id, func.count(distinct(Checkin.ticket_id)))
            .select_from(CheckinList)
            .outerjoin(
                Checkin,
                (Checkin.checkin_list_id == CheckinList.id) & Checkin.undone_at.is_(None),
            )
            .where(CheckinList.session_id.in_(ids))
            .group_by(CheckinList.session_id)
        ).all()
    )
    return [
        WorkshopFill(s, int(signed.get(s.id, 0)), s.signup_limit, doors.get(s.id)) for s in sessions
    ]
