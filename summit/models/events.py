"""Events: the annual summit (several days, rooms, tracks) and seminars."""

import enum
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, Time, UniqueConstraint, false
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .types import StrEnum, UTCDateTime, utcnow

DEFAULT_ACCENT = "#0b5a5a"  # the site's brand colour


class EventKind(enum.Enum):
    SUMMIT = "summit"
    SEMINAR = "seminar"

    @property
    def label(self):
        return {EventKind.SUMMIT: _l("Summit"), EventKind.SEMINAR: _l("Seminar")}[self]


class EventStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"

    @property
    def label(self):
        return {EventStatus.DRAFT: _l("Draft"), EventStatus.PUBLISHED: _l("Published")}[self]


class EventFormat(enum.Enum):
    ON_SITE = "on_site"
    ONLINE = "online"
    HYBRID = "hybrid"

    @property
    def label(self):
        return {
            EventFormat.ON_SITE: _l("On site"),
            EventFormat.ONLINE: _l("Online"),
            EventFormat.HYBRID: _l("Hybrid (on site and online)"),
        }[self]

    @property
    def has_stream(self) -> bool:
        return self is not EventFormat.ON_SITE


def localized(sv: str | None, en: str | None) -> str:
    """English where the page is English and a text exists, else the Swedish text."""
    locale = get_locale()
    if locale is not None and locale.language == "en" and en:
        return en
    return sv or en or ""


class CancelPolicy(enum.Enum):
    """What an attendee may do with their own ticket, until the event's deadlines
    (services/tickets/self_service.py)."""

    OFF = "off"  # nothing by themselves: they ask the organizer
    FULL_REFUND = "full_refund"  # cancel with all their money back, or transfer
    REFUND_MINUS_FEE = "refund_minus_fee"  # cancel with the price less a fee, or transfer
    TRANSFER_ONLY = "transfer_only"  # no refund, but the ticket may go to someone else

    @property
    def label(self):
        return {
            CancelPolicy.OFF: _l("Attendees cannot cancel or transfer by themselves"),
            CancelPolicy.FULL_REFUND: _l("Cancel with a full refund, or transfer"),
            CancelPolicy.REFUND_MINUS_FEE: _l("Cancel with a refund less a fee, or transfer"),
            CancelPolicy.TRANSFER_ONLY: _l("No refund, but transfer to someone else"),
        }[self]

    @property
    def refunds(self) -> bool:
        return self in (CancelPolicy.FULL_REFUND, CancelPolicy.REFUND_MINUS_FEE)

    @property
    def transfers(self) -> bool:
        return self is not CancelPolicy.OFF


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[EventKind] = mapped_column(StrEnum(EventKind))
    status: Mapped[EventStatus] = mapped_column(StrEnum(EventStatus), default=EventStatus.DRAFT)
    format: Mapped[EventFormat] = mapped_column(StrEnum(EventFormat), default=EventFormat.ON_SITE)
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    venue_name: Mapped[str] = mapped_column(String(200), default="")
    venue_address: Mapped[str] = mapped_column(String(300), default="")
    stream_url: Mapped[str] = mapped_column(String(500), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Stockholm")
    currency: Mapped[str] = mapped_column(String(3), default="SEK")
    capacity: Mapped[int | None]  # event-wide limit over all ticket types, if any
    reservation_minutes: Mapped[int] = mapped_column(default=30)
    # How long a waiting-list offer holds its seats for the person it goes to.
    offer_hours: Mapped[int] = mapped_column(default=48, server_default="48")
    # The impact report's summary (figures only, no person) on a public page.
    impact_public: Mapped[bool] = mapped_column(default=False, server_default=false())
    invoice_due_days: Mapped[int] = mapped_column(default=30)
    # Payment reminders (påminnelser): the first this many days after an invoice's due
    # date, the second as many days after the first.
    invoice_reminder_days: Mapped[int] = mapped_column(default=10, server_default="10")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Branding on badges, tickets and the event page: a logo re-encoded on upload (its
    # token makes its address, new with every upload) and an accent colour (#rrggbb).
    logo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    logo_content_type: Mapped[str | None] = mapped_column(String(20))
    logo_token: Mapped[str | None] = mapped_column(String(32), unique=True)
    accent_color: Mapped[str] = mapped_column(
        String(7), default=DEFAULT_ACCENT, server_default=DEFAULT_ACCENT
    )
    # Attendees helping themselves: the policy, until when they may cancel, the fee kept
    # per cancelled ticket (öre), and until when they may transfer (None: the
    # cancellation deadline).
    cancel_policy: Mapped[CancelPolicy] = mapped_column(
        StrEnum(CancelPolicy), default=CancelPolicy.OFF, server_default=CancelPolicy.OFF.value
    )
    cancel_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_fee: Mapped[int] = mapped_column(default=0, server_default="0")
    transfer_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The organizer's accounts for the bookkeeping export, by role ("bank": "1930"); a
    # role not here takes BAS's account (services/bookkeeping/accounts.py).
    # JSONB on PostgreSQL: plain json has no equality, and a SELECT DISTINCT over events
    # (the events a person has tickets to) would fail there.
    ledger_accounts: Mapped[dict] = mapped_column(
        JSON().with_variant(JSONB(), "postgresql"), default=dict, server_default="{}"
    )

    rooms: Mapped[list["Room"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Room.position"
    )
    tracks: Mapped[list["Track"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Track.position"
    )
    roles: Mapped[list["EventRole"]] = relationship(  # noqa: F821
        back_populates="event", cascade="all, delete-orphan"
    )

    @property
    def name(self) -> str:
        return localized(self.name_sv, self.name_en)

    @property
    def description(self) -> str:
        return localized(self.description_sv, self.description_en)

    @property
    def is_published(self) -> bool:
        return self.status is EventStatus.PUBLISHED

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self):
        return self.starts_at.astimezone(self.tz)

    @property
    def local_end(self):
        return self.ends_at.astimezone(self.tz)

    @property
    def days(self) -> list[date]:
        """The calendar days the event runs on, in its own time zone."""
        first, last = self.local_start.date(), self.local_end.date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int | None]
    # Step-free access, hearing loop, quiet room...: shown on the public program.
    accessibility_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The room's hours on every day, local time of day; None: the day's hours.
    opens_at: Mapped[time | None] = mapped_column(Time)
    closes_at: Mapped[time | None] = mapped_column(Time)
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="rooms")


class Track(db.Model):
    __tablename__ = "tracks"
    __table_args__ = (UniqueConstraint("event_id", "name_sv"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name_sv: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    color: Mapped[str] = mapped_column(String(7), default="#1f5f8b")
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="tracks")

    @property
    def name(self) -> str:
        return localized(self.name_sv, self.name_en)
