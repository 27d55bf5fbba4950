"""An organizer's surveys: the settings (title, whom, when it is sent, reminded and
closed), the questions (the registration questions' rules, question_setup.save_asked),
and scheduling it for the worker.

The rules (save_survey, schedule):
  - it closes after it is sent, and a reminder comes between the two;
  - a follow-up names one of the event's first surveys (not another follow-up) and goes
    to the people that one went to, never before that one is sent;
  - once sent, whom it goes to and when it is sent cannot change; the reminder and the
    closing time still can;
  - it is scheduled only with at least one active question and a send time to come.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    Event,
    Survey,
    SurveyAudience,
    SurveyQuestion,
    SurveyRecipient,
    SurveyResponse,
    SurveyStatus,
    utcnow,
)
from .. import locks
from ..refusal import Refusal
from ..tickets.question_setup import QuestionData, answer_counts_of, questions_of, save_asked


class SurveyError(Refusal):
    messages = {
        "required": lambda p: _("Enter the survey's title in Swedish."),
        "closes_first": lambda p: _("The survey must close after it is sent."),
        "remind_between": lambda p: _(
            "The reminder must go after the survey is sent and before it closes."
        ),
        "bad_follows": lambda p: _("Choose one of the event's first surveys."),
        "sent": lambda p: _(
            "The survey has been sent: whom it goes to and when it was sent cannot change."
        ),
        "no_questions": lambda p: _("Add at least one question before scheduling the survey."),
        "in_the_past": lambda p: _("The send time has passed: choose a time to come."),
        "not_scheduled": lambda p: _("The survey is not scheduled."),
        "already_scheduled": lambda p: _("The survey is already scheduled or sent."),
    }


@dataclass
class SurveyData:
    title_sv: str
    send_at: datetime
    closes_at: datetime
    title_en: str = ""
    intro_sv: str = ""
    intro_en: str = ""
    audience: SurveyAudience = SurveyAudience.CHECKED_IN
    remind_at: datetime | None = None
    follows_id: int | None = None


def surveys_of(event: Event) -> list[Survey]:
    return list(
        db.session.scalars(
            select(Survey).where(Survey.event_id == event.id).order_by(Survey.send_at, Survey.id)
        )
    )


def first_surveys(event: Event, but: Survey | None = None) -> list[Survey]:
    """The surveys a follow-up can follow: the event's surveys that follow none."""
    return [
        s for s in surveys_of(event) if s.follows_id is None and (but is None or s.id != but.id)
    ]


def save_survey(event: Event, data: SurveyData, survey: Survey | None = None) -> Survey:
    """A new survey (a draft), or its settings changed, by the rules above; committed.
    SurveyError naming the field (nothing stored)."""
    title_sv = (data.title_sv or "").strip()
    if not title_sv:
        raise SurveyError("required", "title_sv")
    for name, most in (
        ("title_sv", 200),
        ("title_en", 200),
        ("intro_sv", 5000),
        ("intro_en", 5000),
    ):
        if len((getattr(data, name) or "").strip()) > most:
            raise SurveyError("too_long", name, n=most)
    if data.closes_at <= data.send_at:
        raise SurveyError("closes_first", "closes_at")
    if data.remind_at is not None and not data.send_at < data.remind_at < data.closes_at:
        raise SurveyError("remind_between", "remind_at")
    with unit_of_work(*([locks.survey(survey.id)] if survey else [])):
        follows = None
        if data.follows_id is not None:
            follows = db.session.get(Survey, data.follows_id)
            if (
                follows is None
                or follows.event_id != event.id
                or follows.follows_id is not None
                or (survey is not None and follows.id == survey.id)
                or (survey is not None and _has_follow_ups(survey))
            ):
                raise SurveyError("bad_follows", "follows")
        if survey is None:
            survey = Survey(event_id=event.id)
            db.session.add(survey)
        elif (
            survey.status is SurveyStatus.SCHEDULED
            and survey.send_at != data.send_at
            and data.send_at <= utcnow()
        ):
            raise SurveyError("in_the_past", "send_at")
        elif survey.status is SurveyStatus.SENT and (
            survey.send_at != data.send_at
            or survey.audience is not data.audience
            or survey.follows_id != (follows.id if follows else None)
        ):
            raise SurveyError("sent", "send_at")
        survey.title_sv, survey.title_en = title_sv, (data.title_en or "").strip()
        survey.intro_sv = (data.intro_sv or "").strip()
        survey.intro_en = (data.intro_en or "").strip()
        survey.audience, survey.follows = data.audience, follows
        survey.send_at, survey.remind_at, survey.closes_at = (
            data.send_at,
            data.remind_at,
            data.closes_at,
        )
    return survey


def _has_follow_ups(survey: Survey) -> bool:
    return (
        db.session.scalar(select(Survey.id).where(Survey.follows_id == survey.id).limit(1))
        is not None
    )


def schedule(survey: Survey, now: datetime | None = None) -> None:
    """From a draft to scheduled: the worker sends it at its send time."""
    now = now or utcnow()
    with unit_of_work(locks.survey(survey.id)):
        if survey.status is not SurveyStatus.DRAFT:
            raise SurveyError("already_scheduled")
        if not active_questions(survey):
            raise SurveyError("no_questions")
        if survey.send_at <= now:
            raise SurveyError("in_the_past", "send_at")
        survey.status = SurveyStatus.SCHEDULED


def unschedule(survey: Survey) -> None:
    """Back to a draft, while nothing has been sent."""
    with unit_of_work(locks.survey(survey.id)):
        sent = db.session.scalar(
            select(SurveyRecipient.id).where(SurveyRecipient.survey_id == survey.id).limit(1)
        )
        if survey.status is not SurveyStatus.SCHEDULED or sent is not None:
            raise SurveyError("not_scheduled")
        survey.status = SurveyStatus.DRAFT


# Questions -------------------------------------------------------------------------------


def active_questions(survey: Survey) -> list[SurveyQuestion]:
    return list(
        db.session.scalars(
            select(SurveyQuestion)
            .where(SurveyQuestion.survey_id == survey.id, SurveyQuestion.is_active.is_(True))
            .order_by(SurveyQuestion.position, SurveyQuestion.id)
        )
    )


def survey_questions(survey: Survey) -> list[SurveyQuestion]:
    """All the survey's questions, active or not, in their order."""
    return questions_of(SurveyQuestion, survey.id)


def survey_question(survey: Survey, question_id: int) -> SurveyQuestion | None:
    """The survey's question with this id (None: no such question of this survey)."""
    question = db.session.get(SurveyQuestion, question_id)
    return question if question is not None and question.survey_id == survey.id else None


def answer_counts(survey: Survey) -> dict[int, int]:
    """{question id: answers given}."""
    return answer_counts_of(SurveyQuestion, survey.id)


def save_question(
    survey: Survey, data: QuestionData, question: SurveyQuestion | None = None
) -> SurveyQuestion:
    """Add or change one of the survey's questions by the registration questions' rules
    (question_setup.save_asked): an answered question keeps its kind and the choices
    chosen."""
    return save_asked(SurveyQuestion, survey.id, data, question)


def counts(survey: Survey) -> tuple[int, int]:
    """(people it went to, responses)."""
    sent = db.session.scalar(
        select(func.count(SurveyRecipient.id)).where(SurveyRecipient.survey_id == survey.id)
    )
    answered = db.session.scalar(
        select(func.count(SurveyResponse.id)).where(SurveyResponse.survey_id == survey.id)
    )
    return sent or 0, answered or 0
