"""axe finds nothing serious or critical on issue 17's pages (acceptance 4), at a phone
and a desktop size: the impact report and its public summary."""

import pytest

from summit.extensions import db
from summit.models import Role
from tests.conftest import PASSWORD
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import sign_in_with_password
from tests.impact_world import AFTER, build

pytestmark = pytest.mark.e2e


def test_the_impact_pages_have_no_serious_accessibility_violations(
    browsing, make_event, make_user, grant, clock
):
    clock.set(AFTER)
    event, then, _tickets = build(make_event)
    organizer = make_user("org@example.org", name="Omar Haddad")
    grant(organizer, event, Role.ORGANIZER)
    grant(organizer, then, Role.ORGANIZER)
    event.impact_public = True
    db.session.commit()

    page = browsing.new_page()
    sign_in_with_password(page, "org@example.org", PASSWORD)
    found = {}
    for path in ("/manage/events/summit2027/impact/", "/events/summit2027/impact"):
        page.goto(path)
        found[path] = serious_violations(page)
    assert found == {path: [] for path in found}
    assert browsing.console_errors == []
