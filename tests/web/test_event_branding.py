"""Organizers give their event a logo and an accent colour on its settings form; the
logo is served at a random address and shown on the public event page."""

import io
import re

import pytest
from PIL import Image

from summit.models import Event, Role
from tests.conftest import csrf_token
from tests.images import image_bytes
from tests.web.test_manage_events import GOOD

PAGE = "/manage/events/summit2027/"


@pytest.fixture
def organizer(client, db, make_event, make_user, grant, login):
    event = make_event(slug="summit2027")
    login(grant(make_user("omar@example.org"), event, Role.ORGANIZER))
    return event


def send(client, data, logo=None, filename="logo.png"):
    form = dict(GOOD, slug="summit2027", kind="summit", format="on_site", stream_url="")
    form.update(data, csrf_token=csrf_token(client, PAGE))
    if logo is not None:
        form["logo_upload"] = (io.BytesIO(logo), filename)
    return client.post(PAGE, data=form, content_type="multipart/form-data")


def test_the_form_has_the_logo_and_colour_fields(client, organizer):
    page = client.get(PAGE).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert re.search(r'<label for="logo_upload">Logotyp \(valfri\)</label>', page)
    assert re.search(r'<label for="accent_color">Accentfärg</label>', page)
    assert 'type="color"' in page and 'value="#0b5a5a"' in page
    assert "webbadress, som summit2027 i /events/summit2027/." in page  # not "/events//"


def test_organizer_sets_a_logo_and_colour_seen_on_the_event_page(client, db, organizer):
    upload = image_bytes("JPEG", (1600, 800))
    response = send(client, {"accent_color": "#A3264F"}, upload, "logga.jpg")
    assert response.status_code == 302
    db.session.refresh(organizer)
    assert organizer.accent_color == "#a3264f"
    assert organizer.logo_token and len(organizer.logo_token) >= 20

    page = client.get("/events/summit2027/").get_data(as_text=True)
    src = re.search(r'<img src="([^"]+)" alt="Logotyp för Höstseminariet">', page)[1]
    assert src == f"/events/summit2027/logo/{organizer.logo_token}"
    assert 'fill="#a3264f"' in page

    logo = client.get(src)
    assert logo.status_code == 200
    assert logo.mimetype == "image/jpeg"
    assert "immutable" in logo.headers["Cache-Control"]
    assert logo.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(logo.data)) as image:
        assert image.size == (800, 400)  # re-encoded, at most 800 px each way
    # Another address, a guess, or the token under another event: nothing.
    assert client.get("/events/summit2027/logo/" + "A" * 22).status_code == 404
    assert client.get(f"/events/other/logo/{organizer.logo_token}").status_code == 404

    # The settings form shows it, and can take it away (its address dies with it).
    assert src in client.get(PAGE).get_data(as_text=True)
    assert send(client, {"accent_color": "#a3264f", "remove_logo": "y"}).status_code == 302
    db.session.refresh(organizer)
    assert organizer.logo_token is None and organizer.logo is None
    assert client.get(src).status_code == 404
    assert "<img" not in client.get("/events/summit2027/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "logo", "field", "message"),
    [
        ({}, b"%PDF-1.4 not an image", "logo_upload", "Logotypen måste vara en PNG-, JPEG-"),
        ({}, b'<svg xmlns="http://www.w3.org/2000/svg"/>', "logo_upload", "måste vara en PNG"),
        ({}, b"\x89PNG" + b"\x00" * (2 * 1024 * 1024 + 10), "logo_upload", "större än 2 MB"),
        ({"accent_color": "red"}, None, "accent_color", "sex hexadecimala siffror"),
        ({"accent_color": "#12345g"}, None, "accent_color", "sex hexadecimala siffror"),
        ({"accent_color": "#fff"}, image_bytes("PNG"), "accent_color", "sex hexadecimala"),
    ],
)
def test_a_bad_logo_or_colour_is_refused_with_its_label_and_nothing_is_stored(
    client, db, organizer, data, logo, field, message
):
    response = send(client, {"accent_color": "#a3264f", "name_sv": "Nytt namn", **data}, logo)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', body)
    assert error and message in error[1]
    label = "Logotyp (valfri)" if field == "logo_upload" else "Accentfärg"
    assert re.search(rf'<a href="#{field}">{re.escape(label)}: [^<]*{message}', body)
    db.session.expire_all()
    event = db.session.get(Event, organizer.id)
    assert event.name_sv == "Testevenemang"  # nothing of the form was saved
    assert event.accent_color == "#0b5a5a" and event.logo_token is None


def test_the_colour_error_is_english_for_english_visitors(client, db, organizer):
    client.post("/language", data={"en": "1", "next": "/", "csrf_token": csrf_token(client, "/")})
    response = send(client, {"accent_color": "teal"})
    assert response.status_code == 422
    assert "Accent colour: Enter a colour as # and six hex digits" in response.get_data(
        as_text=True
    )
