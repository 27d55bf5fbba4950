"""The signed-in header and the scanner pages' headings (what a screen reader user
hears first). The header's layout on a phone is checked in a real browser
(tests/e2e/test_day_one.py)."""

import re

import pytest

from summit.models import Role


def nav(html: str) -> str:
    return re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)


@pytest.fixture
def summit(make_event):
    return make_event(slug="summit2027")


def test_people_without_a_role_see_no_manage_link(client, make_user, login):
    login(make_user("deltagare@example.org"))
    for lang, manage, mine in (
        ("sv", "Administrera", "Mina biljetter"),
        ("en", "Manage", "My tickets"),
    ):
        menu = nav(client.get("/", headers={"Accept-Language": lang}).get_data(as_text=True))
        assert manage not in menu and "/manage/" not in menu
        assert f'<a href="/my/tickets">{mine}</a>' in menu


@pytest.mark.parametrize("role", list(Role))
def test_people_with_a_role_see_the_manage_link(client, summit, make_user, grant, login, role):
    login(grant(make_user("person@example.org"), summit, role))
    menu = nav(client.get("/", headers={"Accept-Language": "sv"}).get_data(as_text=True))
    assert '<a href="/manage/">Administrera</a>' in menu


def test_site_admins_see_the_manage_link(client, make_user, login):
    login(make_user("admin@example.org", is_site_admin=True))
    assert "/manage/" in nav(client.get("/").get_data(as_text=True))


def test_signed_out_visitors_see_sign_in_only(client):
    menu = nav(client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert "Sign in" in menu and "/manage/" not in menu and "/my/tickets" not in menu


def headings(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    ]


def test_every_scanner_page_has_a_heading(client, summit, make_user, grant, login):
    station = client.get("/events/summit2027/checkin/station", headers={"Accept-Language": "sv"})
    assert "Incheckning – skanner" in headings(station.get_data(as_text=True))
    login(grant(make_user("entre@example.org"), summit, Role.DOOR))
    door = client.get("/events/summit2027/checkin/", headers={"Accept-Language": "en"})
    assert "Check-in scanner – Test event" in headings(door.get_data(as_text=True))
    # Leaving the scanner leads to the manage page, where their other events' scanners are.
    assert re.search(r'<a class="sc-leave" href="/manage/">', door.get_data(as_text=True))
