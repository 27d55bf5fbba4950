"""Payments into our bankgiro, read from Bankgirot's BgMax files (services/billing/
bank_payments.py): each file kept once (by its SHA-256), each payment once (by its
BGC serial number and date, whichever file brings it), and what became of it."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .billing import Invoice
from .payments import Payment
from .types import StrEnum, UTCDateTime, utcnow
from .users import User


class BankOutcome(enum.Enum):
    """What a payment from the bank did. Only PAID needs nobody; the others are listed
    for a person until settled."""

    PAID = "paid"  # matched an invoice and paid what it still asked: the order is paid
    PARTIAL = "partial"  # less than the invoice still asks: recorded, the rest still owed
    OVERPAID = "overpaid"  # more than it still asks: the order is paid, the surplus goes back
    NOT_OWED = "not_owed"  # to an invoice that asks for nothing (credited, cancelled, paid)
    UNMATCHED = "unmatched"  # no invoice found for it
    DEDUCTION = "deduction"  # money the bank took back from a deposit

    @property
    def label(self):
        return {
            BankOutcome.PAID: _l("Paid the invoice"),
            BankOutcome.PARTIAL: _l("Part payment"),
            BankOutcome.OVERPAID: _l("Paid too much"),
            BankOutcome.NOT_OWED: _l("Nothing owed on the invoice"),
            BankOutcome.UNMATCHED: _l("No invoice found"),
            BankOutcome.DEDUCTION: _l("Deduction"),
        }[self]


class BankFile(db.Model):
    __tablename__ = "bank_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    # The file's own timestamp (skrivdag), as Bankgirot wrote it.
    written_at: Mapped[str] = mapped_column(String(20), default="")
    payments: Mapped[int] = mapped_column(default=0)  # in the file
    total: Mapped[int] = mapped_column(default=0)  # öre, the deposits' sum
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The file as the bank delivered it, kept as the record of what was read.
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))

    uploaded_by: Mapped[User | None] = relationship()


class BankPayment(db.Model):
    """One payment (or deduction) from a bank file, taken once."""

    __tablename__ = "bank_payments"
    __table_args__ = (UniqueConstraint("serial", "paid_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(
        ForeignKey("bank_files.id", ondelete="CASCADE"), index=True
    )
    serial: Mapped[str] = mapped_column(String(12))  # BGC-löpnummer
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int]  # öre, positive (a deduction too)
    currency: Mapped[str] = mapped_column(String(3), default="SEK")
    deduction: Mapped[bool] = mapped_column(default=False)
    sender_bankgiro: Mapped[str] = mapped_column(String(10), default="")
    reference: Mapped[str] = mapped_column(String(25), default="")
    reference_code: Mapped[int] = mapped_column(default=0)
    channel: Mapped[str] = mapped_column(String(20), default="")
    # What else the payer wrote (extra references, information), one per line.
    information: Mapped[str] = mapped_column(Text, default="")
    payer_name: Mapped[str] = mapped_column(String(200), default="")
    payer_org_number: Mapped[str] = mapped_column(String(12), default="")
    payer_address: Mapped[str] = mapped_column(Text, default="")

    outcome: Mapped[BankOutcome] = mapped_column(StrEnum(BankOutcome))
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="SET NULL"), index=True
    )
    # The order's payment this money made, and how much of it paid the invoice (öre).
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id", ondelete="SET NULL"))
    applied: Mapped[int] = mapped_column(default=0)
    # A person looked at it (or nobody needed to): when, who, and what they noted.
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    file: Mapped[BankFile] = relationship()
    invoice: Mapped[Invoice | None] = relationship()
    payment: Mapped[Payment | None] = relationship()
    settled_by: Mapped[User | None] = relationship(foreign_keys=[settled_by_id])

    @property
    def surplus(self) -> int:
        """Money to pay back: what came beyond what the invoice asked (öre)."""
        return self.amount - self.applied if self.outcome is BankOutcome.OVERPAID else 0
