"""Payment reminders: the worker mails one the set number of days after an invoice's
due date and a second as many days later, each with the invoice PDF, what is still
owed and the OCR reference, through a real SMTP server; then the invoice is listed for
the organizer. Never for a paid, cancelled or credited order, never twice a step."""

from datetime import datetime, timedelta

import pytest

from summit.models import Event, Invoice, OrderStatus
from summit.services.billing import invoice_of, reminders
from summit.services.billing.bank_payments import import_file
from summit.services.payments import core as payments
from summit.services.payments import refunds
from summit.services.worker import one_round
from tests.bank_world import bank_file, invoiced_order, paying
from tests.conftest import STOCKHOLM
from tests.pdf import text as pdf_text
from tests.smtp import running_smtp

BOUGHT = datetime(2027, 3, 1, 12, 0, tzinfo=STOCKHOLM)  # invoice due 31 March (30 days)


def noon(month, day):
    return datetime(2027, month, day, 12, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027", invoice_reminder_days=10)


def reminders_in(smtp, to=None):
    return [
        m
        for m in smtp.messages
        if "påminnelse" in m["Subject"].lower() and (to is None or m["To"] == to)
    ]


def test_two_reminders_then_the_organizer_takes_over(app, db, event, clock):
    event_id = event.id
    clock.set(BOUGHT)
    order = invoiced_order(db, event, price=150000, email="asa@solvesborg.example.se")
    invoice = invoice_of(order)
    assert str(invoice.due_on) == "2027-03-31"
    invoice_id, number, ocr = invoice.id, invoice.number, invoice.ocr  # the worker ends sessions

    with running_smtp(app) as smtp:
        clock.set(noon(4, 9))  # nine days late
        one_round()
        assert reminders_in(smtp) == []

        clock.set(noon(4, 10))
        one_round()
        one_round()  # the same day again: nothing more
        [first] = reminders_in(smtp)
        assert first["To"] == "asa@solvesborg.example.se"
        assert first["Subject"] == f"Påminnelse: faktura {number}"
        body = first.get_body(("plain",)).get_content()
        assert "Kvar att betala: 1\xa0500\xa0kr" in body
        assert f"OCR-nummer: {ocr}" in body and "123-4567" in body
        [attached] = [a for a in first.iter_attachments()]
        assert attached.get_filename() == f"faktura-{number}.pdf"
        assert ocr in pdf_text(attached.get_content())

        clock.set(noon(4, 19))
        one_round()
        assert len(reminders_in(smtp)) == 1
        clock.set(noon(4, 20))  # ten days after the first
        one_round()
        second = reminders_in(smtp)[1]
        assert second["Subject"] == f"Andra påminnelse: faktura {number}"

        clock.set(noon(5, 30))
        one_round()
        assert len(reminders_in(smtp)) == 2  # then no more

    [late] = reminders.overdue(db.session.get(Event, event_id))
    assert late.invoice.id == invoice_id and late.owed == 150000
    assert late.invoice.reminders_sent == 2


def test_no_reminder_for_paid_cancelled_or_credited_orders(app, db, event, clock):
    clock.set(BOUGHT)
    paid_by_hand = invoiced_order(db, event, email="hand@example.se")
    paid_by_bank = invoiced_order(db, event, email="bank@example.se")
    cancelled = invoiced_order(db, event, email="cancelled@example.se")
    part_paid = invoiced_order(db, event, price=150000, email="part@example.se")
    unpaid = invoiced_order(db, event, email="unpaid@example.se")
    payments.mark_invoice_paid(paid_by_hand)
    import_file(
        bank_file(
            paying(paid_by_bank, serial="000000000001"),
            paying(part_paid, 100000, serial="000000000002"),
        )
    )
    refunds.cancel_order(cancelled)  # credited in full
    event_id, expected = event.id, [part_paid.id, unpaid.id]

    with running_smtp(app) as smtp:
        clock.set(noon(4, 10))
        one_round()
        sent = sorted(m["To"] for m in reminders_in(smtp))

    assert sent == ["part@example.se", "unpaid@example.se"]
    [part] = reminders_in(smtp, "part@example.se")
    assert "Kvar att betala: 500\xa0kr" in part.get_body(("plain",)).get_content()
    late = reminders.overdue(db.session.get(Event, event_id))
    assert [o.invoice.order_id for o in late] == expected


def test_an_order_paid_after_the_first_reminder_gets_no_second(app, db, event, clock):
    clock.set(BOUGHT)
    order = invoiced_order(db, event)
    clock.set(noon(4, 10))
    assert reminders.send_due_reminders() == 1
    payments.mark_invoice_paid(order)
    clock.set(noon(4, 25))
    assert reminders.send_due_reminders() == 0
    assert db.session.get(Invoice, invoice_of(order).id).reminders_sent == 1
    assert reminders.overdue(event) == []
    assert order.status is OrderStatus.PAID


def test_the_reminder_days_follow_the_event_setting(app, db, make_event, clock):
    event = make_event(slug="kort", invoice_reminder_days=3)
    clock.set(BOUGHT)
    invoiced_order(db, event)
    assert reminders.send_due_reminders(noon(4, 2)) == 0
    assert reminders.send_due_reminders(noon(4, 3)) == 1
    assert reminders.send_due_reminders(noon(4, 5)) == 0
    assert reminders.send_due_reminders(noon(4, 6) + timedelta(hours=1)) == 1
