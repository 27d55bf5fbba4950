"""A checked-in attendee rates a session on a phone: from the session page, by touch,
in Swedish and in English; the rating is stored once and can be changed."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from summit.extensions import db
from summit.models import SessionRating
from tests.conftest import PASSWORD
from tests.feedback_world import FIRST_AFTERNOON, summit_with_attendees

pytestmark = pytest.mark.e2e

WORDS = {
    "sv": {"locale": "sv-SE", "rate": "Betygsätt programpunkten", "saved": "Tack! Ditt betyg"},
    "en": {"locale": "en-GB", "rate": "Rate the session", "saved": "Thank you! Your rating"},
}


def stored():
    db.session.rollback()  # the server wrote in its own transaction
    return db.session.execute(
        select(SessionRating.ticket_id, SessionRating.score, SessionRating.comment)
    ).all()


@pytest.mark.parametrize("browsing", ["phone"], indirect=True)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_checked_in_attendee_rates_a_session_on_a_phone(
    browsing, make_event, make_user, clock, lang
):
    event = make_event(slug="summit27")
    world = summit_with_attendees(event, make_user)
    keynote = world["sessions"]["keynote"]
    clock.set(FIRST_AFTERNOON)  # the keynote was this morning
    words = WORDS[lang]

    page = browsing.new_page(locale=words["locale"])
    page.goto("/login")
    page.locator("#email").fill("eva@example.org")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_load_state()
    page.goto(f"/events/summit27/program/sessions/{keynote.token}")
    page.get_by_role("link", name=words["rate"]).tap()
    expect(page.locator("h1")).to_have_text(words["rate"])
    browsing.screenshot(page, f"{lang}-rate")

    page.locator('label[for="score-3"]').tap()  # the fourth option: 4
    expect(page.locator("#score-3")).to_be_checked()
    page.locator("#comment").fill("Konkret och inspirerande.")
    page.locator(".rating-form button[type=submit]").tap()
    expect(page.locator(".flash-success")).to_contain_text(words["saved"])
    browsing.screenshot(page, f"{lang}-rated")
    assert stored() == [(world["eva_ticket"].id, 4, "Konkret och inspirerande.")]

    # Changed by rating again: the form shows the rating given, and keeps one row.
    expect(page.locator("#score-3")).to_be_checked()
    page.locator('label[for="score-4"]').tap()
    page.locator(".rating-form button[type=submit]").tap()
    expect(page.locator(".flash-success")).to_be_visible()
    assert stored() == [(world["eva_ticket"].id, 5, "Konkret och inspirerande.")]
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert browsing.console_errors == []
