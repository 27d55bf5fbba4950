"""Answering a survey through one's personal link: one response per person, which they
may change until the survey closes (the answers' rules are the registration questions':
services/tickets/questions.check_asked)."""

from collections.abc import Mapping
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ...database import unit_of_work
from ...extensions import db
from ...models import SurveyAnswer, SurveyRecipient, SurveyResponse, utcnow
from .. import locks
from ..tickets.questions import AnswerError, CheckedAnswers, check_asked
from .setup import active_questions

MAX_TOKEN = 64


class SurveyAnswerError(AnswerError):
    messages = {
        "closed": lambda p: _("The survey has closed: answers can no longer be changed."),
        "empty": lambda p: _("Answer at least one question before sending."),
    }


def recipient_for(token: str | None) -> SurveyRecipient | None:
    """Whose personal link this is (None: no such link, or its person was erased)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    return db.session.scalar(select(SurveyRecipient).where(SurveyRecipient.token == token))


def response_of(recipient: SurveyRecipient) -> SurveyResponse | None:
    return db.session.scalar(
        select(SurveyResponse).where(SurveyResponse.recipient_id == recipient.id)
    )


def _stored(response: SurveyResponse | None) -> dict[int, SurveyAnswer]:
    if response is None:
        return {}
    return {
        a.question_id: a
        for a in db.session.scalars(
            select(SurveyAnswer).where(SurveyAnswer.response_id == response.id)
        )
    }


def checked(recipient: SurveyRecipient, data: Mapping | None = None) -> CheckedAnswers:
    """The survey's questions with `data` (a form's fields) checked, or with the
    person's stored answers (data None), for the form."""
    questions = active_questions(recipient.survey)
    return check_asked(questions, data, _stored(response_of(recipient) if data is None else None))


def save_answers(
    recipient: SurveyRecipient, answers: CheckedAnswers, now: datetime | None = None
) -> SurveyResponse:
    """Store the person's checked answers as their one response, committed: the first
    time a new response, later its answers replaced (a question left empty loses its old
    answer). Refused with nothing stored when `answers` has errors, is empty, or the
    survey has closed."""
    now = now or utcnow()
    if answers.errors:
        raise SurveyAnswerError("bad_answers")
    if not answers.answers:
        raise SurveyAnswerError("empty")
    with unit_of_work(locks.survey_recipient(recipient.id)) as unit:
        unit.reread(recipient)
        if recipient.token is None or not recipient.survey.is_open(now):
            raise SurveyAnswerError("closed")
        response = response_of(recipient)
        if response is None:
            response = SurveyResponse(
                survey_id=recipient.survey_id, recipient=recipient, submitted_at=now
            )
            db.session.add(response)
        response.updated_at = now
        stored = _stored(response if response.id else None)
        kept = set()
        for question, _ticket, value, consent in answers.answers:
            kept.add(question.id)
            old = stored.get(question.id)
            if old is None:
                db.session.add(
                    SurveyAnswer(
                        response=response,
                        question_id=question.id,
                        value=value,
                        consent_text=consent,
                        answered_at=now,
                    )
                )
            elif (old.value, old.consent_text) != (value, consent):
                old.value, old.consent_text, old.answered_at = value, consent, now
        asked = {a.question.id for a in answers.all}
        for question_id in asked - kept:
            if question_id in stored:
                db.session.delete(stored[question_id])
    return response
