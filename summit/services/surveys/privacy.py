"""A person's survey answers for the privacy pages (GDPR art. 15 and 17, issue 17.5):
exported, or erased by unlinking them, and the sensitive answers the retention rules
remove.

Both run in the caller's transaction (its unit of work commits them), so an erasure of
everything about a person is one commit with its log.
"""

from flask_babel import ngettext
from sqlalchemy import delete, func, select

from ...extensions import db
from ...models import (
    AnswerKind,
    DataClass,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyRecipient,
    SurveyResponse,
    utcnow,
)

FREE_TEXT = (AnswerKind.TEXT, AnswerKind.LONG_TEXT)


def _recipients(email: str) -> list[SurveyRecipient]:
    address = (email or "").strip().lower()
    if not address:
        return []
    return list(
        db.session.scalars(
            select(SurveyRecipient)
            .where(func.lower(SurveyRecipient.email) == address)
            .order_by(SurveyRecipient.id)
        )
    )


def export_person(email: str) -> list[dict[str, str]]:
    """Every survey sent to this address (the email on their ticket, any case) and each
    of their answers: one row per answer, {"event", "survey", "sent_at", "question",
    "answer", "answered_at"}; a survey not answered is one row with the question and
    answer empty. Swedish wording, times in ISO 8601 (UTC)."""
    rows: list[dict[str, str]] = []
    for recipient in _recipients(email):
        survey = recipient.survey
        base = {
            "event": survey.event.name_sv,
            "survey": survey.title_sv,
            "sent_at": recipient.invited_at.isoformat(),
        }
        answers = db.session.execute(
            select(SurveyAnswer, SurveyQuestion)
            .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyResponse.recipient_id == recipient.id)
            .order_by(SurveyQuestion.position, SurveyQuestion.id)
        ).all()
        if not answers:
            rows.append({**base, "question": "", "answer": "", "answered_at": ""})
        for answer, question in answers:
            rows.append(
                {
                    **base,
                    "question": question.label_sv,
                    "answer": _shown(question, answer.value),
                    "answered_at": answer.answered_at.isoformat(),
                }
            )
    return rows


def _shown(question: SurveyQuestion, value: str) -> str:
    from flask_babel import force_locale

    with force_locale("sv"):
        return question.display(value)


def erase_person(email: str) -> str:
    """Anonymise this address's survey answers, in the caller's unit of work: each
    response is unlinked from them (it stays, anonymous, so the results and response
    rates stay true) and its free-text answers are deleted (words a person wrote can
    name them, whatever the question); who the surveys went to (address, name, ticket,
    personal link) is removed. Returns one line saying what was kept and why; "" when
    the address had no survey."""
    recipients = _recipients(email)
    if not recipients:
        return ""
    ids = [r.id for r in recipients]
    response_ids = list(
        db.session.scalars(select(SurveyResponse.id).where(SurveyResponse.recipient_id.in_(ids)))
    )
    if response_ids:
        free_text = select(SurveyQuestion.id).where(SurveyQuestion.kind.in_(FREE_TEXT))
        db.session.execute(
            delete(SurveyAnswer)
            .where(
                SurveyAnswer.response_id.in_(response_ids),
                SurveyAnswer.question_id.in_(free_text),
            )
            .execution_options(synchronize_session=False)
        )
        for response in db.session.scalars(
            select(SurveyResponse).where(SurveyResponse.id.in_(response_ids))
        ):
            response.recipient_id = None
    now = utcnow()
    for recipient in recipients:
        recipient.email, recipient.name, recipient.ticket_id = None, "", None
        recipient.token, recipient.erased_at = None, now
    if not response_ids:
        return ""
    return ngettext(
        "%(num)d survey response kept without name, address, ticket or free text, as "
        "anonymous statistics of the event's surveys.",
        "%(num)d survey responses kept without name, address, ticket or free text, as "
        "anonymous statistics of the event's surveys.",
        len(response_ids),
    )


def sensitive_answers(event_id: int):
    """A select of the ids of the answers to sensitive questions of the event's surveys
    (what the retention rules erase; their dry run counts it)."""
    sensitive = (
        select(SurveyQuestion.id)
        .join(Survey, Survey.id == SurveyQuestion.survey_id)
        .where(Survey.event_id == event_id, SurveyQuestion.data_class == DataClass.SENSITIVE)
    )
    return select(SurveyAnswer.id).where(SurveyAnswer.question_id.in_(sensitive))


def erase_sensitive_answers(event_id: int) -> int:
    """Delete every answer to a sensitive question of the event's surveys (for the
    retention rules), in the caller's unit of work; the number deleted."""
    return db.session.execute(
        delete(SurveyAnswer)
        .where(SurveyAnswer.id.in_(sensitive_answers(event_id)))
        .execution_options(synchronize_session=False)
    ).rowcount
