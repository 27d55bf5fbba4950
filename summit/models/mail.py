"""The mail outbox: messages written with the change that caused them, sent by a worker."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import StrEnum, UTCDateTime, utcnow


class MessageStatus(enum.Enum):
    PENDING = "pending"  # waiting for its first or next attempt
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt

    @property
    def label(self):
        return {
            MessageStatus.PENDING: _l("Waiting"),
            MessageStatus.SENT: _l("Sent"),
            MessageStatus.FAILED: _l("Failed"),
        }[self]


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[MessageStatus] = mapped_column(
        StrEnum(MessageStatus), default=MessageStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker that claims a message holds it until locked_until; claim_token says which.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The id of the request that queued it, carried into the worker's log lines.
    request_id: Mapped[str | None] = mapped_column(String(64))
    # Group mail that may be refused: the one-click unsubscribe address (RFC 8058),
    # sent as List-Unsubscribe with List-Unsubscribe-Post.
    list_unsubscribe: Mapped[str | None] = mapped_column(String(500))

    attachments: Mapped[list["OutboxAttachment"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="OutboxAttachment.id"
    )


class OutboxAttachment(db.Model):
    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    # Either the bytes, or a document rendered when the mail is sent (e.g. "ticket:12"),
    # so a PDF is made outside the transaction that queued it and shows current details.
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    document: Mapped[str | None] = mapped_column(String(100))

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")
