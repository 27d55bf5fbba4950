"""Mail to attendee groups: a mailing, who it went to, and who asked for no more.

A mailing is written by organizers (subject and body in Swedish and English), names its
recipients by criteria (services/mailings/recipients.py) and is sent through the outbox.
Each send is a round; an address gets one message per round (a unique index), however
many workers expand the mailing and however often the button is pressed.
"""

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .events import Event
from .mail import OutboxMessage
from .types import StrEnum, UTCDateTime, utcnow
from .users import User


class MailingStatus(enum.Enum):
    DRAFT = "draft"  # being written; nothing sent
    SCHEDULED = "scheduled"  # to be sent at send_at by the worker
    SENDING = "sending"  # the worker is putting a round's messages in the outbox
    SENT = "sent"  # every recipient of the last round has its outbox message

    @property
    def label(self):
        return {
            MailingStatus.DRAFT: _l("Draft"),
            MailingStatus.SCHEDULED: _l("Scheduled"),
            MailingStatus.SENDING: _l("Sending"),
            MailingStatus.SENT: _l("Sent"),
        }[self]


class ResendMode(enum.Enum):
    """Who a round after the first goes to (chosen deliberately by the organizer)."""

    MISSING = "missing"  # those of the group who have not got it (new or failed)
    EVERYONE = "everyone"  # everyone in the group again


class Mailing(db.Model):
    __tablename__ = "mailings"
    __table_args__ = (Index("ix_mailings_due", "status", "send_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    subject_sv: Mapped[str] = mapped_column(String(200))
    subject_en: Mapped[str] = mapped_column(String(200), default="")
    body_sv: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text, default="")
    # Who it goes to, as services/mailings/recipients.Selection writes it.
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    # Essential mail (tickets, a changed time or place) goes to those who unsubscribed
    # too and carries no unsubscribe link; the organizer says why it is essential.
    essential: Mapped[bool] = mapped_column(default=False)
    essential_reason: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[MailingStatus] = mapped_column(
        StrEnum(MailingStatus), default=MailingStatus.DRAFT
    )
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    round: Mapped[int] = mapped_column(default=0)  # the round being or last sent
    resend_mode: Mapped[ResendMode | None] = mapped_column(StrEnum(ResendMode))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last round done

    event: Mapped[Event] = relationship()
    created_by: Mapped[User | None] = relationship()

    def subject(self, locale: str) -> str:
        return (self.subject_en if locale == "en" else "") or self.subject_sv

    def body(self, locale: str) -> str:
        return (self.body_en if locale == "en" else "") or self.body_sv


class DeliveryStatus(enum.Enum):
    QUEUED = "queued"  # its outbox message says how it went
    UNSUBSCRIBED = "unsubscribed"  # not sent: the address asked for no more

    @property
    def label(self):
        return {
            DeliveryStatus.QUEUED: _l("Put in the outbox"),
            DeliveryStatus.UNSUBSCRIBED: _l("Not sent: unsubscribed"),
        }[self]


class MailingRecipient(db.Model):
    """One address of one round of a mailing, and its outbox message."""

    __tablename__ = "mailing_recipients"
    __table_args__ = (UniqueConstraint("mailing_id", "round", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailing_id: Mapped[int] = mapped_column(
        ForeignKey("mailings.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int]
    email: Mapped[str] = mapped_column(String(254))  # lower case
    name: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(5), default="sv")
    status: Mapped[DeliveryStatus] = mapped_column(StrEnum(DeliveryStatus))
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mailing: Mapped[Mailing] = relationship()
    outbox_message: Mapped[OutboxMessage | None] = relationship()


def new_subscription_token() -> str:
    return secrets.token_urlsafe(24)


class MailSubscription(db.Model):
    """An address's choice about non-essential group mail, for the whole organisation
    that runs this site (every event): its unsubscribe link carries `token`, never the
    address or an id. A row exists once a group mail has gone to the address."""

    __tablename__ = "mail_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower case
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_subscription_token)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
