"""Payments, refunds and the provider events already handled (invoices: models/billing.py)."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .orders import Order, PaymentMethod
from .types import StrEnum, UTCDateTime, utcnow


class PaymentStatus(enum.Enum):
    CREATED = "created"  # e.g. a Stripe Checkout Session waiting for the buyer
    PENDING = "pending"  # the buyer paid with a method that settles later
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"  # expired or abandoned

    @property
    def label(self):
        return {
            PaymentStatus.CREATED: _l("Started"),
            PaymentStatus.PENDING: _l("Waiting for the bank"),
            PaymentStatus.SUCCEEDED: _l("Paid"),
            PaymentStatus.FAILED: _l("Failed"),
            PaymentStatus.CANCELLED: _l("Cancelled"),
        }[self]


class RefundStatus(enum.Enum):
    """Where a refund is, as the provider reports it: only a succeeded refund has given
    the money back; a failed or canceled one never did."""

    PENDING = "pending"
    REQUIRES_ACTION = "requires_action"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"

    @property
    def label(self):
        return {
            RefundStatus.PENDING: _l("Pending"),
            RefundStatus.REQUIRES_ACTION: _l("Waiting for action at the provider"),
            RefundStatus.SUCCEEDED: _l("Refunded"),
            RefundStatus.FAILED: _l("Failed"),
            RefundStatus.CANCELED: _l("Cancelled"),
        }[self]

    @property
    def counts(self) -> bool:
        """The money is on its way back or back: it cannot be refunded a second time."""
        return self not in (RefundStatus.FAILED, RefundStatus.CANCELED)


class DisputeDecision(enum.Enum):
    """What the organizers chose for the tickets of a disputed payment."""

    KEEP = "keep"
    CANCEL = "cancel"

    @property
    def label(self):
        return {
            DisputeDecision.KEEP: _l("Tickets kept valid"),
            DisputeDecision.CANCEL: _l("Tickets cancelled"),
        }[self]


class Payment(db.Model):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(StrEnum(PaymentMethod))
    status: Mapped[PaymentStatus] = mapped_column(
        StrEnum(PaymentStatus), default=PaymentStatus.CREATED
    )
    amount: Mapped[int]  # öre
    currency: Mapped[str] = mapped_column(String(3), default="SEK")
    # Stripe: the Checkout Session id, and the PaymentIntent once paid.
    provider_ref: Mapped[str | None] = mapped_column(String(255), unique=True)
    provider_intent: Mapped[str | None] = mapped_column(String(255), index=True)
    checkout_url: Mapped[str | None] = mapped_column(Text)
    refunded_amount: Mapped[int] = mapped_column(default=0)
    # Money we must give back (paid twice, or paid after the seats were sold): set in the
    # same commit as that decision, cleared when the refund is recorded, so a crash in
    # between is caught up by the worker (payments.refunds.retry_due_refunds).
    refund_due: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A dispute (chargeback) the buyer's bank opened on this payment, as Stripe reports
    # it (one per charge): its id, Stripe's status word, and the organizers' decision.
    dispute_ref: Mapped[str | None] = mapped_column(String(255), unique=True)
    dispute_status: Mapped[str | None] = mapped_column(String(40))
    dispute_reason: Mapped[str] = mapped_column(String(60), default="", server_default="")
    dispute_amount: Mapped[int | None]
    disputed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispute_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispute_decision: Mapped[DisputeDecision | None] = mapped_column(StrEnum(DisputeDecision))

    order: Mapped[Order] = relationship(back_populates="payments")
    refunds: Mapped[list["Refund"]] = relationship(
        back_populates="payment", cascade="all, delete-orphan", order_by="Refund.id"
    )


class Refund(db.Model):
    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments.id", ondelete="CASCADE"), index=True
    )
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    amount: Mapped[int]
    provider_ref: Mapped[str | None] = mapped_column(String(255), unique=True)
    status: Mapped[RefundStatus] = mapped_column(
        StrEnum(RefundStatus), default=RefundStatus.SUCCEEDED, server_default="succeeded"
    )
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    payment: Mapped[Payment] = relationship(back_populates="refunds")


class ProviderEvent(db.Model):
    """A webhook event already handled: the same event delivered again changes nothing."""

    __tablename__ = "provider_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    event_type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
