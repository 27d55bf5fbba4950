"""A survey's results, for the organizers' page and the impact report: how many it went
to and answered, and per question the counts of each choice, the mean of numbers and
the free-text answers, in a few queries whatever the number of responses."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select

from ...extensions import db
from ...models import (
    AnswerKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyRecipient,
    SurveyResponse,
)
from ..tickets.questions import NO, YES
from .setup import counts

FREE_TEXT = (AnswerKind.TEXT, AnswerKind.LONG_TEXT)


@dataclass
class Count:
    value: str  # as stored: a choice's key, "yes"/"no", a date
    label: str  # as people read it
    count: int
    share: float  # of those who answered the question, 0..1


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0  # responses with an answer to it
    counts: list[Count] = field(default_factory=list)  # choices, yes/no, dates, numbers
    mean: float | None = None  # numbers
    minimum: float | None = None
    maximum: float | None = None
    texts: list[str] = field(default_factory=list)  # free text, in the order answered

    @property
    def is_free_text(self) -> bool:
        return self.question.kind in FREE_TEXT


@dataclass
class SurveyResults:
    survey: Survey
    sent: int  # people it went to
    responses: int
    questions: list[QuestionResult]

    @property
    def response_rate(self) -> float:
        """Responses per person it went to, 0..1 (0 before it is sent)."""
        return self.responses / self.sent if self.sent else 0.0


def survey_results(survey: Survey, among=None) -> SurveyResults:
    """Per question of the survey (active or not, in its order): how many answered it,
    each value's count and share (every choice shown, also those nobody chose; several
    choices counted each), numbers' mean, least and greatest, and the free-text answers
    (an answer erased by the retention rules is not there). Five queries.

    `among`: only the people whose ticket is among these (a select of ticket ids, e.g.
    services.tickets.answers.matching_ticket_ids(event, sektor, "offentlig") for one
    sektor's results); answers made anonymous by an erasure are then not counted."""
    questions = list(
        db.session.scalars(
            select(SurveyQuestion)
            .where(SurveyQuestion.survey_id == survey.id)
            .order_by(SurveyQuestion.position, SurveyQuestion.id)
        )
    )
    recipients = select(SurveyRecipient.id).where(SurveyRecipient.survey_id == survey.id)
    answered = select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id)
    if among is None:
        sent, responses = counts(survey)
    else:
        recipients = recipients.where(SurveyRecipient.ticket_id.in_(among))
        answered = answered.where(SurveyResponse.recipient_id.in_(recipients))
        sent, responses = db.session.execute(
            select(
                select(func.count()).select_from(recipients.subquery()).scalar_subquery(),
                select(func.count()).select_from(answered.subquery()).scalar_subquery(),
            )
        ).one()
    of_survey = SurveyAnswer.response_id.in_(answered)
    grouped: dict[int, Counter] = defaultdict(Counter)
    for question_id, value, number in db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.value, func.count())
        .where(
            of_survey,
            SurveyAnswer.question_id.in_([q.id for q in questions if q.kind not in FREE_TEXT]),
        )
        .group_by(SurveyAnswer.question_id, SurveyAnswer.value)
    ):
        grouped[question_id][value] += number
    texts: dict[int, list[str]] = defaultdict(list)
    for question_id, value in db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.value)
        .where(
            of_survey,
            SurveyAnswer.question_id.in_([q.id for q in questions if q.kind in FREE_TEXT]),
        )
        .order_by(SurveyAnswer.answered_at, SurveyAnswer.id)
    ):
        texts[question_id].append(value)
    return SurveyResults(
        survey, sent, responses, [_result(q, grouped[q.id], texts[q.id]) for q in questions]
    )


def _result(question: SurveyQuestion, values: Counter, texts: list[str]) -> QuestionResult:
    kind = question.kind
    result = QuestionResult(question)
    if kind in FREE_TEXT:
        result.texts = texts
        result.answered = len(texts)
        return result
    result.answered = sum(values.values())
    if kind is AnswerKind.MULTIPLE_CHOICE:
        chosen: Counter = Counter()
        for value, number in values.items():
            for key in value.split(","):
                if key:
                    chosen[key] += number
        order = question.choice_keys
        values = chosen
    elif kind is AnswerKind.CHOICE:
        order = question.choice_keys
    elif kind is AnswerKind.YES_NO:
        order = [YES, NO]
    elif kind is AnswerKind.CONSENT:
        order = [YES]
    elif kind is AnswerKind.NUMBER:
        order = sorted(values, key=lambda v: _number(v) or 0)
        numbers = [(_number(v), n) for v, n in values.items() if _number(v) is not None]
        if numbers:
            total = sum(n for _v, n in numbers)
            result.mean = float(sum(v * n for v, n in numbers) / total)
            result.minimum = float(min(v for v, _n in numbers))
            result.maximum = float(max(v for v, _n in numbers))
    else:  # dates
        order = sorted(values)
    order += [v for v in values if v not in order]  # a choice removed since
    whole = result.answered or 1
    result.counts = [
        Count(value, question.display(value), values.get(value, 0), values.get(value, 0) / whole)
        for value in order
    ]
    return result


def _number(value: str) -> Decimal | None:
    try:
        return Decimal(value)
    except InvalidOperation:
        return None
