"""Where people land after signing in: each role where its work is (door staff at the
scanner of their event, organizers on their event's page, reviewers at the review list),
people without a role at their tickets. A safe `next` still wins."""

import re
from datetime import datetime, timedelta

import pytest

from summit.models import Role, utcnow
from tests.conftest import PASSWORD, STOCKHOLM, csrf_token
from tests.web.test_auth import last_link


def post(client, path, data):
    return client.post(path, data=dict(data, csrf_token=csrf_token(client, path)))


def sign_in(client, email, next_path=None) -> str:
    data = {"email": email, "password": PASSWORD}
    if next_path is not None:
        data["next"] = next_path
    response = post(client, "/login", data)
    assert response.status_code == 302
    return response.headers["Location"]


def soon(days: int) -> datetime:
    """A morning `days` from now (negative: in the past), Stockholm time."""
    return (utcnow() + timedelta(days=days)).astimezone(STOCKHOLM).replace(hour=9, minute=0)


@pytest.fixture
def summit(make_event):
    return make_event(slug="summit2027", starts_at=soon(30), days=2)


def test_door_staff_land_on_the_scanner_of_their_event(client, summit, make_user, grant):
    grant(make_user("entre@example.org"), summit, Role.DOOR)
    assert sign_in(client, "entre@example.org") == "/events/summit2027/checkin/"
    assert client.get("/events/summit2027/checkin/").status_code == 200


def test_organizers_land_on_their_events_page(client, summit, make_user, grant):
    grant(make_user("arrangor@example.org"), summit, Role.ORGANIZER)
    assert sign_in(client, "arrangor@example.org") == "/manage/events/summit2027/"


def test_reviewers_land_on_the_review_list(client, summit, make_user, grant):
    grant(make_user("granskare@example.org"), summit, Role.REVIEWER)
    assert sign_in(client, "granskare@example.org") == "/manage/events/summit2027/review/"


def test_organizer_and_door_of_one_event_land_on_its_page(client, summit, make_user, grant):
    person = grant(make_user("arrangor@example.org"), summit, Role.DOOR)
    grant(person, summit, Role.ORGANIZER)
    assert sign_in(client, "arrangor@example.org") == "/manage/events/summit2027/"


def test_people_without_a_role_land_on_their_tickets(client, make_user):
    make_user("deltagare@example.org")
    assert sign_in(client, "deltagare@example.org") == "/my/tickets"


def test_site_admins_land_on_the_manage_page(client, summit, make_user):
    make_user("admin@example.org", is_site_admin=True)
    assert sign_in(client, "admin@example.org") == "/manage/"


def test_a_safe_next_wins_and_an_unsafe_one_is_ignored(client, summit, make_user, grant):
    grant(make_user("entre@example.org"), summit, Role.DOOR)
    assert sign_in(client, "entre@example.org", "/account") == "/account"
    post(client, "/logout", {})
    for target in (
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\x00",
        "x" * 3000,
    ):
        assert sign_in(client, "entre@example.org", target) == "/events/summit2027/checkin/"
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_with_several_events_the_nearest_upcoming_wins_and_the_others_are_reachable(
    client, make_event, make_user, grant
):
    past = make_event(slug="var2026", name_sv="Vårseminariet", starts_at=soon(-60), days=1)
    later = make_event(slug="summit2028", name_sv="Summit 2028", starts_at=soon(400))
    nearest = make_event(slug="hostmote", name_sv="Höstmötet", starts_at=soon(10), days=1)
    running = make_event(slug="pagar", name_sv="Pågår nu", starts_at=soon(-1), days=1)
    running.ends_at = utcnow() - timedelta(hours=1)  # ended an hour ago
    person = make_user("entre@example.org")
    for event in (past, later, nearest, running):
        grant(person, event, Role.DOOR)
    assert sign_in(client, "entre@example.org") == "/events/hostmote/checkin/"
    # The others' scanners are one tap away on the manage page, linked from the header.
    home = client.get("/manage/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/manage/"' in client.get("/my/tickets").get_data(as_text=True)
    for slug in ("var2026", "summit2028", "hostmote", "pagar"):
        assert re.search(rf'href="/events/{slug}/checkin/"[^>]*>\s*Scan tickets', home), slug


def test_an_event_running_now_wins_over_a_later_one(client, make_event, make_user, grant):
    today = make_event(slug="idag", starts_at=utcnow() - timedelta(hours=2), days=1)
    later = make_event(slug="sen", starts_at=soon(3), days=1)
    person = make_user("entre@example.org")
    grant(person, later, Role.ORGANIZER)
    grant(person, today, Role.DOOR)
    assert sign_in(client, "entre@example.org") == "/events/idag/checkin/"


def test_an_emailed_link_lands_door_staff_on_the_scanner(client, db, summit, make_user, grant):
    grant(make_user("entre@example.org", password=None), summit, Role.DOOR)
    post(client, "/login/link", {"email": "entre@example.org"})
    link = last_link(db, "entre@example.org")
    response = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert response.headers["Location"] == "/events/summit2027/checkin/"


def test_an_emailed_link_with_next_goes_there(client, db, summit, make_user):
    make_user("talare@example.org", password=None)
    post(client, "/login/link?next=/account", {"email": "talare@example.org", "next": "/account"})
    link = last_link(db, "talare@example.org")
    response = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert response.headers["Location"] == "/account"
