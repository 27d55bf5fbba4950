"""Invoices and credit notes (fakturor och kreditfakturor): documents numbered in one
series, each a snapshot of what it said the day it was issued.

An issued document is never changed: who sold, who buys, the lines, the totals and how
to pay are copied into its own rows (services/billing/issue.py), so a renamed ticket
type, a changed bankgiro or a cancelled ticket leaves it as the buyer received it.
What changes afterwards is said by a new document: a credit note refers to the
invoice it credits. Its PDF is made once and kept (`pdf`), as the law wants it kept.
"""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .orders import Order
from .types import StrEnum, UTCDateTime, utcnow


class DocumentKind(enum.Enum):
    INVOICE = "invoice"  # faktura
    CREDIT_NOTE = "credit_note"  # kreditfaktura

    @property
    def label(self):
        return {
            DocumentKind.INVOICE: _l("Invoice"),
            DocumentKind.CREDIT_NOTE: _l("Credit note"),
        }[self]


class LineKind(enum.Enum):
    ITEM = "item"  # something sold (a ticket type, an add-on, a fee)
    ALLOWANCE = "allowance"  # taken off (a discount code, a fee kept on a credit)


class Invoice(db.Model):
    """A faktura or a kreditfaktura: `number` is one sequence over both kinds and all
    events, without gaps or repeats. Amounts in öre; `amount` is what the document is
    for (to pay, or credited), VAT included, always positive; `net` + `vat` + `rounding`
    = `amount`."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    kind: Mapped[DocumentKind] = mapped_column(
        StrEnum(DocumentKind), default=DocumentKind.INVOICE, server_default="invoice"
    )
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    # A credit note: the invoice it credits.
    credits_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[int]
    net: Mapped[int] = mapped_column(default=0, server_default="0")
    vat: Mapped[int] = mapped_column(default=0, server_default="0")
    rounding: Mapped[int] = mapped_column(default=0, server_default="0")
    currency: Mapped[str] = mapped_column(String(3), default="SEK", server_default="SEK")
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)  # a credit note: its issue date
    locale: Mapped[str] = mapped_column(String(5), default="sv", server_default="sv")
    # Why a credit note was made, in the document's language.
    reason: Mapped[str] = mapped_column(String(300), default="", server_default="")

    # The seller, as the invoice names it.
    seller_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    seller_address: Mapped[str] = mapped_column(Text, default="", server_default="")
    seller_org_number: Mapped[str] = mapped_column(String(20), default="", server_default="")
    seller_vat_number: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # How to pay: "bankgiro", "plusgiro" or "iban"; the account (and BIC for an IBAN).
    pay_to_scheme: Mapped[str] = mapped_column(
        String(10), default="bankgiro", server_default="bankgiro"
    )
    pay_to_account: Mapped[str] = mapped_column(String(40), default="", server_default="")
    pay_to_bic: Mapped[str] = mapped_column(String(11), default="", server_default="")
    # The OCR reference the buyer pays with (services/payments/ocr.py).
    ocr: Mapped[str] = mapped_column(String(25), default="", server_default="", index=True)

    # The buyer: organisation, its numbers, address, "Er referens", contact.
    buyer_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    buyer_org_number: Mapped[str] = mapped_column(String(20), default="", server_default="")
    buyer_vat_number: Mapped[str] = mapped_column(String(20), default="", server_default="")
    buyer_address: Mapped[str] = mapped_column(Text, default="", server_default="")
    buyer_reference: Mapped[str] = mapped_column(String(200), default="", server_default="")
    buyer_contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    buyer_email: Mapped[str] = mapped_column(String(254), default="", server_default="")

    # The document as sent, made the first time it is asked for and kept unchanged.
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    # Payment reminders (påminnelser) sent for an invoice, and when the last one was.
    reminders_sent: Mapped[int] = mapped_column(default=0, server_default="0")
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship()
    credits: Mapped["Invoice | None"] = relationship(remote_side=[id])
    lines: Mapped[list["InvoiceLine"]] = relationship(
        back_populates="invoice",
        cascade="all, delete-orphan",
        order_by="InvoiceLine.position",
    )

    @property
    def is_credit_note(self) -> bool:
        return self.kind is DocumentKind.CREDIT_NOTE


class InvoiceLine(db.Model):
    """One line of an invoice or credit note, as it was issued. An item: `quantity` ×
    `unit_price`; an allowance (a discount, a fee kept): `unit_price` taken off, at the
    VAT rate of what it is taken off. Prices in öre, VAT included, positive; `net` is
    the line without VAT (what an e-invoice carries). What it sold (`ticket_type_id`,
    `addon_id`) lets the bookkeeping export find its account."""

    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    kind: Mapped[LineKind] = mapped_column(StrEnum(LineKind), default=LineKind.ITEM)
    description: Mapped[str] = mapped_column(String(300))
    # Who or what the line is for, e.g. the attendees' names.
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    quantity: Mapped[int] = mapped_column(default=1)
    unit_price: Mapped[int]
    vat_percent: Mapped[int]
    net: Mapped[int]
    ticket_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket_types.id", ondelete="SET NULL")
    )
    addon_id: Mapped[int | None] = mapped_column(ForeignKey("addons.id", ondelete="SET NULL"))

    invoice: Mapped[Invoice] = relationship(back_populates="lines")

    @property
    def gross(self) -> int:
        return self.quantity * self.unit_price

    @property
    def unit_net(self) -> int:
        return self.net // self.quantity

    @property
    def signed_gross(self) -> int:
        """The line's amount in the document's sum: an allowance counts negative."""
        return -self.gross if self.kind is LineKind.ALLOWANCE else self.gross

    @property
    def signed_net(self) -> int:
        return -self.net if self.kind is LineKind.ALLOWANCE else self.net
