"""E-invoices on their way to the buyer through a Peppol access point: one delivery per
invoice or credit note issued to an organisation, queued in the same transaction as the
document and sent by the worker (services/billing/delivery.py), retried like mail."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .billing import Invoice
from .types import StrEnum, UTCDateTime, utcnow


class DeliveryState(enum.Enum):
    QUEUED = "queued"  # waiting for its first or next attempt
    SENT = "sent"  # the access point took it
    FAILED = "failed"  # refused for good, or given up after the last attempt

    @property
    def label(self):
        return {
            DeliveryState.QUEUED: _l("Queued"),
            DeliveryState.SENT: _l("Sent"),
            DeliveryState.FAILED: _l("Failed"),
        }[self]


class EinvoiceDelivery(db.Model):
    """Sending one document to `receiver` (its Peppol id, "0007:<org number>")."""

    __tablename__ = "einvoice_deliveries"
    __table_args__ = (Index("ix_einvoice_deliveries_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), unique=True
    )
    receiver: Mapped[str] = mapped_column(String(50))
    state: Mapped[DeliveryState] = mapped_column(
        StrEnum(DeliveryState), default=DeliveryState.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker that claims a delivery holds it until locked_until; claim_token says which.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    # What the access point calls the message (or where the file was put).
    reference: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    invoice: Mapped[Invoice] = relationship()
