"""Reminders the day before online and hybrid events, with the stream link.

Run by the worker every round; each order gets its reminder once, even with several
workers: an order is claimed by a conditional UPDATE in the same transaction that
queues its email.
"""

from datetime import datetime, timedelta

from sqlalchemy import select, update

from ...database import unit_of_work
from ...extensions import db
from ...models import Event, EventFormat, EventStatus, Order, OrderStatus, utcnow
from . import order_mail


def events_tomorrow(now: datetime) -> list[Event]:
    """Published online/hybrid events that start on the calendar day after `now` in their
    own time zone (and have not started)."""
    candidates = db.session.scalars(
        select(Event).where(
            Event.status == EventStatus.PUBLISHED,
            Event.format.in_([EventFormat.ONLINE, EventFormat.HYBRID]),
            Event.starts_at > now,
            Event.starts_at < now + timedelta(days=2),
        )
    ).all()
    return [
        e
        for e in candidates
        if e.local_start.date() == now.astimezone(e.tz).date() + timedelta(days=1)
    ]


def send_due_reminders(now: datetime | None = None) -> int:
    """Queue the day-before reminder for every confirmed order not yet reminded."""
    now = now or utcnow()
    sent = 0
    for event in events_tomorrow(now):
        with unit_of_work():
            orders = db.session.scalars(
                select(Order).where(
                    Order.event_id == event.id,
                    Order.status.in_(OrderStatus.CONFIRMED),
                    Order.reminder_sent_at.is_(None),
                )
            ).all()
            for order in orders:
                claimed = db.session.execute(
                    update(Order)
                    .where(Order.id == order.id, Order.reminder_sent_at.is_(None))
                    .values(reminder_sent_at=now)
                    .execution_options(synchronize_session=False)
                ).rowcount
                if claimed:
                    order_mail.event_reminder(order)
                    sent += 1
    return sent
