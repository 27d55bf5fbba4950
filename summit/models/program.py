"""The program: days, sessions placed in a room and a time, releases, sign-ups, agendas.

A confirmed proposal from the call for speakers becomes a ProgramSession with no room
and no start (waiting to be scheduled); organizers also add sessions of their own
(keynotes, breaks, lunch). Organizers edit the working program freely; the public sees
only what a ProgramRelease froze when it was published (its snapshot), never the work
in progress.
"""

import enum
import secrets
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .events import Event, Room, Track
from .orders import Ticket
from .types import StrEnum, UTCDateTime, utcnow
from .users import User


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class SessionKind(enum.Enum):
    TALK = "talk"
    WORKSHOP = "workshop"
    PANEL = "panel"
    KEYNOTE = "keynote"
    BREAK = "break"
    LUNCH = "lunch"
    OTHER = "other"

    @property
    def label(self):
        return {
            SessionKind.TALK: _l("Talk"),
            SessionKind.WORKSHOP: _l("Workshop"),
            SessionKind.PANEL: _l("Panel"),
            SessionKind.KEYNOTE: _l("Keynote"),
            SessionKind.BREAK: _l("Break"),
            SessionKind.LUNCH: _l("Lunch"),
            SessionKind.OTHER: _l("Other"),
        }[self]

    @property
    def is_pause(self) -> bool:
        """Breaks and lunch: for everyone, in no particular room, with no speakers."""
        return self in (SessionKind.BREAK, SessionKind.LUNCH)


class ProgramDay(db.Model):
    """A day of the program and its hours (stored in UTC, entered in local time)."""

    __tablename__ = "program_days"
    __table_args__ = (UniqueConstraint("event_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)  # in the event's time zone
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()


class ProgramSession(db.Model):
    __tablename__ = "program_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_session_token)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # The proposal it came from, if any: one session per proposal.
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL"), unique=True
    )
    title: Mapped[str] = mapped_column(String(200))
    abstract: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[SessionKind] = mapped_column(StrEnum(SessionKind), default=SessionKind.TALK)
    duration_minutes: Mapped[int] = mapped_column(default=20)
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(5), default="sv")
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: not scheduled
    # Workshops with limited places: attendees sign up; None limit = the room's capacity.
    takes_signups: Mapped[bool] = mapped_column(default=False, server_default=false())
    signup_limit: Mapped[int | None]
    # Bumped by every change; an edit made from an older version is refused (stale).
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    track: Mapped[Track | None] = relationship()
    room: Mapped[Room | None] = relationship()
    speakers: Mapped[list["SessionSpeaker"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionSpeaker.position"
    )

    @property
    def is_scheduled(self) -> bool:
        return self.starts_at is not None

    @property
    def ends_at(self) -> datetime | None:
        if self.starts_at is None:
            return None
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class SessionSpeaker(db.Model):
    """A person speaking in a session, in the order they are listed."""

    __tablename__ = "session_speakers"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("program_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    session: Mapped[ProgramSession] = relationship(back_populates="speakers")
    user: Mapped[User] = relationship()


class SpeakerAvailability(db.Model):
    """A stretch of time a speaker has said they can speak at an event. A speaker who
    has stated none is taken to be available throughout."""

    __tablename__ = "speaker_availability"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class ProgramRelease(db.Model):
    """A published version of the program, numbered 1, 2, ... per event.

    `snapshot` is the whole public program as it was published (see
    services/program/snapshot.py for its shape); `changes` what moved since the release
    before (services/program/releases.py). Neither is ever edited afterwards.
    """

    __tablename__ = "program_releases"
    __table_args__ = (UniqueConstraint("event_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")  # the organizer's words, if any
    conflicts_at_publish: Mapped[int] = mapped_column(default=0)
    snapshot: Mapped[dict] = mapped_column(JSON)
    changes: Mapped[list] = mapped_column(JSON, default=list)

    event: Mapped[Event] = relationship()
    published_by: Mapped[User | None] = relationship()


class WorkshopSignup(db.Model):
    """An attendee's place in a session with limited places, held by one ticket.

    "One active sign-up per ticket per session" is a partial unique index; the limit
    itself is checked under the session's lock (services/program/signups.py).
    """

    __tablename__ = "workshop_signups"
    __table_args__ = (
        Index(
            "uq_workshop_signups_active",
            "session_id",
            "ticket_id",
            unique=True,
            sqlite_where=text("cancelled_at IS NULL"),
            postgresql_where=text("cancelled_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("program_sessions.id", ondelete="CASCADE"), index=True
    )
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[ProgramSession] = relationship()
    ticket: Mapped[Ticket] = relationship()
    user: Mapped[User | None] = relationship()


class AgendaItem(db.Model):
    """A session a signed-in attendee put in their own program ("mitt program")."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("user_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("program_sessions.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
