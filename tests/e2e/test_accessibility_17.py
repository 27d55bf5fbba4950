"""axe finds nothing serious or critical on issue 17's pages (acceptance 4), on the demo's
data at a phone's and a desktop's size: the organizers' impact report, session feedback,
surveys, certificates and personal data, and what attendees see (the participant list,
a survey, their own data, the privacy notices, the accessibility statement, the public
impact summary)."""

import re

import pytest

from summit.demo import DEMO_PASSWORD
from summit.extensions import db
from summit.services import accounts
from summit.services.events import get_event
from tests.conftest import PASSWORD
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import sign_in_with_password

pytestmark = pytest.mark.e2e

ORGANIZER_PAGES = [
    "/manage/events/summit2026/impact/",
    "/manage/events/summit2027/impact/",
    "/manage/events/summit2027/program/feedback",
    "/manage/events/summit2027/surveys/",
    "/manage/events/summit2027/certificates/",
    "/manage/events/summit2027/privacy",
]
ATTENDEE_PAGES = [
    "/events/summit2027/participants/",
    "/events/summit2027/participants/me",
    "/my/data",
    "/events/summit2027/privacy",
    "/privacy",
    "/accessibility",
]


def swept(page, paths) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        response = page.goto(path)
        assert response.ok and "/login" not in page.url, (path, response.status, page.url)
        found[path] = serious_violations(page)
    return found


def test_issue_17s_pages_have_no_serious_accessibility_violations(browsing, demo):
    # The demo's attendee signs in by emailed link; here she gets a password.
    attendee = accounts.find_user("deltagare@example.org")
    attendee.set_password(PASSWORD)
    get_event("summit2026").impact_public = True
    db.session.commit()
    survey_link = re.search(r"/survey/\S+", demo)[0]

    organizer = browsing.new_page()
    sign_in_with_password(organizer, "arrangor@example.org", DEMO_PASSWORD)
    # The organizer also organizes last year's summit (the demo grants it).
    found = swept(organizer, ORGANIZER_PAGES)

    admin = browsing.new_page()
    sign_in_with_password(admin, "admin@example.org", DEMO_PASSWORD)
    found |= swept(admin, ["/manage/privacy"])

    visitor = browsing.new_page()
    sign_in_with_password(visitor, "deltagare@example.org", PASSWORD)
    found |= swept(visitor, [*ATTENDEE_PAGES, survey_link, "/events/summit2026/impact"])
    assert found == {path: [] for path in found}
    assert browsing.console_errors == []
