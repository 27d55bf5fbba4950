"""The signals an organizer's on-call watches, read from the database (one query each):
what /metrics (summit/metrics.py) gives Prometheus besides the request figures. The
database is shared by every process and node, so any of them gives the whole picture."""

from dataclasses import dataclass

from sqlalchemy import func, select

from ..database import end_reads
from ..extensions import db
from ..models import (
    BadgeJob,
    Checkin,
    Event,
    MessageStatus,
    Order,
    OrderStatus,
    OutboxMessage,
    Station,
    Ticket,
    TicketStatus,
    utcnow,
)


@dataclass
class Figures:
    orders: list[tuple[str, str, int]]  # event, status, count
    tickets_sold: list[tuple[str, int]]  # event, valid tickets of confirmed orders
    checkins: list[tuple[str, str, int]]  # event, station, count
    mails: dict[str, int]  # status, count
    oldest_unsent_seconds: float  # 0 when nothing waits
    badge_runs: dict[str, int]  # status, count


def figures() -> Figures:
    orders = db.session.execute(
        select(Event.slug, Order.status, func.count())
        .join(Order, Order.event_id == Event.id)
        .group_by(Event.slug, Order.status)
    )
    sold = db.session.execute(
        select(Event.slug, func.count(Ticket.id))
        .join(Order, Order.event_id == Event.id)
        .join(Ticket, Ticket.order_id == Order.id)
        .where(Order.status.in_(OrderStatus.CONFIRMED), Ticket.status == TicketStatus.VALID)
        .group_by(Event.slug)
    )
    checkins = db.session.execute(
        select(Event.slug, Station.name, func.count(Checkin.id))
        .join(Station, Station.event_id == Event.id)
        .join(Checkin, Checkin.station_id == Station.id)
        .group_by(Event.slug, Station.name)
    )
    mails = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    oldest = db.session.scalar(
        select(func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status == MessageStatus.PENDING
        )
    )
    runs = db.session.execute(select(BadgeJob.status, func.count()).group_by(BadgeJob.status))
    result = Figures(
        orders=[(slug, status.value, n) for slug, status, n in orders],
        tickets_sold=[(slug, n) for slug, n in sold],
        checkins=[(slug, station, n) for slug, station, n in checkins],
        mails={status.value: n for status, n in mails},
        oldest_unsent_seconds=max((utcnow() - oldest).total_seconds(), 0.0) if oldest else 0.0,
        badge_runs={status.value: n for status, n in runs},
    )
    end_reads()
    return result
