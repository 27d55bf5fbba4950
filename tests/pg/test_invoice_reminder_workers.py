"""Two workers on PostgreSQL sending invoice reminders at once: each step of each
invoice is claimed by one of them (the conditional UPDATE of reminders_sent), so every
buyer gets one reminder, not two; and two tabs reading in the same bank file at once
take it once."""

from datetime import datetime

from sqlalchemy import func, select

from summit.models import BankFile, Invoice, OrderStatus, OutboxMessage, Payment
from summit.services.billing import bank_payments, reminders
from tests.bank_world import bank_file, invoiced_order, paying
from tests.conftest import STOCKHOLM
from tests.threads import in_threads

BOUGHT = datetime(2027, 3, 1, 12, 0, tzinfo=STOCKHOLM)
FIRST = datetime(2027, 4, 10, 12, 0, tzinfo=STOCKHOLM)


def reminder_mails(db) -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.to_address)
            .where(OutboxMessage.subject.like("Påminnelse%"))
            .order_by(OutboxMessage.id)
        )
    )


def test_two_workers_send_each_reminder_once(app, db, make_event, clock):
    event = make_event(slug="summit2027", invoice_reminder_days=10)
    clock.set(BOUGHT)
    emails = [f"kommun{n}@example.se" for n in range(6)]
    for email in emails:
        invoiced_order(db, event, email=email)

    sent = in_threads(app, 2, lambda: reminders.send_due_reminders(FIRST))

    assert sum(sent) == 6
    db.session.rollback()
    assert sorted(reminder_mails(db)) == sorted(emails)
    steps = db.session.scalars(select(Invoice.reminders_sent).order_by(Invoice.id)).all()
    assert steps == [1] * 6


def test_the_same_file_read_in_twice_at_once_is_taken_once(app, db, make_event):
    event = make_event(slug="summit2027")
    order = invoiced_order(db, event)
    data = bank_file(paying(order))

    results = in_threads(app, 2, lambda: bank_payments.import_file(data).already_imported)

    assert sorted(results) == [False, True]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(BankFile)) == 1
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
    assert db.session.get(type(order), order.id).status is OrderStatus.PAID
