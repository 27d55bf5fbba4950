"""Buying a ticket with the conference dinner in a real browser, in Swedish on a phone:
the shop tells of the dinner, the attendee's box at checkout offers it, the total
grows, and the paid order, its receipt and the attendee's badge carry it."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from summit.models import Addon, Order, OrderStatus
from summit.services.badges.printing import badges_for
from summit.services.tickets import documents
from tests.e2e.test_purchase import fresh, payment_links_to_live_server  # noqa: F401
from tests.pdf import text

pytestmark = pytest.mark.e2e


@pytest.fixture
def summit(app, db, make_event, make_ticket_type):
    event = make_event(slug="summit2027", name_sv="Social Innovation Summit 2027")
    regular = make_ticket_type(event, "Ordinarie", name_en="Regular", price=150000)
    dinner = Addon(
        event=event,
        name_sv="Konferensmiddag",
        name_en="Conference dinner",
        price=67200,
        vat_percent=12,
        capacity=250,
        badge_label="Middag",
    )
    db.session.add(dinner)
    db.session.commit()
    return event, regular


@pytest.mark.parametrize("browsing", ["phone"], indirect=True)
def test_a_ticket_with_the_dinner_bought_on_a_phone(
    browsing,
    summit,
    payment_links_to_live_server,  # noqa: F811
    db,
):
    event, regular = summit
    page = browsing.new_page()
    page.goto("/events/summit2027/tickets/")
    shop_addons = page.get_by_role("region", name="Tillval")
    expect(shop_addons).to_contain_text("Konferensmiddag")
    expect(shop_addons).to_contain_text("672 kr")
    page.get_by_label("Antal Ordinarie").select_option("1")
    browsing.screenshot(page, "shop")
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dina uppgifter")

    buyer = page.get_by_role("group", name="Du som beställer")
    buyer.get_by_label("Ditt namn").fill("Åsa Öberg-Lindqvist")
    buyer.get_by_label("Din e-postadress").fill("asa@example.se")
    attendee = page.get_by_role("group", name="Biljett 1: Ordinarie")
    attendee.get_by_label("Namn", exact=True).fill("Åsa Öberg-Lindqvist")
    dinner = attendee.get_by_role("checkbox", name=re.compile("^Konferensmiddag, 672"))
    dinner.check()
    expect(dinner).to_be_checked()
    page.get_by_role("radio", name="Testbetalning (bara i utvecklingsläge)").check()
    browsing.screenshot(page, "checkout-dinner")
    page.get_by_role("button", name="Gå vidare till betalning").click()

    # The test payment page asks for the ticket and the dinner together.
    expect(page).to_have_url(re.compile(r"/payments/dev/[\w-]+/dev_[\w-]+$"))
    expect(page.get_by_role("main")).to_contain_text("2 172")
    page.get_by_role("button", name="Betala (test)").click()

    expect(page).to_have_url(re.compile(r"/events/summit2027/orders/[\w-]+/$"))
    expect(page.get_by_role("main")).to_contain_text("Tillval: Konferensmiddag")
    browsing.screenshot(page, "order-paid")

    fresh(db)
    order = db.session.scalars(select(Order)).one()
    assert order.status is OrderStatus.PAID and order.total == 217200
    receipt = text(documents.render_document(f"receipt:{order.id}"))
    assert "Konferensmiddag" in receipt and "12 % 600 kr 72 kr 672 kr" in receipt
    assert [b.role_label for b in badges_for(order.tickets, "sv")] == ["Deltagare · Middag"]
    assert not browsing.console_errors
