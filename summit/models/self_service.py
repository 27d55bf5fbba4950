"""What attendees do with their own tickets: the credit an invoice gets when a ticket on
it is cancelled, and the secrets a transfer made dead (services/tickets/self_service.py).
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .orders import Order, Ticket
from .types import UTCDateTime, utcnow


class InvoiceCredit(db.Model):
    """An invoiced, not yet paid order owes less: a ticket on it was cancelled. The
    amount due is the invoice's amount less its credits; the credit note numbered for
    the books is made from these rows (one per cancelled ticket). `fee` is what the
    policy kept of the ticket's price, still owed."""

    __tablename__ = "invoice_credits"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), unique=True
    )
    amount: Mapped[int]  # öre taken off the invoice, VAT included
    fee: Mapped[int] = mapped_column(default=0)  # öre of the ticket's price still owed
    vat_percent: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship()
    ticket: Mapped[Ticket | None] = relationship()


class RevokedSecret(db.Model):
    """A ticket's former secret, dead since the ticket was transferred: a scan of it
    answers "cancelled" (not "unknown"), and the door's offline list carries it as such,
    so a phone that synced before the transfer learns it at its next sync. Only the
    SHA-256 is kept, as the offline list carries it; never the secret."""

    __tablename__ = "revoked_secrets"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship()
