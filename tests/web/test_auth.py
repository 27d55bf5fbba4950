"""Signing in: password, emailed one-time links, password reset, rate limits."""

import re
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from summit.models import OutboxMessage, User
from tests.conftest import PASSWORD, csrf_token


def last_link(db, to: str) -> str:
    """The path of the link in the newest message to `to`, as the person would click it."""
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == to)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no message to {to}"
    url = re.search(r"https?://\S+", message.body_text).group(0)
    assert url.startswith("http://summit.test/")
    return url.removeprefix("http://summit.test")


def post(client, path, data, page=None):
    data = dict(data, csrf_token=csrf_token(client, page or path))
    return client.post(path, data=data)


def signed_in_as(client) -> str | None:
    body = client.get("/account").get_data(as_text=True)
    match = re.search(r"Signed in as ([^<]+)\.|Inloggad som ([^<]+)\.", body)
    return (match.group(1) or match.group(2)) if match else None


def test_password_sign_in_and_out(client, make_user):
    user = make_user("omar@example.org")
    response = post(client, "/login", {"email": "OMAR@example.org ", "password": PASSWORD})
    # Without a role: their tickets (tests/web/test_landing.py has the roles).
    assert response.status_code == 302 and response.headers["Location"] == "/my/tickets"
    assert signed_in_as(client) == user.email
    response = post(client, "/logout", {}, page="/")
    assert response.status_code == 302
    assert signed_in_as(client) is None


@pytest.mark.parametrize(
    "data",
    [
        {"email": "omar@example.org", "password": "wrong password"},
        {"email": "someone@example.org", "password": PASSWORD},
        {"email": "not an address", "password": PASSWORD},
        {"email": "", "password": ""},
        {"email": "x" * 300 + "@example.org", "password": PASSWORD},
        {"email": "omar@example.org\x00", "password": PASSWORD},
    ],
)
def test_bad_sign_in_is_refused_with_a_message(client, make_user, data):
    make_user("omar@example.org")
    response = post(client, "/login", data)
    assert response.status_code == 422
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert signed_in_as(client) is None


def test_forms_without_csrf_token_are_refused(client, make_user):
    make_user("omar@example.org")
    response = client.post("/login", data={"email": "omar@example.org", "password": PASSWORD})
    assert response.status_code in (400, 422)
    assert signed_in_as(client) is None


def test_open_redirect_after_sign_in_is_ignored(client, make_user):
    make_user("omar@example.org")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        data = {"email": "omar@example.org", "password": PASSWORD, "next": target}
        response = post(client, "/login", data)
        assert response.headers["Location"] == "/my/tickets"
        post(client, "/logout", {}, page="/")
    data = {"email": "omar@example.org", "password": PASSWORD, "next": "/account"}
    assert post(client, "/login", data).headers["Location"] == "/account"


def test_login_is_rate_limited(client, make_user):
    make_user("omar@example.org")
    statuses = [
        post(client, "/login", {"email": "omar@example.org", "password": "nope"}).status_code
        for _ in range(12)
    ]
    assert statuses[:10] == [422] * 10
    assert statuses[10:] == [429, 429]


def test_magic_link_signs_in_once(client, db, make_user):
    user = make_user("fatima@example.org", password=None)
    response = post(client, "/login/link", {"email": "fatima@example.org"})
    assert response.status_code == 200
    link = last_link(db, "fatima@example.org")
    # Opening the link (as a mail scanner would) does not use it up.
    assert client.get(link).status_code == 200
    assert signed_in_as(client) is None
    response = post(client, link, {})
    assert response.status_code == 302
    assert signed_in_as(client) == user.email
    # A second use is refused.
    post(client, "/logout", {}, page="/")
    response = post(client, link, {})
    assert response.headers["Location"] == "/login/link"
    assert signed_in_as(client) is None


def test_magic_link_for_a_new_address_creates_the_account(client, db):
    post(client, "/login/link", {"email": "ny.talare@example.org"})
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    post(client, last_link(db, "ny.talare@example.org"), {})
    assert signed_in_as(client) == "ny.talare@example.org"


def test_magic_link_email_is_in_the_recipients_language(client, db, make_user):
    make_user("anna@example.org", locale="en")
    post(client, "/login/link", {"email": "anna@example.org"})
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.subject == "Your sign-in link"


def test_tampered_and_expired_magic_links_are_refused(app, client, db, make_user):
    make_user("fatima@example.org", password=None)
    post(client, "/login/link", {"email": "fatima@example.org"})
    link = last_link(db, "fatima@example.org")
    token = link.rsplit("/", 1)[1]
    # Tampered: one character changed in the signature, or a payload for another person.
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    forged = URLSafeTimedSerializer("wrong-key", salt="magic-link").dumps(
        {"e": "fatima@example.org", "s": "", "n": ""}
    )
    for bad in (tampered, forged, "garbage", "a" * 2000):
        response = post(client, f"/login/link/{bad}", {}, page=link)
        assert response.headers["Location"] == "/login/link"
        assert signed_in_as(client) is None
    # Expired: valid signature, older than the allowed age.
    app.config["MAGIC_LINK_MAX_AGE"] = -1
    try:
        response = post(client, link, {})
    finally:
        app.config["MAGIC_LINK_MAX_AGE"] = 30 * 60
    assert response.headers["Location"] == "/login/link"
    assert signed_in_as(client) is None


def test_unknown_address_gets_no_reset_mail_and_same_answer(client, db, make_user):
    make_user("omar@example.org")
    known = post(client, "/password/forgot", {"email": "omar@example.org"})
    unknown = post(client, "/password/forgot", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    recipients = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert recipients == ["omar@example.org"]


def test_password_reset_sets_password_once_and_signs_out_elsewhere(app, client, db, make_user):
    user = make_user("omar@example.org")
    other_device = app.test_client()
    post(other_device, "/login", {"email": "omar@example.org", "password": PASSWORD})
    assert signed_in_as(other_device) == user.email

    post(client, "/password/forgot", {"email": "omar@example.org"})
    link = last_link(db, "omar@example.org")
    bad = post(client, link, {"password": "short", "confirm": "short"})
    assert bad.status_code == 422
    mismatch = post(client, link, {"password": "a new long password", "confirm": "another one"})
    assert mismatch.status_code == 422
    response = post(
        client, link, {"password": "a new long password", "confirm": "a new long password"}
    )
    assert response.status_code == 302
    assert signed_in_as(client) == user.email
    # The old session on the other device is gone; the old password no longer works.
    assert signed_in_as(other_device) is None
    refused = post(other_device, "/login", {"email": "omar@example.org", "password": PASSWORD})
    assert refused.status_code == 422
    # The link worked once.
    assert client.get(link).headers["Location"] == "/password/forgot"


def test_account_page_changes_name_language_and_password(client, db, make_user, login):
    user = make_user("omar@example.org")
    login(user)
    response = post(
        client,
        "/account",
        {
            "name": "Omar H",
            "locale": "en",
            "current_password": PASSWORD,
            "password": "another good password",
        },
    )
    assert response.status_code == 302
    assert signed_in_as(client) == user.email  # still signed in after the change
    db.session.refresh(user)
    assert (user.name, user.locale) == ("Omar H", "en")
    assert user.check_password("another good password")
    garbage = post(client, "/account", {"name": "", "locale": "xx", "password": "short"})
    assert garbage.status_code == 422
    db.session.refresh(user)
    assert (user.name, user.locale) == ("Omar H", "en")


def test_magic_link_max_age_is_enforced_by_time(app, client, db, make_user):
    """A link older than MAGIC_LINK_MAX_AGE is refused (signature time checked)."""
    make_user("fatima@example.org", password=None)
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="magic-link")
    old = serializer.dumps({"e": "fatima@example.org", "s": "", "n": ""})
    app.config["MAGIC_LINK_MAX_AGE"] = int(timedelta(seconds=0).total_seconds()) - 1
    try:
        response = post(client, f"/login/link/{old}", {}, page="/login/link")
    finally:
        app.config["MAGIC_LINK_MAX_AGE"] = 30 * 60
    assert response.headers["Location"] == "/login/link"


def test_login_is_rate_limited_per_account_across_client_addresses(client, make_user):
    """Many machines taking turns at one account meet LOGIN_ACCOUNT_RATE_LIMIT (30 an
    hour); tests/web/test_sign_in_limits.py has what the owner can still do."""
    make_user("omar@example.org")
    statuses = []
    for i in range(31):
        token = csrf_token(client, "/login")
        response = client.post(
            "/login",
            data={"email": "omar@example.org", "password": "nope", "csrf_token": token},
            environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"},
        )
        statuses.append(response.status_code)
    assert statuses[:30] == [422] * 30
    assert statuses[30] == 429


@pytest.mark.parametrize("path", ["/login/link", "/password/forgot"])
@pytest.mark.parametrize(
    "email", ["", "not an address", "a@b", "<script>@example.org", "x" * 260 + "@example.org"]
)
def test_garbage_addresses_get_an_error_and_no_mail(client, db, path, email):
    response = post(client, path, {"email": email})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="email-error"' in body and "<script>@" not in body
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
