"""The day-before reminder for online and hybrid events carries the stream link, once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from summit.models import EventFormat, OutboxMessage, PaymentMethod
from summit.services.payments import core as payments
from summit.services.tickets import ordering
from summit.services.tickets.reminders import send_due_reminders

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def registered(db, make_event, make_ticket_type, fmt, slug):
    event = make_event(
        slug=slug,
        days=1,
        format=fmt,
        stream_url="https://stream.example.org/live" if fmt is not EventFormat.ON_SITE else "",
        starts_at=datetime(2027, 3, 16, 13, 0, tzinfo=STOCKHOLM),
    )
    free = make_ticket_type(event, "Deltagare", price=0, vat_percent=0)
    order = ordering.reserve_tickets(
        event, {free.id: 1}, now=datetime(2027, 3, 1, tzinfo=STOCKHOLM)
    )
    order.expires_at = datetime(2027, 3, 20, tzinfo=STOCKHOLM)  # still reserved on the day
    db.session.commit()
    ordering.save_details(
        order,
        ordering.BuyerDetails("Eva Ek", "eva@example.org"),
        [ordering.AttendeeDetails("Eva Ek")],
    )
    payments.start_payment(order, PaymentMethod.FREE)
    return event


def reminders(db):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.body_text.contains("stream.example.org"))
    ).all()


def test_reminder_the_day_before_once_with_the_stream_link(db, make_event, make_ticket_type):
    registered(db, make_event, make_ticket_type, EventFormat.HYBRID, "hybrid")
    registered(db, make_event, make_ticket_type, EventFormat.ON_SITE, "pa-plats")
    confirmations = len(reminders(db))  # the confirmation carries the link too

    two_days_before = datetime(2027, 3, 14, 18, 0, tzinfo=STOCKHOLM)
    assert send_due_reminders(two_days_before) == 0
    day_before = datetime(2027, 3, 15, 8, 0, tzinfo=STOCKHOLM)
    assert send_due_reminders(day_before) == 1
    assert send_due_reminders(day_before + timedelta(hours=3)) == 0  # only once
    assert len(reminders(db)) == confirmations + 1
    after_start = datetime(2027, 3, 16, 14, 0, tzinfo=STOCKHOLM)
    assert send_due_reminders(after_start) == 0
