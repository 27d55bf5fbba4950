"""Attendees help themselves in a real Chromium on a phone, in Swedish and English: the
order page's buttons, the cancel page that says what comes back before the confirm, and
the transfer form with its errors (screenshots in test-artifacts/e2e/<test>/)."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from summit.models import CancelPolicy, PaymentMethod, Role, TicketStatus
from summit.services.payments import core as payments
from summit.services.tickets.ordering import (
    AttendeeDetails,
    BuyerDetails,
    reserve_tickets,
    save_details,
)
from tests.conftest import PASSWORD, STOCKHOLM
from tests.e2e.conftest import sign_in_with_password

pytestmark = pytest.mark.e2e

WORDS = {
    "sv": {
        "locale": "sv-SE",
        "cancel": "Avboka biljett",
        "transfer": "Överlåt",
        "confirm": "Ja, avboka biljetten",
        "cancelled": "Biljetten är avbokad",
        "send": "Överlåt biljetten",
        "name": "Den nya deltagarens namn",
        "email": "Den nya deltagarens e-post",
        "moved": "Biljetten tillhör nu Mohammed Ängström",
        "refunded": "Återbetald",
        "back": "1\xa0250\xa0kr",
        "fee": "Avbokningsavgift som behålls: 250\xa0kr",
    },
    "en": {
        "locale": "en-GB",
        "cancel": "Cancel ticket",
        "transfer": "Transfer",
        "confirm": "Yes, cancel the ticket",
        "cancelled": "The ticket is cancelled",
        "send": "Transfer the ticket",
        "name": "The new attendee's name",
        "email": "The new attendee's email",
        "moved": "The ticket now belongs to Mohammed Ängström",
        "refunded": "Refunded",
        "back": "1,250 SEK",
        "fee": "Cancellation fee kept: 250 SEK",
    },
}


@pytest.fixture
def summit(make_event, make_ticket_type):
    event = make_event(
        slug="summit2027",
        name_sv="Mötesplats Social Innovation 2027",
        name_en="Social Innovation Summit 2027",
        cancel_policy=CancelPolicy.REFUND_MINUS_FEE,
        cancel_deadline=datetime(2027, 5, 1, 23, 59, tzinfo=STOCKHOLM),
        cancel_fee=25000,
    )
    return event, make_ticket_type(event, "Ordinarie", name_en="Regular", price=150000)


def paid_order(event, regular, lang):
    order = reserve_tickets(event, {regular.id: 2}, locale=lang)
    save_details(
        order,
        BuyerDetails("Kristina Andersson-Lindqvist", "kristina@malmo.se", "Malmö stad"),
        [
            AttendeeDetails("Åsa Öberg-Lindqvist", "asa@malmo.se", "Malmö stad"),
            AttendeeDetails("Kim Ängström", "kim@malmo.se", "Malmö stad"),
        ],
    )
    payments.start_payment(order, PaymentMethod.DEV)
    payment = order.payments[0]
    payments.record_payment(payment, payment.amount, payment.currency)
    return order


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_cancel_and_transfer_on_a_phone(phone, db, summit, lang):
    event, regular = summit
    words = WORDS[lang]
    order = paid_order(event, regular, lang)
    page = phone.new_page(locale=words["locale"])
    page.goto(f"/events/{event.slug}/orders/{order.token}/")
    phone.screenshot(page, f"{lang}-order")

    # Cancel Kim's ticket: the page says what comes back before anything happens.
    page.get_by_role("link", name=f"{words['cancel']} Kim Ängström").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text(words["back"])
    expect(main).to_contain_text(words["fee"])
    phone.screenshot(page, f"{lang}-cancel")
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["cancelled"])
    expect(main).to_contain_text(words["refunded"])
    phone.screenshot(page, f"{lang}-cancelled")
    db.session.commit()  # a fresh read of what the server committed
    assert order.tickets[1].status is TicketStatus.REFUNDED

    # Transfer Åsa's ticket: an empty form says what is missing, then it goes.
    page.get_by_role("link", name=f"{words['transfer']} Åsa Öberg-Lindqvist").click()
    phone.screenshot(page, f"{lang}-transfer")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.locator(".error-summary")).to_be_visible()
    phone.screenshot(page, f"{lang}-transfer-errors")
    page.get_by_label(words["name"]).fill("Mohammed Ängström")
    page.get_by_label(words["email"]).fill("mohammed@region.se")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("main")).to_contain_text("Mohammed Ängström")
    expect(page.locator("body")).to_contain_text(words["moved"])
    phone.screenshot(page, f"{lang}-transferred")
    db.session.commit()  # a fresh read of what the server committed
    assert order.tickets[0].attendee_name == "Mohammed Ängström"
    # The browser logs the empty form's 422 (the page with its errors); nothing else.
    errors = [e for e in phone.console_errors if "422 (UNPROCESSABLE ENTITY)" not in e]
    assert errors == [], errors


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_organizer_sets_the_policy_on_a_phone(phone, db, summit, make_user, grant, lang):
    event, _regular = summit
    organizer = grant(make_user("omar@example.org", name="Omar Haddad"), event, Role.ORGANIZER)
    page = phone.new_page(locale=WORDS[lang]["locale"])
    sign_in_with_password(page, organizer.email, PASSWORD)
    page.goto(f"/manage/events/{event.slug}/self-service")
    phone.screenshot(page, f"{lang}-policy")
    page.locator("#cancel_fee").fill("")
    page.locator("form.form-grid button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()  # a fee policy needs its fee
    phone.screenshot(page, f"{lang}-policy-errors")
    page.locator("#policy-0").check()  # off
    page.locator("form.form-grid button[type=submit]").click()
    expect(page.locator(".flashes")).to_be_visible()
    db.session.commit()
    assert db.session.get(type(event), event.id).cancel_policy is CancelPolicy.OFF
    errors = [e for e in phone.console_errors if "422 (UNPROCESSABLE ENTITY)" not in e]
    assert errors == [], errors
