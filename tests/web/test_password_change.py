"""Changing the password on /account takes the current one. An account without a
password (speakers, attendees: emailed links) may choose one only shortly after
signing in by emailed link; later it asks for a new link first."""

from datetime import timedelta

import pytest

from summit.models import User, utcnow
from summit.services.sign_in import SET_PASSWORD_AFTER_LINK
from tests.conftest import PASSWORD
from tests.web.test_auth import last_link, post, signed_in_as

NEW = "a new long password"


def change(client, **fields):
    data = {"name": "Omar Haddad", "locale": "sv", **fields}
    return post(client, "/account", data)


def password_works(db, email, password) -> bool:
    user = db.session.scalar(db.select(User).where(User.email == email))
    db.session.refresh(user)
    return user.check_password(password)


@pytest.fixture
def omar(make_user):
    return make_user("omar@example.org")


def test_without_the_current_password_nothing_changes(client, db, omar, login):
    login(omar)
    response = change(client, password=NEW)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Ange ditt nuvarande lösenord för att byta det." in body
    assert password_works(db, omar.email, PASSWORD)


def test_a_wrong_current_password_changes_nothing(client, db, omar, login):
    login(omar)
    response = change(client, current_password="not my password", password=NEW, name="Mallory")
    assert response.status_code == 422
    assert "Det nuvarande lösenordet är fel." in response.get_data(as_text=True)
    assert password_works(db, omar.email, PASSWORD)
    db.session.refresh(omar)
    assert omar.name == "Test Person"  # the whole form is refused


def test_the_right_current_password_changes_it(client, db, omar, login):
    login(omar)
    response = change(client, current_password=PASSWORD, password=NEW)
    assert response.status_code == 302
    assert password_works(db, omar.email, NEW)
    assert signed_in_as(client) == omar.email


def test_name_and_language_change_without_any_password(client, db, omar, login):
    login(omar)
    assert change(client, name="Omar H", locale="en").status_code == 302
    db.session.refresh(omar)
    assert (omar.name, omar.locale) == ("Omar H", "en")


def test_guessing_the_current_password_is_stopped_like_sign_in(client, db, omar, login):
    """A stolen session cannot try passwords on /account without limit: wrong current
    passwords count as wrong sign-ins for the account from this address."""
    login(omar)
    statuses = [
        change(client, current_password=f"guess {i}", password=NEW).status_code for i in range(11)
    ]
    assert statuses == [422] * 11
    page = change(client, current_password=PASSWORD, password=NEW).get_data(as_text=True)
    assert "För många fel lösenord. Försök igen om" in page
    assert password_works(db, omar.email, PASSWORD)


def sign_in_by_link(client, db, email):
    post(client, "/login/link", {"email": email})
    post(client, last_link(db, email), {})
    assert signed_in_as(client) == email


def test_a_link_only_account_chooses_a_password_right_after_a_link(client, db, make_user):
    make_user("fatima@example.org", password=None)
    sign_in_by_link(client, db, "fatima@example.org")
    page = client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'name="current_password"' not in page
    assert "you can choose a password here" in page
    response = change(client, password=NEW)
    assert response.status_code == 302
    assert password_works(db, "fatima@example.org", NEW)
    # From now on, the current password is asked for.
    page = client.get("/account").get_data(as_text=True)
    assert 'name="current_password"' in page


def test_a_link_only_account_needs_a_fresh_link_later(client, db, make_user, clock):
    make_user("fatima@example.org", password=None)
    start = clock.stop(utcnow())
    sign_in_by_link(client, db, "fatima@example.org")
    clock.stop(start + SET_PASSWORD_AFTER_LINK + timedelta(seconds=1))

    page = client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'name="password"' not in page
    assert "To choose a password as well, sign in with a new link" in page
    # A password sent anyway (a stolen session, a page open too long) is not set.
    change(client, password=NEW)
    user = db.session.scalar(db.select(User).where(User.email == "fatima@example.org"))
    db.session.refresh(user)
    assert not user.has_password

    # The button on the page mails a link that leads back here, with time to choose.
    response = post(client, "/login/link", {"email": "fatima@example.org", "next": "/account"})
    assert response.status_code == 200
    response = post(client, last_link(db, "fatima@example.org"), {})
    assert response.headers["Location"] == "/account"
    assert change(client, password=NEW).status_code == 302
    assert password_works(db, "fatima@example.org", NEW)


def test_a_password_account_signed_in_by_link_still_gives_the_current_one(client, db, omar):
    sign_in_by_link(client, db, omar.email)
    assert change(client, password=NEW).status_code == 422
    assert password_works(db, omar.email, PASSWORD)
