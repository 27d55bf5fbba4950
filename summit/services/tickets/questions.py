"""Registration questions: what an order asks, reading and checking the answers a buyer
sends, and storing them (showing them and finding attendees by them: answers.py).

The rules (check_answers):
  - only the event's active questions are asked: attendee questions once per ticket of a
    type they are asked of, order questions once when any ticket in the order is;
  - a question with a condition is shown only when the question it depends on is shown
    and its answer is (or, for several choices, includes) the given value; the answer to
    a question not shown is neither required nor stored, whatever was sent;
  - a required question shown must be answered (a required consent ticked);
  - each answer must be of its kind: a number, a real date, one of the choices' keys...
  Anything wrong is an error on that question's field and nothing is stored.

Stored values can be compared in SQL (answers.answer_matches): a choice by its key,
several by their keys joined with commas, yes/no as "yes"/"no", a number as 12.5, a
date as 2027-05-18.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    Answer,
    AnswerKind,
    Event,
    Order,
    Question,
    QuestionScope,
    Ticket,
    TicketStatus,
    utcnow,
)
from ..refusal import Refusal

MAX_TEXT = 500
MAX_LONG_TEXT = 5000
NUMBER_RE = re.compile(r"^-?\d{1,12}(?:[.,]\d{1,6})?$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
YES, NO = "yes", "no"


class AnswerError(Refusal):
    """An answer that cannot be kept, said on its question's field."""

    messages = {
        "required": lambda p: _("Answer this question."),
        "consent": lambda p: _("Tick the box to give your consent; it is needed to register."),
        "number": lambda p: _("Enter a number, e.g. 12 or 12,5."),
        "date": lambda p: _("Enter a date, e.g. 2027-05-18."),
        "choice": lambda p: _("Choose one of the options."),
        "control": lambda p: _("Remove the control characters (such as NUL) from this field."),
        "bad_answers": lambda p: _("Some answers could not be saved. Please check them."),
    }


# Reading what the buyer sent -----------------------------------------------------------


@dataclass
class AskedQuestion:
    """One question as a form shows it: its field name, what was sent or stored (a list
    for several choices), the error to show, and the field whose answer shows it."""

    question: Question
    name: str
    value: str | list[str] = ""
    error: str = ""
    ticket: Ticket | None = None
    condition_name: str = ""  # the field of the question it depends on ("" none)
    shown: bool = True  # the condition is met (all are shown without JavaScript)

    @property
    def condition(self) -> str:
        """When the question is asked, in words ("" always)."""
        parent = self.question.depends_on
        if parent is None:
            return ""
        return _(
            "Only if you answered “%(answer)s” to “%(question)s”.",
            answer=parent.display(self.question.depends_on_value),
            question=parent.label,
        )

    @property
    def checked(self) -> list[str]:
        return self.value if isinstance(self.value, list) else [self.value]


@dataclass
class CheckedAnswers:
    """The questions of an order with what was sent, and the answers to store (valid
    only when `errors` is empty)."""

    order_questions: list[AskedQuestion] = field(default_factory=list)
    ticket_questions: list[list[AskedQuestion]] = field(default_factory=list)
    # (question, ticket or None, value, consent text)
    answers: list[tuple[Question, Ticket | None, str, str]] = field(default_factory=list)
    # The event asks questions of its own (its form then leaves out the fixed dietary
    # and accessibility fields: see asks_questions).
    event_asks: bool = False

    @property
    def errors(self) -> dict[str, str]:
        return {a.name: a.error for a in self.all if a.error}

    @property
    def error_links(self) -> list[tuple[str, str]]:
        """The errors for a form's error summary: (the field's id, what to correct)."""
        links = []
        for asked in self.all:
            if not asked.error:
                continue
            text = f"{asked.question.lead_in} {asked.error}"
            if asked.ticket is not None:
                number = int(asked.name.rsplit("-", 1)[1])
                text = f"{_('Ticket %(n)d', n=number)} – {text}"
            links.append((f"f-{asked.name}", text))
        return links

    @property
    def all(self) -> list[AskedQuestion]:
        return [*self.order_questions, *(a for asked in self.ticket_questions for a in asked)]


def active_questions(event: Event) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.event_id == event.id, Question.is_active.is_(True))
            .order_by(Question.position, Question.id)
        )
    )


def event_questions(event: Event) -> list[Question]:
    """All of the event's questions, active or not, in their order."""
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.event_id == event.id)
            .order_by(Question.position, Question.id)
        )
    )


def asks_questions(event: Event) -> bool:
    """The event asks questions of its own; its shop then no longer shows the fixed
    dietary and accessibility fields (the event asks what it needs itself)."""
    return (
        db.session.scalar(
            select(Question.id)
            .where(Question.event_id == event.id, Question.is_active.is_(True))
            .limit(1)
        )
        is not None
    )


def field_name(question: Question, number: int | None) -> str:
    """q<id> for an order question, q<id>-<n> for ticket n of the order (from 1)."""
    return f"q{question.id}" if number is None else f"q{question.id}-{number}"


def _sent(data: Mapping, name: str) -> list[str]:
    if hasattr(data, "getlist"):
        values = data.getlist(name)
    else:
        raw = data.get(name)
        values = [] if raw is None else raw if isinstance(raw, list | tuple) else [raw]
    return [v if isinstance(v, str) else str(v) for v in values]


def stored_answers(order: Order) -> dict[tuple[int, int | None], Answer]:
    return {
        (a.question_id, a.ticket_id): a
        for a in db.session.scalars(select(Answer).where(Answer.order_id == order.id))
    }


def check_answers(
    order: Order, data: Mapping | None = None, tickets: list[Ticket] | None = None
) -> CheckedAnswers:
    """The order's questions with `data` (a form's fields; None: the stored answers, for
    a form shown again) checked by the rules above. `tickets`: only those tickets'
    questions (an attendee changing their own), without the order's questions."""
    questions = active_questions(order.event)
    result = CheckedAnswers(event_asks=bool(questions))
    if not questions:
        return result
    stored = stored_answers(order) if data is None else {}
    numbered = list(enumerate(order.tickets, start=1))
    only = tickets is not None
    if only:
        numbered = [(n, t) for n, t in numbered if t in tickets]
    types = [t.ticket_type for t in order.tickets if t.status is TicketStatus.VALID]
    order_qs = [
        q
        for q in questions
        if q.scope is QuestionScope.ORDER and any(q.asked_of(kind) for kind in types)
    ]
    # The order's answers first: attendee questions may depend on them.
    order_values: dict[int, str | list[str]] = {}
    if not only:
        result.order_questions = _check_scope(
            order_qs, None, None, data, stored, order_values, {}, result
        )
    else:  # the order's own answers stay as stored
        for key, answer in stored_answers(order).items():
            if key[1] is None:
                order_values[key[0]] = _as_sent(answer)
    for number, ticket in numbered:
        attendee_qs = [
            q
            for q in questions
            if q.scope is QuestionScope.ATTENDEE and q.asked_of(ticket.ticket_type)
        ]
        values: dict[int, str | list[str]] = {}
        result.ticket_questions.append(
            _check_scope(attendee_qs, ticket, number, data, stored, values, order_values, result)
        )
    return result


def check_asked(
    questions: list, data: Mapping | None, stored: Mapping[int, object]
) -> CheckedAnswers:
    """A set of questions asked once (a survey's, not per ticket) with `data` (a form's
    fields; None: the `stored` answers, {question id: an answer with .value and
    .question}) checked by the rules above; the answers to store are (question, None,
    value, consent text), valid only when there are no errors."""
    result = CheckedAnswers(event_asks=bool(questions))
    by_key = {(question_id, None): answer for question_id, answer in stored.items()}
    result.order_questions = _check_scope(questions, None, None, data, by_key, {}, {}, result)
    return result


def _as_sent(answer: Answer) -> str | list[str]:
    if answer.question.kind is AnswerKind.MULTIPLE_CHOICE:
        return [k for k in answer.value.split(",") if k]
    return answer.value


def _check_scope(questions, ticket, number, data, stored, values, outer, result):
    """The questions of one ticket (or of the order, ticket None), in order; `values` gets
    each shown question's clean answer, for the conditions of the questions after it."""
    asked = []
    names = {q.id: field_name(q, number) for q in questions}
    by_id = {q.id: q for q in questions}
    shown: dict[int, bool] = {}

    def is_shown(question: Question, seen=()) -> bool:
        if question.id in shown:
            return shown[question.id]
        parent_id = question.depends_on_id
        if parent_id is None:
            visible = True
        elif parent_id in seen:  # a loop the organizer's checks should have stopped
            visible = False
        elif parent_id in by_id:
            parent = by_id[parent_id]
            visible = is_shown(parent, (*seen, question.id)) and _meets(
                parent, values.get(parent_id), question.depends_on_value
            )
        else:  # an order question (for an attendee's), or one not asked here
            visible = parent_id in outer and _meets(
                question.depends_on, outer.get(parent_id), question.depends_on_value
            )
        shown[question.id] = visible
        return visible

    # A condition's question comes first in the form's order; check parents first anyway.
    for question in _parents_first(questions):
        name = names[question.id]
        if data is None:
            answer = stored.get((question.id, ticket.id if ticket else None))
            sent = _as_sent(answer) if answer is not None else ""
        else:
            raw = _sent(data, name)
            sent = raw if question.kind is AnswerKind.MULTIPLE_CHOICE else (raw[0] if raw else "")
        item = AskedQuestion(question, name, sent, ticket=ticket)
        parent = question.depends_on_id
        if parent is not None:
            item.condition_name = names.get(parent, field_name(question.depends_on, None))
        item.shown = is_shown(question)
        if item.shown:
            try:
                clean = _clean(question, sent)
            except AnswerError as error:
                if data is not None:
                    item.error = error.message
            else:
                if clean:
                    values[question.id] = clean
                    consent = _consent_text(question) if question.kind is AnswerKind.CONSENT else ""
                    result.answers.append((question, ticket, clean, consent))
        asked.append(item)
    order = {q.id: i for i, q in enumerate(questions)}
    return sorted(asked, key=lambda a: order[a.question.id])


def _parents_first(questions: list[Question]) -> list[Question]:
    by_id = {q.id: q for q in questions}
    done: list[Question] = []
    placed: set[int] = set()

    def place(question: Question, seen=()) -> None:
        if question.id in placed or question.id in seen:
            return
        parent = by_id.get(question.depends_on_id) if question.depends_on_id else None
        if parent is not None:
            place(parent, (*seen, question.id))
        placed.add(question.id)
        done.append(question)

    for question in questions:
        place(question)
    return done


def _meets(parent: Question | None, answer, wanted: str) -> bool:
    if parent is None or not answer:
        return False
    if parent.kind is AnswerKind.MULTIPLE_CHOICE:
        keys = answer if isinstance(answer, list) else answer.split(",")
        return wanted in keys
    return answer == wanted


def _consent_text(question: Question) -> str:
    """The exact words the person agreed to, in the language they were shown."""
    return "\n\n".join(part for part in (question.label, question.help) if part)


def _clean(question: Question, sent) -> str:
    """The value to store ("" for no answer), or AnswerError."""
    kind = question.kind
    if kind is AnswerKind.MULTIPLE_CHOICE:
        chosen = set(sent if isinstance(sent, list) else [sent]) - {""}
        if chosen - set(question.choice_keys):
            raise AnswerError("choice")
        value = ",".join(k for k in question.choice_keys if k in chosen)
    else:
        if isinstance(sent, list):
            sent = sent[0] if sent else ""
        text = sent.strip()
        if CONTROL.search(text):
            raise AnswerError("control")
        if kind is AnswerKind.TEXT:
            if len(text) > MAX_TEXT:
                raise AnswerError("too_long", n=MAX_TEXT)
            value = " ".join(text.split())
        elif kind is AnswerKind.LONG_TEXT:
            if len(text) > MAX_LONG_TEXT:
                raise AnswerError("too_long", n=MAX_LONG_TEXT)
            value = text.replace("\r\n", "\n")
        elif kind is AnswerKind.NUMBER:
            value = number_value(text) if text else ""
        elif kind is AnswerKind.DATE:
            value = _date(text) if text else ""
        elif kind is AnswerKind.CHOICE:
            if text and text not in question.choice_keys:
                raise AnswerError("choice")
            value = text
        elif kind is AnswerKind.YES_NO:
            if text not in ("", YES, NO):
                raise AnswerError("choice")
            value = text
        else:  # consent: a ticked box sends "yes"
            if text not in ("", YES):
                raise AnswerError("choice")
            value = text
    if not value and question.required:
        raise AnswerError("consent" if kind is AnswerKind.CONSENT else "required")
    return value


def number_value(text: str) -> str:
    """A number as stored (12.5), or AnswerError."""
    compact = text.replace(" ", "").replace("\u00a0", "")
    if not NUMBER_RE.match(compact):
        raise AnswerError("number")
    try:
        number = Decimal(compact.replace(",", "."))
    except InvalidOperation:
        raise AnswerError("number") from None
    shown = format(number.normalize(), "f")
    return "0" if shown in ("-0", "0") else shown


def _date(text: str) -> str:
    if not DATE_RE.match(text):
        raise AnswerError("date")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise AnswerError("date") from None
    if not 1900 <= day.year <= 2200:
        raise AnswerError("date")
    return day.isoformat()


# Storing -------------------------------------------------------------------------------


def store_answers(order: Order, checked: CheckedAnswers) -> list[str]:
    """Put checked answers on the order, in the caller's unit of work: the asked
    questions' answers replace what was stored for them (a question not shown or left
    empty loses its old answer); a consent given again with the same words keeps when
    it was first given. Returns the keys of the questions whose answers changed.
    AnswerError when `checked` has errors (nothing is stored then)."""
    if checked.errors:
        raise AnswerError("bad_answers")
    return _store(order, checked)


def keep_typed_answers(order: Order, data: Mapping) -> None:
    """The answers typed on a form that could not be sent (a reservation that ran out,
    made again as `order`), committed where they are valid, so the form shows them
    again; sending it checks them all. An invalid one is left for the person to retype."""
    checked = check_answers(order, data)
    if checked.answers:
        with unit_of_work() as unit:
            unit.reread(order)
            _store(order, checked)


def _store(order: Order, checked: CheckedAnswers) -> list[str]:
    stored = stored_answers(order)
    asked = {(a.question.id, a.ticket.id if a.ticket else None) for a in checked.all}
    changed: list[str] = []
    now = utcnow()
    kept = set()
    for question, ticket, value, consent in checked.answers:
        key = (question.id, ticket.id if ticket else None)
        kept.add(key)
        old = stored.get(key)
        if old is not None and old.value == value and old.consent_text == consent:
            continue
        if old is None:
            db.session.add(
                Answer(
                    question=question,
                    order=order,
                    ticket=ticket,
                    value=value,
                    consent_text=consent,
                    answered_at=now,
                )
            )
        else:
            old.value, old.consent_text, old.answered_at = value, consent, now
        changed.append(question.key)
    for key in asked - kept:
        old = stored.get(key)
        if old is not None:
            changed.append(old.question.key)
            db.session.delete(old)
    return sorted(set(changed))
