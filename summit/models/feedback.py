"""What attendees said about the program (session ratings), whether they got the
after-event mail that asks for it, and who opted in to the participant list.

A rating belongs to a ticket (one person's seat) and a program session: one per pair,
changed by rating again (a unique index, written by an upsert). Erasing a person keeps
the score for the statistics but drops the link to the ticket and the comment.

An opt-in to the participant list ("Jag vill träffa…") is one row per person and event,
with the consent text they were shown and when; withdrawing deletes it.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .events import Event
from .orders import Ticket
from .program import ProgramSession
from .types import UTCDateTime, utcnow
from .users import User

SCORES = (1, 2, 3, 4, 5)


class SessionRating(db.Model):
    """A score from 1 to 5 and an optional comment on one session, by one ticket."""

    __tablename__ = "session_ratings"
    __table_args__ = (
        UniqueConstraint("ticket_id", "session_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once the person was erased: the score still counts, nobody's it is.
    # (Looked up by ticket through the unique index, which starts with it.)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    session_id: Mapped[int] = mapped_column(
        ForeignKey("program_sessions.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket | None] = relationship()
    session: Mapped[ProgramSession] = relationship()


class AfterEventMail(db.Model):
    """The "Tack för att du kom" mail of one ticket: the row is the claim, so a ticket
    gets it once however many workers run (services/feedback/thanks_mail.py)."""

    __tablename__ = "after_event_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), unique=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ParticipantListing(db.Model):
    """A ticket holder on the event's participant list, by their own choice: what the
    others who opted in see (never an email address), and the consent given."""

    __tablename__ = "participant_listings"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_participant_listings_event_sektor", "event_id", "sektor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The ticket that makes them a holder: the listing shows only while it is valid.
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    sektor: Mapped[str] = mapped_column(String(40))  # a choice key of the sektor question
    wants_to_meet: Mapped[str] = mapped_column(String(280), default="")
    # Folded name, organisation and text (models/search.py) for the free-text search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    consent_text: Mapped[str] = mapped_column(Text)  # exactly as shown, in their language
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()
    ticket: Mapped[Ticket] = relationship()
