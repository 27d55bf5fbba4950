"""An invoice is issued only to a valid Swedish organisation number: the invoice service
checks it, whoever calls it (the checkout form shows the same words)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from summit.models import Invoice, OrderStatus, PaymentMethod
from summit.services.payments import core as payments
from summit.services.payments.core import InvoiceRefused, clean_org_number
from summit.services.tickets import ordering
from tests.checkin_world import ticket_type


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("212000-1124", "212000-1124"),
        ("2120001124", "212000-1124"),
        (" 212000 1124 ", "212000-1124"),
        ("16212000-1124", "212000-1124"),  # with the century digits organisations get
        ("556036-0793", "556036-0793"),
        ("19811218-9876", "811218-9876"),  # a sole trader's personnummer
    ],
)
def test_valid_numbers_are_stored_in_one_form(typed, stored):
    assert clean_org_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "org_number_format"),
        ("212000-112", "org_number_format"),
        ("212000-11245", "org_number_format"),
        ("21200O-1124", "org_number_format"),  # a letter O
        ("２１２０００-１１２４", "org_number_format"),  # full-width digits
        ("99212000-1124", "org_number_format"),  # no such century
        ("212000-1234", "org_number_invalid"),
        ("556036-0794", "org_number_invalid"),
    ],
)
def test_anything_else_is_refused_with_its_reason(typed, reason):
    with pytest.raises(InvoiceRefused) as refused:
        clean_org_number(typed)
    assert refused.value.reason == reason and refused.value.field == "org_number"


@given(st.text(max_size=30))
def test_any_text_is_refused_or_stored_as_a_valid_number(typed):
    try:
        stored = clean_org_number(typed)
    except InvoiceRefused:
        return
    assert len(stored) == 11 and stored[6] == "-" and clean_org_number(stored) == stored


def test_the_invoice_service_refuses_a_bad_number_and_stores_nothing(app, db, make_event):
    event = make_event(slug="seminarium")
    regular = ticket_type(event, "Dagbiljett", price=150000)
    order = ordering.reserve_tickets(event, {regular.id: 1})
    ordering.save_details(
        order,
        ordering.BuyerDetails("Åsa Öberg-Lindqvist", "asa@kommun.se", "Malmö stad"),
        [ordering.AttendeeDetails("Åsa Öberg-Lindqvist")],
    )
    details = payments.InvoiceDetails("Malmö stad", "212000-1234", "Box 1\n205 00 Malmö", "Kst 1")
    with pytest.raises(InvoiceRefused):
        payments.start_payment(order, PaymentMethod.INVOICE, details)
    db.session.refresh(order)
    assert order.status is OrderStatus.RESERVED and order.org_number in (None, "")
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 0
    details.org_number = "2120001124"
    payments.start_payment(order, PaymentMethod.INVOICE, details)
    db.session.refresh(order)
    assert order.status is OrderStatus.INVOICED and order.org_number == "212000-1124"
