"""What is for sale: ticket types and discount codes of an event."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .events import Event, localized
from .types import StrEnum, UTCDateTime, utcnow

discount_code_ticket_types = Table(
    "discount_code_ticket_types",
    db.metadata,
    Column(
        "discount_code_id", ForeignKey("discount_codes.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("ticket_type_id", ForeignKey("ticket_types.id", ondelete="CASCADE"), primary_key=True),
)


class BadgeRole(enum.Enum):
    """The ribbon on a badge: its colour and its word."""

    ATTENDEE = "deltagare"
    SPEAKER = "talare"
    ORGANIZER = "arrangör"
    PRESS = "press"
    STAFF = "personal"

    @property
    def label(self):
        return {
            BadgeRole.ATTENDEE: _l("Attendee"),
            BadgeRole.SPEAKER: _l("Speaker"),
            BadgeRole.ORGANIZER: _l("Organiser"),
            BadgeRole.PRESS: _l("Press"),
            BadgeRole.STAFF: _l("Staff"),
        }[self]


class SaleItem:
    """What a thing for sale has, whether a ticket or an add-on: names and descriptions
    (sv/en), price (öre, VAT included), VAT rate, capacity (None: no limit of its own)
    and sale window."""

    name_sv: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[int] = mapped_column(default=0)  # öre, VAT included
    vat_percent: Mapped[int] = mapped_column(default=25)
    capacity: Mapped[int | None]
    sale_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sale_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Where its sales are booked (a 4-digit account); None: the event's sales account
    # for its VAT rate (services/bookkeeping/accounts.py).
    sales_account: Mapped[str | None] = mapped_column(String(4))

    @property
    def name(self) -> str:
        return localized(self.name_sv, self.name_en)

    @property
    def description(self) -> str:
        return localized(self.description_sv, self.description_en)

    def on_sale(self, now: datetime) -> bool:
        return (
            self.is_active
            and (self.sale_starts_at is None or self.sale_starts_at <= now)
            and (self.sale_ends_at is None or now < self.sale_ends_at)
        )


class TicketType(SaleItem, db.Model):
    """A kind of ticket: its price (öre, VAT included), VAT rate, capacity (None: limited
    only by the event's capacity) and sale window.

    Hidden types are offered only with their access code; inactive types are not sold.
    """

    __tablename__ = "ticket_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    is_visible: Mapped[bool] = mapped_column(default=True)
    access_code: Mapped[str | None] = mapped_column(String(64))
    max_per_order: Mapped[int] = mapped_column(default=10)
    position: Mapped[int] = mapped_column(default=0)
    # The ribbon on its holders' badges (a confirmed speaker gets "talare" whatever the
    # ticket: services/badges/printing.py decides).
    badge_role: Mapped[BadgeRole] = mapped_column(
        StrEnum(BadgeRole), default=BadgeRole.ATTENDEE, server_default=BadgeRole.ATTENDEE.value
    )
    # Bought only after an organizer approves the buyer's application; the payment link
    # then holds the seats for approval_hold_hours.
    requires_approval: Mapped[bool] = mapped_column(default=False, server_default=false())
    approval_hold_hours: Mapped[int] = mapped_column(default=48, server_default="48")

    event: Mapped[Event] = relationship()

    @property
    def is_free(self) -> bool:
        return self.price == 0


class DiscountKind(enum.Enum):
    PERCENT = "percent"
    FIXED = "fixed"  # öre off each ticket

    @property
    def label(self):
        return {DiscountKind.PERCENT: _l("Percent"), DiscountKind.FIXED: _l("Fixed amount")}[self]


class DiscountCode(db.Model):
    """A code that lowers the price of some (or all) ticket types; each discounted ticket
    is one use."""

    __tablename__ = "discount_codes"
    __table_args__ = (UniqueConstraint("event_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))  # stored upper case
    kind: Mapped[DiscountKind] = mapped_column(StrEnum(DiscountKind))
    value: Mapped[int]  # percent (1–100) or öre
    max_uses: Mapped[int | None]
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    ticket_types: Mapped[list[TicketType]] = relationship(secondary=discount_code_ticket_types)

    def applies_to(self, ticket_type: TicketType) -> bool:
        return not self.ticket_types or ticket_type in self.ticket_types

    def valid_at(self, now: datetime) -> bool:
        return (
            self.is_active
            and (self.valid_from is None or self.valid_from <= now)
            and (self.valid_until is None or now < self.valid_until)
        )

    def discounted(self, price: int) -> int:
        if self.kind is DiscountKind.PERCENT:
            return price - (price * min(self.value, 100) + 50) // 100
        return max(price - self.value, 0)


class Voucher(db.Model):
    """One ticket of a ticket type (usually a hidden one) for whoever has the code, once,
    at the type's price or the voucher's own (0: free).

    Whether it is taken is counted from the orders, never stored: a valid ticket with it
    in a reservation that has not run out, or in a pending order, holds it; in a paid or
    invoiced order it is used. A reservation that expires frees it again.
    """

    __tablename__ = "vouchers"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    ticket_type_id: Mapped[int] = mapped_column(
        ForeignKey("ticket_types.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(32), unique=True)  # services/tickets/codes.py alphabet
    price: Mapped[int | None]  # öre, VAT included; None: the ticket type's price
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    recipient_email: Mapped[str] = mapped_column(String(254), default="")
    # The confirmed speaker it was made for, so a second round skips them.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    ticket_type: Mapped[TicketType] = relationship()

    @property
    def display_code(self) -> str:
        """The code as people read it, in groups of four: "K7PM-XQ4R-9TZA"."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    def price_for(self, ticket_type: TicketType) -> int:
        return ticket_type.price if self.price is None else self.price
