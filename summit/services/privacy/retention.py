"""Retention rules, per event and data class, applied by `flask worker`:

- sensitive answers (registration and survey questions of DataClass.SENSITIVE: diet,
  accessibility, health; and the older fixed dietary/accessibility fields of a ticket)
  are erased a set number of days after the event ends (default 30);
- ordinary attendee data is anonymised a set number of months after the event, or
  kept until the person asks for erasure (the event's policy);
- bookkeeping records (orders that were paid or invoiced) keep what a verification
  must show (the buyer's name, organisation, org. no., invoice address) for seven years
  after the end of the calendar year of the event (Bokföringslagen 7 kap. 2 §); then the
  buyer goes too. Attendees, answers and the rest go with the attendee rule.

Each rule runs once per event under the event's lock (two workers: the second finds it
done) and changes nothing when run again. `plan` is the dry run: what would go, when.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    Answer,
    Consent,
    DataClass,
    Event,
    EventPrivacy,
    Mailing,
    MailingRecipient,
    Order,
    Question,
    Ticket,
    WaitingListEntry,
    utcnow,
)
from ...models.privacy import BOOKKEEPING_YEARS, DEFAULT_SENSITIVE_DAYS
from .. import billing, locks
from ..surveys import privacy as survey_privacy
from .holders_tickets import minimise_order

SENSITIVE, ATTENDEES, BOOKKEEPING = "sensitive", "attendees", "bookkeeping"
RULES = {
    SENSITIVE: _l("Sensitive answers (diet, accessibility, health)"),
    ATTENDEES: _l("Attendee data (names, addresses, answers, waiting lists)"),
    BOOKKEEPING: _l("Buyers on receipts and invoices (bookkeeping records)"),
}


def policy(event: Event) -> EventPrivacy:
    """The event's policy: its row, or the defaults (not added to the session)."""
    found = db.session.get(EventPrivacy, event.id)
    return found or EventPrivacy(
        event_id=event.id, sensitive_days=DEFAULT_SENSITIVE_DAYS, attendee_months=None
    )


def due_at(event: Event, rule: str, settings: EventPrivacy) -> datetime | None:
    """When the rule applies to the event (None: never, by the policy)."""
    if rule == SENSITIVE:
        return event.ends_at + timedelta(days=settings.sensitive_days)
    if rule == ATTENDEES:
        if settings.attendee_months is None:
            return None
        return add_months(event.ends_at, settings.attendee_months)
    year = event.ends_at.astimezone(event.tz).year
    return datetime(year + 1 + BOOKKEEPING_YEARS, 1, 1, tzinfo=event.tz).astimezone(UTC)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


def _done_column(rule: str) -> str:
    return {
        SENSITIVE: "sensitive_done_at",
        ATTENDEES: "attendees_done_at",
        BOOKKEEPING: "bookkeeping_done_at",
    }[rule]


# What each rule would change, counted --------------------------------------------------


def _sensitive_answers(event: Event):
    return (
        select(Answer.id)
        .join(Question, Question.id == Answer.question_id)
        .where(Question.event_id == event.id, Question.data_class == DataClass.SENSITIVE)
    )


def _tickets_with_needs(event: Event):
    return (
        select(Ticket.id)
        .join(Order, Order.id == Ticket.order_id)
        .where(
            Order.event_id == event.id,
            or_(Ticket.dietary_needs != "", Ticket.accessibility_needs != ""),
        )
    )


def _named_tickets(event: Event):
    return (
        select(Ticket.id)
        .join(Order, Order.id == Ticket.order_id)
        .where(
            Order.event_id == event.id,
            or_(
                Ticket.attendee_name != "",
                Ticket.attendee_email != "",
                Ticket.attendee_organisation != "",
            ),
        )
    )


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def would_change(event: Event, rule: str) -> int:
    """How many records the rule would erase or anonymise if it ran now."""
    if rule == SENSITIVE:
        surveyed = survey_privacy.sensitive_answers(event.id)
        return sum(
            _count(q) for q in (_sensitive_answers(event), _tickets_with_needs(event), surveyed)
        )
    orders = select(Order.id).where(Order.event_id == event.id)
    if rule == ATTENDEES:
        waiting = select(WaitingListEntry.id).where(
            WaitingListEntry.event_id == event.id, WaitingListEntry.email != ""
        )
        answers = select(Answer.id).where(Answer.order_id.in_(orders))
        return _count(_named_tickets(event)) + _count(waiting) + _count(answers)
    return _count(orders.where(or_(Order.buyer_name != "", Order.buyer_email != "")))


@dataclass
class Step:
    rule: str
    due_at: datetime | None
    done_at: datetime | None
    count: int  # records it would change now

    @property
    def label(self) -> str:
        return str(RULES[self.rule])


def plan(event: Event) -> list[Step]:
    """The dry run: each rule, when it applies, whether it ran, and how many records it
    would erase or anonymise now. Changes nothing."""
    settings = policy(event)
    return [
        Step(
            rule,
            due_at(event, rule, settings),
            getattr(settings, _done_column(rule)),
            would_change(event, rule),
        )
        for rule in RULES
    ]


# Applying ------------------------------------------------------------------------------


def _erase_sensitive(event: Event) -> None:
    db.session.execute(delete(Answer).where(Answer.id.in_(_sensitive_answers(event))))
    survey_privacy.erase_sensitive_answers(event.id)
    db.session.execute(
        update(Ticket)
        .where(Ticket.id.in_(_tickets_with_needs(event)))
        .values(dietary_needs="", accessibility_needs="")
        .execution_options(synchronize_session=False)
    )


def _anonymise_attendees(event: Event) -> None:
    for order in db.session.scalars(select(Order).where(Order.event_id == event.id)):
        minimise_order(order, keep_bookkeeping=True)
    for entry in db.session.scalars(
        select(WaitingListEntry).where(WaitingListEntry.event_id == event.id)
    ):
        entry.name = entry.email = ""
    mailings = select(Mailing.id).where(Mailing.event_id == event.id)
    for row in db.session.scalars(
        select(MailingRecipient).where(MailingRecipient.mailing_id.in_(mailings))
    ):
        row.email, row.name = f"erased-{row.id}", ""
    db.session.execute(delete(Consent).where(Consent.event_id == event.id))


def _forget_buyers(event: Event) -> None:
    """The bookkeeping records' seven years are over: the buyers go too."""
    db.session.execute(
        update(Order)
        .where(Order.event_id == event.id)
        .values(
            buyer_name="",
            buyer_email="",
            buyer_organisation="",
            org_number="",
            invoice_address="",
            invoice_reference="",
            search_text="",
        )
        .execution_options(synchronize_session=False)
    )
    for order in db.session.scalars(select(Order).where(Order.event_id == event.id)):
        billing.forget_people(order, keep_buyer=False)


APPLY = {SENSITIVE: _erase_sensitive, ATTENDEES: _anonymise_attendees, BOOKKEEPING: _forget_buyers}


def apply_due(now: datetime | None = None) -> int:
    """Runs every rule that is due and has not run, event by event, each in a unit of
    work under the event's lock; returns how many rules ran."""
    now = now or utcnow()
    ended = db.session.execute(
        select(Event, EventPrivacy)
        .outerjoin(EventPrivacy, EventPrivacy.event_id == Event.id)
        .where(Event.ends_at < now)
        .order_by(Event.id)
    ).all()
    # Read without a lock first: most rounds find nothing due, and take no lock at all.
    due = [
        (event.id, rule)
        for event, settings in ended
        for rule in RULES
        if _is_due(event, rule, settings or policy(event), now)
    ]
    db.session.rollback()  # end the read; each rule is a unit of work of its own
    return sum(1 for event_id, rule in due if _apply(event_id, rule, now))


def _is_due(event: Event, rule: str, settings: EventPrivacy, now: datetime) -> bool:
    moment = due_at(event, rule, settings)
    return moment is not None and moment <= now and not getattr(settings, _done_column(rule))


def _apply(event_id: int, rule: str, now: datetime) -> bool:
    with unit_of_work(locks.sales(event_id)):
        event = db.session.get(Event, event_id)
        settings = db.session.get(EventPrivacy, event_id)
        current = settings or policy(event)
        if not _is_due(event, rule, current, now):  # another worker did it meanwhile
            return False
        APPLY[rule](event)
        if settings is None:
            db.session.add(current)
        setattr(current, _done_column(rule), now)
    return True


def save_policy(
    event: Event, sensitive_days: int, attendee_months: int | None, notice_sv: str, notice_en: str
) -> EventPrivacy:
    """The organizers' policy and notice. The rules run again by the new policy (each
    changes nothing where it has nothing left to do)."""
    with unit_of_work(locks.sales(event.id), keep_loaded=True):
        settings = db.session.get(EventPrivacy, event.id)
        if settings is None:
            settings = EventPrivacy(event_id=event.id)
            db.session.add(settings)
        settings.sensitive_days = sensitive_days
        settings.attendee_months = attendee_months
        settings.notice_sv, settings.notice_en = notice_sv.strip(), notice_en.strip()
        for rule in RULES:
            setattr(settings, _done_column(rule), None)
    return settings
