"""The personal agenda in a real browser: kept in localStorage before signing in, merged
into the account once on sign-in, then stored on the account."""

import json

import pytest
from playwright.sync_api import expect

from summit.extensions import db
from summit.models import AgendaItem
from tests.conftest import PASSWORD
from tests.published_world import published_summit

pytestmark = pytest.mark.e2e

KEY = "summit.agenda.summit27"


def stored_tokens(user):
    db.session.rollback()  # a fresh read: the server wrote in its own transaction
    items = db.session.query(AgendaItem).filter_by(user_id=user.id).all()
    return {item.session_id for item in items}


def test_browser_agenda_then_merged_on_sign_in(browsing, make_event, make_user):
    event = make_event(slug="summit27")
    world = published_summit(event, make_user)
    closing = world["sessions"]["closing"]
    person = make_user("deltagare@example.org", name="Deltagare")
    db.session.commit()

    page = browsing.new_page()
    page.goto("/events/summit27/program/agenda")
    expect(page.locator(".agenda-empty")).to_be_visible()
    # An agenda kept in this browser (as the program pages' buttons keep it).
    page.evaluate(f"localStorage.setItem('{KEY}', JSON.stringify(['{closing.token}']))")
    page.reload()
    item = page.locator(f'.agenda-item[data-token="{closing.token}"]')
    expect(item).to_be_visible()
    button = item.locator(".agenda-toggle")
    expect(button).to_have_attribute("aria-pressed", "true")
    # The label follows the state (the texts are the page language's).
    expect(button).to_contain_text(button.get_attribute("data-label-on"))
    download = page.locator(".agenda-download a")
    expect(download).to_have_attribute(
        "href", f"/events/summit27/schedule.ics?sessions={closing.token}"
    )
    browsing.screenshot(page, "browser-agenda")

    # Take it out and put it back, by keyboard.
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button).to_contain_text(button.get_attribute("data-label-off"))
    assert page.evaluate(f"localStorage.getItem('{KEY}')") is None
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "true")
    assert json.loads(page.evaluate(f"localStorage.getItem('{KEY}')")) == [closing.token]

    # Signing in merges the browser's agenda into the account, once.
    page.goto("/login?next=/events/summit27/program/agenda")
    page.get_by_label("E-post", exact=True).fill(person.email)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logga in").click()
    expect(page.locator("h3.agenda-title")).to_have_text([closing.title])
    assert stored_tokens(person) == {closing.id}
    assert page.evaluate(f"localStorage.getItem('{KEY}')") is None
    expect(page.locator(".agenda-calendar a.button")).to_be_visible()
    browsing.screenshot(page, "account-agenda")

    # On the account, the button stores on the server.
    button = page.locator(f'.agenda-item[data-token="{closing.token}"] .agenda-toggle')
    expect(button).to_have_attribute("aria-pressed", "true")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    assert stored_tokens(person) == set()
    assert browsing.console_errors == []
