"""Who attended: a ticket that was checked in at the event (any check-in not undone),
or, for an online-only event, any valid ticket (nobody is scanned at a screen).

Only a valid ticket in a confirmed order counts: a refunded or cancelled one does not.
"""

from collections.abc import Iterable

from sqlalchemy import Select, select

from ...extensions import db
from ...models import Checkin, Event, EventFormat, Order, OrderStatus, Ticket, TicketStatus, User
from ..tickets.my_tickets import own_tickets


def counts_without_checkin(event: Event) -> bool:
    """Online-only events: a valid ticket is attendance enough."""
    return event.format is EventFormat.ONLINE


def checked_in_ids(ticket_ids: Iterable[int]) -> set[int]:
    """The tickets among these with a check-in that was not undone (one query)."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Checkin.ticket_id)
            .where(Checkin.ticket_id.in_(ids), Checkin.undone_at.is_(None))
            .distinct()
        )
    )


def attending(event: Event, *columns) -> Select:
    """A SELECT of the event's tickets that attended (`columns`: these of them, else
    the tickets): valid, in a confirmed order, checked in unless the event is online."""
    query = (
        select(*(columns or (Ticket,)))
        .join(Order, Order.id == Ticket.order_id)
        .where(
            Order.event_id == event.id,
            Order.status.in_(OrderStatus.CONFIRMED),
            Ticket.status == TicketStatus.VALID,
        )
    )
    if not counts_without_checkin(event):
        query = query.where(
            select(Checkin.id)
            .where(Checkin.ticket_id == Ticket.id, Checkin.undone_at.is_(None))
            .exists()
        )
    return query


def holds(ticket: Ticket) -> bool:
    return ticket.status is TicketStatus.VALID and ticket.order.status.is_confirmed


def attended(ticket: Ticket) -> bool:
    """The ticket is valid and was used: checked in, or the event is online only."""
    if not holds(ticket):
        return False
    return counts_without_checkin(ticket.order.event) or bool(checked_in_ids([ticket.id]))


def attendee_ticket(event: Event, user: User) -> Ticket | None:
    """The person's own ticket that attended the event (the first, by id), or None."""
    tickets = own_tickets(event, user)
    if counts_without_checkin(event):
        return tickets[0] if tickets else None
    checked = checked_in_ids(t.id for t in tickets)
    return next((t for t in tickets if t.id in checked), None)
