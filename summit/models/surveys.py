"""Surveys after an event: the questions, who each survey went to, and their answers.

A survey is built by organizers with the registration questions' kinds of answer
(models/questions.QuestionWording) and sent by the worker at its send time, one mail
with a personal link (a token) to each attendee it is for; a reminder goes once to
those who have not answered. A follow-up survey (follows_id) goes, months later, to the
people the first one went to. Each person has at most one response per survey (a unique
recipient), which they may change until the survey closes. Erasing a person (GDPR art.
17) unlinks their response from them: the answers stay, anonymous, for the statistics
(services/surveys/privacy.py).
"""

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .events import Event, localized
from .mail import OutboxMessage
from .orders import Ticket
from .questions import QuestionWording
from .types import StrEnum, UTCDateTime, utcnow


class SurveyAudience(enum.Enum):
    """Whom a (first) survey goes to: attendees with a valid ticket in a confirmed order,
    only those let in at the door or all of them."""

    CHECKED_IN = "checked_in"
    TICKET_HOLDERS = "ticket_holders"

    @property
    def label(self):
        return {
            SurveyAudience.CHECKED_IN: _l("Attendees who were checked in"),
            SurveyAudience.TICKET_HOLDERS: _l("Everyone with a valid ticket"),
        }[self]


class SurveyStatus(enum.Enum):
    DRAFT = "draft"  # being built; never sent
    SCHEDULED = "scheduled"  # the worker sends it at send_at
    SENT = "sent"  # everyone it is for has their mail (sent_at)

    @property
    def label(self):
        return {
            SurveyStatus.DRAFT: _l("Draft"),
            SurveyStatus.SCHEDULED: _l("Scheduled"),
            SurveyStatus.SENT: _l("Sent"),
        }[self]


def new_survey_token() -> str:
    return secrets.token_urlsafe(24)


class Survey(db.Model):
    __tablename__ = "surveys"
    __table_args__ = (Index("ix_surveys_due", "status", "send_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # A follow-up survey goes to the people the survey it follows went to.
    follows_id: Mapped[int | None] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    title_sv: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    intro_sv: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[SurveyAudience] = mapped_column(
        StrEnum(SurveyAudience), default=SurveyAudience.CHECKED_IN
    )
    status: Mapped[SurveyStatus] = mapped_column(StrEnum(SurveyStatus), default=SurveyStatus.DRAFT)
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # every mail queued
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # every reminder queued
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    follows: Mapped["Survey | None"] = relationship(remote_side=[id])

    @property
    def title(self) -> str:
        return localized(self.title_sv, self.title_en)

    @property
    def intro(self) -> str:
        return localized(self.intro_sv, self.intro_en)

    def is_open(self, now: datetime) -> bool:
        """Answers are taken (its mail has gone, and it has not closed)."""
        return self.status is not SurveyStatus.DRAFT and now < self.closes_at


class SurveyQuestion(QuestionWording, db.Model):
    """A question of a survey: the kinds, choices, conditions and data classes of the
    registration questions."""

    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    depends_on_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="SET NULL"), index=True
    )

    survey: Mapped[Survey] = relationship()
    depends_on: Mapped["SurveyQuestion | None"] = relationship(remote_side=[id])

    owner_column = "survey_id"

    @classmethod
    def answer_model(cls):
        return SurveyAnswer


class SurveyRecipient(db.Model):
    """One person a survey went to, with their personal link's token. The unique
    (survey, email) makes a second mail to them impossible, however many workers send
    it. Erased (GDPR art. 17): email, name, ticket and token are gone, the row stays so
    the response rate stays true."""

    __tablename__ = "survey_recipients"
    __table_args__ = (UniqueConstraint("survey_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))  # lower case; None: erased
    name: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(5), default="sv")
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), index=True
    )
    token: Mapped[str | None] = mapped_column(String(64), unique=True, default=new_survey_token)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    survey: Mapped[Survey] = relationship()
    ticket: Mapped[Ticket | None] = relationship()
    invitation: Mapped[OutboxMessage | None] = relationship(foreign_keys=[invitation_id])
    reminder: Mapped[OutboxMessage | None] = relationship(foreign_keys=[reminder_id])


class SurveyResponse(db.Model):
    """One person's answers to a survey (recipient None: anonymous, its person erased)."""

    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_recipients.id", ondelete="SET NULL"), unique=True
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    survey: Mapped[Survey] = relationship()
    recipient: Mapped[SurveyRecipient | None] = relationship()


class SurveyAnswer(db.Model):
    """One answer of a response, stored as a registration answer is (value: a choice's
    key, several joined by commas, "yes"/"no", 12.5, 2027-05-18, or the text)."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[str] = mapped_column(Text, default="")
    consent_text: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    response: Mapped[SurveyResponse] = relationship()
    question: Mapped[SurveyQuestion] = relationship()
