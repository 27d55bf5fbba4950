"""The call for speakers: the call of an event and its settings, speakers' profiles,
proposals and their co-speakers, access codes for late submissions, and the templates
of decision emails (review is in reviews.py).

A proposal's state changes only through services/cfp/proposal_states.py, the one
place that knows which transitions are allowed.
"""

import enum
import secrets
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .events import Event, Track, localized
from .program import SessionKind
from .tickets import TicketType
from .types import StrEnum, UTCDateTime, utcnow
from .users import User

CFP_LANGUAGES = ("sv", "en")


def new_proposal_token() -> str:
    """The proposal's address (192 bits): its pages still ask who is signed in."""
    return secrets.token_urlsafe(24)


class ReviewMode(enum.Enum):
    """Which proposals a reviewer of the event sees (proposals assigned by hand count in
    every mode)."""

    ALL = "all"
    BY_TRACK = "by_track"
    BY_HAND = "by_hand"

    @property
    def label(self):
        return {
            ReviewMode.ALL: _l("All reviewers see all proposals"),
            ReviewMode.BY_TRACK: _l("Reviewers see the proposals of their tracks"),
            ReviewMode.BY_HAND: _l("Reviewers see the proposals assigned to them"),
        }[self]


class CallForProposals(db.Model):
    """An event's call for speakers (one per event). Open when opens_at <= now < closes_at."""

    __tablename__ = "calls_for_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    intro_sv: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    max_co_speakers: Mapped[int] = mapped_column(default=3)
    anonymous_review: Mapped[bool] = mapped_column(default=False)
    review_mode: Mapped[ReviewMode] = mapped_column(StrEnum(ReviewMode), default=ReviewMode.ALL)
    languages: Mapped[list] = mapped_column(JSON, default=lambda: list(CFP_LANGUAGES))
    # The hidden 0 kr ticket type confirmed speakers get, made the first time it is needed.
    speaker_ticket_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket_types.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    speaker_ticket_type: Mapped[TicketType | None] = relationship()
    formats: Mapped[list["SessionFormat"]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="SessionFormat.position"
    )
    questions: Mapped[list["CfpQuestion"]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CfpQuestion.position"
    )
    criteria: Mapped[list["ReviewCriterion"]] = relationship(  # noqa: F821
        back_populates="call", cascade="all, delete-orphan", order_by="ReviewCriterion.position"
    )
    access_codes: Mapped[list["AccessCode"]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="AccessCode.id"
    )

    @property
    def intro(self) -> str:
        return localized(self.intro_sv, self.intro_en)

    def is_open(self, now: datetime) -> bool:
        """Compared in UTC (the deadline's local time was turned into UTC when it was
        saved). Explicitly: Python compares two datetimes of the same zone by their wall
        clock, which is wrong in the hour that happens twice when the clocks go back."""
        now = now.astimezone(UTC)
        return self.opens_at.astimezone(UTC) <= now < self.closes_at.astimezone(UTC)

    def phase(self, now: datetime) -> str:
        """ "open", "not_yet_open" or "closed" (compared in UTC, as is_open)."""
        if self.is_open(now):
            return "open"
        return "not_yet_open" if now.astimezone(UTC) < self.opens_at.astimezone(UTC) else "closed"

    @property
    def local_opens_at(self) -> datetime:
        return self.opens_at.astimezone(self.event.tz)

    @property
    def local_closes_at(self) -> datetime:
        return self.closes_at.astimezone(self.event.tz)


class SessionFormat(db.Model):
    """A kind of session the call asks for, with its length (talk 20 min, workshop 90)."""

    __tablename__ = "session_formats"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("calls_for_proposals.id", ondelete="CASCADE"), index=True
    )
    name_sv: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[SessionKind] = mapped_column(StrEnum(SessionKind), default=SessionKind.TALK)
    duration_minutes: Mapped[int] = mapped_column(default=20)
    position: Mapped[int] = mapped_column(default=0)

    call: Mapped[CallForProposals] = relationship(back_populates="formats")

    @property
    def name(self) -> str:
        return localized(self.name_sv, self.name_en)


class QuestionKind(enum.Enum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    URL = "url"

    @property
    def label(self):
        return {
            QuestionKind.TEXT: _l("Short text"),
            QuestionKind.LONG_TEXT: _l("Long text"),
            QuestionKind.CHOICE: _l("One choice"),
            QuestionKind.MULTIPLE_CHOICE: _l("Several choices"),
            QuestionKind.YES_NO: _l("Yes or no"),
            QuestionKind.URL: _l("Web address"),
        }[self]

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE)


class CfpQuestion(db.Model):
    """An extra question of the call. Options (for choices) are [{key, sv, en}]; answers
    store the keys, so renaming an option keeps the answers."""

    __tablename__ = "cfp_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("calls_for_proposals.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[QuestionKind] = mapped_column(StrEnum(QuestionKind))
    label_sv: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300), default="")
    help_sv: Mapped[str] = mapped_column(Text, default="")
    help_en: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    options: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)

    call: Mapped[CallForProposals] = relationship(back_populates="questions")

    @property
    def label(self) -> str:
        return localized(self.label_sv, self.label_en)

    @property
    def help(self) -> str:
        return localized(self.help_sv, self.help_en)

    @property
    def option_keys(self) -> list[str]:
        return [option["key"] for option in self.options]

    def option_label(self, key: str) -> str:
        for option in self.options:
            if option["key"] == key:
                return localized(option.get("sv"), option.get("en"))
        return ""


class SpeakerProfile(db.Model):
    """What the program and the badges say about a speaker (one per account)."""

    __tablename__ = "speaker_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    pronouns: Mapped[str] = mapped_column(String(40), default="")
    # The photo as re-encoded on upload (no metadata); its token makes its address, new
    # with every upload so caches never show an old one.
    photo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    photo_content_type: Mapped[str | None] = mapped_column(String(20))
    photo_token: Mapped[str | None] = mapped_column(String(32), unique=True)
    # The address of the public speaker page, given when the speaker is first published.
    page_token: Mapped[str | None] = mapped_column(String(32), unique=True)
    preferred_language: Mapped[str] = mapped_column(String(5), default="sv")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()

    @property
    def has_photo(self) -> bool:
        return self.photo_token is not None


class ProposalState(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"  # waiting for the speaker's confirmation
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self):
        return {
            ProposalState.DRAFT: _l("Draft"),
            ProposalState.SUBMITTED: _l("Submitted"),
            ProposalState.ACCEPTED: _l("Accepted, waiting for confirmation"),
            ProposalState.WAITLISTED: _l("Waiting list"),
            ProposalState.REJECTED: _l("Not accepted"),
            ProposalState.CONFIRMED: _l("Confirmed"),
            ProposalState.DECLINED: _l("Declined by the speaker"),
            ProposalState.WITHDRAWN: _l("Withdrawn"),
        }[self]


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (Index("ix_proposals_event_state", "event_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_proposal_token)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    call_id: Mapped[int] = mapped_column(
        ForeignKey("calls_for_proposals.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[ProposalState] = mapped_column(
        StrEnum(ProposalState), default=ProposalState.DRAFT
    )
    title: Mapped[str] = mapped_column(String(200))
    abstract: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    format_id: Mapped[int | None] = mapped_column(
        ForeignKey("session_formats.id", ondelete="SET NULL")
    )
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(5), default="sv")
    target_audience: Mapped[str] = mapped_column(String(300), default="")
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # {str(question id): answer}
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    access_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("cfp_access_codes.id", ondelete="SET NULL"), index=True
    )
    # SHA-256 of the confirm/decline link sent with the acceptance; None when no link works.
    response_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who used the confirm/decline link (co-speakers share the proposal's answer).
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Goes up with every change: a form saved over a newer version is refused.
    version: Mapped[int] = mapped_column(default=1)

    event: Mapped[Event] = relationship()
    call: Mapped[CallForProposals] = relationship()
    format: Mapped[SessionFormat | None] = relationship()
    track: Mapped[Track | None] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    responded_by: Mapped[User | None] = relationship(foreign_keys=[responded_by_id])
    access_code: Mapped["AccessCode | None"] = relationship()
    speakers: Mapped[list["ProposalSpeaker"]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        order_by=lambda: (ProposalSpeaker.is_primary.desc(), ProposalSpeaker.id),
    )
    reviews: Mapped[list["Review"]] = relationship(  # noqa: F821
        back_populates="proposal", cascade="all, delete-orphan", order_by="Review.id"
    )

    @property
    def primary_speaker(self) -> "ProposalSpeaker | None":
        return next((s for s in self.speakers if s.is_primary), None)

    @property
    def accepted_speakers(self) -> list["ProposalSpeaker"]:
        """The speakers who are in: the primary one and co-speakers who said yes."""
        return [s for s in self.speakers if s.user_id is not None and s.accepted_at is not None]


class ProposalSpeaker(db.Model):
    """A speaker of a proposal: the one who submitted it (primary), or a co-speaker
    invited by email, who becomes a user of it by accepting through their own link."""

    __tablename__ = "proposal_speakers"
    __table_args__ = (UniqueConstraint("proposal_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), index=True)  # lower case
    is_primary: Mapped[bool] = mapped_column(default=False)
    invitation_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposal: Mapped[Proposal] = relationship(back_populates="speakers")
    user: Mapped[User | None] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None


class AccessCode(db.Model):
    """Lets a late or invited speaker submit (and edit) after the deadline. Its uses are
    counted from the proposals submitted with it, never from a counter."""

    __tablename__ = "cfp_access_codes"
    __table_args__ = (UniqueConstraint("call_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls_for_proposals.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))  # stored upper case
    note: Mapped[str] = mapped_column(String(200), default="")
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_uses: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[CallForProposals] = relationship(back_populates="access_codes")

    def valid_at(self, now: datetime) -> bool:
        return self.valid_until is None or now.astimezone(UTC) < self.valid_until.astimezone(UTC)


class DecisionKind(enum.Enum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WAITLISTED = "waitlisted"

    @property
    def label(self):
        return {
            DecisionKind.ACCEPTED: _l("Accepted"),
            DecisionKind.REJECTED: _l("Not accepted"),
            DecisionKind.WAITLISTED: _l("Waiting list"),
        }[self]


class DecisionTemplate(db.Model):
    """An organizer's wording of a decision email in one language (plain text with
    {placeholders}); without one, services/cfp/decision_mail.py has a default."""

    __tablename__ = "decision_templates"
    __table_args__ = (UniqueConstraint("call_id", "kind", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls_for_proposals.id", ondelete="CASCADE"))
    kind: Mapped[DecisionKind] = mapped_column(StrEnum(DecisionKind))
    locale: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    call: Mapped[CallForProposals] = relationship()
