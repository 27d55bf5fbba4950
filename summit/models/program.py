"""The program: sessions waiting to be scheduled or placed in a room and a time.

A confirmed proposal from the call for speakers becomes a ProgramSession with no room
and no start (waiting to be scheduled); organizers may also add sessions of their own
(keynotes, breaks, lunch). The program issue schedules them.
"""

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .events import Event, Room, Track
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    track: Mapped[Track | None] = relationship()
    room: Mapped[Room | None] = relationship()
    speakers: Mapped[list["SessionSpeaker"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionSpeaker.position"
    )

    @property
    def is_scheduled(self) -> bool:
        return self.starts_at is not None


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
