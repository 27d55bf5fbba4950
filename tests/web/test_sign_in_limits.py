"""Password sign-in gives nothing away and cannot be used to lock the owner out.

Equal work: the answer for an unknown address, or an account without a password, costs
the same password hash as a wrong password for a real account. Counted here at the
seam where the work happens (hashlib, under werkzeug.security), not timed: the same
number of hash computations, with the same cost parameters, in every case.

Wrong passwords (only they) are counted per client address (LOGIN_RATE_LIMIT) and per
account over all addresses (LOGIN_ACCOUNT_RATE_LIMIT): a stranger filling the first
does not stop the owner at their own machine; past the second, the emailed link is
offered and works.
"""

import hashlib
import re
from collections import Counter

import pytest

from summit.models import Role
from summit.services import sign_in
from tests.conftest import PASSWORD, csrf_token
from tests.threads import in_threads
from tests.web.test_auth import last_link, signed_in_as

OWNER_ADDRESS = "192.0.2.10"
ATTACKER = "198.51.100.66"
OTHER = "198.51.100.77"


def attempt(client, email, password, address=OWNER_ADDRESS, next_path=""):
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token, "next": next_path},
        environ_base={"REMOTE_ADDR": address},
    )


@pytest.fixture
def hash_work(monkeypatch):
    """Every password hash computed, as (function, cost parameters)."""
    done = []
    pbkdf2, scrypt = hashlib.pbkdf2_hmac, hashlib.scrypt

    def counted_pbkdf2(name, password, salt, iterations, *args, **kwargs):
        done.append(("pbkdf2", name, iterations))
        return pbkdf2(name, password, salt, iterations, *args, **kwargs)

    def counted_scrypt(password, *, salt, n, r, p, **kwargs):
        done.append(("scrypt", n, r, p))
        return scrypt(password, salt=salt, n=n, r=r, p=p, **kwargs)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counted_pbkdf2)
    monkeypatch.setattr(hashlib, "scrypt", counted_scrypt)
    return done


@pytest.mark.parametrize("method", ["pbkdf2:sha256:1000", "scrypt:1024:8:1"])
def test_every_answer_costs_the_same_password_hash(app, client, make_user, hash_work, method):
    app.config["PASSWORD_HASH_METHOD"] = method
    try:
        make_user("arrangor@example.org")
        make_user("talare@example.org", password=None)
        cases = {
            "right password": ("arrangor@example.org", PASSWORD),
            "wrong password": ("arrangor@example.org", "not the password"),
            "no such account": ("nobody@example.org", PASSWORD),
            "account without a password": ("talare@example.org", PASSWORD),
        }
        work = {}
        for case, (email, password) in cases.items():
            token = csrf_token(client, "/login")
            hash_work.clear()
            response = client.post(
                "/login", data={"email": email, "password": password, "csrf_token": token}
            )
            assert response.status_code == (302 if case == "right password" else 422), case
            work[case] = list(hash_work)
            client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    finally:
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    assert len(work["right password"]) == 1
    assert all(done == work["right password"] for done in work.values()), work


def test_a_stranger_guessing_does_not_lock_the_owner_out(client, make_user):
    make_user("arrangor@example.org")
    for i in range(10):
        assert attempt(client, "arrangor@example.org", f"guess {i}", ATTACKER).status_code == 422
    # The stranger is stopped for this account, even with the right password...
    refused = attempt(client, "arrangor@example.org", PASSWORD, ATTACKER)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert signed_in_as(client) is None
    # ...while the owner, at their own address, signs in.
    assert attempt(client, "arrangor@example.org", PASSWORD, OWNER_ADDRESS).status_code == 302
    assert signed_in_as(client) == "arrangor@example.org"


def test_unknown_addresses_are_counted_and_answered_the_same(client, make_user):
    make_user("arrangor@example.org")
    pages = {}
    for email, address in (("arrangor@example.org", ATTACKER), ("nobody@example.org", OTHER)):
        statuses = [attempt(client, email, f"guess {i}", address).status_code for i in range(11)]
        assert statuses == [422] * 10 + [429], email
        pages[email] = attempt(client, email, "x", address).get_data(as_text=True)
    assert same_page(pages["arrangor@example.org"], pages["nobody@example.org"])
    # Many addresses taking turns: the same, at LOGIN_ACCOUNT_RATE_LIMIT (30 an hour).
    for email in ("arrangor@example.org", "nobody@example.org"):
        statuses = [
            attempt(client, email, f"guess {i}", f"203.0.113.{i + 1}").status_code
            for i in range(20)
        ]
        assert statuses == [422] * 20, email
        pages[email] = attempt(client, email, "x", OWNER_ADDRESS).get_data(as_text=True)
    assert "pausad" in pages["nobody@example.org"]
    assert same_page(pages["arrangor@example.org"], pages["nobody@example.org"])


def same_page(known: str, unknown: str) -> bool:
    """The same page, but for the address typed and the form's CSRF token."""

    def plain(page):
        page = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", page)
        for address in ("arrangor@example.org", "nobody@example.org"):
            page = page.replace(address, "ADDRESS")
        return page

    return plain(known) == plain(unknown)


def test_many_addresses_taking_turns_pause_passwords_and_the_link_still_works(
    client, db, make_event, make_user, grant
):
    """Past LOGIN_ACCOUNT_RATE_LIMIT (30 an hour), password sign-in for the account waits,
    for the owner too; the page says so and offers the emailed link, which works."""
    summit = make_event(slug="summit2027")
    grant(make_user("entre@example.org"), summit, Role.DOOR)
    for i in range(30):
        response = attempt(client, "entre@example.org", f"guess {i}", f"203.0.113.{i + 1}")
        assert response.status_code == 422, i

    refused = attempt(client, "entre@example.org", PASSWORD, OWNER_ADDRESS)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "inloggning med lösenord är pausad för kontot" in page.lower()
    assert 'action="/login/link"' in page and 'value="entre@example.org"' in page

    # The button on that page: the link arrives and signs in, at the scanner.
    link_form = {"email": "entre@example.org", "next": "", "csrf_token": csrf_token(client, "/")}
    response = client.post(
        "/login/link", data=link_form, environ_base={"REMOTE_ADDR": OWNER_ADDRESS}
    )
    assert response.status_code == 200
    link = last_link(db, "entre@example.org")
    response = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert response.headers["Location"] == "/events/summit2027/checkin/"
    assert signed_in_as(client) == "entre@example.org"


def test_the_pause_speaks_english_too(client, make_user):
    make_user("anna@example.org")
    for i in range(10):
        attempt(client, "anna@example.org", f"guess {i}", ATTACKER)
    token = csrf_token(client, "/login")
    page = client.post(
        "/login",
        data={"email": "anna@example.org", "password": PASSWORD, "csrf_token": token},
        headers={"Accept-Language": "en"},
        environ_base={"REMOTE_ADDR": ATTACKER},
    ).get_data(as_text=True)
    assert "Too many wrong passwords from here. You can try again in 1 minute." in page
    assert "Meanwhile you can sign in with a link we email to anna@example.org." in page


def test_guesses_sent_at_once_get_no_more_tries_than_guesses_one_by_one(app, make_user):
    """Thirty wrong passwords at the same moment from one address: each is counted before
    it is checked, so ten are tried and twenty wait, as one after another."""
    make_user("arrangor@example.org")

    def guess() -> str:
        try:
            sign_in.sign_in_with_password("arrangor@example.org", "gissning", ATTACKER)
        except sign_in.PasswordRefused as refused:
            return refused.reason
        return "signed in"

    assert Counter(in_threads(app, 30, guess)) == {"wrong": 10, "wait_here": 20}


def test_right_passwords_cost_nothing_even_many_in_a_row(app, make_user):
    """A conference's wifi is one address: its people signing in spend no budget."""
    users = [make_user(f"deltagare{n}@example.org") for n in range(15)]
    for user in users:
        assert sign_in.sign_in_with_password(user.email, PASSWORD, OWNER_ADDRESS) == user
    for n in range(10):  # the whole budget is still there for mistakes
        with pytest.raises(sign_in.PasswordRefused) as refused:
            sign_in.sign_in_with_password(users[0].email, f"fel {n}", OWNER_ADDRESS)
        assert refused.value.reason == "wrong"
    with pytest.raises(sign_in.PasswordRefused) as refused:
        sign_in.sign_in_with_password(users[1].email, "fel igen", OWNER_ADDRESS)
    assert refused.value.reason == "wait_here"
