"""Buying tickets: what is on sale, reserving seats without ever overselling, and the
buyer's and attendees' details.

Seats are counted from the orders themselves (reserved and unexpired, pending,
invoiced, paid). reserve_tickets() takes the event's sales lock (locks.sales) before
it counts: a row lock on the event on PostgreSQL, the write lock on SQLite,
so two buyers can never both get the last seat, nor the same one-use voucher.

Nobody hoards: a browser holds one open reservation per event (a new one replaces
it), and one address at most RESERVATION_SEATS_PER_ADDRESS unpaid seats at once.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    DiscountCode,
    Event,
    Order,
    OrderStatus,
    PaymentStatus,
    Ticket,
    TicketStatus,
    TicketType,
    Voucher,
    WaitingListEntry,
    WaitingStatus,
    utcnow,
)
from .. import locks
from . import history, questions
from .errors import OrderError
from .order_states import transition

MAX_TICKETS_PER_ORDER = 50


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


def holding_condition(now: datetime, order=Order):
    """Orders whose tickets take seats right now (`order`: Order or an alias of it)."""
    return or_(
        order.status.in_(OrderStatus.HOLDING),
        and_(order.status == OrderStatus.RESERVED, order.expires_at > now),
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
    event: Event, types: list[TicketType], now: datetime | None = None, waiting: bool = True
) -> Availability:
    """Seats left for anyone who comes to buy. While people wait in line for a type,
    the seats they could be offered are theirs (waiting_claims), so they are not left
    for others; `waiting=False` counts without that claim (for the waiting list's own
    offers)."""
    now = now or utcnow()
    taken = seats_taken(event, now)
    claims = waiting_claims(event, taken, now) if waiting else {}
    event_left = None
    if event.capacity is not None:
        event_left = max(event.capacity - sum(taken.values()) - sum(claims.values()), 0)
    result = Availability(event_left=event_left)
    for ticket_type in types:
        if ticket_type.capacity is not None:
            result.by_type[ticket_type.id] = max(
                ticket_type.capacity - taken.get(ticket_type.id, 0) - claims.get(ticket_type.id, 0),
                0,
            )
    return result


def waiting_claims(event: Event, taken: dict[int, int], now: datetime) -> dict[int, int]:
    """Per ticket type on sale, the seats its waiting line has a claim on: the seats
    its people in line want, as far as the type itself has them free (a type full by its
    own capacity claims nothing of the event's until its own seats come free)."""
    rows = db.session.execute(
        select(TicketType, func.sum(WaitingListEntry.quantity))
        .join(WaitingListEntry, WaitingListEntry.ticket_type_id == TicketType.id)
        .where(
            WaitingListEntry.event_id == event.id,
            WaitingListEntry.status == WaitingStatus.WAITING,
        )
        .group_by(TicketType.id)
    ).all()
    claims = {}
    for ticket_type, wanted in rows:
        if not ticket_type.on_sale(now):
            continue
        if ticket_type.capacity is not None:
            wanted = min(wanted, max(ticket_type.capacity - taken.get(ticket_type.id, 0), 0))
        claims[ticket_type.id] = int(wanted)
    return claims


def ticket_types_for_sale(
    event: Event, code: str | None = None, voucher: Voucher | None = None
) -> list[TicketType]:
    """The ticket types a visitor may choose from: visible ones, plus hidden ones whose
    access code was given, or whose voucher can be used (`voucher`, not withdrawn; or
    the code's, neither withdrawn nor taken). Types outside their sale window are
    included (the shop says when they are sold); inactive ones are not."""
    code = normalize_code(code)
    if voucher is None and code:
        found = find_voucher(event, code)
        if found is not None and describe_voucher(found, utcnow()).reason == "code_voucher":
            voucher = found
    unlocked = voucher.ticket_type_id if voucher and voucher.revoked_at is None else None
    types = db.session.scalars(
        select(TicketType)
        .where(TicketType.event_id == event.id, TicketType.is_active.is_(True))
        .order_by(TicketType.position, TicketType.id)
    ).all()
    return [
        t
        for t in types
        if t.is_visible
        or t.id == unlocked
        or (code and t.access_code and normalize_code(t.access_code) == code)
    ]


def normalize_code(code: str | None) -> str:
    return (code or "").strip().upper()


def voucher_code(code: str | None) -> str:
    """A voucher code as stored: letters and digits only ("k7pm-xq4r 9tza" is
    "K7PMXQ4R9TZA"), so it may be typed with or without its dashes."""
    return re.sub(r"[^A-Z0-9]", "", normalize_code(code))


def find_voucher(event: Event, code: str | None) -> Voucher | None:
    text = voucher_code(code)
    if not 8 <= len(text) <= 32:
        return None
    return db.session.scalar(
        select(Voucher).where(Voucher.event_id == event.id, Voucher.code == text)
    )


def voucher_holder(voucher: Voucher, now: datetime) -> Order | None:
    """The order that holds the voucher now (reserved and unexpired, pending, invoiced,
    paid), or None: it is free to use."""
    return db.session.scalar(
        select(Order)
        .join(Ticket, Ticket.order_id == Order.id)
        .where(
            Ticket.voucher_id == voucher.id,
            Ticket.status == TicketStatus.VALID,
            holding_condition(now),
        )
        .order_by(Order.id)
        .limit(1)
    )


def holder_key(address: str | None) -> str | None:
    """Who reserves, as far as caps go: a keyed hash of the client's network address
    (the same address gives the same key; the key does not give the address back)."""
    if not address:
        return None
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"holder:" + address.encode(), hashlib.sha256).hexdigest()[:32]


def seats_held_by(event: Event, key: str, now: datetime) -> int:
    """Valid tickets in the event's unpaid seat-holding orders reserved from `key`."""
    return db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .join(Order, Order.id == Ticket.order_id)
        .where(
            Order.event_id == event.id,
            Order.holder_key == key,
            Ticket.status == TicketStatus.VALID,
            or_(
                Order.status == OrderStatus.PENDING,
                and_(Order.status == OrderStatus.RESERVED, Order.expires_at > now),
            ),
        )
    )


def open_reservation(event: Event, token: str | None, now: datetime | None = None):
    """The reservation behind `token` (a browser's own, kept in its session) while it
    holds seats and is not paid for: to show, continue or release. None otherwise."""
    order = get_order(token) if token else None
    now = now or utcnow()
    if order is None or order.event_id != event.id or order.status is not OrderStatus.RESERVED:
        return None
    return order if order.holds_seats(now) else None


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


def validate_quantities(
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
        if ticket_type.requires_approval:  # applied for instead (services/tickets/approval)
            raise OrderError("needs_approval", name=ticket_type.name)
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
    address: str | None = None,
    replaces: str | None = None,
) -> Order:
    """Reserve seats for the chosen quantities, or raise OrderError and store nothing.

    Guarantees: never more valid tickets in seat-holding orders than a ticket type's or
    the event's capacity, never more discounted tickets than a code allows, and a
    voucher in one seat-holding order at most, however many buyers try at once. A
    discount code that lowers none of the chosen tickets is refused (saying what it is
    for), never silently ignored. `replaces` (the token of the browser's open
    reservation) is released in the same unit of work; `address` (the client's)
    may hold at most RESERVATION_SEATS_PER_ADDRESS unpaid seats of the event.
    """
    now = now or utcnow()
    if not event.is_published:
        raise OrderError("not_on_sale", name=event.name)
    discount = find_discount(event, code)
    voucher = None if discount is not None else find_voucher(event, code)
    if voucher is not None:
        usable = describe_voucher(voucher, now, mine=replaces)  # again under the lock
        if usable.reason != "code_voucher":
            raise usable
    types = {t.id: t for t in ticket_types_for_sale(event, code, voucher)}
    chosen = validate_quantities(event, quantities, types, now)
    unlocks = any(
        t.access_code and normalize_code(t.access_code) == normalize_code(code)
        for t in types.values()
    )
    if normalize_code(code) and discount is None and voucher is None and not unlocks:
        raise OrderError("unknown_code")
    if discount is not None and not discount.valid_at(now):
        raise OrderError("code_not_valid")
    if discount is not None and not unlocks and not any(discount.applies_to(t) for t in chosen):
        raise OrderError("code_not_for_these", names=code_scope(discount))
    if voucher is not None:
        _check_voucher_choice(voucher, chosen)
    seats = [t for t, quantity in chosen.items() for _ in range(quantity)]
    return store_reservation(
        event,
        seats,
        discount,
        now,
        locale=locale,
        user_id=user_id,
        voucher=voucher,
        holder=holder_key(address),
        replaces=replaces,
    )


def _check_voucher_choice(voucher: Voucher, chosen: dict[TicketType, int]) -> None:
    """A voucher is for one ticket of its type: that type must be chosen, and a hidden
    one (offered only through the voucher) once."""
    ticket_type = voucher.ticket_type
    quantity = chosen.get(ticket_type, 0)
    if quantity == 0:
        raise OrderError("voucher_not_chosen", name=ticket_type.name)
    if quantity > 1 and not ticket_type.is_visible:
        raise OrderError("too_many_of_type", name=ticket_type.name, n=1)


def describe_code(
    event: Event, code: str | None, now: datetime | None = None, mine: str | None = None
):
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
    voucher = find_voucher(event, text)
    if voucher is not None:
        return describe_voucher(voucher, now, mine)
    hidden = [t for t in ticket_types_for_sale(event, text) if not t.is_visible]
    if hidden:
        return OrderError("code_access", names=", ".join(t.name for t in hidden))
    return OrderError("unknown_code")


def describe_voucher(voucher: Voucher, now: datetime, mine: str | None = None) -> OrderError:
    """What a voucher does now: "code_voucher" (its type's name, and whether the
    ticket is free), "voucher_used" (in a confirmed order), "voucher_held" (in a
    reservation, until `until`, or a payment under way: None) or "code_not_valid"
    (withdrawn, or its type is no longer sold). Held by the reservation whose token is
    `mine` (the browser's own, which a new one replaces), it can be used."""
    ticket_type = voucher.ticket_type
    if voucher.revoked_at is not None or not ticket_type.is_active:
        return OrderError("code_not_valid")
    holder = voucher_holder(voucher, now)
    if holder is not None and mine and holder.token == mine:
        holder = None if holder.status is OrderStatus.RESERVED else holder
    if holder is not None and holder.status.is_confirmed:
        return OrderError("voucher_used")
    if holder is not None:
        until = holder.expires_at if holder.status is OrderStatus.RESERVED else None
        return OrderError("voucher_held", until=until)
    return OrderError(
        "code_voucher", name=ticket_type.name, free=voucher.price_for(ticket_type) == 0
    )


def code_scope(discount: DiscountCode) -> str:
    """The ticket types a code lowers, as a list people read ("" for every type)."""
    return ", ".join(t.name for t in discount.ticket_types)


def store_reservation(
    event: Event,
    seats: list[TicketType],
    discount: DiscountCode | None,
    now: datetime,
    locale: str = "sv",
    user_id: int | None = None,
    fill=None,
    voucher: Voucher | None = None,
    holder: str | None = None,
    replaces: str | None = None,
) -> Order:
    """Under the event's lock: release the reservation `replaces` names, check the
    seats, the code's uses, the voucher and what `holder` already holds, then store a
    reservation with one ticket per entry of `seats`, in that order (the voucher on
    the first of its type). `fill(order)` may put details on it before the commit."""
    chosen: dict[TicketType, int] = {}
    for ticket_type in seats:
        chosen[ticket_type] = chosen.get(ticket_type, 0) + 1
    # A reservation is worth no disk wait: lost in a crash, it frees its seats, as it
    # would on expiry. And nothing in it is stale after the commit, so the caller may
    # read it (its token for the redirect) without loading it again.
    with unit_of_work(locks.sales(event.id), durable=False, keep_loaded=True):
        if replaces:
            _release(event, replaces, now)
        left = availability(event, list(chosen), now)
        for ticket_type, quantity in chosen.items():
            seats_left = left.by_type.get(ticket_type.id)
            if seats_left is not None and quantity > seats_left:
                raise OrderError("sold_out", name=ticket_type.name, left=seats_left)
        if left.event_left is not None and len(seats) > left.event_left:
            raise OrderError("event_sold_out", left=left.event_left)
        _check_holder(event, holder, len(seats), now)
        if voucher is not None:
            _check_voucher_free(voucher, now)
        uses_left = None
        if discount is not None and discount.max_uses is not None:
            uses_left = max(discount.max_uses - discount_uses(discount, now), 0)
            applicable = sum(q for t, q in chosen.items() if discount.applies_to(t))
            if applicable and uses_left == 0:
                raise OrderError("code_used_up")

        order = new_reservation(
            event,
            seats,
            now,
            expires_at=now + timedelta(minutes=event.reservation_minutes),
            discount=discount,
            uses_left=uses_left,
            voucher=voucher,
            locale=locale,
            user_id=user_id,
            holder_key=holder,
        )
        if fill is not None:
            fill(order)
        history.record(order, "reserved", tickets=len(seats))
    return order


def new_reservation(
    event: Event,
    seats: list[TicketType],
    now: datetime,
    expires_at: datetime,
    discount: DiscountCode | None = None,
    uses_left: int | None = None,
    voucher: Voucher | None = None,
    **fields,
) -> Order:
    """A reservation with one ticket per entry of `seats`, at the types' prices (the
    voucher's on the first of its type, the code's discount on up to `uses_left`),
    added to the session. The caller holds the event's sales lock and has checked the
    seats; `fields` are the order's own (locale, buyer, ...)."""
    order = Order(
        event=event, status=OrderStatus.RESERVED, expires_at=expires_at, created_at=now, **fields
    )
    for ticket_type in seats:
        price, code_used, voucher_used = ticket_type.price, None, None
        discounted = discount is not None and discount.applies_to(ticket_type)
        if voucher is not None and ticket_type.id == voucher.ticket_type_id:
            price, voucher_used = min(voucher.price_for(ticket_type), price), voucher
            voucher = None  # one ticket only
        elif discounted and (uses_left is None or uses_left > 0):
            price, code_used = discount.discounted(ticket_type.price), discount
            uses_left = None if uses_left is None else uses_left - 1
        order.tickets.append(
            Ticket(
                ticket_type=ticket_type,
                price=price,
                discount_amount=ticket_type.price - price,
                vat_percent=ticket_type.vat_percent,
                discount_code=code_used,
                voucher=voucher_used,
            )
        )
    db.session.add(order)
    return order


def _check_holder(event: Event, holder: str | None, wanted: int, now: datetime) -> None:
    """One address holds at most RESERVATION_SEATS_PER_ADDRESS unpaid seats at once."""
    cap = current_app.config.get("RESERVATION_SEATS_PER_ADDRESS")
    if holder is None or not cap:
        return
    held = seats_held_by(event, holder, now)
    if held + wanted > cap:
        raise OrderError("too_many_held", n=cap, held=held)


def _check_voucher_free(voucher: Voucher, now: datetime) -> None:
    """Under the event's lock (and the voucher's row lock on PostgreSQL): nobody else
    holds the voucher, and it has not been withdrawn meanwhile."""
    row = locks.voucher(voucher.id).take()
    if row is None or row.revoked_at is not None:
        raise OrderError("code_not_valid")
    holder = voucher_holder(voucher, now)
    if holder is not None:
        raise OrderError("voucher_used" if holder.status.is_confirmed else "voucher_held")


def _release(event: Event, token: str, now: datetime) -> bool:
    """Under the event's lock: end the reservation `token` names if it is still one
    (reserved, not run out, no payment started with a provider). Its tickets stay as
    they were, so a payment that still arrives is handled as a late one."""
    order = db.session.scalar(select(Order).where(Order.token == token, Order.event_id == event.id))
    if order is None or order.status is not OrderStatus.RESERVED or order.expires_at <= now:
        return False
    if any(p.status in (PaymentStatus.CREATED, PaymentStatus.PENDING) for p in order.payments):
        return False  # a payment under way (its page may be open): let it end by itself
    transition(order, OrderStatus.CANCELLED)
    order.cancelled_at = now
    return True


def release_reservation(event: Event, token: str, now: datetime | None = None) -> bool:
    """The buyer gives back the seats of their open reservation at once. True when they
    were released; False when it was no longer a reservation that could be."""
    with unit_of_work(locks.sales(event.id)):
        return _release(event, token, now or utcnow())


def vouchers_still_free(order: Order, now: datetime) -> bool:
    """No other order holds a voucher of this one's (for a payment that arrives after
    the reservation ended: the voucher may have gone to someone else meanwhile)."""
    for ticket in order.valid_tickets:
        if ticket.voucher is not None:
            holder = voucher_holder(ticket.voucher, now)
            if holder is not None and holder.id != order.id:
                return False
    return True


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
    with unit_of_work() as unit:
        unit.reread(order)  # read-then-write: on SQLite the write lock must come first
        fill_details(order, buyer, attendees)


def fill_details(
    order: Order, buyer: BuyerDetails, attendees: list[AttendeeDetails], answers=None
) -> None:
    """Put the details on a reserved order, in the caller's unit of work (under its write
    lock); the caller commits, or rolls back on OrderError. `answers`: the registration
    questions' answers as questions.check_answers read them, stored with the details."""
    if order.status is not OrderStatus.RESERVED:
        raise OrderError("not_reserved")
    if not order.holds_seats(utcnow()):
        raise OrderError("expired")
    if len(attendees) != len(order.tickets):
        raise OrderError("bad_attendees")
    order.buyer_name, order.buyer_email = stripped(buyer.name), stripped(buyer.email).lower()
    order.buyer_organisation = stripped(buyer.organisation)
    for ticket, attendee in zip(order.tickets, attendees, strict=True):
        update_attendee(ticket, attendee)
    if answers is not None:
        questions.store_answers(order, answers)
    history.record(order, "details")


def update_attendee(ticket: Ticket, attendee: AttendeeDetails) -> None:
    """Name and details on a ticket (a colleague may go instead); the caller commits."""
    ticket.attendee_name = stripped(attendee.name)
    ticket.attendee_email = stripped(attendee.email).lower()
    ticket.attendee_organisation = stripped(attendee.organisation)
    ticket.dietary_needs = stripped(attendee.dietary_needs)
    ticket.accessibility_needs = stripped(attendee.accessibility_needs)


def stripped(value: str | None) -> str:
    return (value or "").strip()


def change_attendee(ticket: Ticket, attendee: AttendeeDetails, answers=None) -> None:
    """Someone else goes on this ticket, or the details change. The QR code stays.
    `answers`: the ticket's answers to the registration questions as
    questions.check_answers read them (the history names the questions changed)."""
    with unit_of_work():
        before = ticket.attendee_name
        update_attendee(ticket, attendee)
        changed = questions.store_answers(ticket.order, answers) if answers is not None else []
        if changed:
            history.record(
                ticket.order,
                "answers_changed",
                ticket=ticket.ticket_type.name,
                ticket_type=ticket.ticket_type_id,
                questions=", ".join(changed),
            )
        if ticket.attendee_name != before:
            history.record(
                ticket.order,
                "attendee_changed",
                ticket=ticket.ticket_type.name,
                ticket_type=ticket.ticket_type_id,
                before=before,
                after=ticket.attendee_name,
            )
