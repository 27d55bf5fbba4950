"""Writing, scheduling and sending a mailing, once per address per round.

draft → scheduled (send_at) → sending → sent; "send now" goes straight to sending, and
only a sent mailing can be sent again, as a new round, with a deliberate choice of who
(those who have not got it, or everyone, confirmed). The worker (send_due_mailings)
expands a sending round into outbox messages in batches, each under the mailing's row
lock, writing one MailingRecipient per address next to its outbox message in the same
commit; the unique (mailing, round, address) index makes a second message for an
address impossible, whatever the number of workers or clicks.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    DeliveryStatus,
    Event,
    Mailing,
    MailingRecipient,
    MailingStatus,
    MessageStatus,
    OutboxMessage,
    ResendMode,
    User,
    utcnow,
)
from .. import locks
from ..mail import queue_mail, render_mail
from . import fields, unsubscribe
from .errors import MailingError
from .recipients import Recipient, Selection, recipients

BATCH = 250  # addresses put in the outbox per commit (then deliverable)


@dataclass
class MailingData:
    subject_sv: str
    subject_en: str
    body_sv: str
    body_en: str
    selection: Selection
    essential: bool = False
    essential_reason: str = ""


def _check(event: Event, data: MailingData) -> None:
    for name in ("subject_sv", "subject_en", "body_sv", "body_en"):
        fields.check(getattr(data, name), name)
    if not data.subject_sv.strip():
        raise MailingError("required", "subject_sv")
    if not data.body_sv.strip():
        raise MailingError("required", "body_sv")
    if data.essential and not data.essential_reason.strip():
        raise MailingError("reason_needed", "essential_reason")
    data.selection.check(event)


def save_mailing(
    event: Event, data: MailingData, mailing: Mailing | None = None, by: User | None = None
) -> Mailing:
    """A new draft, or the draft (or scheduled mailing) changed. Refused once it is sent
    or being sent: the log must say what those people got."""
    _check(event, data)
    with unit_of_work(*([locks.mailing(mailing.id)] if mailing else [])):
        if mailing is None:
            mailing = Mailing(event_id=event.id, created_by_id=by.id if by else None)
            db.session.add(mailing)
        elif mailing.status not in (MailingStatus.DRAFT, MailingStatus.SCHEDULED):
            raise MailingError("not_editable")
        mailing.subject_sv = data.subject_sv.strip()
        mailing.subject_en = data.subject_en.strip()
        mailing.body_sv = data.body_sv.strip()
        mailing.body_en = data.body_en.strip()
        mailing.criteria = data.selection.to_json()
        mailing.essential = data.essential
        mailing.essential_reason = data.essential_reason.strip() if data.essential else ""
        mailing.updated_at = utcnow()
    return mailing


def send(mailing: Mailing, at: datetime | None = None) -> None:
    """Send now (`at` None), or at `at` (the worker sends it then). Refused when it is
    already sent or being sent: a second click changes nothing."""
    now = utcnow()
    if at is not None and at <= now:
        raise MailingError("in_the_past", "send_at")
    with unit_of_work(locks.mailing(mailing.id)):
        if mailing.status not in (MailingStatus.DRAFT, MailingStatus.SCHEDULED):
            raise MailingError("already_sent")
        mailing.round = 1
        mailing.resend_mode = None
        mailing.send_at = at or now
        mailing.status = MailingStatus.SCHEDULED if at else MailingStatus.SENDING


def unschedule(mailing: Mailing) -> None:
    """A scheduled mailing back to a draft."""
    with unit_of_work(locks.mailing(mailing.id)):
        if mailing.status is not MailingStatus.SCHEDULED:
            raise MailingError("not_scheduled")
        mailing.status = MailingStatus.DRAFT
        mailing.send_at = None
        mailing.round = 0


def send_again(mailing: Mailing, mode: ResendMode, confirmed: bool = False) -> None:
    """A new round of a sent mailing: to those of the group who have not got it, or to
    everyone again (only `confirmed`)."""
    if mode is ResendMode.EVERYONE and not confirmed:
        raise MailingError("confirm", "confirm")
    with unit_of_work(locks.mailing(mailing.id)):
        if mailing.status is not MailingStatus.SENT:
            raise MailingError("not_sent")
        mailing.round += 1
        mailing.resend_mode = mode
        mailing.send_at = utcnow()
        mailing.status = MailingStatus.SENDING


# The worker -----------------------------------------------------------------------------


def send_due_mailings(now: datetime | None = None, batch: int = BATCH) -> int:
    """Put every due round's messages in the outbox; the number of messages queued."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Mailing.id).where(
            (Mailing.status == MailingStatus.SENDING)
            | ((Mailing.status == MailingStatus.SCHEDULED) & (Mailing.send_at <= now))
        )
    ).all()
    queued = 0
    for mailing_id in due:
        while (count := expand(mailing_id, now, batch)) is not None:
            queued += count
    return queued


def expand(mailing_id: int, now: datetime | None = None, batch: int = BATCH) -> int | None:
    """One batch of a due round into the outbox, under the mailing's lock: the number of
    addresses written, or None when the round is complete, not due, or another worker is
    expanding it right now (this one then delivers what is queued meanwhile)."""
    now = now or utcnow()
    with unit_of_work() as unit:
        mailing = unit.lock(locks.mailing(mailing_id, skip_locked=True))
        if mailing is None:
            return None
        if mailing.status is MailingStatus.SCHEDULED and mailing.send_at <= now:
            mailing.status = MailingStatus.SENDING
        if mailing.status is not MailingStatus.SENDING:
            return None
        todo = _not_yet_sent(mailing)[:batch]
        if not todo:
            mailing.status = MailingStatus.SENT
            mailing.sent_at = now
            return None
        subscriptions = {} if mailing.essential else unsubscribe.tokens_for([r.email for r in todo])
        for person in todo:
            subscription = subscriptions.get(person.email)
            row = MailingRecipient(
                mailing_id=mailing.id,
                round=mailing.round,
                email=person.email,
                name=person.name[:200],
                locale=person.locale,
            )
            if subscription is not None and subscription.unsubscribed_at is not None:
                row.status = DeliveryStatus.UNSUBSCRIBED
            else:
                row.status = DeliveryStatus.QUEUED
                url = unsubscribe.unsubscribe_url(subscription) if subscription else None
                row.outbox_message = queue_mail(
                    person.email,
                    "group_mail",
                    list_unsubscribe=url,
                    **_content(mailing, person, url),
                )
            db.session.add(row)
        return len(todo)


def _content(mailing: Mailing, person: Recipient, unsubscribe_url: str | None) -> dict:
    """What queue_mail / render_mail need for this person's copy."""
    event = mailing.event
    locale = person.locale if person.locale in ("sv", "en") else "sv"
    values = {
        "name": person.name,
        "link": person.link,
        "event": (event.name_en if locale == "en" else "") or event.name_sv,
    }
    return {
        "subject": fields.fill(mailing.subject(locale), values),
        "locale": locale,
        "body": fields.fill(mailing.body(locale), values),
        "event": event,
        "unsubscribe_url": unsubscribe_url,
        "essential": mailing.essential,
    }


def _not_yet_sent(mailing: Mailing) -> list[Recipient]:
    """The group's addresses that this round has not reached yet (for a round of those
    who have not got it: nor an earlier round, unless its message failed)."""
    done = set(
        db.session.scalars(
            select(MailingRecipient.email).where(
                MailingRecipient.mailing_id == mailing.id,
                MailingRecipient.round == mailing.round,
            )
        )
    )
    if mailing.resend_mode is ResendMode.MISSING:
        done |= set(
            db.session.scalars(
                select(MailingRecipient.email)
                .join(OutboxMessage, OutboxMessage.id == MailingRecipient.outbox_message_id)
                .where(
                    MailingRecipient.mailing_id == mailing.id,
                    MailingRecipient.round < mailing.round,
                    OutboxMessage.status != MessageStatus.FAILED,
                )
            )
        )
    group = recipients(mailing.event, Selection.from_json(mailing.criteria))
    return [r for r in group if r.email not in done]


# What the organizer sees ----------------------------------------------------------------


def selection_of(mailing: Mailing) -> Selection:
    return Selection.from_json(mailing.criteria)


def preview(mailing: Mailing, person: Recipient) -> tuple[str, str, str]:
    """(subject, text, html) as `person` would get it, nothing stored. A non-essential
    mail shows an example unsubscribe link (the real one is made when it is sent)."""
    url = None if mailing.essential else unsubscribe_url_example()
    content = _content(mailing, person, url)
    return render_mail("group_mail", **content)


def unsubscribe_url_example() -> str:
    from ...urls import external_url

    return external_url("mailings.unsubscribe", token="exempel-" + "x" * 24)


def sample_recipient(event: Event, locale: str) -> Recipient:
    """Who a sample is shown for when the group is empty."""
    from ...urls import external_url

    return Recipient(
        "asa.oberg-lindqvist@example.org",
        "Åsa Öberg-Lindqvist",
        locale,
        external_url("site.my_tickets"),
    )


def mailings_of(event: Event) -> list[Mailing]:
    return list(
        db.session.scalars(
            select(Mailing).where(Mailing.event_id == event.id).order_by(Mailing.id.desc())
        )
    )


@dataclass(frozen=True)
class Delivery:
    round: int
    email: str
    name: str
    status: DeliveryStatus
    message_id: int | None
    message_status: MessageStatus | None
    sent_at: datetime | None
    error: str | None

    @property
    def label(self) -> str:
        if self.status is DeliveryStatus.UNSUBSCRIBED:
            return str(self.status.label)
        if self.message_status is None:
            return _("Removed from the outbox")
        return str(self.message_status.label)


def deliveries(mailing: Mailing, page: int, per_page: int = 50):
    """The mailing's log, newest round first: one row per address and round, with its
    outbox message's state; and the counts by state."""
    query = (
        select(
            MailingRecipient.round,
            MailingRecipient.email,
            MailingRecipient.name,
            MailingRecipient.status,
            OutboxMessage.id,
            OutboxMessage.status,
            OutboxMessage.sent_at,
            OutboxMessage.last_error,
        )
        .outerjoin(OutboxMessage, OutboxMessage.id == MailingRecipient.outbox_message_id)
        .where(MailingRecipient.mailing_id == mailing.id)
    )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(
        query.order_by(MailingRecipient.round.desc(), MailingRecipient.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    counts = Counter(
        status if message_status is None else message_status
        for status, message_status in db.session.execute(
            select(MailingRecipient.status, OutboxMessage.status)
            .outerjoin(OutboxMessage, OutboxMessage.id == MailingRecipient.outbox_message_id)
            .where(
                MailingRecipient.mailing_id == mailing.id,
                MailingRecipient.round == mailing.round,
            )
        )
    )
    return [Delivery(*row) for row in rows], total, counts
