"""An organizer on the bookkeeping page, at a phone and a desktop size, in Swedish and in
English: the page has no serious accessibility faults, a wrong account is shown where it
is, and the SIE file downloaded through the form reads back balanced."""

from pathlib import Path

import pytest

from summit.models import Role
from tests import bookkeeping_world as world
from tests.conftest import PASSWORD
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import sign_in_with_password
from tests.fakestripe import ticket_type
from tests.sie_reader import read

pytestmark = pytest.mark.e2e

PAGE = "/manage/events/summit2027/bookkeeping/"


def test_the_bookkeeping_page_saves_accounts_and_downloads_the_file(
    browsing, db, make_event, make_user, grant
):
    event = make_event(slug="summit2027", name_sv="Social Innovation Summit 2027")
    regular = ticket_type(db, event, "Ordinarie", price=345000, vat_percent=25)
    ticket_type(db, event, "Ängström-dagen", price=95000, vat_percent=6)
    dinner = world.addon(db, event, "Konferensmiddag", 65000, 12)
    world.buy(event, {regular: 2}, {1: [dinner]})
    world.buy(event, {regular: 1}, invoice="Åsa Öberg-Lindqvist AB", email="asa@example.org")
    grant(make_user("org@example.org", name="Omar Haddad"), event, Role.ORGANIZER)

    for locale, words in (("sv-SE", "Ladda ned SIE-filen"), ("en-GB", "Download the SIE file")):
        page = browsing.new_page(locale)
        sign_in_with_password(page, "org@example.org", PASSWORD)
        page.goto(PAGE)
        assert page.get_by_role("button", name=words).is_visible()
        assert serious_violations(page) == []
        browsing.screenshot(page, f"bookkeeping-{locale}")

        # A bank account that is not one: shown on its field, nothing saved.
        page.locator("#bank").fill("3041")
        page.locator("#bank").press("Enter")
        page.wait_for_load_state()
        assert page.locator("#bank-error").is_visible()
        browsing.screenshot(page, f"bookkeeping-refused-{locale}")

        with page.expect_download() as download:
            page.get_by_role("button", name=words).click()
        data = Path(download.value.path()).read_bytes()
        assert download.value.suggested_filename.startswith("summit2027-")
        parsed = read(data)
        assert [v.series for v in parsed.vouchers] == ["F", "K"]
        assert all(v.balance == 0 for v in parsed.vouchers)
        assert parsed.vouchers[0].text.endswith("Åsa Öberg-Lindqvist AB")
    # The browser reports the refused form's 422, and nothing else.
    assert [e for e in browsing.console_errors if "status of 422" not in e] == []
