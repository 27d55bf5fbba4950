"""Invoices and credit notes (issue 18.3): an invoice is never changed after it is
issued; cancelling or refunding what was invoiced makes a numbered credit note in the
same series that refers to it; the sums add up to the öre."""

from datetime import datetime, timedelta
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from summit.database import unit_of_work
from summit.models import (
    CancelPolicy,
    DocumentKind,
    Invoice,
    LineKind,
    OrderStatus,
    OutboxAttachment,
    OutboxMessage,
    PaymentMethod,
)
from summit.services import billing, locks
from summit.services.billing.amounts import line_net, totals
from summit.services.payments import core as payments
from summit.services.payments import refunds
from summit.services.tickets import history, self_service
from summit.services.tickets.documents import render_document
from tests import pdf
from tests.conftest import STOCKHOLM
from tests.fakestripe import reserved_order, ticket_type

BEFORE = datetime(2027, 4, 20, 12, 0, tzinfo=STOCKHOLM)
INVOICE = payments.InvoiceDetails(
    "Malmö stad", "212000-1124", "Stadskontoret\nAugust Palms plats 1\n205 80 Malmö", "Kst 4711"
)


def invoiced(event, quantities, email="asa@malmo.se"):
    order = reserved_order(event, quantities, email=email)
    payments.start_payment(order, PaymentMethod.INVOICE, INVOICE)
    assert order.status is OrderStatus.INVOICED
    return order


def documents(db):
    return list(db.session.scalars(select(Invoice).order_by(Invoice.number)))


def test_an_invoice_keeps_what_it_said_when_a_ticket_is_cancelled(db, make_event):
    event = make_event(
        cancel_policy=CancelPolicy.REFUND_MINUS_FEE,
        cancel_deadline=BEFORE + timedelta(days=5),
        cancel_fee=25000,
    )
    order = invoiced(event, {ticket_type(db, event, price=150000): 3})
    invoice = billing.invoice_of(order)
    sent = render_document(f"invoice:{order.id}")
    assert (invoice.amount, invoice.net, invoice.vat) == (450000, 360000, 90000)

    self_service.cancel_ticket(order.tickets[0], BEFORE)

    db.session.expire_all()
    invoice, credit = documents(db)
    assert render_document(f"invoice:{order.id}") == sent  # the very same PDF
    assert (invoice.kind, invoice.amount, len(invoice.lines)) == (DocumentKind.INVOICE, 450000, 1)
    assert invoice.lines[0].quantity == 3
    # The credit note: next number, refers to the invoice, the ticket less the fee kept.
    assert (credit.kind, credit.number, credit.credits_id) == (
        DocumentKind.CREDIT_NOTE,
        invoice.number + 1,
        invoice.id,
    )
    assert credit.amount == 125000 and credit.ocr == ""
    assert [(line.kind, line.unit_price) for line in credit.lines] == [
        (LineKind.ITEM, 150000),
        (LineKind.ALLOWANCE, 25000),
    ]
    assert billing.invoiced_balance(order) == 450000 - 125000
    text = pdf.text(render_document(f"billing:{credit.id}"))
    assert "Kreditfaktura" in text and f"Krediterar faktura {invoice.number}" in text
    assert "Summa krediterat 1 250 kr" in text and "Deltagare 1" in text


def test_the_buyer_gets_the_credit_note_by_mail(db, make_event):
    event = make_event(
        cancel_policy=CancelPolicy.FULL_REFUND, cancel_deadline=BEFORE + timedelta(1)
    )
    order = invoiced(event, {ticket_type(db, event, price=150000): 2}, email="ake@lund.se")
    self_service.cancel_ticket(order.tickets[1], BEFORE)
    credit = documents(db)[-1]
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.like("Kreditfaktura%"))
    ).one()
    assert mail.to_address == "ake@lund.se"
    assert f"Kreditfaktura {credit.number} för beställning {order.reference}" == mail.subject
    (attachment,) = db.session.scalars(
        select(OutboxAttachment).where(OutboxAttachment.message_id == mail.id)
    )
    assert attachment.filename == f"kreditfaktura-{credit.number}.pdf"
    assert "1 500 kr" in pdf.text(render_document(attachment.document))


def test_an_organizer_cancelling_an_invoiced_order_credits_the_whole_invoice(db, make_event):
    event = make_event()
    order = invoiced(event, {ticket_type(db, event, price=99900, vat_percent=6): 2})
    refunds.cancel_order(order)
    invoice, credit = documents(db)
    assert credit.amount == invoice.amount == 199800
    assert [(ln.description, ln.quantity, ln.unit_price) for ln in credit.lines] == [
        (ln.description, ln.quantity, ln.unit_price) for ln in invoice.lines
    ]
    assert (credit.net, credit.vat, credit.rounding) == (invoice.net, invoice.vat, invoice.rounding)
    assert billing.invoiced_balance(order) == 0
    # Cancelled twice: nothing more to credit.
    assert billing.credit_everything(order, "order_cancelled", BEFORE.date()) is None


def test_a_paid_invoice_refunded_for_one_ticket_gets_a_credit_note(db, make_event):
    event = make_event()
    order = invoiced(event, {ticket_type(db, event, price=150000): 2})
    payments.mark_invoice_paid(order)
    refunds.refund(order, order.tickets[0])
    invoice, credit = documents(db)
    assert credit.credits_id == invoice.id and credit.amount == 150000
    assert billing.invoiced_balance(order) == 150000
    # The organizer's order history says what happened to the money, in Swedish.
    said = [history.describe(e) for e in history.order_history(order)]
    assert f"Betalning på 3\xa0000\xa0kr mottagen för faktura {invoice.number}" in said
    assert (
        f"Kreditfaktura {credit.number} utfärdad på faktura {invoice.number}: 1\xa0500\xa0kr"
        in said
    )


def test_invoices_and_credit_notes_share_one_series_over_events(db, make_event):
    one, two = make_event(slug="one"), make_event(slug="two")
    first = invoiced(one, {ticket_type(db, one): 1})
    refunds.cancel_order(first)
    invoiced(two, {ticket_type(db, two): 1})
    assert [(d.number, d.kind.value) for d in documents(db)] == [
        (1, "invoice"),
        (2, "credit_note"),
        (3, "invoice"),
    ]


def test_the_organizer_may_be_paid_by_plusgiro_or_iban(app, db, make_event, monkeypatch):
    event = make_event()
    kind = ticket_type(db, event)
    monkeypatch.setitem(app.config, "SELLER_PAY_TO", "plusgiro")
    monkeypatch.setitem(app.config, "SELLER_PLUSGIRO", "4711-6")
    by_plusgiro = billing.invoice_of(invoiced(event, {kind: 1}))
    monkeypatch.setitem(app.config, "SELLER_PAY_TO", "iban")
    monkeypatch.setitem(app.config, "SELLER_IBAN", "se45 5000 0000 0583 9825 7466")
    monkeypatch.setitem(app.config, "SELLER_BIC", "eselsess")
    by_iban = billing.invoice_of(invoiced(event, {kind: 1}))
    assert (by_plusgiro.pay_to_scheme, by_plusgiro.pay_to_account) == ("plusgiro", "4711-6")
    assert (by_iban.pay_to_account, by_iban.pay_to_bic) == ("SE4550000000058398257466", "ESELSESS")
    assert "Plusgiro 4711-6" in pdf.text(render_document(f"billing:{by_plusgiro.id}"))
    text = pdf.text(render_document(f"billing:{by_iban.id}"))
    assert "IBAN SE4550000000058398257466" in text and "BIC ESELSESS" in text


def test_an_invoice_without_a_reference_is_refused_and_nothing_is_stored(db, make_event):
    event = make_event()
    order = reserved_order(event, {ticket_type(db, event): 1})
    details = payments.InvoiceDetails("Malmö stad", "212000-1124", "Box 1", "  ")
    try:
        payments.start_payment(order, PaymentMethod.INVOICE, details)
    except payments.InvoiceRefused as refused:
        assert refused.reason == "reference_missing"
    else:
        raise AssertionError("an invoice without a reference was issued")
    db.session.rollback()
    assert documents(db) == []
    assert order.status is OrderStatus.RESERVED


# The sums ------------------------------------------------------------------------------

line = st.builds(
    lambda kind, quantity, price, percent: SimpleNamespace(
        kind=kind,
        quantity=quantity,
        unit_price=price,
        vat_percent=percent,
        net=line_net(quantity, price, percent),
    ),
    st.sampled_from([LineKind.ITEM, LineKind.ITEM, LineKind.ALLOWANCE]),
    st.integers(1, 500),
    st.integers(1, 5_000_000),
    st.sampled_from([0, 6, 12, 25]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(line, min_size=1, max_size=12))
def test_the_sums_add_up_to_the_prices_to_the_ore(lines):
    sums = totals(lines)
    gross = sum(
        (-1 if x.kind is LineKind.ALLOWANCE else 1) * x.quantity * x.unit_price for x in lines
    )
    assert sums.amount == gross
    assert sums.net + sums.vat + sums.rounding == sums.amount
    assert sums.net == sum(r.net for r in sums.rates) and sums.vat == sum(r.vat for r in sums.rates)
    for rate in sums.rates:  # EN 16931 BR-CO-17: VAT = net × rate, rounded to the öre
        assert abs(rate.vat * 100 - rate.net * rate.percent) <= 50
    # The rounding is the öre lost per line (each line's VAT rounded once per unit).
    assert abs(sums.rounding) <= sum(x.quantity for x in lines) + len(sums.rates)


def test_refunding_a_part_paid_invoice_credits_all_it_still_asked_for(db, make_event):
    event = make_event()
    order = invoiced(event, {ticket_type(db, event, price=150000): 2})
    with unit_of_work(locks.sales(event.id)):
        payments.record_invoice_payment(order, 100000, datetime(2027, 4, 2, tzinfo=STOCKHOLM))
    assert order.status is OrderStatus.INVOICED and payments.still_owed(order) == 200000

    # The organizer refunds the whole order: the 1 000 kr paid go back, and the tickets
    # end, so the invoice asks for nothing more (no reminder for the 2 000 kr).
    assert refunds.refund(order) == 100000

    invoice, credit = documents(db)
    assert (credit.credits_id, credit.amount) == (invoice.id, 300000)
    assert payments.still_owed(order) == 0
    assert order.status is OrderStatus.REFUNDED and order.valid_tickets == []
