"""The personal agenda: stored for signed-in people, kept in the browser for others,
and a signed-in person's calendar feed."""

import re

import pytest
from icalendar import Calendar

from summit.models import AgendaItem
from summit.services.program import agenda as agendas
from tests.conftest import sign_in, static_url
from tests.published_world import published_summit
from tests.schedule_world import at, session

ITEMS = "/events/summit27/program/agenda/items"


@pytest.fixture
def world(make_event, make_user):
    event = make_event(slug="summit27")
    return {"event": event, **published_summit(event, make_user)}


@pytest.fixture
def attendee(client, world, make_user):
    user = make_user("deltagare@example.org", name="Deltagare")
    sign_in(client, user)
    response = client.get(ITEMS)
    return {"user": user, "csrf": response.get_json()["csrf_token"]}


def post(client, attendee, body, csrf=True):
    headers = {"X-CSRFToken": attendee["csrf"]} if csrf else {}
    return client.post(ITEMS, json=body, headers=headers)


def stored(db, user):
    return db.session.query(AgendaItem).filter_by(user_id=user.id).count()


def test_anonymous_get_says_not_signed_in_and_post_is_refused(client, world):
    response = client.get(ITEMS)
    assert response.status_code == 200
    assert response.get_json() == {"signed_in": False, "tokens": []}
    token = world["sessions"]["keynote"].token
    response = client.post(ITEMS, json={"token": token, "add": True})
    assert response.status_code == 401 and response.is_json
    assert response.get_json()["error"] == "unauthorized"


def test_add_remove_and_list(client, db, world, attendee):
    keynote, workshop = world["sessions"]["keynote"], world["sessions"]["workshop"]
    response = post(client, attendee, {"token": workshop.token, "add": True})
    assert response.status_code == 200
    assert response.get_json()["tokens"] == [workshop.token]
    post(client, attendee, {"token": keynote.token, "add": True})
    again = post(client, attendee, {"token": keynote.token, "add": True})  # twice = once
    # In program order: the keynote opens the first day.
    assert again.get_json()["tokens"] == [keynote.token, workshop.token]
    assert stored(db, attendee["user"]) == 2
    assert client.get(ITEMS).get_json()["tokens"] == [keynote.token, workshop.token]
    response = post(client, attendee, {"token": workshop.token, "add": False})
    assert response.get_json()["tokens"] == [keynote.token]
    assert stored(db, attendee["user"]) == 1
    assert client.get(ITEMS).headers["Cache-Control"] == "private, no-store"


def test_unknown_or_unpublished_token_is_refused(client, db, world, attendee):
    response = post(client, attendee, {"token": "no-such-session", "add": True})
    assert response.status_code == 422
    assert response.get_json()["error"] == "not_published"
    assert response.get_json()["message"]
    draft = session(world["event"], "Inte publicerad", [], world["rooms"][1], at(14, 0), 30)
    response = post(client, attendee, {"token": draft.token, "add": True})
    assert response.status_code == 422
    assert stored(db, attendee["user"]) == 0


@pytest.mark.parametrize(
    "body",
    [None, [], {"add": True}, {"token": "x", "add": "yes"}, {"merge": "abc"}, {"merge": [1, 2]}],
)
def test_garbage_bodies_get_a_clear_error_and_change_nothing(client, db, world, attendee, body):
    response = post(client, attendee, body)
    assert response.status_code in (400, 422)
    assert response.get_json()["message"]
    assert stored(db, attendee["user"]) == 0


def test_post_without_csrf_token_is_refused(client, db, world, attendee):
    token = world["sessions"]["keynote"].token
    response = post(client, attendee, {"token": token, "add": True}, csrf=False)
    assert response.status_code == 400 and response.get_json()["error"] == "csrf"
    response = client.post(
        ITEMS, json={"token": token, "add": True}, headers={"X-CSRFToken": "forged"}
    )
    assert response.status_code == 400
    assert stored(db, attendee["user"]) == 0


def test_merge_a_browser_agenda_on_sign_in(client, db, world, attendee):
    s = world["sessions"]
    post(client, attendee, {"token": s["keynote"].token, "add": True})
    kept = [s["closing"].token, s["keynote"].token, "gone-from-program", s["closing"].token]
    response = post(client, attendee, {"merge": kept})
    assert response.status_code == 200
    assert response.get_json()["tokens"] == [s["keynote"].token, s["closing"].token]
    assert response.get_json()["ignored"] == ["gone-from-program"]
    assert stored(db, attendee["user"]) == 2
    response = post(client, attendee, {"merge": ["x"] * 501})
    assert response.status_code == 422
    assert stored(db, attendee["user"]) == 2


def test_agenda_page_for_a_signed_in_person(client, world, attendee):
    s = world["sessions"]
    post(client, attendee, {"token": s["workshop"].token, "add": True})
    response = client.get("/events/summit27/program/agenda")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Verkstad: tjänstedesign" in html
    assert "Avslutning" not in html  # not chosen, and not listed hidden either
    assert re.search(r"/events/summit27/program/agenda/[^\"]+\.ics", html)
    assert response.headers["Cache-Control"].startswith("private")
    etag = response.headers["ETag"]
    assert (
        client.get("/events/summit27/program/agenda", headers={"If-None-Match": etag}).status_code
        == 304
    )
    # Changing the agenda changes the page, though the release is the same.
    post(client, attendee, {"token": s["closing"].token, "add": True})
    response = client.get("/events/summit27/program/agenda", headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Avslutning" in response.get_data(as_text=True)


def test_agenda_page_for_others_is_filled_by_the_browser(client, world):
    response = client.get("/events/summit27/program/agenda")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="agenda-browser"' in html and "<noscript>" in html
    assert static_url("js/agenda.js") in html
    token = world["sessions"]["closing"].token
    assert re.search(rf'<li class="agenda-item" hidden data-token="{token}">', html)
    assert response.headers["ETag"]


def test_toggle_partial_is_the_same_for_everyone(app, world):
    from flask import render_template_string

    from summit.services.program.published import published_program

    program = published_program(world["event"])
    s = program.sessions[0]
    with app.test_request_context("/"):
        html = render_template_string(
            '{% include "program/_agenda_toggle.html" %}', session=s, event=world["event"]
        )
    assert 'aria-pressed="false"' in html
    assert f'data-token="{s.token}"' in html
    assert "/events/summit27/program/agenda/items" in html


def test_calendar_feed_by_signed_token(client, app, world, attendee):
    s = world["sessions"]
    post(client, attendee, {"token": s["closing"].token, "add": True})
    token = agendas.feed_token(attendee["user"], world["event"])
    anonymous = app.test_client()  # a calendar app has no cookies
    response = anonymous.get(f"/events/summit27/program/agenda/{token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Avslutning"]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert anonymous.get(f"/events/summit27/program/agenda/{tampered}.ics").status_code == 404
    assert anonymous.get("/events/summit27/program/agenda/garbage.ics").status_code == 404


def test_feed_token_is_per_event_and_dies_with_a_password_change(
    client, db, make_event, world, attendee
):
    other = make_event(slug="annat")
    token = agendas.feed_token(attendee["user"], world["event"])
    assert client.get(f"/events/annat/program/agenda/{token}.ics").status_code == 404
    assert agendas.feed_user(token, other) is None
    attendee["user"].set_password("a brand new password")
    db.session.commit()
    assert agendas.feed_user(token, world["event"]) is None
