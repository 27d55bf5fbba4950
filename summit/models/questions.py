"""Registration questions an event asks its buyers and attendees, and their answers.

A question is asked per attendee (once per ticket) or once per order, of every ticket
type or only some. It may be shown only when another question's answer has a given
value (a choice key, or "yes"/"no"). Answers keep a value that can be filtered on:
a choice is stored by its stable key, never its label (the rules:
services/tickets/questions.py).
"""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .events import Event, localized
from .orders import Order, Ticket
from .tickets import TicketType
from .types import StrEnum, UTCDateTime, utcnow

question_ticket_types = Table(
    "question_ticket_types",
    db.metadata,
    Column("question_id", ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    Column("ticket_type_id", ForeignKey("ticket_types.id", ondelete="CASCADE"), primary_key=True),
)


class AnswerKind(enum.Enum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    # A box to tick; the answer keeps the exact text shown and when it was ticked.
    CONSENT = "consent"

    @property
    def label(self):
        return {
            AnswerKind.TEXT: _l("Text"),
            AnswerKind.LONG_TEXT: _l("Long text"),
            AnswerKind.NUMBER: _l("Number"),
            AnswerKind.DATE: _l("Date"),
            AnswerKind.CHOICE: _l("Choice (one)"),
            AnswerKind.MULTIPLE_CHOICE: _l("Choice (several)"),
            AnswerKind.YES_NO: _l("Yes or no"),
            AnswerKind.CONSENT: _l("Consent"),
        }[self]

    @property
    def has_choices(self) -> bool:
        return self in (AnswerKind.CHOICE, AnswerKind.MULTIPLE_CHOICE)

    @property
    def can_be_condition(self) -> bool:
        """Another question can be shown only when this one has a given answer."""
        return self in (AnswerKind.CHOICE, AnswerKind.MULTIPLE_CHOICE, AnswerKind.YES_NO)


class QuestionScope(enum.Enum):
    ATTENDEE = "attendee"  # asked once per ticket
    ORDER = "order"  # asked once, of the buyer

    @property
    def label(self):
        return {
            QuestionScope.ATTENDEE: _l("Each attendee (per ticket)"),
            QuestionScope.ORDER: _l("The buyer (once per order)"),
        }[self]


class DataClass(enum.Enum):
    """How carefully the answers are kept: sensitive ones (diet, accessibility, health)
    are removed sooner by the retention rules and shown only where needed."""

    ORDINARY = "ordinary"
    SENSITIVE = "sensitive"

    @property
    def label(self):
        return {
            DataClass.ORDINARY: _l("Ordinary"),
            DataClass.SENSITIVE: _l("Sensitive (diet, accessibility, health)"),
        }[self]


class QuestionWording:
    """What every question a person answers has, a registration question (Question) or
    a survey's (models/surveys.SurveyQuestion): its words in Swedish and English, the kind
    of answer and its choices, whether it must be answered, and how carefully the
    answers are kept. `choices` is a list of {"key", "sv", "en"}: the key is what
    answers store, so labels can be reworded without changing any answer. The rules of
    answering them: services/tickets/questions.py."""

    # A short stable name (e.g. "sektor") for exports, filters and group mail.
    key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[AnswerKind] = mapped_column(StrEnum(AnswerKind))
    data_class: Mapped[DataClass] = mapped_column(StrEnum(DataClass), default=DataClass.ORDINARY)
    label_sv: Mapped[str] = mapped_column(Text)
    label_en: Mapped[str] = mapped_column(Text, default="")
    help_sv: Mapped[str] = mapped_column(Text, default="")
    help_en: Mapped[str] = mapped_column(Text, default="")
    choices: Mapped[list] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    # Shown only when this question's answer is (or, for several choices, includes)
    # depends_on_value: a choice key, or "yes"/"no" (depends_on: the question, of the
    # same set, set by each model).
    depends_on_value: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # The set the question belongs to (the column naming its owner: the event, the
    # survey) and the model of its answers (each has question_id and value).
    owner_column: str = "event_id"

    @classmethod
    def answer_model(cls):  # pragma: no cover - each model says
        raise NotImplementedError

    @property
    def owner_id(self) -> int:
        return getattr(self, self.owner_column)

    @property
    def label(self) -> str:
        return localized(self.label_sv, self.label_en)

    @property
    def short_label(self) -> str:
        """The label, cut at 60 characters, for lists and filters."""
        text = self.label
        return text if len(text) <= 60 else text[:57].rstrip() + "…"

    @property
    def lead_in(self) -> str:
        """The short label before an answer: "Sektor:", "Vilken sektor arbetar du i?"."""
        text = self.short_label
        return text if text[-1:] in ("?", "!", ":", ".", "…") else text + ":"

    @property
    def help(self) -> str:
        return localized(self.help_sv, self.help_en)

    @property
    def choice_keys(self) -> list[str]:
        return [c["key"] for c in self.choices or []]

    def choice_label(self, key: str) -> str:
        for choice in self.choices or []:
            if choice["key"] == key:
                return localized(choice.get("sv", ""), choice.get("en", ""))
        return key

    def display(self, value: str) -> str:
        """A stored answer as people read it, in the page's language: a choice's label,
        Yes/No, "Given" for a consent, 12,5 for a number."""
        kind = self.kind
        if kind is AnswerKind.CHOICE:
            return self.choice_label(value)
        if kind is AnswerKind.MULTIPLE_CHOICE:
            return ", ".join(self.choice_label(k) for k in value.split(",") if k)
        if kind is AnswerKind.YES_NO:
            return str({"yes": _l("Yes"), "no": _l("No")}.get(value, value))
        if kind is AnswerKind.CONSENT:
            if value == WITHDRAWN:
                return str(_l("Withdrawn"))
            return str(_l("Given")) if value == "yes" else value
        if kind is AnswerKind.NUMBER:
            return value.replace(".", ",")
        return value


class Question(QuestionWording, db.Model):
    """A registration question of an event, asked in the shop."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    scope: Mapped[QuestionScope] = mapped_column(
        StrEnum(QuestionScope), default=QuestionScope.ATTENDEE
    )
    depends_on_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), index=True
    )

    event: Mapped[Event] = relationship()
    # None: asked of every ticket type.
    ticket_types: Mapped[list[TicketType]] = relationship(secondary=question_ticket_types)
    depends_on: Mapped["Question | None"] = relationship(remote_side=[id])

    @classmethod
    def answer_model(cls):
        return Answer

    def asked_of(self, ticket_type: TicketType) -> bool:
        return not self.ticket_types or ticket_type in self.ticket_types


# The value of a consent answer the person withdrew.
WITHDRAWN = "withdrawn"


class Answer(db.Model):
    """One answer: to an attendee question (ticket_id set) or an order question (ticket_id
    None). `value` is what filters compare: text as typed, a number as 12.5, a date as
    2027-05-18, a choice key, several choice keys joined by commas, "yes"/"no"; a
    consent is "yes" with the exact text shown in `consent_text`."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("question_id", "order_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[str] = mapped_column(Text, default="")
    consent_text: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A consent the person withdrew (value becomes WITHDRAWN; the text and when it was
    # given stay as the record).
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    question: Mapped[Question] = relationship()
    order: Mapped[Order] = relationship()
    ticket: Mapped[Ticket | None] = relationship()
