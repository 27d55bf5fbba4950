"""The figures of one event, counted from its own data as the sales figures are.

Registered: a valid ticket in a confirmed order (paid, invoiced or free). Attended: a
registered ticket with at least one check-in that was not undone. A no-show: registered,
the event begun, never checked in. A day of a check-in is its list's day, or for a list
of the whole event the day it happened, in the event's time zone.

Each query is one aggregate or one row per registered ticket (2,000 for the summit), so
the report costs a handful of queries however large the event (bench/report.py).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, distinct, func, select

from ...extensions import db
from ...models import (
    Checkin,
    CheckinList,
    Event,
    Order,
    OrderStatus,
    ProgramSession,
    Ticket,
    TicketStatus,
    TicketType,
    WorkshopSignup,
)
from ..tickets.answers import find_question

# The registration question whose answer is a person's sector (issue 16's demo asks it).
SECTOR_KEY = "sektor"


@dataclass(frozen=True)
class Attendee:
    """What the report needs of one registered ticket. No name: figures only."""

    ticket_id: int
    ticket_type_id: int
    sector: str  # the answer's key; "" when not answered
    organisation: str
    registered_on: date  # in the event's time zone
    days: frozenset[date]  # the days checked in

    @property
    def attended(self) -> bool:
        return bool(self.days)


@dataclass
class EventFigures:
    event: Event
    attendees: list[Attendee]
    types: dict[int, TicketType]
    sector_question: object | None  # models.Question, or None when the event asks none
    # For each day of the event, the ticket types its lists admit (None: every type).
    day_types: dict[date, set[int] | None] = field(default_factory=dict)

    @property
    def registered(self) -> int:
        return len(self.attendees)

    @property
    def attended(self) -> int:
        return sum(a.attended for a in self.attendees)


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


def event_figures(event: Event) -> EventFigures:
    """The event's registered tickets with their sector, organisation, day of
    registration and days checked in: four queries."""
    tz = event.tz
    rows = db.session.execute(
        select(
            Ticket.id,
            Ticket.order_id,
            Ticket.ticket_type_id,
            case(
                (Ticket.attendee_organisation != "", Ticket.attendee_organisation),
                else_=Order.buyer_organisation,
            ),
            func.coalesce(Order.confirmed_at, Order.created_at),
        )
        .join(Order, Order.id == Ticket.order_id)
        .where(*registered_tickets(event))
        .order_by(Ticket.id)
    ).all()
    question = find_question(event, SECTOR_KEY)
    sectors = _sectors(question, event) if question is not None else {}
    days: dict[int, set[date]] = defaultdict(set)
    for ticket_id, list_day, at in db.session.execute(
        select(Checkin.ticket_id, CheckinList.day, Checkin.created_at)
        .join(CheckinList, CheckinList.id == Checkin.checkin_list_id)
        .where(CheckinList.event_id == event.id, Checkin.undone_at.is_(None))
    ):
        days[ticket_id].add(list_day or _local_day(at, tz))
    attendees = [
        Attendee(
            ticket_id=ticket_id,
            ticket_type_id=type_id,
            sector=sectors.get(ticket_id, sectors.get((order_id, None), "")),
            organisation=" ".join((organisation or "").split()),
            registered_on=_local_day(registered_at, tz),
            days=frozenset(days.get(ticket_id, ())),
        )
        for ticket_id, order_id, type_id, organisation, registered_at in rows
    ]
    types = {
        t.id: t
        for t in db.session.scalars(select(TicketType).where(TicketType.event_id == event.id))
    }
    return EventFigures(event, attendees, types, question, _day_types(event))


def _local_day(moment: datetime, tz) -> date:
    return moment.astimezone(tz).date()


def _sectors(question, event: Event) -> dict:
    """{ticket id: key} for attendee answers, {(order id, None): key} for order answers."""
    from ...models import Answer

    found = {}
    for order_id, ticket_id, value in db.session.execute(
        select(Answer.order_id, Answer.ticket_id, Answer.value)
        .join(Order, Order.id == Answer.order_id)
        .where(Answer.question_id == question.id, Order.event_id == event.id)
    ):
        found[ticket_id if ticket_id is not None else (order_id, None)] = value
    return found


def _day_types(event: Event) -> dict[date, set[int] | None]:
    """Which ticket types each day's check-in lists admit; a day without a list of its
    own is open to every type, as is a day with a list for all types."""
    admitted: dict[date, set[int] | None] = {}
    lists = db.session.scalars(
        select(CheckinList).where(
            CheckinList.event_id == event.id,
            CheckinList.day.is_not(None),
            CheckinList.session_id.is_(None),
        )
    ).all()
    for checkin_list in lists:
        types = {t.id for t in checkin_list.ticket_types}
        if not types or admitted.get(checkin_list.day, set()) is None:
            admitted[checkin_list.day] = None
        else:
            admitted[checkin_list.day] = admitted.get(checkin_list.day, set()) | types
    return admitted


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
        select(
            func.count(this.c.email),
            func.count(case((this.c.email.in_(earlier), 1))),
        )
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


def sales_by_day(figures: EventFigures) -> list[tuple[date, int]]:
    """Registrations per day (the day the order was confirmed), in order of days."""
    return sorted(Counter(a.registered_on for a in figures.attendees).items())
