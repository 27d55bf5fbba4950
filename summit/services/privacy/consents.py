"""Consents: the exact text a person agreed to, when, and their withdrawal.

Two kinds: consent questions on an event's registration form (photo and filming, ...:
answers of the consent kind, models/questions.py), and consents given elsewhere (the
participant list, the newsletter: models/privacy.Consent). The person sees both on
Mina biljetter and withdraws either; a withdrawn answer reads "Withdrawn" in every
export and no longer counts as consent given (its value is WITHDRAWN).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from ...database import unit_of_work
from ...extensions import db
from ...models import Answer, AnswerKind, Consent, ConsentPurpose, Event, Question, User, utcnow
from ...models.questions import WITHDRAWN
from .errors import PrivacyError
from .holders_tickets import orders_bought, tickets_held
from .registry import normalised


@dataclass
class Given:
    kind: str  # "answer" or "consent": which form field names it
    key: str  # the answer's id or the consent's token
    label: str
    event: Event | None
    text: str
    given_at: datetime
    withdrawn_at: datetime | None


def give(email: str, purpose: ConsentPurpose, text: str, event: Event | None = None) -> Consent:
    """Records a consent with its exact text, in the caller's transaction."""
    consent = Consent(email=normalised(email), purpose=purpose, text=text, event=event)
    db.session.add(consent)
    return consent


def has_consent(email: str, purpose: ConsentPurpose, event: Event | None = None) -> bool:
    """A consent of this purpose (for the event) given and not withdrawn."""
    query = select(Consent.id).where(
        Consent.email == normalised(email),
        Consent.purpose == purpose,
        Consent.withdrawn_at.is_(None),
    )
    if event is not None:
        query = query.where(Consent.event_id == event.id)
    return db.session.scalar(query.limit(1)) is not None


def _consent_answers(email: str) -> list[Answer]:
    ticket_ids = [t.id for t in tickets_held(email)]
    order_ids = [o.id for o in orders_bought(email)]
    return list(
        db.session.scalars(
            select(Answer)
            .join(Question, Question.id == Answer.question_id)
            .where(
                Question.kind == AnswerKind.CONSENT,
                or_(
                    Answer.ticket_id.in_(ticket_ids),
                    Answer.ticket_id.is_(None) & Answer.order_id.in_(order_ids),
                ),
            )
            .order_by(Answer.id)
        )
    )


def of_person(user: User) -> list[Given]:
    email = normalised(user.email)
    given = [
        Given(
            "answer",
            str(a.id),
            a.question.label,
            a.question.event,
            a.consent_text or a.question.label,
            a.answered_at,
            a.withdrawn_at,
        )
        for a in _consent_answers(email)
        if a.value in ("yes", WITHDRAWN)
    ]
    given += [
        Given("consent", c.token, str(c.purpose.label), c.event, c.text, c.given_at, c.withdrawn_at)
        for c in db.session.scalars(
            select(Consent).where(Consent.email == email).order_by(Consent.id)
        )
    ]
    return given


def withdraw(user: User, kind: str, key: str) -> None:
    """Withdraws one of the person's consents, recording when. Refused for one that is
    not theirs or withdrawn already (nothing changes)."""
    email = normalised(user.email)
    with unit_of_work():
        if kind == "answer":
            found = next((a for a in _consent_answers(email) if str(a.id) == key), None)
        elif kind == "consent":
            found = db.session.scalar(
                select(Consent).where(Consent.token == key, Consent.email == email)
            )
        else:
            found = None
        if found is None:
            raise PrivacyError("not_yours")
        if found.withdrawn_at is not None:
            raise PrivacyError("withdrawn")
        found.withdrawn_at = utcnow()
        if kind == "answer":
            found.value = WITHDRAWN
