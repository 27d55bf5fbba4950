"""Starting again when a reservation ran out: the same tickets reserved anew, once, with
the details typed so far, while the seats are still free.

The ended order is marked (cancelled_at, the moment the new reservation is created at)
under the event's lock, so a double click makes one new reservation, and the old link
finds it (renewed_as).
"""

from datetime import datetime

from sqlalchemy import select

from ...extensions import db
from ...models import DiscountCode, Order, OrderStatus, TicketType, Voucher, utcnow
from . import addons
from .ordering import (
    AttendeeDetails,
    BuyerDetails,
    OrderError,
    availability,
    holder_key,
    holding_condition,
    store_reservation,
    stripped,
    update_attendee,
    validate_quantities,
    voucher_holder,
)


def reservation_ended(order: Order, now: datetime | None = None) -> bool:
    """The order was a reservation that ran out before it was paid for."""
    now = now or utcnow()
    return order.status is OrderStatus.EXPIRED or (
        order.status is OrderStatus.RESERVED and order.expires_at <= now
    )


def _renewal(
    order: Order, now: datetime
) -> tuple[list[TicketType], DiscountCode | None, Voucher | None]:
    """The seats, code and voucher a new reservation of an ended order's tickets would
    take, or OrderError saying why they cannot all be had again."""
    if not reservation_ended(order, now):
        raise OrderError("not_reserved")
    if order.cancelled_at is not None:
        raise OrderError("renewed")  # reserved again already (a double click)
    tickets = order.valid_tickets or order.tickets
    quantities: dict[int, int] = {}
    for ticket in tickets:
        quantities[ticket.ticket_type_id] = quantities.get(ticket.ticket_type_id, 0) + 1
    # The order's own types, hidden ones too: the buyer had their code before.
    types = {t.ticket_type_id: t.ticket_type for t in tickets}
    validate_quantities(order.event, quantities, types, now)
    discount = next((t.discount_code for t in tickets if t.discount_code is not None), None)
    if discount is not None and not discount.valid_at(now):
        raise OrderError("code_not_valid")
    left = availability(order.event, list(types.values()), now)
    for type_id, quantity in quantities.items():
        seats_left = left.by_type.get(type_id)
        if seats_left is not None and quantity > seats_left:
            raise OrderError("sold_out", name=types[type_id].name, left=seats_left)
    if left.event_left is not None and len(tickets) > left.event_left:
        raise OrderError("event_sold_out", left=left.event_left)
    voucher = next((t.voucher for t in tickets if t.voucher is not None), None)
    if voucher is not None:
        if voucher.revoked_at is not None:
            raise OrderError("code_not_valid")
        holder = voucher_holder(voucher, now)
        if holder is not None and holder.id != order.id:
            raise OrderError("voucher_used" if holder.status.is_confirmed else "voucher_held")
    return [t.ticket_type for t in tickets], discount, voucher


def renewal_refused(order: Order, now: datetime | None = None) -> OrderError | None:
    """Why the ended reservation cannot be made again with one click (None: it can).
    A look without the lock, for the page: renew_reservation() checks again."""
    try:
        _renewal(order, now or utcnow())
    except OrderError as error:
        return error
    return None


def renew_reservation(
    order: Order,
    buyer: BuyerDetails,
    attendees: list[AttendeeDetails],
    invoice=None,
    locale: str = "sv",
    user_id: int | None = None,
    now: datetime | None = None,
    address: str | None = None,
    replaces: str | None = None,
) -> Order:
    """Reserve again the tickets of a reservation that ended: the same types, numbers,
    discount code and voucher, with the details typed so far (and invoice details, an
    object with org_number, address and reference, if given). The ended order is marked
    (cancelled_at), so it is made again once: a second try raises OrderError("renewed").
    As reserve_tickets(), `replaces` is released and `address` capped.
    Raises OrderError and stores nothing when they cannot all be had again."""
    now = now or utcnow()
    seats, discount, voucher = _renewal(order, now)
    if len(attendees) != len(seats):
        raise OrderError("bad_attendees")

    def fill(new: Order) -> None:
        # Under the lock: a second click that got this far finds the first one's mark.
        db.session.refresh(order)
        if order.cancelled_at is not None:
            raise OrderError("renewed")
        order.status, order.cancelled_at = OrderStatus.EXPIRED, now
        new.buyer_name, new.buyer_email = stripped(buyer.name), stripped(buyer.email).lower()
        new.buyer_organisation = stripped(buyer.organisation)
        for ticket, attendee in zip(new.tickets, attendees, strict=True):
            update_attendee(ticket, attendee)
        addons.carry_over(order, new, now)
        if invoice is not None:
            new.org_number = stripped(invoice.org_number)
            new.invoice_address = stripped(invoice.address)
            new.invoice_reference = stripped(invoice.reference)

    return store_reservation(
        order.event,
        seats,
        discount,
        now,
        locale=locale,
        user_id=user_id,
        fill=fill,
        voucher=voucher,
        holder=holder_key(address),
        replaces=replaces if replaces != order.token else None,
    )


def renewed_as(order: Order) -> Order | None:
    """The reservation an ended order was made again as, while it lasts: renewal marks
    the ended order with the very moment the new one is created at."""
    if order.status is not OrderStatus.EXPIRED or order.cancelled_at is None:
        return None
    return db.session.scalar(
        select(Order)
        .where(
            Order.event_id == order.event_id,
            Order.id != order.id,
            Order.created_at == order.cancelled_at,
            holding_condition(utcnow()),
        )
        .order_by(Order.id.desc())
        .limit(1)
    )
