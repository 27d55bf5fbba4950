"""Personal data: each event's retention policy and privacy notice, people's requests
for erasure (GDPR art. 17), consents given outside the registration form, the log of
who took personal data out in bulk, and reports on the site's accessibility.

The rules that use them: services/privacy/.
"""

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .events import Event
from .types import StrEnum, UTCDateTime, utcnow
from .users import User

# Days after the event ends that sensitive answers (diet, accessibility, health) stay.
DEFAULT_SENSITIVE_DAYS = 30
# Bokföringslagen (1999:1078) 7 kap. 2 §: seven years after the end of the calendar year.
BOOKKEEPING_YEARS = 7


def new_request_token() -> str:
    return secrets.token_urlsafe(24)


class EventPrivacy(db.Model):
    """An event's retention policy and privacy notice. No row: the defaults (sensitive
    answers erased 30 days after the event, attendee data kept until erased, the
    standard notice). `*_done_at`: when the worker applied the rule (a later run that
    finds nothing changes nothing)."""

    __tablename__ = "event_privacy"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    sensitive_days: Mapped[int] = mapped_column(default=DEFAULT_SENSITIVE_DAYS)
    # Months after the event that attendee data is kept, then anonymised; None: until
    # the person asks for erasure.
    attendee_months: Mapped[int | None]
    notice_sv: Mapped[str] = mapped_column(Text, default="")
    notice_en: Mapped[str] = mapped_column(Text, default="")
    sensitive_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendees_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bookkeeping_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()


class ErasureStatus(enum.Enum):
    OPEN = "open"
    COMPLETED = "completed"

    @property
    def label(self):
        return {ErasureStatus.OPEN: _l("Waiting"), ErasureStatus.COMPLETED: _l("Completed")}[self]


class ErasureRequest(db.Model):
    """A person's request to be erased (art. 17), and once completed: who completed it,
    when, and what was kept and why (one line per data holder that kept something).
    The email is kept with the request: it is the proof of what was asked and done."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_request_token)
    email: Mapped[str] = mapped_column(String(254), index=True)  # lower case
    status: Mapped[ErasureStatus] = mapped_column(
        StrEnum(ErasureStatus), default=ErasureStatus.OPEN
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who completed it, as their address then (the account may be gone since).
    completed_by_email: Mapped[str] = mapped_column(String(254), default="")
    kept: Mapped[str] = mapped_column(Text, default="")  # one line per holder

    completed_by: Mapped[User | None] = relationship()

    @property
    def kept_lines(self) -> list[str]:
        return [line for line in self.kept.splitlines() if line.strip()]


class ConsentPurpose(enum.Enum):
    """Consents given outside an event's registration questions (those are answers
    of the consent kind, kept with their exact text in models/questions.py)."""

    NETWORKING = "networking"  # shown on the event's participant list
    NEWSLETTER = "newsletter"  # MSI's newsletter

    @property
    def label(self):
        return {
            ConsentPurpose.NETWORKING: _l("Participant list"),
            ConsentPurpose.NEWSLETTER: _l("Newsletter"),
        }[self]


class Consent(db.Model):
    """A consent: the exact text agreed to, when, and when withdrawn (a withdrawn consent
    stays as the record; a new one is a new row)."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_email_purpose", "email", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_request_token)
    email: Mapped[str] = mapped_column(String(254))  # lower case
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[ConsentPurpose] = mapped_column(StrEnum(ConsentPurpose))
    text: Mapped[str] = mapped_column(Text)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event | None] = relationship()


class DataAccess(db.Model):
    """Someone took personal data out in bulk (an attendee CSV, a badge run, a report,
    an art. 15 export): who, what, for which event, when, how many rows."""

    __tablename__ = "data_access_log"
    __table_args__ = (Index("ix_data_access_log_event_at", "event_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_email: Mapped[str] = mapped_column(String(254), default="")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(String(40))  # services/privacy/audit.KINDS
    rows: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event | None] = relationship()


class AccessibilityReport(db.Model):
    """A problem someone reported with the site's accessibility (the statement's form)."""

    __tablename__ = "accessibility_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
