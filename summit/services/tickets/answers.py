"""Registration answers shown and found: on the organizer's order page, in the attendee
list, and the attendees whose answer is a given value (the order list's filter, group
mail, reports). What is asked and how answers are checked: questions.py."""

import contextlib
from dataclasses import dataclass

from sqlalchemy import or_, select

from ...extensions import db
from ...models import (
    Answer,
    AnswerKind,
    Event,
    Order,
    OrderStatus,
    Question,
    QuestionScope,
    Ticket,
    TicketStatus,
)
from .questions import NO, YES, AnswerError, event_questions, number_value

# Showing -------------------------------------------------------------------------------


@dataclass
class ShownAnswer:
    question: Question
    text: str
    answer: Answer


def answers_by_ticket(order: Order) -> dict[int | None, list[ShownAnswer]]:
    """The order's answers to show: {ticket id: [...], None: the order's own}, each list
    in the questions' order."""
    rows = db.session.execute(
        select(Answer, Question)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.order_id == order.id)
        .order_by(Question.position, Question.id)
    ).all()
    shown: dict[int | None, list[ShownAnswer]] = {}
    for answer, question in rows:
        shown.setdefault(answer.ticket_id, []).append(
            ShownAnswer(question, question.display(answer.value), answer)
        )
    return shown


def answer_cells(event: Event, tickets: list[Ticket]) -> tuple[list[str], list[list[str]]]:
    """For the attendee list: one column per question of the event (its label), and for
    each ticket its answers as people read them (an order question's answer on each of
    the order's tickets)."""
    questions = event_questions(event)
    if not questions or not tickets:
        return [q.label for q in questions], [[] for _ in tickets]
    order_ids = {t.order_id for t in tickets}
    by_key: dict[tuple[int, int, int | None], str] = {}
    for chunk in _chunks(sorted(order_ids), 500):
        for answer in db.session.scalars(select(Answer).where(Answer.order_id.in_(chunk))):
            by_key[(answer.question_id, answer.order_id, answer.ticket_id)] = answer.value
    rows = []
    for ticket in tickets:
        row = []
        for question in questions:
            ticket_id = ticket.id if question.scope is QuestionScope.ATTENDEE else None
            value = by_key.get((question.id, ticket.order_id, ticket_id), "")
            row.append(question.display(value) if value else "")
        rows.append(row)
    return [q.label for q in questions], rows


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Finding attendees by answer -----------------------------------------------------------


def find_question(event: Event, key_or_id: str | int) -> Question | None:
    """The event's question by its key ("sektor") or id."""
    condition = (
        Question.id == key_or_id
        if isinstance(key_or_id, int)
        else Question.key == str(key_or_id).strip().lower()
    )
    return db.session.scalar(select(Question).where(Question.event_id == event.id, condition))


def _escaped(text: str) -> str:
    """`text` for a LIKE pattern with escape character '\\'."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def answer_matches(question: Question, value: str):
    """A SQL condition on Answer: the answer to `question` is `value` (a choice key,
    "yes"/"no", a number, a date, a text compared whole and case-insensitively); for
    several choices, includes that key."""
    value = (value or "").strip()
    condition = Answer.question_id == question.id
    if question.kind is AnswerKind.MULTIPLE_CHOICE:
        key = _escaped(value)
        return condition & or_(
            Answer.value == value,
            Answer.value.like(f"{key},%", escape="\\"),
            Answer.value.like(f"%,{key}", escape="\\"),
            Answer.value.like(f"%,{key},%", escape="\\"),
        )
    if question.kind in (AnswerKind.TEXT, AnswerKind.LONG_TEXT):
        return condition & (Answer.value.ilike(_escaped(value), escape="\\"))
    if question.kind is AnswerKind.NUMBER:
        with contextlib.suppress(AnswerError):  # not a number: compared as it is
            value = number_value(value)
    return condition & (Answer.value == value)


def matching_ticket_ids(event: Event, question: Question, value: str):
    """A select of the ids of the valid tickets in confirmed orders whose answer to
    `question` matches `value` (for an order question: every valid ticket of an order
    whose buyer answered so)."""
    base = (
        select(Ticket.id)
        .join(Order, Order.id == Ticket.order_id)
        .where(
            Order.event_id == event.id,
            Order.status.in_(OrderStatus.CONFIRMED),
            Ticket.status == TicketStatus.VALID,
        )
    )
    if question.scope is QuestionScope.ATTENDEE:
        return base.join(Answer, Answer.ticket_id == Ticket.id).where(
            answer_matches(question, value)
        )
    return base.join(Answer, Answer.order_id == Order.id).where(
        Answer.ticket_id.is_(None), answer_matches(question, value)
    )


def attendees_matching(event: Event, question_key_or_id: str | int, value: str) -> list[Ticket]:
    """The attendees (valid tickets in paid or invoiced orders) whose answer to the
    event's question (its key, e.g. "sektor", or id) is `value`, e.g.
    attendees_matching(event, "sektor", "offentlig"): a choice by its key, several
    choices when they include it, "yes"/"no", a number or date, a text compared whole
    (case-insensitive). An order question matches every ticket of the orders whose buyer
    answered so. Sorted by attendee name; an unknown question: []. For group mail,
    reports and the organizer's filters."""
    question = find_question(event, question_key_or_id)
    if question is None or question.event_id != event.id:
        return []
    ids = matching_ticket_ids(event, question, value)
    return list(
        db.session.scalars(
            select(Ticket).where(Ticket.id.in_(ids)).order_by(Ticket.attendee_name, Ticket.id)
        )
    )


def matching_order_ids(event: Event, question: Question, value: str):
    """A select of the ids of the event's orders (any status) with an answer to
    `question` matching `value`, for the organizer's order list."""
    return select(Answer.order_id).where(answer_matches(question, value))


# The organizer's answer filter ---------------------------------------------------------


def filter_choices(event: Event) -> list[tuple[str, str]]:
    """The answers the organizer's lists can be filtered on, as ("key:value", words):
    every choice, yes and no, and consent given, of the event's questions."""
    offered = []
    for question in event_questions(event):
        if question.kind.has_choices:
            values = question.choice_keys
        elif question.kind is AnswerKind.YES_NO:
            values = [YES, NO]
        elif question.kind is AnswerKind.CONSENT:
            values = [YES]
        else:
            continue
        for value in values:
            words = f"{question.short_label} – {question.display(value)}"
            offered.append((f"{question.key}:{value}", words))
    return offered


def chosen_filter(event: Event, text: str | None) -> tuple[Question, str] | None:
    """ "sektor:offentlig" as (the question, the value); None for anything else."""
    key, sep, value = (text or "").partition(":")
    if not sep or not key or len(text) > 100:
        return None
    question = find_question(event, key)
    return (question, value) if question is not None else None
