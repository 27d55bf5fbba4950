"""An organizer's questions (an event's registration questions, and a survey's: save_asked
and services/surveys): adding, changing, ordering, deactivating and
deleting them (the answers' rules: questions.py).

What the answers already given depend on is kept: a question with answers cannot
change its kind or whom it asks, lose a choice someone chose, or be deleted (it can be
deactivated: no longer asked, its answers kept).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    AnswerKind,
    DataClass,
    Event,
    Question,
    QuestionScope,
    QuestionWording,
    TicketType,
)
from ..refusal import Refusal
from .questions import NO, YES

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_CHOICES = 50
MAX_LABEL = 2000
MAX_CHOICE_LABEL = 200
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "æ": "a", "ø": "o"})


class QuestionError(Refusal):
    """A question an organizer cannot save, or remove, like this; `field` names what to
    correct."""

    messages = {
        "required": lambda p: _("Enter the question in Swedish."),
        "key_format": lambda p: _(
            "Use up to 40 small letters a–z, digits, hyphens or underscores, e.g. sektor."
        ),
        "key_taken": lambda p: _("The event already has a question with this short name."),
        "no_choices": lambda p: _("Enter at least two choices, one per line."),
        "too_many_choices": lambda p: _("At most %(n)d choices.", n=MAX_CHOICES),
        "choice_format": lambda p: _(
            "Write each choice as “Swedish | English”, or “key | Swedish | English” to "
            "choose its short name (a–z, digits, - or _): line %(line)d is not.",
            **p,
        ),
        "choice_twice": lambda p: _("The choice %(key)s is there twice.", **p),
        "choice_in_use": lambda p: _(
            "The choice %(key)s has answers and cannot be removed. Change its wording "
            "instead, or deactivate the question and make a new one.",
            **p,
        ),
        "kind_in_use": lambda p: _(
            "The question has answers: its kind and whom it asks cannot change."
        ),
        "bad_condition": lambda p: _(
            "A condition needs a question with choices or yes/no, asked before this one "
            "(of the buyer, for a question to the buyer), and one of its answers."
        ),
        "condition_loop": lambda p: _("Questions cannot depend on each other in a circle."),
        "unknown_ticket_type": lambda p: _("Choose among the event's ticket types."),
        "has_answers": lambda p: _(
            "The question has answers and cannot be deleted; deactivate it instead."
        ),
        "has_dependents": lambda p: _(
            "Other questions are shown depending on this one: change them first."
        ),
    }


@dataclass
class QuestionData:
    """What an organizer fills in for a question. `choices`: lines of "Swedish |
    English" or "key | Swedish | English"."""

    label_sv: str
    kind: AnswerKind = AnswerKind.TEXT
    key: str = ""
    label_en: str = ""
    help_sv: str = ""
    help_en: str = ""
    choices: str = ""
    required: bool = False
    scope: QuestionScope = QuestionScope.ATTENDEE
    data_class: DataClass = DataClass.ORDINARY
    is_active: bool = True
    position: int | None = None
    depends_on_id: int | None = None
    depends_on_value: str = ""
    ticket_type_ids: list[int] = field(default_factory=list)


def key_from(text: str) -> str:
    """A short name from a label: "Offentlig sektor" → "offentlig_sektor"."""
    folded = (text or "").strip().lower().translate(_FOLD)
    key = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")[:40].strip("_")
    return key or "fraga"


def parse_choices(text: str) -> list[dict]:
    """The choices as stored: [{"key", "sv", "en"}], QuestionError for a bad line."""
    choices, keys = [], set()
    lines = [line.strip() for line in (text or "").splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) == 3:
            key, sv, en = parts
        elif len(parts) <= 2:
            sv, en = parts[0], parts[1] if len(parts) == 2 else ""
            key = key_from(sv)
        else:
            raise QuestionError("choice_format", "choices", line=number)
        if not sv or not KEY_RE.match(key) or max(len(sv), len(en)) > MAX_CHOICE_LABEL:
            raise QuestionError("choice_format", "choices", line=number)
        if key in keys:
            raise QuestionError("choice_twice", "choices", key=key)
        keys.add(key)
        choices.append({"key": key, "sv": sv, "en": en})
    if len(choices) > MAX_CHOICES:
        raise QuestionError("too_many_choices", "choices")
    return choices


def choices_text(question: Question) -> str:
    """The choices as the organizer's form shows them (with their keys, so a reworded
    label keeps its key)."""
    return "\n".join(
        " | ".join(part for part in (c["key"], c["sv"], c.get("en", "")))
        for c in question.choices or []
    )


def answer_count(question: QuestionWording) -> int:
    model = question.answer_model()
    return db.session.scalar(select(func.count(model.id)).where(model.question_id == question.id))


def answer_counts(event: Event) -> dict[int, int]:
    return answer_counts_of(Question, event.id)


def answer_counts_of(model: type[QuestionWording], owner_id: int) -> dict[int, int]:
    """{question id: answers given} for one set of questions."""
    answer = model.answer_model()
    return dict(
        db.session.execute(
            select(answer.question_id, func.count(answer.id))
            .join(model, model.id == answer.question_id)
            .where(getattr(model, model.owner_column) == owner_id)
            .group_by(answer.question_id)
        ).all()
    )


def _chosen_keys(question: QuestionWording) -> set[str]:
    model = question.answer_model()
    keys = set()
    for value in db.session.scalars(
        select(model.value).where(model.question_id == question.id).distinct()
    ):
        keys.update(k for k in value.split(",") if k)
    return keys


def questions_of(model: type[QuestionWording], owner_id: int) -> list:
    """All the questions of one set (an event's registration questions, a survey's),
    active or not, in their order."""
    owner = getattr(model, model.owner_column)
    return list(
        db.session.scalars(
            select(model).where(owner == owner_id).order_by(model.position, model.id)
        )
    )


def condition_values(question: Question) -> list[tuple[str, str]]:
    """What a question can be a condition on: (value, label)."""
    if question.kind is AnswerKind.YES_NO:
        return [(YES, _("Yes")), (NO, _("No"))]
    return [(c["key"], question.choice_label(c["key"])) for c in question.choices or []]


def save_question(event: Event, data: QuestionData, question: Question | None = None) -> Question:
    """Add (`question` None) or change one of the event's registration questions,
    committed; QuestionError naming the field when the rules above are broken (nothing
    stored)."""
    types: list[TicketType] = []

    def check(question: Question | None, answered: bool) -> None:
        if answered and question.scope is not data.scope:
            raise QuestionError("kind_in_use", "kind")
        types[:] = _ticket_types(event, data.ticket_type_ids)
        if data.depends_on_id is not None and data.scope is QuestionScope.ORDER:
            parent = db.session.get(Question, data.depends_on_id)
            if parent is not None and parent.scope is not QuestionScope.ORDER:
                raise QuestionError("bad_condition", "depends_on")

    def finish(question: Question) -> None:
        question.scope, question.ticket_types = data.scope, types

    return save_asked(Question, event.id, data, question, check, finish)


def save_asked(
    model: type[QuestionWording],
    owner_id: int,
    data: QuestionData,
    question: QuestionWording | None = None,
    check: Callable | None = None,
    finish: Callable | None = None,
):
    """Add (`question` None) or change a question of one set (`model`'s questions of
    `owner_id`: an event's registration questions, a survey's), committed, by the rules
    above; `check(question, answered)` refuses what the set's own rules forbid,
    `finish(question)` sets its own columns. QuestionError naming the field (nothing
    stored)."""
    label_sv = (data.label_sv or "").strip()
    if not label_sv:
        raise QuestionError("required", "label_sv")
    for name in ("label_sv", "label_en", "help_sv", "help_en"):
        if len((getattr(data, name) or "").strip()) > MAX_LABEL:
            raise QuestionError("too_long", name, n=MAX_LABEL)
    key = (data.key or "").strip().lower() or key_from(label_sv)
    if not KEY_RE.match(key):
        raise QuestionError("key_format", "key")
    choices = parse_choices(data.choices) if data.kind.has_choices else []
    if data.kind.has_choices and len(choices) < 2:
        raise QuestionError("no_choices", "choices")
    owner = getattr(model, model.owner_column)
    with unit_of_work():
        taken = db.session.scalar(select(model.id).where(owner == owner_id, model.key == key))
        if taken is not None and (question is None or taken != question.id):
            raise QuestionError("key_taken", "key")
        answered = question is not None and answer_count(question) > 0
        if answered:
            if question.kind is not data.kind:
                raise QuestionError("kind_in_use", "kind")
            if data.kind.has_choices:
                gone = _chosen_keys(question) - {c["key"] for c in choices}
                if gone:
                    raise QuestionError("choice_in_use", "choices", key=sorted(gone)[0])
        if check is not None:
            check(question, answered)
        parent = _condition(model, owner_id, data, question)
        position = data.position
        if question is None:
            if position is None:  # a new question goes last
                last = db.session.scalar(select(func.max(model.position)).where(owner == owner_id))
                position = (last or 0) + 10
            question = model(**{model.owner_column: owner_id})
        question.key, question.kind = key, data.kind
        question.label_sv, question.label_en = label_sv, (data.label_en or "").strip()
        question.help_sv = (data.help_sv or "").strip()
        question.help_en = (data.help_en or "").strip()
        question.choices = choices
        question.required = bool(data.required)
        question.data_class = data.data_class
        question.is_active = bool(data.is_active)
        if position is not None:
            question.position = position
        question.depends_on = parent
        question.depends_on_value = data.depends_on_value.strip() if parent else ""
        if finish is not None:
            finish(question)
        db.session.add(question)
    return question


def _ticket_types(event: Event, ids: list[int]) -> list[TicketType]:
    wanted = set(ids or [])
    if not wanted:
        return []
    found = list(
        db.session.scalars(
            select(TicketType).where(TicketType.event_id == event.id, TicketType.id.in_(wanted))
        )
    )
    if len(found) != len(wanted):
        raise QuestionError("unknown_ticket_type", "ticket_types")
    return found


def _condition(model, owner_id: int, data: QuestionData, question) -> QuestionWording | None:
    if data.depends_on_id is None:
        return None
    parent = db.session.get(model, data.depends_on_id)
    if (
        parent is None
        or parent.owner_id != owner_id
        or (question is not None and parent.id == question.id)
        or not parent.kind.can_be_condition
        or data.depends_on_value.strip() not in {v for v, _label in condition_values(parent)}
    ):
        raise QuestionError("bad_condition", "depends_on")
    ancestor, seen = parent, set()
    while ancestor is not None and ancestor.id not in seen:
        if question is not None and ancestor.id == question.id:
            raise QuestionError("condition_loop", "depends_on")
        seen.add(ancestor.id)
        ancestor = ancestor.depends_on
    return parent


def deactivate_question(question: QuestionWording) -> None:
    """No longer asked; its answers stay (on order pages and in the attendee list)."""
    with unit_of_work():
        question.is_active = False


def delete_question(question: QuestionWording) -> None:
    """Remove a question nobody has answered (a mistake); others can be deactivated."""
    model = type(question)
    with unit_of_work():
        if answer_count(question):
            raise QuestionError("has_answers")
        dependent = db.session.scalar(
            select(model.id).where(model.depends_on_id == question.id).limit(1)
        )
        if dependent is not None:
            raise QuestionError("has_dependents")
        db.session.delete(question)


def move_question(question: QuestionWording, step: int) -> None:
    """One place up (step -1) or down (+1) in its set's order; positions are
    renumbered 10, 20, 30 ... so every question has a place of its own."""
    with unit_of_work():
        ordered = questions_of(type(question), question.owner_id)
        index = ordered.index(question)
        target = index + (1 if step > 0 else -1)
        if 0 <= target < len(ordered):
            ordered[index], ordered[target] = ordered[target], ordered[index]
        for number, each in enumerate(ordered, start=1):
            each.position = number * 10
