"""Last year's summit, over: its set-up copied from this year's, 180 people who bought
in the three months before it, answered "sektor" and were checked in day by day (fewer
each day), so the impact report has a finished event to show and this year's report
something to set itself against. Run again, it adds nothing."""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Checkin, CheckinList, Event, EventRole, EventStatus, Order, Role, Ticket
from ..services import accounts
from ..services.event_copy import copy_event
from .questions import answer_demo_orders
from .sales import SUMMIT_TYPES, ensure_types, sell

SLUG = "summit2026"
ATTENDEES = 180
# The share of those registered checked in on each day, of those who came at all.
TURNOUT = (0.9, 0.8, 0.65)
NO_SHOWS = 0.07


def create_demo_last_year(summit: Event) -> list[str]:
    if db.session.scalar(select(Event).where(Event.slug == SLUG)) is not None:
        return []
    rng = random.Random(2026)
    last = copy_event(
        summit,
        SLUG,
        date(2026, 5, 19),
        name_sv="Social Innovation Summit 2026",
        name_en="Social Innovation Summit 2026",
    )
    last.status, last.published_at = EventStatus.PUBLISHED, last.starts_at - timedelta(days=200)
    sell(last, ensure_types(last, SUMMIT_TYPES), ATTENDEES, rng)
    db.session.flush()
    orders = db.session.scalars(select(Order).where(Order.event_id == last.id)).all()
    for order in orders:  # bought in the three months before, not "lately"
        when = last.starts_at - timedelta(days=rng.randint(1, 90), minutes=rng.randint(0, 900))
        order.created_at = order.confirmed_at = order.paid_at = when
        order.expires_at = when + timedelta(minutes=30)
    db.session.commit()
    answer_demo_orders(last)
    _check_in(last, [t for o in orders for t in o.tickets], rng)
    db.session.commit()
    # This year's organizers organized last year's too: the report compares the two.
    for role in db.session.scalars(select(EventRole).where(EventRole.event_id == summit.id)):
        if role.role is Role.ORGANIZER:
            accounts.grant_role(last, role.user.email, Role.ORGANIZER, None)
    return ["", f"Last year's summit, over: /manage/events/{SLUG}/impact/ ({ATTENDEES} attendees)"]


def _check_in(event: Event, tickets: list[Ticket], rng: random.Random) -> None:
    came = [t for t in tickets if rng.random() >= NO_SHOWS]
    for day, turnout in zip(event.days, TURNOUT, strict=False):
        door = CheckinList(event=event, name=f"Dag {day.day} maj", day=day)
        db.session.add(door)
        morning = datetime.combine(day, time(8, 15), event.tz)
        for ticket in came:
            if rng.random() < turnout:
                at = morning + timedelta(minutes=rng.randint(0, 150))
                db.session.add(Checkin(ticket=ticket, checkin_list=door, created_at=at))
