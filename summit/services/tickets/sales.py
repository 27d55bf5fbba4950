"""Running sales as an organizer: ticket types and discount codes, the sales figures,
finding orders, and the attendee list.

Figures are counted from the orders themselves, as ordering.py counts seats:
sold = valid tickets in paid and invoiced orders; reserved = valid tickets in
unexpired reservations and pending payments; revenue = what paid orders brought
in, net of refunds.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    BadgeRole,
    DiscountCode,
    DiscountKind,
    Event,
    Order,
    OrderStatus,
    PaymentStatus,
    Ticket,
    TicketStatus,
    TicketType,
    utcnow,
)
from ...models.search import fold, like_pattern
from . import answers, order_mail
from .codes import is_guessable, random_code
from .errors import OrderError, SalesError
from .ordering import MAX_TICKETS_PER_ORDER, availability, discount_uses, normalize_code

VAT_RATES = (25, 12, 6, 0)  # the Swedish rates (moms)
MAX_PRICE = 100_000_000  # öre: 1 000 000 kr
MAX_CAPACITY = 1_000_000
CODE_RE = re.compile(r"^[A-Z0-9_-]{3,64}$")
# Orders whose money came in (a refunded order was paid first).
PAID = (OrderStatus.PAID, OrderStatus.REFUNDED)


# Figures -------------------------------------------------------------------------------


@dataclass
class TypeSales:
    ticket_type: TicketType
    sold: int = 0
    reserved: int = 0
    left: int | None = None  # None: no limit
    revenue: int = 0  # öre


@dataclass
class SalesOverview:
    rows: list[TypeSales] = field(default_factory=list)
    capacity: int | None = None  # the event's own limit, if any
    left: int | None = None  # seats left over all active types; None: no limit
    invoiced_unpaid: int = 0  # öre on invoices not yet paid

    @property
    def sold(self) -> int:
        return sum(r.sold for r in self.rows)

    @property
    def reserved(self) -> int:
        return sum(r.reserved for r in self.rows)

    @property
    def revenue(self) -> int:
        return sum(r.revenue for r in self.rows)


def ticket_types(event: Event) -> list[TicketType]:
    """All of the event's ticket types, inactive ones too, in shop order."""
    return list(
        db.session.scalars(
            select(TicketType)
            .where(TicketType.event_id == event.id)
            .order_by(TicketType.position, TicketType.id)
        )
    )


def sales_overview(event: Event, now: datetime | None = None) -> SalesOverview:
    """Sold, reserved, left and revenue per ticket type, in one query over the orders."""
    now = now or utcnow()
    valid = Ticket.status == TicketStatus.VALID
    holding_unsold = or_(
        Order.status == OrderStatus.PENDING,
        and_(Order.status == OrderStatus.RESERVED, Order.expires_at > now),
    )
    figures = db.session.execute(
        select(
            Ticket.ticket_type_id,
            func.sum(case((and_(valid, Order.status.in_(OrderStatus.CONFIRMED)), 1), else_=0)),
            func.sum(case((and_(valid, holding_unsold), 1), else_=0)),
            func.sum(
                case((Order.status.in_(PAID), Ticket.price - Ticket.refunded_amount), else_=0)
            ),
            func.sum(
                case((and_(valid, Order.status == OrderStatus.INVOICED), Ticket.price), else_=0)
            ),
        )
        .join(Order, Order.id == Ticket.order_id)
        .where(Order.event_id == event.id)
        .group_by(Ticket.ticket_type_id)
    ).all()
    by_type = {row[0]: row[1:] for row in figures}
    types = ticket_types(event)
    left = availability(event, types, now)
    overview = SalesOverview(capacity=event.capacity)
    for ticket_type in types:
        sold, reserved, revenue, invoiced = by_type.get(ticket_type.id, (0, 0, 0, 0))
        overview.rows.append(
            TypeSales(ticket_type, int(sold), int(reserved), left.left(ticket_type), int(revenue))
        )
        overview.invoiced_unpaid += int(invoiced)
    active = [r for r in overview.rows if r.ticket_type.is_active]
    if event.capacity is not None:
        overview.left = left.event_left
    elif active and all(r.left is not None for r in active):
        overview.left = sum(r.left for r in active)
    return overview


def discount_codes(event: Event, now: datetime | None = None) -> list[tuple[DiscountCode, int]]:
    """The event's discount codes, newest first, each with its uses so far."""
    now = now or utcnow()
    codes = db.session.scalars(
        select(DiscountCode)
        .where(DiscountCode.event_id == event.id)
        .options(selectinload(DiscountCode.ticket_types))
        .order_by(DiscountCode.created_at.desc(), DiscountCode.id.desc())
    ).all()
    return [(code, discount_uses(code, now)) for code in codes]


def uses_of(code: DiscountCode, now: datetime | None = None) -> int:
    return discount_uses(code, now or utcnow())


# Orders --------------------------------------------------------------------------------


def find_order(event: Event, reference: str) -> Order | None:
    """The event's order with this reference (spaces and case do not matter)."""
    reference = re.sub(r"\s", "", reference or "").upper()
    if not reference or len(reference) > 16 or not (reference.isascii() and reference.isalnum()):
        return None
    return db.session.scalar(
        select(Order).where(Order.event_id == event.id, Order.reference == reference)
    )


def search_orders(
    event: Event,
    query: str = "",
    status: OrderStatus | None = None,
    page: int = 1,
    per_page: int = 50,
    within=None,
):
    """The event's orders, newest first, matching the reference, the buyer's name or email,
    or an attendee's name; a page of them (Flask-SQLAlchemy Pagination). `within`: a
    select of order ids to keep to (an answer filter, answers.matching_order_ids)."""
    stmt = select(Order).where(Order.event_id == event.id)
    if within is not None:
        stmt = stmt.where(Order.id.in_(within))
    if status is not None:
        stmt = stmt.where(Order.status == status)
    text = fold(query)[:200]
    if query and query.strip() and not text:  # nothing but control characters
        stmt = stmt.where(false())
    elif text:
        # Folded copies of the words (models/search.py): "oberg" finds "Öberg", on SQLite
        # (whose lower() folds only A–Z) as on PostgreSQL.
        pattern = like_pattern(text)
        attendee = (
            select(Ticket.id)
            .where(Ticket.order_id == Order.id, Ticket.search_text.like(pattern, escape="\\"))
            .exists()
        )
        stmt = stmt.where(
            or_(
                Order.search_text.like(pattern, escape="\\"),
                Order.search_text.like(like_pattern(text.replace(" ", "")), escape="\\"),
                attendee,
            )
        )
    stmt = stmt.options(selectinload(Order.tickets)).order_by(
        Order.created_at.desc(), Order.id.desc()
    )
    return db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False)


def refundable_amount(order: Order, ticket: Ticket | None = None) -> int | None:
    """What payments.refunds.refund() would pay back now (öre), or None if nothing can be."""
    payment = next(
        (
            p
            for p in order.payments
            if p.status is PaymentStatus.SUCCEEDED and p.refunded_amount < p.amount
        ),
        None,
    )
    if payment is None:
        return None
    if ticket is not None:
        if ticket.status is not TicketStatus.VALID:
            return None
        return ticket.refundable
    return payment.amount - payment.refunded_amount


def resend_confirmation(order: Order) -> None:
    """Queue the confirmation email with the tickets again (the buyer lost it)."""
    if not order.status.is_confirmed:
        raise OrderError("not_confirmed")
    if not order.buyer_email:
        raise OrderError("no_email")
    with unit_of_work():
        order_mail.order_confirmed(order)


# Attendee list -------------------------------------------------------------------------


def attendee_rows(event: Event, only=None) -> list[list[str]]:
    """One row per valid ticket in a confirmed order (paid or invoiced): reference, ticket
    type, attendee name, email, organisation, dietary and accessibility needs, add-ons
    (paid or invoiced), order status, buyer name and email, then one cell per
    registration question (the header's labels: answers.answer_cells). Sorted by
    ticket type, then name. `only`: a select of the ticket ids to list (an answer
    filter, answers.matching_ticket_ids)."""
    stmt = (
        select(Ticket, Order, TicketType)
        .join(Order, Order.id == Ticket.order_id)
        .join(TicketType, TicketType.id == Ticket.ticket_type_id)
        .where(
            Order.event_id == event.id,
            Order.status.in_(OrderStatus.CONFIRMED),
            Ticket.status == TicketStatus.VALID,
        )
        .order_by(TicketType.position, TicketType.id, func.lower(Ticket.attendee_name), Ticket.id)
    )
    if only is not None:
        stmt = stmt.where(Ticket.id.in_(only))
    rows = db.session.execute(stmt).all()
    _labels, cells = answers.answer_cells(event, [ticket for ticket, _o, _t in rows])
    return [
        [
            order.reference,
            ticket_type.name,
            ticket.attendee_name,
            ticket.attendee_email,
            ticket.attendee_organisation,
            ticket.dietary_needs,
            ticket.accessibility_needs,
            ", ".join(a.addon.name for a in ticket.valid_addons),
            str(order.status_label),
            order.buyer_name,
            order.buyer_email,
            *cells,
        ]
        for (ticket, order, ticket_type), cells in zip(rows, cells, strict=True)
    ]


def spreadsheet_safe(value) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ (or a tab or carriage
    return) would be run as a formula, so it gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_for_excel(header: list[str], rows: list[list[str]]) -> str:
    """CSV as Swedish Excel opens it by double-click: UTF-8 with a byte order mark (or
    Å, Ä, Ö break), `;` between cells (the comma is the decimal sign), CRLF lines."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in [header, *rows]:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


# Ticket types --------------------------------------------------------------------------


@dataclass
class TicketTypeData:
    """What an organizer fills in for a ticket type. Times are aware datetimes or None."""

    name_sv: str
    price: int  # öre, VAT included
    vat_percent: int = 25
    name_en: str = ""
    description_sv: str = ""
    description_en: str = ""
    capacity: int | None = None
    max_per_order: int = 10
    sale_starts_at: datetime | None = None
    sale_ends_at: datetime | None = None
    is_visible: bool = True
    is_active: bool = True
    access_code: str = ""
    position: int | None = None  # None: after the others
    badge_role: BadgeRole = BadgeRole.ATTENDEE  # the ribbon on its holders' badges
    requires_approval: bool = False  # buyers apply; approval holds the seats (approval.py)
    approval_hold_hours: int = 48


def _check_window(start, end, field_name: str) -> None:
    if start is not None and end is not None and end <= start:
        raise SalesError("before_start", field_name)


def check_sale_item(data) -> None:
    """The rules a ticket type and an add-on share: a Swedish name, a price and
    capacity in range, a Swedish VAT rate, a sale window that ends after it starts."""
    if not data.name_sv.strip():
        raise SalesError("required", "name_sv")
    if not 0 <= data.price <= MAX_PRICE:
        raise SalesError("range", "price")
    if data.vat_percent not in VAT_RATES:
        raise SalesError("range", "vat_percent")
    if data.capacity is not None and not 0 <= data.capacity <= MAX_CAPACITY:
        raise SalesError("range", "capacity")
    _check_window(data.sale_starts_at, data.sale_ends_at, "sale_ends_at")


def save_ticket_type(
    event: Event, data: TicketTypeData, ticket_type: TicketType | None = None
) -> TicketType:
    """Create or update a ticket type; every rule is checked before anything is written.
    Tickets already sold keep the price they were sold at."""
    check_sale_item(data)
    if not 1 <= data.max_per_order <= MAX_TICKETS_PER_ORDER:
        raise SalesError("range", "max_per_order")
    if not 1 <= data.approval_hold_hours <= 720:
        raise SalesError("range", "approval_hold_hours")
    access_code = normalize_code(data.access_code)
    if access_code and not CODE_RE.match(access_code):
        raise SalesError("format", "access_code")
    if not data.is_visible and not access_code:
        access_code = random_code()  # hidden needs a code, or nobody could buy it
    was_secret = ticket_type is not None and not ticket_type.is_visible
    if (
        not data.is_visible
        and is_guessable(access_code)
        and not (was_secret and normalize_code(ticket_type.access_code) == access_code)
    ):
        # A hidden type's code is all that keeps strangers out: none found by trying.
        # (One saved before this rule stays until it is changed.)
        raise SalesError("guessable", "access_code")
    with unit_of_work():
        if ticket_type is None:
            last = db.session.scalar(
                select(func.max(TicketType.position)).where(TicketType.event_id == event.id)
            )
            ticket_type = TicketType(event=event, position=0 if last is None else last + 1)
            db.session.add(ticket_type)
        for name in (
            "price",
            "vat_percent",
            "capacity",
            "max_per_order",
            "sale_starts_at",
            "sale_ends_at",
            "is_visible",
            "is_active",
            "badge_role",
            "requires_approval",
            "approval_hold_hours",
        ):
            setattr(ticket_type, name, getattr(data, name))
        ticket_type.name_sv = data.name_sv.strip()
        ticket_type.name_en = data.name_en.strip()
        ticket_type.description_sv = data.description_sv.strip()
        ticket_type.description_en = data.description_en.strip()
        ticket_type.access_code = access_code or None
        if data.position is not None:
            ticket_type.position = data.position
    return ticket_type


def tickets_of_type(ticket_type: TicketType) -> int:
    """Tickets ever made of this type, in any order and state."""
    return db.session.scalar(
        select(func.count()).select_from(Ticket).where(Ticket.ticket_type_id == ticket_type.id)
    )


def deactivate_ticket_type(ticket_type: TicketType) -> None:
    """Stop selling it; tickets already sold stay valid."""
    with unit_of_work():
        ticket_type.is_active = False


def delete_ticket_type(ticket_type: TicketType) -> None:
    """Remove a ticket type nobody ever got a ticket of (a mistake); others can only be
    deactivated, as orders, receipts and the books refer to them."""
    with unit_of_work():
        if tickets_of_type(ticket_type):
            raise SalesError("has_tickets", "ticket_type")
        db.session.delete(ticket_type)


# Discount codes ------------------------------------------------------------------------


@dataclass
class DiscountCodeData:
    code: str
    kind: DiscountKind
    value: int  # percent (1–100) or öre off each ticket
    max_uses: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    is_active: bool = True
    ticket_type_ids: list[int] = field(default_factory=list)  # empty: every type


def save_discount_code(
    event: Event, data: DiscountCodeData, code: DiscountCode | None = None
) -> DiscountCode:
    """Create or update a discount code: stored upper case, unique within the event."""
    text = normalize_code(data.code)
    if not CODE_RE.match(text):
        raise SalesError("format", "code")
    other = db.session.scalar(
        select(DiscountCode).where(DiscountCode.event_id == event.id, DiscountCode.code == text)
    )
    if other is not None and other is not code:
        raise SalesError("taken", "code")
    if data.kind is DiscountKind.PERCENT and not 1 <= data.value <= 100:
        raise SalesError("percent_range", "value")
    if data.kind is DiscountKind.FIXED and not 1 <= data.value <= MAX_PRICE:
        raise SalesError("amount_range", "value")
    gives_free = data.kind is DiscountKind.PERCENT and data.value >= 100
    if gives_free and is_guessable(text) and (code is None or code.code != text):
        raise SalesError("guessable_free", "code")  # a free ticket for a guess: no
    if data.max_uses is not None and not 1 <= data.max_uses <= MAX_CAPACITY:
        raise SalesError("range", "max_uses")
    _check_window(data.valid_from, data.valid_until, "valid_until")
    wanted = set(data.ticket_type_ids)
    types = (
        list(
            db.session.scalars(
                select(TicketType).where(TicketType.event_id == event.id, TicketType.id.in_(wanted))
            )
        )
        if wanted
        else []
    )
    if len(types) != len(wanted):
        raise SalesError("unknown", "ticket_types")
    try:
        with unit_of_work():
            if code is None:
                code = DiscountCode(event_id=event.id)
                db.session.add(code)
            code.code = text
            code.kind = data.kind
            code.value = data.value
            code.max_uses = data.max_uses
            code.valid_from = data.valid_from
            code.valid_until = data.valid_until
            code.is_active = data.is_active
            code.ticket_types = sorted(types, key=lambda t: (t.position, t.id))
    except IntegrityError:  # someone saved the same code a moment ago
        raise SalesError("taken", "code") from None
    return code


def deactivate_discount_code(code: DiscountCode) -> None:
    """The code stops working; tickets that got it keep their price."""
    with unit_of_work():
        code.is_active = False


def delete_discount_code(code: DiscountCode) -> None:
    """Remove a code no ticket ever got; used ones can only be deactivated."""
    with unit_of_work():
        used = db.session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.discount_code_id == code.id)
        )
        if used:
            raise SalesError("in_use", "code")
        db.session.delete(code)
