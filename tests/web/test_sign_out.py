"""Signing out ends the session on the server, not only in the browser: a copy of the
cookie taken before (a shared computer, a stolen cookie) opens nothing afterwards. The
same for a password change, a reset, "sign out everywhere", a session past its age,
and a role taken away (checked against the database on every request)."""

from datetime import timedelta

import pytest

from summit.models import EventRole, Role, utcnow
from tests.conftest import PASSWORD, csrf_token, sign_in
from tests.web.test_auth import last_link, post, signed_in_as

SCANNER = "/events/summit2027/checkin/"
DOOR_API = "/api/v1/events/summit2027/checkin/door"


@pytest.fixture
def summit(make_event):
    return make_event(slug="summit2027")


@pytest.fixture
def door(make_user, grant, summit):
    """Door staff and organizer of summit2027: the manage pages and the scanner."""
    person = grant(make_user("entre@example.org"), summit, Role.DOOR)
    return grant(person, summit, Role.ORGANIZER)


def copy_of_cookie(app, client):
    """Another browser holding a copy of `client`'s session cookie, as it is now."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def opens_protected_pages(browser) -> bool:
    """Whether the manage page, the scanner and the door API let this browser in; all
    three must agree."""
    manage = browser.get("/manage/")
    scanner = browser.get(SCANNER)
    api = browser.get(DOOR_API)
    answers = (manage.status_code, scanner.status_code, api.status_code)
    if answers == (200, 200, 200):
        return True
    assert manage.status_code == 302 and manage.headers["Location"].startswith("/login")
    assert scanner.status_code == 302 and scanner.headers["Location"].startswith("/login")
    assert api.status_code == 401 and api.get_json()["error"] == "unauthorized"
    return False


def test_a_cookie_saved_before_sign_out_opens_nothing_after(app, client, door):
    sign_in(client, door)
    saved = copy_of_cookie(app, client)
    assert opens_protected_pages(saved)

    post(client, "/logout", {}, page="/")
    assert signed_in_as(client) is None
    assert not opens_protected_pages(saved)
    assert signed_in_as(saved) is None


def test_signing_out_one_browser_leaves_the_others_signed_in(app, client, door):
    phone = app.test_client()
    sign_in(client, door)
    sign_in(phone, door)
    post(client, "/logout", {}, page="/")
    assert not opens_protected_pages(client)
    assert opens_protected_pages(phone)


def test_the_cookie_names_a_login_session_not_the_account(app, client, door, db):
    sign_in(client, door)
    serializer = app.session_interface.get_signing_serializer(app)
    held = serializer.loads(client.get_cookie("session").value)["_user_id"]
    db.session.refresh(door)
    assert held not in (str(door.id), door.session_token, door.email)
    # Signing in again gives a new one; the first stays valid until signed out.
    first = copy_of_cookie(app, client)
    sign_in(client, door)
    assert serializer.loads(client.get_cookie("session").value)["_user_id"] != held
    assert opens_protected_pages(first)


def test_sign_out_everywhere_ends_every_session_this_one_too(app, client, door):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(client, door)
    sign_in(laptop, door)
    sign_in(phone, door)
    saved = copy_of_cookie(app, client)

    page = client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Sign out everywhere" in page
    response = post(client, "/account/sign-out-everywhere", {}, page="/account")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Du är utloggad överallt, även här." in client.get("/").get_data(as_text=True)
    for browser in (client, laptop, phone, saved):
        assert not opens_protected_pages(browser)
    # Signing in again works as before, and lands where the work is.
    assert sign_in(phone, door).headers["Location"] == "/manage/events/summit2027/"


def test_sign_out_everywhere_also_ends_unused_reset_links(client, db, door):
    post(client, "/password/forgot", {"email": door.email})
    link = last_link(db, door.email)
    sign_in(client, door)
    post(client, "/account/sign-out-everywhere", {}, page="/account")
    assert client.get(link).headers["Location"] == "/password/forgot"


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, door):
    phone = app.test_client()
    sign_in(client, door)
    sign_in(phone, door)
    saved = copy_of_cookie(app, client)
    response = post(
        client,
        "/account",
        {
            "name": "Entré",
            "locale": "sv",
            "current_password": PASSWORD,
            "password": "a new long password",
        },
    )
    assert response.status_code == 302
    assert opens_protected_pages(client)
    assert not opens_protected_pages(phone)
    assert not opens_protected_pages(saved)


def test_a_password_reset_ends_every_session(app, client, db, door):
    phone = app.test_client()
    sign_in(phone, door)
    post(client, "/password/forgot", {"email": door.email})
    link = last_link(db, door.email)
    post(client, link, {"password": "a new long password", "confirm": "a new long password"})
    assert opens_protected_pages(client)
    assert not opens_protected_pages(phone)


def test_a_session_ends_at_its_maximum_age(app, client, door, clock):
    start = clock.stop(utcnow())
    sign_in(client, door)
    max_age = timedelta(seconds=app.config["LOGIN_SESSION_MAX_AGE"])
    clock.stop(start + max_age - timedelta(minutes=1))
    assert opens_protected_pages(client)
    clock.stop(start + max_age + timedelta(seconds=1))
    assert not opens_protected_pages(client)


def test_a_removed_role_no_longer_opens_the_scanner(app, client, db, summit, make_user, grant):
    """The role is read from the database on every request: the door person's open
    scanner (page and API) is refused from the next request on, without signing out."""
    organizer = grant(make_user("arrangor@example.org"), summit, Role.ORGANIZER)
    door = grant(make_user("entre@example.org"), summit, Role.DOOR)
    sign_in(client, door)
    assert client.get(SCANNER).status_code == 200
    assert client.get(DOOR_API).status_code == 200

    boss = app.test_client()
    sign_in(boss, organizer)
    grant_id = db.session.scalar(
        db.select(EventRole.id).where(EventRole.user_id == door.id, EventRole.role == Role.DOOR)
    )
    response = boss.post(
        "/manage/events/summit2027/roles/revoke",
        data={"grant": grant_id, "csrf_token": csrf_token(boss, "/manage/events/summit2027/roles")},
    )
    assert response.status_code == 302

    assert client.get(SCANNER).status_code == 403
    assert client.get(DOOR_API).status_code == 403
    assert signed_in_as(client) == door.email  # still signed in, just not door staff
    home = client.get("/my/tickets").get_data(as_text=True)
    assert 'href="/manage/"' not in home
