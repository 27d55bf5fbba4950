"""Error pages and organizer dates in a real Chromium at phone size (375 × 800), in
Swedish and English: nothing wider than the screen, the site's layout, the words the
visitor needs. Screenshots go to test-artifacts/e2e/error_pages/ to be looked at."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from summit.database import begin_write
from summit.models import PaymentMethod
from summit.services.payments import core as payments
from summit.services.tickets import ordering

from .conftest import CHROMIUM

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e" / "error_pages"
PHONE = {"viewport": {"width": 375, "height": 800}, "is_mobile": True, "has_touch": True}
LOCALES = {"sv": "sv-SE", "en": "en-GB"}
PASSWORD = "correct horse battery"


@pytest.fixture
def phone(chromium, live_server):
    contexts = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def open_page(lang):
        assert CHROMIUM
        context = chromium().new_context(
            base_url=live_server, locale=LOCALES[lang], device_scale_factor=1, **PHONE
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def fits_the_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide on a 375px screen"


def shoot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_not_found_on_a_phone(phone, lang):
    page = phone(lang)
    response = page.goto("/finns-inte")
    assert response.status == 404
    heading = {"sv": "Sidan hittades inte", "en": "The page was not found"}[lang]
    assert page.locator("h1").inner_text() == heading
    assert page.get_by_role(
        "link", name={"sv": "Gå till startsidan", "en": "Go to the start page"}[lang]
    ).is_visible()
    fits_the_phone(page)
    shoot(page, f"404-{lang}")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_too_large_on_a_phone(app, phone, lang):
    page = phone(lang)
    page.goto("/login")
    page.fill("input[name=email]", "a@example.org")
    # A form far over the limit, as a too large photo would be. The field is hidden
    # first: a visible input laying out 17 million characters takes Chromium seconds.
    page.evaluate(
        "const field = document.querySelector('input[name=password]');"
        "field.type = 'hidden'; field.value = 'x'.repeat(17 * 1024 * 1024)"
    )
    with page.expect_navigation():
        page.evaluate("document.querySelector('input[name=password]').form.submit()")
    heading = {"sv": "Filen är för stor", "en": "The file is too large"}[lang]
    assert page.locator("h1").inner_text() == heading
    limit = {"sv": "högst 16 MB", "en": "at most 16 MB"}[lang]
    assert limit in page.locator("main").inner_text()
    fits_the_phone(page)
    shoot(page, f"413-{lang}")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_expired_form_on_a_phone(phone, lang):
    page = phone(lang)
    page.goto("/login")
    page.fill("input[name=email]", "a@example.org")
    page.fill("input[name=password]", "whatever")
    page.evaluate("document.querySelector('main input[name=csrf_token]').value = 'an-old-token'")
    with page.expect_navigation():
        page.evaluate("document.querySelector('input[name=password]').form.submit()")
    heading = {"sv": "Formuläret har gått ut", "en": "The form has expired"}[lang]
    assert page.locator("h1").inner_text() == heading
    back = {"sv": "Öppna formuläret igen", "en": "Open the form again"}[lang]
    assert page.get_by_role("link", name=back).is_visible()
    fits_the_phone(page)
    shoot(page, f"csrf-{lang}")


def test_an_organizer_page_with_dates_in_english(
    db, phone, make_user, make_event, make_ticket_type
):
    admin = make_user("admin@example.org", "Ada Admin", password=PASSWORD, is_site_admin=True)
    event = make_event(slug="summit27")
    priced = make_ticket_type(event, "Ordinarie", price=150000, vat_percent=6)
    order = ordering.reserve_tickets(event, {priced.id: 1})
    ordering.save_details(
        order,
        ordering.BuyerDetails("Eva Ek", "eva@example.org"),
        [ordering.AttendeeDetails("Eva Ek")],
    )
    payments.start_payment(order, PaymentMethod.DEV)
    moment = datetime(2026, 12, 6, 10, 3, tzinfo=UTC)
    payments.record_payment(order.payments[0], order.total, "SEK", now=moment)
    begin_write()
    order.created_at = moment
    db.session.commit()

    page = phone("en")
    page.goto("/login")
    page.fill("input[name=email]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto(f"/manage/events/summit27/orders/{order.reference}")
    text = page.locator("main").inner_text()
    assert "6 Dec 2026, 11:03" in text
    assert " AM" not in text and " PM" not in text
    fits_the_phone(page)
    shoot(page, "organizer-order-en")
