"""Security headers, the language switch, and error pages."""

import re

from tests.conftest import csrf_token


def test_security_headers_on_every_page(client, make_event):
    make_event(slug="summit2027")
    for path in ("/", "/events/summit2027/", "/login", "/finns-inte"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_only_over_tls(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://summit.test")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]


def test_pages_have_no_inline_script(client, make_event):
    make_event(slug="summit2027")
    for path in ("/", "/events/summit2027/", "/login", "/login/link", "/password/forgot"):
        body = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), path
        assert " onclick=" not in body and ' style="' not in body, path


def test_language_switch_is_remembered_and_sets_html_lang(client, make_event):
    make_event(slug="summit2027", name_sv="Sommarmötet", name_en="The summer meeting")
    page = client.get("/events/summit2027/").get_data(as_text=True)
    assert '<html lang="sv">' in page and "Sommarmötet" in page
    token = csrf_token(client, "/events/summit2027/")
    response = client.post(
        "/language", data={"csrf_token": token, "en": "English", "next": "/events/summit2027/"}
    )
    assert response.headers["Location"] == "/events/summit2027/"
    page = client.get("/events/summit2027/").get_data(as_text=True)
    assert '<html lang="en">' in page and "The summer meeting" in page
    # Still English on the next page, even with a Swedish browser.
    page = client.get("/", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_language_switch_rejects_garbage_and_foreign_redirects(client):
    token = csrf_token(client, "/")
    response = client.post(
        "/language", data={"csrf_token": token, "en": "English", "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/"
    assert client.post("/language", data={"en": "English"}).status_code == 400  # no CSRF token


def test_signed_in_language_choice_is_saved_on_the_account(client, db, make_user, login):
    user = make_user("omar@example.org")
    login(user)
    token = csrf_token(client, "/")
    client.post("/language", data={"csrf_token": token, "en": "English", "next": "/"})
    db.session.refresh(user)
    assert user.locale == "en"


def test_error_pages_are_translated_pages(client):
    response = client.get("/finns-inte", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "The page was not found" in response.get_data(as_text=True)
    response = client.get("/finns-inte")
    assert "Sidan" in response.get_data(as_text=True)
