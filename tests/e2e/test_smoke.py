"""A visitor and an organizer in a real browser: language switch, sign in, sign out,
keyboard access, and no console errors (CSP violations would show there)."""

import re

import pytest
from playwright.sync_api import expect

from summit.models import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

# What a person reads on the page, in the language the page declares in <html lang>.
TEXT = {
    "sv": {
        "sign_in": "Logga in",
        "sign_out": "Logga ut",
        "email": "E-post",
        "password": "Lösenord",
    },
    "en": {
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "email": "Email",
        "password": "Password",
    },
}


def lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def text(page, key: str) -> str:
    return TEXT[lang(page)][key]


@pytest.fixture
def organizer_and_event(make_user, make_event, grant):
    event = make_event(
        slug="host2027",
        name_sv="Höstmöte om social innovation",
        name_en="Autumn meeting on social innovation",
        venue_name="Malmö Live",
    )
    organizer = make_user("organizer@example.org", name="Olga Organizer")
    grant(organizer, event, Role.ORGANIZER)
    return organizer, event


def test_visitor_switches_to_english_and_organizer_signs_in_and_out(browsing, organizer_and_event):
    organizer, event = organizer_and_event
    page = browsing.new_page(locale="sv-SE")

    # A Swedish visitor sees the events in Swedish.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("link", name=event.name_sv)).to_be_visible()
    browsing.screenshot(page, "home-sv")

    # The language switch turns the page English, and the choice is remembered.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name=event.name_en)).to_be_visible()
    # The switch now offers the other language, marked as Swedish for screen readers.
    expect(page.get_by_role("button", name="Svenska")).to_have_attribute("lang", "sv")
    browsing.screenshot(page, "home-en")
    page.get_by_role("link", name=event.name_en).click()
    expect(page).to_have_url(re.compile(rf"/events/{event.slug}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(event.name_en)
    browsing.screenshot(page, "event-en")

    # The organizer signs in and lands on their event's manage page.
    page.get_by_role("link", name=text(page, "sign_in")).click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label(text(page, "email"), exact=True).fill(organizer.email)
    page.get_by_label(text(page, "password"), exact=True).fill(PASSWORD)
    browsing.screenshot(page, "login-en")
    page.get_by_role("main").get_by_role("button", name=text(page, "sign_in")).click()
    expect(page).to_have_url(re.compile(rf"/manage/events/{event.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(event.name_en)
    browsing.screenshot(page, "manage-en")

    # Signing out brings back the sign-in link.
    page.get_by_role("button", name=text(page, "sign_out")).click()
    expect(page.get_by_role("link", name=text(page, "sign_in"))).to_be_visible()
    expect(page.get_by_role("button", name=text(page, "sign_out"))).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    browsing.screenshot(page, "signed-out-en")

    assert browsing.console_errors == []


def test_keyboard_reaches_skip_link_first(browsing, organizer_and_event):
    _, event = organizer_and_event
    for path in ("/", f"/events/{event.slug}/", "/login"):
        page = browsing.new_page(locale="sv-SE")
        page.goto(path)
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        # Found by its stable target: its wording waits for the Swedish translation.
        expect(focused).to_have_attribute("href", "#main")
        expect(focused).to_have_class("skip-link")
        expect(focused).to_be_visible()
        expect(focused).to_have_text(re.compile(r"\w"))
        browsing.screenshot(page, f"skip-link{path.replace('/', '-').rstrip('-') or '-home'}")
        # Following it puts keyboard focus on the main content.
        page.keyboard.press("Enter")
        expect(page.locator(":focus")).to_have_attribute("id", "main")

    assert browsing.console_errors == []
