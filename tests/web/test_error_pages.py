"""Error pages as visitors meet them: in the site's layout, in their language (Swedish
first, English complete), with a way on; the JSON API answers JSON instead."""

import html
import re

import pytest
from flask import Blueprint

from summit import create_app
from summit.models import Role
from tests.conftest import csrf_token, sign_in, static_url

SV = {"Accept-Language": "sv"}
EN = {"Accept-Language": "en"}


def text_of(response) -> str:
    page = response.get_data(as_text=True)
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def assert_site_page(response, lang: str):
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert f'<html lang="{lang}">' in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert static_url("css/summit.css") in page
    assert 'class="site-header"' in page and "<main" in page
    assert 'href="/"' in page  # home, from the header and the page itself
    assert "Werkzeug" not in page and "Request Entity Too Large" not in page
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert heading, page[:500]
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert html.unescape(heading.group(1)).strip() in html.unescape(title)


# What each error says, in Swedish and in English.
EXPECTED = {
    400: (
        "Begäran kunde inte tolkas",
        "The request could not be understood",
    ),
    403: ("Du har inte behörighet till den här sidan", "You do not have access to this page"),
    404: ("Sidan hittades inte", "The page was not found"),
    405: ("Sidan kan inte användas så", "This page cannot be used that way"),
    410: ("Det här finns inte längre", "This is no longer here"),
    413: ("Filen är för stor", "The file is too large"),
    429: ("För många försök", "Too many attempts"),
    500: ("Något gick fel", "Something went wrong"),
    "csrf": ("Formuläret har gått ut", "The form has expired"),
}
HELP = {
    413: ("Du kan skicka högst 16 MB åt gången", "You can send at most 16 MB at a time"),
    "csrf": ("försök igen", "try again"),
    429: ("Vänta en minut och försök igen", "Please wait a minute and try again"),
}


@pytest.fixture
def site(db, make_user, make_event, grant):
    event = make_event(slug="summit27")
    organizer = grant(make_user("org@example.org", "Olle"), event, Role.ORGANIZER)
    outsider = make_user("nobody@example.org", "Nora")
    return {"event": event, "organizer": organizer, "outsider": outsider}


def trigger(code, client, site, headers, app):
    """Make the error happen the way a visitor does."""
    if code == 400:  # a form naming a role grant that does not exist
        sign_in(client, site["organizer"])
        page = "/manage/events/summit27/roles"
        token = csrf_token(client, page)
        return client.post(
            f"{page}/revoke", data={"csrf_token": token, "grant": "x"}, headers=headers
        )
    if code == 403:
        sign_in(client, site["outsider"])
        return client.get("/manage/events/summit27/", headers=headers)
    if code == 404:
        return client.get("/finns-inte", headers=headers)
    if code == 405:
        return client.get("/language", headers=headers)
    if code == 410:  # an attachment whose ticket is gone
        from summit.extensions import db
        from summit.models import OutboxAttachment, OutboxMessage

        admin = site["organizer"]
        admin.is_site_admin = True
        message = OutboxMessage(to_address="a@example.org", subject="Biljett", body_text="Hej")
        message.attachments.append(
            OutboxAttachment(
                filename="biljett.pdf", content_type="application/pdf", document="ticket:999999"
            )
        )
        db.session.add(message)
        db.session.commit()
        sign_in(client, admin)
        attachment = message.attachments[0]
        return client.get(
            f"/manage/outbox/{message.id}/attachments/{attachment.id}", headers=headers
        )
    if code == 413:
        token = csrf_token(client, "/login")
        big = "x" * (16 * 1024 * 1024 + 1)
        return client.post(
            "/login",
            data={"csrf_token": token, "email": "a@example.org", "password": big},
            headers=headers,
        )
    if code == 429:  # a reset link asked for over and over (sign-in has its own page)
        data = {"csrf_token": csrf_token(client, "/password/forgot"), "email": "a@example.org"}
        for _ in range(10):
            assert client.post("/password/forgot", data=data).status_code != 429
        return client.post("/password/forgot", data=data, headers=headers)
    if code == "csrf":  # the form was opened, then the session it belonged to ended
        csrf_token(client, "/login")
        return client.post(
            "/login",
            data={"csrf_token": "an-old-token", "email": "a@example.org", "password": "x"},
            headers=dict(headers, Referer="http://localhost/login"),
        )
    raise AssertionError(code)


CODES = [400, 403, 404, 405, 410, 413, 429, "csrf"]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("code", CODES, ids=str)
def test_error_page_in_the_site_layout_and_language(app, client, site, code, lang):
    headers = SV if lang == "sv" else EN
    response = trigger(code, client, site, headers, app)
    assert response.status_code == (400 if code == "csrf" else code)
    assert_site_page(response, lang)
    text = text_of(response)
    title = EXPECTED[code][0 if lang == "sv" else 1]
    assert f"<h1>{title}</h1>" in response.get_data(as_text=True)
    if code in HELP:
        assert HELP[code][0 if lang == "sv" else 1] in text
    # Never the other language's words.
    other = EXPECTED[code][1 if lang == "sv" else 0]
    assert other not in text
    assert ("Gå till startsidan" if lang == "sv" else "Go to the start page") in text
    if code == "csrf":  # back to the form, which opens with a fresh one
        again = "Öppna formuläret igen" if lang == "sv" else "Open the form again"
        assert f'<a class="button" href="/login">{again}</a>' in response.get_data(as_text=True)


def test_method_not_allowed_still_says_which_methods(client):
    response = client.get("/language")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


@pytest.fixture(scope="module")
def crashing_app(tmp_path_factory):
    """An app with a page that fails, exceptions handled as in production."""
    app = create_app(
        {
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path_factory.mktemp('crash') / 'c.db'}",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    broken = Blueprint("broken", __name__)

    @broken.get("/broken")
    def fails():
        raise RuntimeError("a bug")

    app.register_blueprint(broken)
    return app


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_crash_is_a_500_page_in_the_layout(crashing_app, lang):
    response = crashing_app.test_client().get("/broken", headers=SV if lang == "sv" else EN)
    assert response.status_code == 500
    assert_site_page(response, lang)
    title = EXPECTED[500][0 if lang == "sv" else 1]
    assert f"<h1>{title}</h1>" in response.get_data(as_text=True)
    assert "a bug" not in response.get_data(as_text=True)


# The JSON API keeps answering JSON ---------------------------------------------------------


def test_api_errors_are_json(client, site):
    unknown = client.get("/api/v1/events/summit27/nothing-here", headers=EN)
    assert unknown.status_code == 404
    assert unknown.is_json and unknown.get_json()["status"] == "error"

    not_allowed = client.get("/api/v1/events/summit27/checkin", headers=EN)
    assert not_allowed.status_code == 405
    assert not_allowed.is_json and not_allowed.get_json()["status"] == "error"

    no_token = client.post("/api/v1/events/summit27/checkin", json={"secret": "x"})
    assert no_token.status_code in (401, 403)
    assert no_token.is_json

    big = client.post(
        "/api/v1/events/summit27/checkin",
        data=b"x" * (16 * 1024 * 1024 + 1),
        headers={"Content-Type": "application/json", "Authorization": "Bearer nope"},
    )
    assert big.status_code in (401, 413)
    assert big.is_json
