"""Sending surveys and their reminders: run by the worker every round.

A scheduled survey whose send time has come is expanded into the outbox in batches,
each under the survey's row lock (skipped by a worker while another holds it), writing
one SurveyRecipient, with its personal token, next to its outbox message in the same
commit; the unique (survey, email) index makes a second mail to anyone impossible,
whatever the number of workers. When nobody is left it is sent, and never expanded
again. Its reminder goes once, at its time, the same way, to those who have not
answered (each recipient's reminded_at, under the same lock).

A first survey goes to the event's attendees (valid tickets of confirmed orders), only
those checked in or all, one mail per address; a follow-up goes to the people the
survey it follows went to (not those erased since), once that one is sent.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    Survey,
    SurveyAudience,
    SurveyRecipient,
    SurveyResponse,
    SurveyStatus,
    utcnow,
)
from ...models.surveys import new_survey_token
from ...urls import external_url
from .. import locks
from ..mail import queue_mail
from ..mailings.recipients import CheckedIn, Recipient, Selection, recipients

BATCH = 250  # mails put in the outbox per commit (then deliverable)


def send_due_surveys(now: datetime | None = None, batch: int = BATCH) -> int:
    """Queue the mails of every survey due (its send time come) and every reminder due;
    the number of mails queued."""
    now = now or utcnow()
    queued = 0
    due = db.session.scalars(
        select(Survey.id)
        .where(Survey.status == SurveyStatus.SCHEDULED, Survey.send_at <= now)
        .order_by(Survey.id)
    ).all()
    for survey_id in due:
        while (count := expand(survey_id, now, batch)) is not None:
            queued += count
    reminding = db.session.scalars(
        select(Survey.id)
        .where(
            Survey.status == SurveyStatus.SENT,
            Survey.remind_at <= now,
            Survey.reminded_at.is_(None),
        )
        .order_by(Survey.id)
    ).all()
    for survey_id in reminding:
        while (count := remind(survey_id, now, batch)) is not None:
            queued += count
    return queued


def expand(survey_id: int, now: datetime | None = None, batch: int = BATCH) -> int | None:
    """One batch of a due survey's mails into the outbox, under its lock: the number
    queued, or None when it is done, not due, or another worker holds it right now."""
    now = now or utcnow()
    with unit_of_work() as unit:
        survey = unit.lock(locks.survey(survey_id, skip_locked=True))
        if survey is None or survey.status is not SurveyStatus.SCHEDULED or survey.send_at > now:
            return None
        if survey.follows is not None and survey.follows.status is not SurveyStatus.SENT:
            return None  # the people of the first survey are not all known yet
        todo = [] if now >= survey.closes_at else not_yet_invited(survey)[:batch]
        if not todo:
            survey.status, survey.sent_at = SurveyStatus.SENT, now
            return None
        for person in todo:
            row = SurveyRecipient(
                survey_id=survey.id,
                email=person.email,
                name=person.name[:200],
                locale=person.locale if person.locale in ("sv", "en") else "sv",
                ticket_id=person.ticket_id,
                token=new_survey_token(),
                invited_at=now,
            )
            row.invitation = _mail(survey, row, reminder=False)
            db.session.add(row)
        return len(todo)


def remind(survey_id: int, now: datetime | None = None, batch: int = BATCH) -> int | None:
    """One batch of a survey's reminders, to those who have not answered, under its
    lock: the number queued, or None when done, not due or held by another worker."""
    now = now or utcnow()
    with unit_of_work() as unit:
        survey = unit.lock(locks.survey(survey_id, skip_locked=True))
        if (
            survey is None
            or survey.status is not SurveyStatus.SENT
            or survey.remind_at is None
            or survey.remind_at > now
            or survey.reminded_at is not None
        ):
            return None
        answered = exists().where(SurveyResponse.recipient_id == SurveyRecipient.id)
        todo = (
            []
            if now >= survey.closes_at
            else db.session.scalars(
                select(SurveyRecipient)
                .where(
                    SurveyRecipient.survey_id == survey.id,
                    SurveyRecipient.reminded_at.is_(None),
                    SurveyRecipient.email.is_not(None),
                    ~answered,
                )
                .order_by(SurveyRecipient.id)
                .limit(batch)
            ).all()
        )
        if not todo:
            survey.reminded_at = now
            return None
        for row in todo:
            row.reminded_at = now
            row.reminder = _mail(survey, row, reminder=True)
        return len(todo)


def people(survey: Survey) -> list[Recipient]:
    """Everyone the survey is for, one per address."""
    if survey.follows_id is not None:
        rows = db.session.scalars(
            select(SurveyRecipient)
            .where(
                SurveyRecipient.survey_id == survey.follows_id,
                SurveyRecipient.email.is_not(None),
            )
            .order_by(SurveyRecipient.id)
        )
        return [Recipient(r.email, r.name, r.locale, "", r.ticket_id) for r in rows]
    criteria = (CheckedIn(True),) if survey.audience is SurveyAudience.CHECKED_IN else ()
    return recipients(survey.event, Selection(attendees=True, criteria=criteria))


def not_yet_invited(survey: Survey) -> list[Recipient]:
    done = set(
        db.session.scalars(
            select(SurveyRecipient.email).where(SurveyRecipient.survey_id == survey.id)
        )
    )
    return [p for p in people(survey) if p.email not in done]


def answer_link(recipient: SurveyRecipient) -> str:
    return external_url("surveys.answer", token=recipient.token)


def _mail(survey: Survey, recipient: SurveyRecipient, reminder: bool):
    event = survey.event

    def subject() -> str:
        if reminder:
            return str(_l("Reminder: %(survey)s", survey=survey.title))
        if event.name.casefold() in survey.title.casefold():  # "Vad tyckte du om <event>?"
            return survey.title
        return f"{survey.title} – {event.name}"

    return queue_mail(
        recipient.email,
        "survey",
        subject,
        locale=recipient.locale,
        survey=survey,
        event=event,
        name=recipient.name,
        link=answer_link(recipient),
        reminder=reminder,
    )
