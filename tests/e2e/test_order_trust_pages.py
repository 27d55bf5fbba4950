"""Issue 12 in a real browser: the organizer's orders list shows its Status column at
desktop widths, and the pages a buyer meets when things go wrong (a failed payment, an
ended reservation) and the checkout with a discount, on a phone in both languages
(screenshots in test-artifacts/e2e/<test>/)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from summit.models import DiscountCode, DiscountKind, Order, Role, utcnow
from summit.services.payments import core
from summit.services.tickets.ordering import (
    AttendeeDetails,
    BuyerDetails,
    reserve_tickets,
    save_details,
)
from tests.conftest import PASSWORD
from tests.smtp import app_config

pytestmark = pytest.mark.e2e


@pytest.fixture
def summit(app, make_event, make_ticket_type):
    event = make_event(slug="summit2027", name_sv="Social Innovation Summit 2027")
    regular = make_ticket_type(event, "Ordinarie", name_en="Regular", price=150000, capacity=100)
    day = make_ticket_type(event, "Dagbiljett", name_en="Day ticket", price=50000, position=1)
    return event, regular, day


def orders_of_every_kind(db, event, ticket_type, code):
    """Orders as a real list has them: long names and addresses, a discount, and
    the longest status labels (reserved and not paid, invoiced)."""
    for i in range(4):
        order = reserve_tickets(event, {ticket_type.id: 2}, code=code if i % 2 else None)
        save_details(
            order,
            BuyerDetails(
                f"Kristina Andersson-Lindqvist {i}",
                f"kristina.anderssonlindqvist{i}@regionvastragotalandsforvaltning.se",
                "Region Västra Götaland, avdelningen för social hållbarhet",
            ),
            [AttendeeDetails(f"Deltagare {i}"), AttendeeDetails(f"Deltagare {i}b")],
        )
        if i < 2:
            core.start_payment(
                order,
                core.PaymentMethod.INVOICE,
                core.InvoiceDetails(
                    "Region Västra Götaland, avdelningen för social hållbarhet",
                    "212000-1124",
                    "Box 1",
                    "Kst 12",
                ),
            )


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_orders_list_shows_its_status_column(
    chromium, live_server, db, summit, make_user, grant, width, request
):
    event, regular, _ = summit
    code = DiscountCode(event_id=event.id, code="PARTNER2027", kind=DiscountKind.PERCENT, value=15)
    db.session.add(code)
    db.session.commit()
    orders_of_every_kind(db, event, regular, "PARTNER2027")
    organizer = grant(make_user("org@example.org", name="Olga Organizer"), event, Role.ORGANIZER)
    context = chromium().new_context(
        base_url=live_server, locale="sv-SE", viewport={"width": width, "height": 900}
    )
    try:
        page = context.new_page()
        page.goto("/login")
        page.locator("#email").fill(organizer.email)
        page.locator("#password").fill(PASSWORD)
        page.locator("#password").press("Enter")
        page.wait_for_load_state()
        page.goto("/manage/events/summit2027/orders/")
        header = page.get_by_role("columnheader", name="Status")
        box = header.bounding_box()
        wrap = page.locator(".table-wrap").first.bounding_box()
        badge = page.locator("td .badge").first.bounding_box()
        artifacts = request.config.rootpath / "test-artifacts" / "e2e" / "orders-list"
        artifacts.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(artifacts / f"orders-{width}.png"), full_page=True)
        # The column and its badges are inside the visible part of the table's box, and
        # the box within the window: nothing needs a scroll to be read.
        assert box["x"] + box["width"] <= wrap["x"] + wrap["width"] + 1
        assert badge["x"] + badge["width"] <= wrap["x"] + wrap["width"] + 1
        assert wrap["x"] + wrap["width"] <= width
        assert page.evaluate(
            "() => { const w = document.querySelector('.table-wrap');"
            " return w.scrollWidth <= w.clientWidth + 1; }"
        )
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["sv-SE", "en-GB"])
def test_what_a_phone_buyer_sees_when_things_go_wrong(
    chromium, live_server, app, db, summit, locale, request
):
    event, regular, day = summit
    code = DiscountCode(event_id=event.id, code="DAG20", kind=DiscountKind.PERCENT, value=20)
    code.ticket_types = [day]
    db.session.add(code)
    db.session.commit()
    artifacts = request.config.rootpath / "test-artifacts" / "e2e" / "order-trust"
    artifacts.mkdir(parents=True, exist_ok=True)
    lang = locale[:2]
    context = chromium().new_context(
        base_url=live_server, locale=locale, viewport={"width": 375, "height": 800}
    )
    try:
        with app_config(app, BASE_URL=live_server):
            page = context.new_page()
            page.goto("/events/summit2027/tickets/")
            page.locator(f"#qty-{day.id}").select_option("1")
            page.locator(f"#qty-{regular.id}").select_option("1")
            page.locator("#code").fill("dag20")
            page.locator("form.shop button[type=submit]").click()
            page.wait_for_url("**/checkout")
            page.locator("#buyer_name").fill("Sara Lind")
            page.locator("#buyer_email").fill("sara@example.org")
            page.locator("#attendees-0-name").fill("Sara Lind")
            page.locator("#attendees-1-name").fill("Ali Hassan")
            page.screenshot(path=str(artifacts / f"{lang}-1-checkout-discount.png"), full_page=True)
            checkout = page.url
            page.locator("form.checkout button[type=submit]").click()
            page.wait_for_url("**/payments/dev/**")
            page.locator("input[name=fail]").click()
            page.wait_for_url(checkout)
            assert page.locator(".payment-failed").is_visible()
            page.screenshot(path=str(artifacts / f"{lang}-2-payment-failed.png"), full_page=True)

            db.session.commit()  # end the read: see what the server wrote
            order = db.session.scalars(select(Order).order_by(Order.id.desc())).first()
            order.expires_at = utcnow() - timedelta(seconds=5)
            db.session.commit()
            page.locator("#attendees-1-organisation").fill("Malmö stad")
            page.locator("form.checkout button[type=submit]").click()
            assert page.locator(".reservation-ended").is_visible()
            page.screenshot(path=str(artifacts / f"{lang}-3-reservation-ended.png"), full_page=True)
            assert page.locator("#attendees-1-organisation").input_value() == "Malmö stad"
            page.locator("button[formaction$='/renew']").first.click()
            page.wait_for_url("**/checkout*")
            assert page.locator("#attendees-1-organisation").input_value() == "Malmö stad"
            assert page.url.split("?")[0] != checkout
            page.screenshot(path=str(artifacts / f"{lang}-4-reserved-again.png"), full_page=True)
    finally:
        context.close()


def test_a_phone_shop_with_every_seat_held_and_a_code_link(
    chromium, live_server, db, make_event, make_ticket_type, request
):
    event = make_event(slug="seminarium", days=1)
    few = make_ticket_type(event, "Workshop", name_en="Workshop", price=0, capacity=2)
    make_ticket_type(event, "Dagbiljett", name_en="Day ticket", price=50000, position=1)
    code = DiscountCode(event_id=event.id, code="DAG20", kind=DiscountKind.PERCENT, value=20)
    db.session.add(code)
    db.session.commit()
    reserve_tickets(event, {few.id: 2})
    artifacts = request.config.rootpath / "test-artifacts" / "e2e" / "order-trust"
    artifacts.mkdir(parents=True, exist_ok=True)
    for locale in ("sv-SE", "en-GB"):
        context = chromium().new_context(
            base_url=live_server, locale=locale, viewport={"width": 375, "height": 800}
        )
        try:
            page = context.new_page()
            page.goto("/events/seminarium/tickets/?code=dag20")
            assert page.locator(".reserved-out").is_visible()
            assert page.locator("#code-note").is_visible()
            page.screenshot(path=str(artifacts / f"{locale[:2]}-5-shop-held.png"), full_page=True)
        finally:
            context.close()
