"""Payments from the bank file: matched by OCR (or by the words and the exact amount),
applied once, and what needs a person kept for one; a bad file changes nothing."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from summit.models import BankOutcome, BankPayment, OrderStatus, Payment, PaymentMethod
from summit.services.billing import bank_payments, invoice_of
from summit.services.billing.bank_payments import BankRefused
from summit.services.billing.bgmax import BankFileError
from summit.services.payments import core as payments
from summit.services.payments import refunds
from tests.bank_world import bank_file, counts, invoiced_order, paying, state
from tests.bgmax_samples import payment


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027")


def test_a_payment_with_the_ocr_pays_the_order(db, event):
    order = invoiced_order(db, event, price=150000, count=2)
    invoice = invoice_of(order)

    result = bank_payments.import_file(bank_file(paying(order)), "bgmax.txt")

    assert result.count(BankOutcome.PAID) == 1 and not result.already_imported
    assert state(db, order) == (OrderStatus.PAID, 0)
    [row] = db.session.scalars(select(BankPayment)).all()
    assert (row.invoice_id, row.amount, row.applied) == (invoice.id, 300000, 300000)
    assert row.settled_at is not None  # nothing for a person to do
    paid = row.payment
    assert (paid.method, paid.amount, paid.order_id) == (PaymentMethod.INVOICE, 300000, order.id)
    assert paid.settled_at.astimezone(event.tz).date() == date(2027, 4, 2)  # the bank's day
    assert bank_payments.unsettled() == []


def test_the_same_file_twice_changes_nothing_and_says_so(db, event):
    order = invoiced_order(db, event)
    data = bank_file(paying(order))
    first = bank_payments.import_file(data)
    before = counts(db)

    again = bank_payments.import_file(data)

    assert again.already_imported and again.file.id == first.file.id
    assert counts(db) == before == (1, 1, 1)


def test_a_payment_in_two_files_is_taken_once(db, event):
    first_order, second_order = invoiced_order(db, event), invoiced_order(db, event)
    bank_payments.import_file(bank_file(paying(first_order, serial="000000000001")))

    # The next day's file repeats yesterday's payment (same serial and date) and adds one.
    result = bank_payments.import_file(
        bank_file(
            paying(first_order, serial="000000000001"),
            paying(second_order, serial="000000000002"),
            written="20270403060000000000",
        )
    )

    assert result.duplicates == 1 and result.count(BankOutcome.PAID) == 1
    assert counts(db) == (2, 2, 2)
    assert state(db, first_order) == state(db, second_order) == (OrderStatus.PAID, 0)


def test_a_part_payment_is_recorded_and_the_rest_still_owed(db, event):
    order = invoiced_order(db, event, price=150000)
    result = bank_payments.import_file(bank_file(paying(order, 100000)))

    assert result.count(BankOutcome.PARTIAL) == 1
    assert state(db, order) == (OrderStatus.INVOICED, 50000)
    [waiting] = bank_payments.unsettled()
    assert waiting.outcome is BankOutcome.PARTIAL and waiting.applied == 100000

    # The rest arrives: the order is paid and the part payment needs nobody any more.
    bank_payments.import_file(
        bank_file(paying(order, 50000, serial="000000000009"), paid_on=date(2027, 4, 9))
    )
    assert state(db, order) == (OrderStatus.PAID, 0)
    assert bank_payments.unsettled() == []
    assert sorted(p.amount for p in db.session.scalars(select(Payment))) == [50000, 100000]


def test_an_over_payment_pays_the_order_and_lists_the_surplus(db, event):
    order = invoiced_order(db, event, price=150000)
    bank_payments.import_file(bank_file(paying(order, 200000)))

    assert state(db, order) == (OrderStatus.PAID, 0)
    [waiting] = bank_payments.unsettled()
    assert waiting.outcome is BankOutcome.OVERPAID and waiting.surplus == 50000
    assert waiting.payment.amount == 150000  # the order is paid what it cost, no more

    with pytest.raises(BankRefused):
        bank_payments.settle(waiting.id, "  ", None)
    bank_payments.settle(waiting.id, "Överskottet 500 kr återbetalt 12 april.", None)
    assert bank_payments.unsettled() == []
    with pytest.raises(BankRefused):  # settled once
        bank_payments.settle(waiting.id, "igen", None)


def test_an_unmatched_payment_waits_and_a_person_matches_it(db, event):
    order = invoiced_order(db, event, price=150000)
    invoice = invoice_of(order)
    wrong = invoice.ocr[:-1] + str((int(invoice.ocr[-1]) + 1) % 10)  # a mistyped digit
    result = bank_payments.import_file(
        bank_file(payment(wrong, 150000, reference_code=5, name="Sölvesborgs kommun"))
    )

    assert result.count(BankOutcome.UNMATCHED) == 1
    assert state(db, order) == (OrderStatus.INVOICED, 150000)
    [waiting] = bank_payments.unsettled()

    with pytest.raises(BankRefused) as unknown:
        bank_payments.match_to_invoice(waiting.id, 999999, None)
    assert unknown.value.reason == "no_invoice"
    bank_payments.match_to_invoice(waiting.id, invoice.number, None)

    assert state(db, order) == (OrderStatus.PAID, 0)
    assert bank_payments.unsettled() == []


def test_without_the_ocr_the_invoice_number_and_exact_amount_match(db, event):
    by_number = invoiced_order(db, event, price=150000)
    by_reference = invoiced_order(db, event, price=80000)
    wrong_amount = invoiced_order(db, event, price=50000)

    result = bank_payments.import_file(
        bank_file(
            payment(
                "",
                150000,
                "000000000001",
                reference_code=1,
                information=[f"Faktura nr {invoice_of(by_number).number}"],
            ),
            payment(
                f"Order {by_reference.reference.lower()}", 80000, "000000000002", reference_code=4
            ),
            payment(
                f"Faktura {invoice_of(wrong_amount).number}",
                40000,
                "000000000003",
                reference_code=4,
            ),
        )
    )

    assert result.count(BankOutcome.PAID) == 2 and result.count(BankOutcome.UNMATCHED) == 1
    assert state(db, by_number)[0] is state(db, by_reference)[0] is OrderStatus.PAID
    assert state(db, wrong_amount) == (OrderStatus.INVOICED, 50000)


def test_payments_to_a_cancelled_credited_or_paid_invoice_wait_for_a_person(db, event):
    cancelled = invoiced_order(db, event)
    refunds.cancel_order(cancelled)  # a credit note takes the whole invoice back
    paid = invoiced_order(db, event)
    payments.mark_invoice_paid(paid)

    result = bank_payments.import_file(
        bank_file(paying(cancelled, serial="000000000001"), paying(paid, serial="000000000002"))
    )

    assert result.count(BankOutcome.NOT_OWED) == 2
    assert state(db, cancelled)[0] is OrderStatus.CANCELLED
    assert len([p for p in db.session.scalars(select(Payment))]) == 1  # the one by hand
    assert {r.invoice_id for r in bank_payments.unsettled()} == {
        invoice_of(cancelled).id,
        invoice_of(paid).id,
    }


def test_a_deduction_is_never_applied(db, event):
    order = invoiced_order(db, event)
    pays = [paying(order), paying(order, 1000, serial="000000000002", deduction=True)]
    result = bank_payments.import_file(bank_file(*pays))
    assert result.count(BankOutcome.DEDUCTION) == 1
    assert [r.outcome for r in bank_payments.unsettled()] == [BankOutcome.DEDUCTION]


def test_a_bad_file_changes_nothing(db, event):
    order = invoiced_order(db, event)
    data = bank_file(paying(order)).replace(b"\r\n70", b"\r\n71")  # the end record spoilt
    with pytest.raises(BankFileError) as refused:
        bank_payments.import_file(data)
    assert refused.value.problem == "unknown_record"
    assert counts(db) == (0, 0, 0)
    assert state(db, order) == (OrderStatus.INVOICED, 150000)


def test_payments_into_another_bankgiro_are_refused(db, event):
    order = invoiced_order(db, event)
    with pytest.raises(BankFileError) as refused:
        bank_payments.import_file(bank_file(paying(order), bankgiro="9912346"))
    assert (refused.value.line, refused.value.problem) == (2, "not_our_bankgiro")
    assert counts(db) == (0, 0, 0)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 255)), min_size=1, max_size=3))
def test_a_corrupted_file_is_taken_whole_or_not_at_all(db, event, changes):
    if not getattr(event, "_order", None):
        event._order = invoiced_order(db, event)
    order = event._order
    data = bytearray(bank_file(paying(order), paying(order, 100, serial="000000000002")))
    for at, value in changes:
        data[at % len(data)] = value
    before = counts(db)
    try:
        result = bank_payments.import_file(bytes(data))
    except BankFileError:
        assert counts(db) == before
        return
    # Taken: as a whole file, every payment of it recorded or known from before.
    assert result.already_imported or counts(db)[0] == before[0] + 1


def test_the_payers_are_forgotten_seven_years_after_the_year_of_their_payments(db, event):
    from datetime import UTC, datetime

    from summit.models import BankFile

    old, recent = invoiced_order(db, event), invoiced_order(db, event)
    payer = {"name": "Sölvesborgs kommun", "org_number": "2120001124"}
    payer["address"] = ("Stortorget 1", "29480", "Sölvesborg")
    bank_payments.import_file(bank_file(paying(old, **payer), paid_on=date(2027, 4, 2)))
    bank_payments.import_file(
        bank_file(paying(recent, serial="000000000002", **payer), paid_on=date(2028, 1, 3))
    )

    # On the last day of 2034 the 2027 file is still within the seven years.
    assert bank_payments.forget_old_files(datetime(2034, 12, 31, 12, tzinfo=UTC)) == 0
    assert bank_payments.forget_old_files(datetime(2035, 1, 2, tzinfo=UTC)) == 1
    assert bank_payments.forget_old_files(datetime(2035, 1, 2, tzinfo=UTC)) == 0  # once

    db.session.expire_all()
    rows = db.session.scalars(select(BankPayment).order_by(BankPayment.id)).all()
    assert [(r.payer_name, r.payer_org_number, r.payer_address) for r in rows][0] == ("", "", "")
    assert rows[1].payer_name == "Sölvesborgs kommun" and rows[1].payer_org_number
    files = db.session.scalars(select(BankFile).order_by(BankFile.id)).all()
    assert files[0].content is None and files[1].content
    # What was paid, when and for which invoice stays for the books.
    assert (rows[0].amount, rows[0].paid_on, rows[0].invoice_id) == (
        150000,
        date(2027, 4, 2),
        invoice_of(old).id,
    )
