"""Buying tickets: what is on sale, reserving seats without ever overselling, and the
buyer's and attendees' details.

Seats are counted from the orders themselves (reserved and unexpired, pending,
invoiced, paid). reserve_tickets() takes the event's lock before it counts: a row
lock on the event (SELECT ... FOR UPDATE) on PostgreSQL, the write lock on SQLite,
so two buyers can never both get the last seat.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..database import begin_write, commit_without_waiting_for_disk
from ..extensions import db
from ..models import (
    HOLDING,
    DiscountCode,
    Event,
    Order,
    OrderStatus,
    Ticket,
    TicketStatus,
    TicketType,
    utcnow,
)

MAX_TICKETS_PER_ORDER = 50


class OrderError(Exception):
    """A purchase that cannot be made; `reason` says why, `params` fill the message."""

    def __init__(self, reason: str, **params):
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass
class Availability:
    """Seats left per ticket type (None: no limit of its own) and for the whole event."""

    by_type: dict[int, int | None] = field(default_factory=dict)
    event_left: int | None = None

    def left(self, ticket_type: TicketType) -> int | None:
        own = self.by_type.get(ticket_type.id)
        if own is None:
            return self.event_left
        if self.event_left is None:
            return own
        return min(own, self.event_left)


def holding_condition(now: datetime):
    """Orders whose tickets take seats right now."""
    return or_(
        Order.status.in_(HOLDING),
        and_(Order.status == OrderStatus.RESERVED, Order.expires_at > now),
    )


def seats_taken(event: Event, now: datetime) -> dict[int, int]:
    """Valid tickets in seat-holding orders, per ticket type id."""
    rows = db.session.execute(
        select(Ticket.ticket_type_id, func.count())
        .join(Order, Order.id == Ticket.order_id)
        .where(
            Order.event_id == event.id,
            Ticket.status == TicketStatus.VALID,
            holding_condition(now),
        )
        .group_by(Ticket.ticket_type_id)
    ).all()
    return dict(rows)


def availability(
    event: Event, types: list[TicketType], now: datetime | None = None
) -> Availability:
    now = now or utcnow()
    taken = seats_taken(event, now)
    result = Availability(
        event_left=None if event.capacity is None else max(event.capacity - sum(taken.values()), 0)
    )
    for ticket_type in types:
        if ticket_type.capacity is not None:
            result.by_type[ticket_type.id] = max(
                ticket_type.capacity - taken.get(ticket_type.id, 0), 0
            )
    return result


def ticket_types_for_sale(event: Event, code: str | None = None) -> list[TicketType]:
    """The ticket types a visitor may choose from: visible ones, plus hidden ones whose
    access code was given. Types outside their sale window are included (the shop
    says when they are sold); inactive ones are not."""
    code = normalize_code(code)
    types = db.session.scalars(
        select(TicketType)
        .where(TicketType.event_id == event.id, TicketType.is_active.is_(True))
        .order_by(TicketType.position, TicketType.id)
    ).all()
    return [
        t
        for t in types
        if t.is_visible or (code and t.access_code and normalize_code(t.access_code) == code)
    ]


def normalize_code(code: str | None) -> str:
    return (code or "").strip().upper()


def find_discount(event: Event, code: str | None) -> DiscountCode | None:
    code = normalize_code(code)
    if not code:
        return None
    return db.session.scalar(
        select(DiscountCode).where(DiscountCode.event_id == event.id, DiscountCode.code == code)
    )


def discount_uses(code: DiscountCode, now: datetime) -> int:
    """Tickets in seat-holding orders that got this code's discount."""
    return db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .join(Order, Order.id == Ticket.order_id)
        .where(
            Ticket.discount_code_id == code.id,
            Ticket.status == TicketStatus.VALID,
            holding_condition(now),
        )
    )


def lock_sales(event_id: int) -> bool:
    """The lock every sale and payment of one event takes before it checks seats or an
    order's state: the event's row (SELECT ... FOR UPDATE) on PostgreSQL, the database
    write lock on SQLite. True when what was read before must be read again."""
    fresh = begin_write()
    db.session.execute(select(Event.id).where(Event.id == event_id).with_for_update())
    return fresh


def _validate_quantities(
    event: Event, quantities: dict[int, int], types: dict[int, TicketType], now: datetime
) -> dict[TicketType, int]:
    chosen: dict[TicketType, int] = {}
    for type_id, quantity in quantities.items():
        if not isinstance(quantity, int) or quantity < 0 or quantity > MAX_TICKETS_PER_ORDER:
            raise OrderError("bad_quantity")
        if quantity == 0:
            continue
        ticket_type = types.get(type_id)
        if ticket_type is None:
            raise OrderError("unknown_type")
        if not ticket_type.on_sale(now):
            raise OrderError("not_on_sale", name=ticket_type.name)
        if quantity > ticket_type.max_per_order:
            raise OrderError("too_many_of_type", name=ticket_type.name, n=ticket_type.max_per_order)
        chosen[ticket_type] = quantity
    if not chosen:
        raise OrderError("nothing_chosen")
    if sum(chosen.values()) > MAX_TICKETS_PER_ORDER:
        raise OrderError("too_many", n=MAX_TICKETS_PER_ORDER)
    return chosen


def reserve_tickets(
    event: Event,
    quantities: dict[int, int],
    code: str | None = None,
    locale: str = "sv",
    user_id: int | None = None,
    now: datetime | None = None,
) -> Order:
    """Reserve seats for the chosen quantities, or raise OrderError and store nothing.

    Guarantees: never more valid tickets in seat-holding orders than a ticket type's or
    the event's capacity, and never more discounted tickets than a code allows, however
    many buyers try at once. A discount code that lowers none of the chosen tickets is
    refused (saying what it is for), never silently ignored.
    """
    now = now or utcnow()
    if not event.is_published:
        raise OrderError("not_on_sale", name=event.name)
    types = {t.id: t for t in ticket_types_for_sale(event, code)}
    chosen = _validate_quantities(event, quantities, types, now)
    discount = find_discount(event, code)
    unlocks = any(
        t.access_code and normalize_code(t.access_code) == normalize_code(code)
        for t in types.values()
    )
    if normalize_code(code) and discount is None and not unlocks:
        raise OrderError("unknown_code")
    if discount is not None and not discount.valid_at(now):
        raise OrderError("code_not_valid")
    if discount is not None and not unlocks and not any(discount.applies_to(t) for t in chosen):
        raise OrderError("code_not_for_these", names=code_scope(discount))
    seats = [t for t, quantity in chosen.items() for _ in range(quantity)]
    return _reserve(event, seats, discount, now, locale=locale, user_id=user_id)


def describe_code(event: Event, code: str | None, now: datetime | None = None):
    """What a code (typed, or in a shop link) does, as OrderError-like (reason, params):
    "code_discount" (with the code and the types it lowers, "" for all), "code_access"
    (the hidden types it shows), "code_not_valid" or "unknown_code"; None for no code."""
    now = now or utcnow()
    text = normalize_code(code)
    if not text:
        return None
    if len(text) > 64:
        return OrderError("unknown_code")
    discount = find_discount(event, text)
    if discount is not None:
        if not discount.valid_at(now):
            return OrderError("code_not_valid")
        return OrderError("code_discount", code=discount.code, names=code_scope(discount))
    hidden = [t for t in ticket_types_for_sale(event, text) if not t.is_visible]
    if hidden:
        return OrderError("code_access", names=", ".join(t.name for t in hidden))
    return OrderError("unknown_code")


def code_scope(discount: DiscountCode) -> str:
    """The ticket types a code lowers, as a list people read ("" for every type)."""
    return ", ".join(t.name for t in discount.ticket_types)


def _reserve(
    event: Event,
    seats: list[TicketType],
    discount: DiscountCode | None,
    now: datetime,
    locale: str = "sv",
    user_id: int | None = None,
    fill=None,
) -> Order:
    """Under the event's lock: check the seats and the code's uses, then store a
    reservation with one ticket per entry of `seats`, in that order. `fill(order)` may
    put details on it before the commit."""
    chosen: dict[TicketType, int] = {}
    for ticket_type in seats:
        chosen[ticket_type] = chosen.get(ticket_type, 0) + 1
    lock_sales(event.id)
    try:
        left = availability(event, list(chosen), now)
        for ticket_type, quantity in chosen.items():
            seats_left = left.by_type.get(ticket_type.id)
            if seats_left is not None and quantity > seats_left:
                raise OrderError("sold_out", name=ticket_type.name, left=seats_left)
        if left.event_left is not None and len(seats) > left.event_left:
            raise OrderError("event_sold_out", left=left.event_left)
        uses_left = None
        if discount is not None and discount.max_uses is not None:
            uses_left = max(discount.max_uses - discount_uses(discount, now), 0)
            applicable = sum(q for t, q in chosen.items() if discount.applies_to(t))
            if applicable and uses_left == 0:
                raise OrderError("code_used_up")

        order = Order(
            event=event,
            status=OrderStatus.RESERVED,
            expires_at=now + timedelta(minutes=event.reservation_minutes),
            created_at=now,
            locale=locale,
            user_id=user_id,
        )
        for ticket_type in seats:
            price, code_used = ticket_type.price, None
            discounted = discount is not None and discount.applies_to(ticket_type)
            if discounted and (uses_left is None or uses_left > 0):
                price, code_used = discount.discounted(ticket_type.price), discount
                uses_left = None if uses_left is None else uses_left - 1
            order.tickets.append(
                Ticket(
                    ticket_type=ticket_type,
                    price=price,
                    discount_amount=ticket_type.price - price,
                    vat_percent=ticket_type.vat_percent,
                    discount_code=code_used,
                )
            )
        if fill is not None:
            fill(order)
        db.session.add(order)
        # A reservation is worth no disk wait: lost in a crash, it frees its seats, as
        # it would on expiry. And nothing in it is stale after the commit, so the
        # caller may read it (its token for the redirect) without loading it again.
        commit_without_waiting_for_disk()
        db.session.expire_on_commit = False
        try:
            db.session.commit()
        finally:
            db.session.expire_on_commit = True
    except BaseException:
        db.session.rollback()
        raise
    return order


def seats_free_again(
    event: Event, types: list[TicketType], left: Availability, now: datetime | None = None
) -> dict[int, datetime]:
    """For each type with no seat left while reservations (not yet paid for) hold some:
    when the first of those reservations ends and a seat may come free."""
    now = now or utcnow()
    full = [t for t in types if left.left(t) == 0]
    if not full:
        return {}
    reserved = and_(
        Order.event_id == event.id,
        Order.status == OrderStatus.RESERVED,
        Order.expires_at > now,
        Ticket.status == TicketStatus.VALID,
    )
    by_type = dict(
        db.session.execute(
            select(Ticket.ticket_type_id, func.min(Order.expires_at))
            .join(Order, Order.id == Ticket.order_id)
            .where(reserved)
            .group_by(Ticket.ticket_type_id)
        ).all()
    )
    if not by_type:
        return {}
    first_any = min(by_type.values())
    result = {}
    for ticket_type in full:
        # The type's own seats all taken, or else the event's.
        own_full = left.by_type.get(ticket_type.id) == 0
        when = by_type.get(ticket_type.id) if own_full else first_any
        if when is not None:
            result[ticket_type.id] = when
    return result


def get_order(token: str) -> Order | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(Order)
        .where(Order.token == token)
        .options(
            joinedload(Order.event),
            selectinload(Order.tickets).joinedload(Ticket.ticket_type),
        )
    )


@dataclass
class AttendeeDetails:
    name: str
    email: str = ""
    organisation: str = ""
    dietary_needs: str = ""
    accessibility_needs: str = ""


@dataclass
class BuyerDetails:
    name: str
    email: str
    organisation: str = ""


def save_details(order: Order, buyer: BuyerDetails, attendees: list[AttendeeDetails]) -> None:
    """The buyer's and each attendee's details, while the reservation lasts."""
    if begin_write():  # read-then-write: on SQLite the write lock must come first
        db.session.refresh(order)
    try:
        fill_details(order, buyer, attendees)
    except OrderError:
        db.session.rollback()
        raise
    db.session.commit()


def fill_details(order: Order, buyer: BuyerDetails, attendees: list[AttendeeDetails]) -> None:
    """Put the details on a reserved order, in the caller's unit of work (under its write
    lock); the caller commits, or rolls back on OrderError."""
    if order.status is not OrderStatus.RESERVED:
        raise OrderError("not_reserved")
    if not order.holds_seats(utcnow()):
        raise OrderError("expired")
    if len(attendees) != len(order.tickets):
        raise OrderError("bad_attendees")
    order.buyer_name, order.buyer_email = _clean(buyer.name), _clean(buyer.email).lower()
    order.buyer_organisation = _clean(buyer.organisation)
    for ticket, attendee in zip(order.tickets, attendees, strict=True):
        update_attendee(ticket, attendee)


def update_attendee(ticket: Ticket, attendee: AttendeeDetails) -> None:
    """Name and details on a ticket (a colleague may go instead); the caller commits."""
    ticket.attendee_name = _clean(attendee.name)
    ticket.attendee_email = _clean(attendee.email).lower()
    ticket.attendee_organisation = _clean(attendee.organisation)
    ticket.dietary_needs = _clean(attendee.dietary_needs)
    ticket.accessibility_needs = _clean(attendee.accessibility_needs)


def _clean(value: str | None) -> str:
    return (value or "").strip()


def change_attendee(ticket: Ticket, attendee: AttendeeDetails) -> None:
    """Someone else goes on this ticket, or the details change. The QR code stays."""
    begin_write()
    update_attendee(ticket, attendee)
    db.session.commit()
