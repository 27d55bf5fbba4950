"""Orders and the tickets in them.

An order holds seats from the moment it is created: while RESERVED until expires_at,
and while PENDING, INVOICED or PAID without end. Capacity is always counted from
these rows, never from a counter.
"""

import enum
import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .events import Event
from .search import search_words
from .tickets import DiscountCode, TicketType, Voucher
from .types import StrEnum, UTCDateTime, utcnow


def new_token() -> str:
    """An unguessable public token (192 bits) for links and QR codes."""
    return secrets.token_urlsafe(24)


def new_reference() -> str:
    """A short order number people can read out on the phone (no 0/O, 1/I)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class OrderStatus(enum.Enum):
    APPLIED = "applied"  # asked for a ticket type that needs approval; holds no seat
    DECLINED = "declined"  # an application an organizer turned down
    RESERVED = "reserved"  # seats held until expires_at while the buyer fills in and pays
    PENDING = "pending"  # payment started and not settled yet (e.g. bank methods)
    INVOICED = "invoiced"  # confirmed; pays by invoice before the due date
    PAID = "paid"
    EXPIRED = "expired"  # the reservation ran out before payment
    CANCELLED = "cancelled"
    REFUNDED = "refunded"

    @property
    def label(self):
        return {
            OrderStatus.APPLIED: _l("Applied, awaiting approval"),
            OrderStatus.DECLINED: _l("Application declined"),
            OrderStatus.RESERVED: _l("Reserved, not paid"),
            OrderStatus.PENDING: _l("Payment in progress"),
            OrderStatus.INVOICED: _l("Confirmed, invoice sent"),
            OrderStatus.PAID: _l("Paid"),
            OrderStatus.EXPIRED: _l("Expired"),
            OrderStatus.CANCELLED: _l("Cancelled"),
            OrderStatus.REFUNDED: _l("Refunded"),
        }[self]

    @property
    def is_confirmed(self) -> bool:
        """The buyer has their tickets."""
        return self in OrderStatus.CONFIRMED


# Named sets of statuses, used everywhere instead of tuples of our own (tuples: they go
# into SQL IN lists as they are). Which moves lead between them: services/order_states.
# The buyer has their tickets (paid, or confirmed to pay by invoice).
OrderStatus.CONFIRMED = (OrderStatus.PAID, OrderStatus.INVOICED)
# Seats held whatever expires_at says; a reservation holds them until it runs out.
OrderStatus.HOLDING = (OrderStatus.PENDING, OrderStatus.INVOICED, OrderStatus.PAID)
# Seats held without being paid for or invoiced yet.
OrderStatus.UNPAID = (OrderStatus.RESERVED, OrderStatus.PENDING)


class TicketStatus(enum.Enum):
    VALID = "valid"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"

    @property
    def label(self):
        return {
            TicketStatus.VALID: _l("Valid"),
            TicketStatus.CANCELLED: _l("Cancelled"),
            TicketStatus.REFUNDED: _l("Refunded"),
        }[self]


class PaymentMethod(enum.Enum):
    STRIPE = "stripe"
    INVOICE = "invoice"
    FREE = "free"
    DEV = "dev"

    @property
    def label(self):
        return {
            PaymentMethod.STRIPE: _l("Card, Swish or Klarna"),
            PaymentMethod.INVOICE: _l("Invoice (organisations)"),
            PaymentMethod.FREE: _l("Free"),
            PaymentMethod.DEV: _l("Test payment (development only)"),
        }[self]


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_event_status", "event_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    reference: Mapped[str] = mapped_column(String(16), unique=True, default=new_reference)
    status: Mapped[OrderStatus] = mapped_column(StrEnum(OrderStatus), default=OrderStatus.RESERVED)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A worker tidying up the ended reservation (stopping its payment at the provider)
    # holds it until then, so two workers never both do it.
    expiring_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locale: Mapped[str] = mapped_column(String(5), default="sv")
    payment_method: Mapped[PaymentMethod | None] = mapped_column(StrEnum(PaymentMethod))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who reserved, as a keyed hash of their network address (ordering.holder_key): the
    # seats one address may hold unpaid at once are capped. Never the address itself.
    holder_key: Mapped[str | None] = mapped_column(String(32))

    buyer_name: Mapped[str] = mapped_column(String(200), default="")
    buyer_email: Mapped[str] = mapped_column(String(254), default="", index=True)
    buyer_organisation: Mapped[str] = mapped_column(String(200), default="")
    # Invoice (faktura) details, for organisations paying by invoice.
    org_number: Mapped[str] = mapped_column(String(20), default="")
    invoice_address: Mapped[str] = mapped_column(Text, default="")
    invoice_reference: Mapped[str] = mapped_column(String(200), default="")
    invoice_due_on: Mapped[date | None] = mapped_column(Date)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The buyer's name, email, organisation and reference folded (models/search.py).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Why the buyer asks, for a ticket type that needs an organizer's approval.
    motivation: Mapped[str] = mapped_column(Text, default="", server_default="")

    event: Mapped[Event] = relationship()
    tickets: Mapped[list["Ticket"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Ticket.id"
    )
    payments: Mapped[list["Payment"]] = relationship(  # noqa: F821
        back_populates="order", cascade="all, delete-orphan", order_by="Payment.id"
    )

    addons: Mapped[list["TicketAddon"]] = relationship(  # noqa: F821 (models.addons)
        back_populates="order", cascade="all, delete-orphan", order_by="TicketAddon.id"
    )

    @property
    def total(self) -> int:
        """What the buyer pays for the tickets and add-ons still in the order (öre, VAT
        included)."""
        return sum(t.price for t in self.tickets if t.status is not TicketStatus.CANCELLED) + sum(
            a.price for a in self.addons if a.status is not TicketStatus.CANCELLED
        )

    @property
    def valid_addons(self) -> list["TicketAddon"]:  # noqa: F821
        return [a for a in self.addons if a.status is TicketStatus.VALID]

    @property
    def is_addon_order(self) -> bool:
        """A follow-up order for add-ons to tickets bought before: it has no tickets."""
        return not self.tickets and bool(self.addons)

    @property
    def discount_total(self) -> int:
        """What discount codes took off the tickets still in the order (öre)."""
        return sum(
            t.discount_amount for t in self.tickets if t.status is not TicketStatus.CANCELLED
        )

    @property
    def discounts(self) -> list[tuple[str, int]]:
        """The discount as lines of their own: (code, öre taken off), one per code or
        voucher used ("" for a code deleted since)."""
        lines: dict[str, int] = {}
        for ticket in self.tickets:
            if ticket.discount_amount and ticket.status is not TicketStatus.CANCELLED:
                code = ticket.discount_code.code if ticket.discount_code else ""
                if ticket.voucher is not None:
                    code = ticket.voucher.display_code
                lines[code] = lines.get(code, 0) + ticket.discount_amount
        return sorted(lines.items())

    @property
    def status_label(self):
        """The status in words: a free order that is "paid" is confirmed (no money moved)."""
        if self.status is OrderStatus.PAID and self.total == 0:
            return _l("Confirmed")
        return self.status.label

    @property
    def valid_tickets(self) -> list["Ticket"]:
        return [t for t in self.tickets if t.status is TicketStatus.VALID]

    def holds_seats(self, now: datetime) -> bool:
        if self.status is OrderStatus.RESERVED:
            return self.expires_at > now
        return self.status in OrderStatus.HOLDING


class Ticket(db.Model):
    """One seat in an order, for one attendee. Its secret is all the QR code carries."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    ticket_type_id: Mapped[int] = mapped_column(ForeignKey("ticket_types.id"), index=True)
    secret: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    status: Mapped[TicketStatus] = mapped_column(StrEnum(TicketStatus), default=TicketStatus.VALID)
    price: Mapped[int]  # öre, VAT included, after any discount
    # What the discount code took off the ticket type's price at purchase (öre).
    discount_amount: Mapped[int] = mapped_column(default=0, server_default="0")
    discount_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("discount_codes.id", ondelete="SET NULL"), index=True
    )
    # The one-use voucher the ticket was bought with (its price is the voucher's).
    voucher_id: Mapped[int | None] = mapped_column(
        ForeignKey("vouchers.id", ondelete="SET NULL"), index=True
    )
    vat_percent: Mapped[int]
    refunded_amount: Mapped[int] = mapped_column(default=0)
    attendee_name: Mapped[str] = mapped_column(String(200), default="")
    attendee_email: Mapped[str] = mapped_column(String(254), default="")
    attendee_organisation: Mapped[str] = mapped_column(String(200), default="")
    dietary_needs: Mapped[str] = mapped_column(String(500), default="")
    accessibility_needs: Mapped[str] = mapped_column(String(500), default="")
    # The attendee's name, email and organisation folded (models/search.py).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    order: Mapped[Order] = relationship(back_populates="tickets")
    ticket_type: Mapped[TicketType] = relationship()
    discount_code: Mapped[DiscountCode | None] = relationship()
    voucher: Mapped[Voucher | None] = relationship()
    addons: Mapped[list["TicketAddon"]] = relationship(  # noqa: F821 (models.addons)
        back_populates="ticket", order_by="TicketAddon.id"
    )

    @property
    def valid_addons(self) -> list["TicketAddon"]:  # noqa: F821
        """The add-ons the attendee has: valid, in an order that is confirmed (or this
        ticket's own order, whatever its state)."""
        return [
            a
            for a in self.addons
            if a.status is TicketStatus.VALID
            and (a.order_id == self.order_id or a.order.status.is_confirmed)
        ]

    @property
    def refundable(self) -> int:
        """What refunding this ticket pays back (öre): what is left of its price, and the
        add-ons paid in its own order, which go with it (models/addons.py)."""
        own = sum(
            a.price
            for a in self.addons
            if a.order_id == self.order_id and a.status is TicketStatus.VALID
        )
        return self.price - self.refunded_amount + own

    @property
    def list_price(self) -> int:
        """The ticket type's price when it was bought, before the discount (öre)."""
        return self.price + self.discount_amount

    @property
    def vat_amount(self) -> int:
        """The VAT included in the price (öre), rounded to the nearest öre."""
        return vat_part(self.price, self.vat_percent)

    @property
    def list_vat_amount(self) -> int:
        """The VAT included in the list price (öre), as vat_amount is in the price paid."""
        return vat_part(self.list_price, self.vat_percent)


class Actor(enum.Enum):
    """Who or what changed an order."""

    ORGANIZER = "organizer"  # someone on the organizer's pages (the user is named)
    BUYER = "buyer"  # the buyer or attendee, on the order's own pages
    STRIPE = "stripe"  # a webhook from the payment provider
    WORKER = "worker"  # `flask worker` (expiry, refunds retried, reminders)
    SYSTEM = "system"  # a command run by an operator, or anything else

    @property
    def label(self):
        return {
            Actor.ORGANIZER: _l("Organizer"),
            Actor.BUYER: _l("Buyer"),
            Actor.STRIPE: _l("Stripe"),
            Actor.WORKER: _l("The system (worker)"),
            Actor.SYSTEM: _l("The system"),
        }[self]


class OrderEvent(db.Model):
    """One change to an order: when, by whom or what, and what changed (`action` and
    its `details`), so support can answer "what happened to my ticket?". Written in
    the same commit as the change (services/tickets/history.py)."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[Actor] = mapped_column(StrEnum(Actor))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    request_id: Mapped[str | None] = mapped_column(String(64))

    order: Mapped[Order] = relationship()
    user: Mapped["User | None"] = relationship()  # noqa: F821 (models.users)


@event.listens_for(Order, "before_insert")
@event.listens_for(Order, "before_update")
def _fold_order(mapper, connection, order: Order) -> None:
    order.search_text = search_words(
        order.buyer_name, order.buyer_email, order.buyer_organisation, order.reference
    )


@event.listens_for(Ticket, "before_insert")
@event.listens_for(Ticket, "before_update")
def _fold_ticket(mapper, connection, ticket: Ticket) -> None:
    ticket.search_text = search_words(
        ticket.attendee_name, ticket.attendee_email, ticket.attendee_organisation
    )


def vat_part(gross: int, percent: int) -> int:
    return (gross * percent * 2 + (100 + percent)) // (2 * (100 + percent))
