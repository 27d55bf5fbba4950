"""A signed-in person's tickets: what was bought by them or made out to them.

A person holds an order when they bought it (the buyer's email address, or the account
that ordered) and then sees all of it, as its order page shows it. Someone who only
attends holds their own ticket in it and nothing else: not the order page (where the
buyer moves tickets to other people), not the other attendees, not the buyer's details.
Email addresses match in any case.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import CancelPolicy, Event, Order, OrderStatus, Ticket, TicketStatus, User, utcnow

# Orders an attendee who did not buy may see their ticket in: bought, or being paid.
_ATTENDED = (
    OrderStatus.PENDING,
    OrderStatus.INVOICED,
    OrderStatus.PAID,
    OrderStatus.CANCELLED,
    OrderStatus.REFUNDED,
)


@dataclass
class HeldTicket:
    ticket: Ticket
    number: int  # its place in the order, as the order page counts (1, 2, ...)

    @property
    def printable(self) -> bool:
        """The ticket PDF exists: a valid ticket of a confirmed order."""
        return self.ticket.status is TicketStatus.VALID and self.ticket.order.status.is_confirmed

    @property
    def terms(self):
        """What its holder may do with it themselves (cancel, transfer), or None when the
        event's policy offers nothing (self_service.terms)."""
        from .self_service import terms

        if not self.printable or self.ticket.order.event.cancel_policy is CancelPolicy.OFF:
            return None
        return terms(self.ticket)


@dataclass
class HeldOrder:
    order: Order
    bought: bool  # the person bought it: the order page is theirs
    tickets: list[HeldTicket]


@dataclass
class EventTickets:
    event: Event
    past: bool
    orders: list[HeldOrder] = field(default_factory=list)


def _email(user: User) -> str:
    return (user.email or "").strip().lower()


def _bought(order: Order, user: User) -> bool:
    email = _email(user)
    return (bool(email) and order.buyer_email.strip().lower() == email) or (
        order.user_id is not None and order.user_id == user.id
    )


def _attends(ticket: Ticket, user: User) -> bool:
    email = _email(user)
    return bool(email) and ticket.attendee_email.strip().lower() == email


def tickets_of(user: User, now: datetime | None = None) -> list[EventTickets]:
    """Everything the person holds, grouped by event: events not yet ended first, the
    soonest first; then ended events, the latest first. Expired reservations are left
    out (nothing was bought)."""
    now = now or utcnow()
    email = _email(user)
    attending = (
        select(Ticket.id)
        .where(Ticket.order_id == Order.id, func.lower(Ticket.attendee_email) == email)
        .exists()
    )
    orders = db.session.scalars(
        select(Order)
        .where(
            or_(
                func.lower(Order.buyer_email) == email,
                Order.user_id == user.id,
                and_(attending, Order.status.in_(_ATTENDED)),
            ),
            Order.status != OrderStatus.EXPIRED,
            or_(Order.status != OrderStatus.RESERVED, Order.expires_at > now),
        )
        .options(
            selectinload(Order.event),
            selectinload(Order.tickets).selectinload(Ticket.ticket_type),
        )
        .order_by(Order.created_at, Order.id)
    ).all()
    groups: dict[int, EventTickets] = {}
    for order in orders:
        bought = _bought(order, user)
        held = [
            HeldTicket(ticket, number)
            for number, ticket in enumerate(order.tickets, start=1)
            if bought or _attends(ticket, user)
        ]
        if not held:
            continue
        group = groups.setdefault(
            order.event_id, EventTickets(order.event, past=order.event.ends_at < now)
        )
        group.orders.append(HeldOrder(order, bought, held))
    upcoming = sorted((g for g in groups.values() if not g.past), key=lambda g: g.event.starts_at)
    past = sorted(
        (g for g in groups.values() if g.past), key=lambda g: g.event.starts_at, reverse=True
    )
    return upcoming + past


def held_ticket(user: User, reference: str, number: int) -> Ticket | None:
    """The ticket at `number` in the order with this reference, if the person holds it
    (bought the order, or it is made out to them) and its PDF exists; None otherwise."""
    ticket = ticket_at(reference, number)
    if ticket is None:
        return None
    order = ticket.order
    found = HeldTicket(ticket, number)
    if not found.printable or not (_bought(order, user) or _attends(found.ticket, user)):
        return None
    return found.ticket


def ticket_at(reference: str, number: int) -> Ticket | None:
    """The ticket at `number` (1, 2, ...) in the order with this reference, or None."""
    reference = (reference or "").upper()
    if not (0 < len(reference) <= 16 and reference.isascii() and reference.isalnum()):
        return None
    order = db.session.scalar(select(Order).where(Order.reference == reference))
    if order is None or not 1 <= number <= len(order.tickets):
        return None
    return order.tickets[number - 1]


def own_tickets(event: Event, user: User) -> list[Ticket]:
    """The person's own valid tickets to the event (in confirmed orders), by id: made out
    to them (the attendee's email, in any case), or bought by them and made out to
    nobody. Tickets bought for colleagues are theirs to manage, not to attend with: the
    colleague rates sessions and joins the participant list with their own."""
    email = _email(user)
    if not email:
        return []
    bought = or_(func.lower(Order.buyer_email) == email, Order.user_id == user.id)
    return list(
        db.session.scalars(
            select(Ticket)
            .join(Order, Order.id == Ticket.order_id)
            .where(
                Order.event_id == event.id,
                Order.status.in_(OrderStatus.CONFIRMED),
                Ticket.status == TicketStatus.VALID,
                or_(
                    func.lower(Ticket.attendee_email) == email,
                    and_(bought, Ticket.attendee_email == ""),
                ),
            )
            .order_by(Ticket.id)
        )
    )
