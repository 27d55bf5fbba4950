"""The after-event mail, "Tack för att du kom", with the personal rating link: queued by
the worker the morning after the event's last day (08:00 in its time zone) for every
ticket that attended (attendance.py), once per ticket; not to an address that asked
for no more group mail (it is not essential mail).

Once, however many workers run: a ticket is claimed by inserting its AfterEventMail row
(a unique index on the ticket; INSERT ... ON CONFLICT DO NOTHING), and its mail is
queued in the outbox in the same transaction. A worker that loses the race inserts
nothing and queues nothing. Events whose morning after is more than SEND_WINDOW ago
are left alone (nobody gets a thank-you for last year's summit when this is deployed).
"""

from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    AfterEventMail,
    Event,
    EventStatus,
    MailSubscription,
    Ticket,
    utcnow,
)
from ..mail import queue_mail
from .attendance import attending
from .links import rating_link
from .ratings import dialect_insert

SEND_AT = time(8, 0)  # the morning after, local time
SEND_WINDOW = timedelta(days=7)
BATCH = 200


def due_at(event: Event) -> datetime:
    """When the event's after-event mail is due: 08:00 local time, the day after."""
    day_after = event.local_end.date() + timedelta(days=1)
    return datetime.combine(day_after, SEND_AT, tzinfo=event.tz)


def due_events(now: datetime) -> list[Event]:
    """Published events whose mail is due and not older than SEND_WINDOW."""
    candidates = db.session.scalars(
        select(Event)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.ends_at < now,
            Event.ends_at > now - SEND_WINDOW - timedelta(days=2),
        )
        .order_by(Event.id)
    ).all()
    return [e for e in candidates if due_at(e) <= now < due_at(e) + SEND_WINDOW]


def _unsent(event: Event, limit: int) -> list[int]:
    """Ids of the event's attending tickets without their mail, lowest first."""
    query = (
        attending(event, Ticket.id)
        .outerjoin(AfterEventMail, AfterEventMail.ticket_id == Ticket.id)
        .where(AfterEventMail.id.is_(None))
    )
    return list(db.session.scalars(query.order_by(Ticket.id).limit(limit)))


def send_due_thanks(now: datetime | None = None, batch: int = BATCH) -> int:
    """Queue the after-event mail for every due event's attendees not yet mailed; the
    number of mails queued by this call."""
    now = now or utcnow()
    queued = 0
    for event in due_events(now):
        while True:
            ids = _unsent(event, batch)
            if not ids:
                break
            queued += _claim_and_queue(event.id, ids, now)
            if len(ids) < batch:
                break
    return queued


def _unsubscribed(tickets: list[Ticket]) -> set[str]:
    """The addresses among the tickets' that asked for no more group mail: a thank-you
    asking for ratings is not essential, so they do not get it."""
    emails = {_address(t) for t in tickets}
    return set(
        db.session.scalars(
            select(MailSubscription.email).where(
                MailSubscription.email.in_(sorted(emails)),
                MailSubscription.unsubscribed_at.is_not(None),
            )
        )
    )


def _address(ticket: Ticket) -> str:
    return (ticket.attendee_email or ticket.order.buyer_email).strip().lower()


def _claim_and_queue(event_id: int, ticket_ids: list[int], now: datetime) -> int:
    queued = 0
    with unit_of_work():
        tickets = db.session.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids))).all()
        refused = _unsubscribed(list(tickets))
        for ticket_id in ticket_ids:  # in id order: two workers never deadlock
            claimed = db.session.execute(
                dialect_insert()(AfterEventMail)
                .values(ticket_id=ticket_id, event_id=event_id, queued_at=now)
                .on_conflict_do_nothing(index_elements=["ticket_id"])
                .returning(AfterEventMail.id)
            ).scalar()
            if claimed is None:
                continue  # another worker has it
            ticket = db.session.get(Ticket, ticket_id)
            if _address(ticket) in refused:
                continue  # claimed, so never asked again; no mail
            message = after_event_mail(ticket)
            db.session.flush()
            db.session.get(AfterEventMail, claimed).outbox_message_id = message.id
            queued += 1
    return queued


def after_event_mail(ticket: Ticket):
    """Queue the mail to the ticket's attendee (else its buyer), in the order's language,
    in the caller's transaction; returns the outbox message."""
    order = ticket.order
    event = order.event
    return queue_mail(
        ticket.attendee_email or order.buyer_email,
        "after_event",
        subject=lambda: _("Thank you for coming to %(event)s", event=event.name),
        locale=order.locale,
        event=event,
        name=ticket.attendee_name or order.buyer_name,
        link=rating_link(ticket),
    )
