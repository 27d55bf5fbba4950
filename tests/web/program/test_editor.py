"""The schedule editor over HTTP: its JSON API for the drag and drop, the form path for
keyboard users, the conflicts page; organizers only, CSRF required."""

import re

import pytest

from summit.models import ProgramSession, Role
from tests.conftest import csrf_token, sign_in
from tests.schedule_world import at, program, session


@pytest.fixture
def world(make_event, make_user, grant, login):
    event = make_event(slug="summit")
    rooms = program(event)
    organizer = grant(make_user("org@example.org", name="Org"), event, Role.ORGANIZER)
    speaker = make_user("ada@example.org", name="Ada Lind")
    talk = session(event, "Öppen data i kommunen", [speaker], duration=30)
    login(organizer)
    return {"event": event, "rooms": rooms, "talk": talk, "speaker": speaker}


EDITOR = "/manage/events/summit/program/schedule/2027-05-18"
PLACE = "/manage/events/summit/program/schedule/place"


def token_of(client):
    html = client.get(EDITOR).get_data(as_text=True)
    return re.search(r'data-csrf="([^"]+)"', html).group(1)


def post_json(client, payload, csrf=None, **kwargs):
    headers = {"X-CSRFToken": csrf if csrf is not None else token_of(client)}
    return client.post(PLACE, json=payload, headers=headers, **kwargs)


def fresh(db, talk):
    db.session.expire_all()
    return db.session.get(ProgramSession, talk.id)


def test_the_editor_shows_the_grid_and_the_waiting_list(client, world):
    placed = session(world["event"], "Keynote", room=world["rooms"][1], start=at(9), duration=45)
    response = client.get("/manage/events/summit/program/schedule/")
    assert response.status_code == 302 and response.location.endswith(EDITOR)
    html = client.get(EDITOR).get_data(as_text=True)
    assert "Stora salen" in html and "Lilla salen" in html
    assert f'data-token="{world["talk"].token}"' in html  # a waiting card
    assert f'data-token="{placed.token}"' in html and "09:00–09:45" in html
    assert 'data-row="0"' in html and 'data-span="9"' in html
    assert "style=" not in html  # the CSP forbids inline styles
    assert client.get("/manage/events/summit/program/schedule/2027-06-01").status_code == 404
    assert client.get("/manage/events/summit/program/schedule/garbage").status_code == 404


def test_place_by_json_then_a_clash_appears_in_the_answer(client, world, db):
    other = session(world["event"], "Panel", [world["speaker"]], duration=30)
    response = post_json(
        client,
        {
            "token": world["talk"].token,
            "room": world["rooms"][0].id,
            "start": "2027-05-18T10:00",
            "duration": 45,
            "version": 1,
        },
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["ok"] is True
    assert response.get_json()["version"] == 2 and response.get_json()["conflicts"] == []
    talk = fresh(db, world["talk"])
    assert (talk.starts_at, talk.duration_minutes, talk.room_id) == (
        at(10),
        45,
        world["rooms"][0].id,
    )

    answer = post_json(
        client,
        {
            "token": other.token,
            "room": world["rooms"][1].id,
            "start": "2027-05-18T08:15:00.000Z",  # 10:15 in Stockholm, UTC from the browser
            "duration": 30,
            "version": 1,
        },
    ).get_json()
    assert answer["ok"] is True
    assert [c["kind"] for c in answer["conflicts"]] == ["speaker_clash"]
    assert "Ada Lind" in answer["conflicts"][0]["message"]
    html = client.get(EDITOR).get_data(as_text=True)
    assert "has-conflict" in html and "⚠" in html

    # Moved away: the warning is gone.
    answer = post_json(
        client,
        {
            "token": other.token,
            "room": world["rooms"][1].id,
            "start": "2027-05-18T11:00",
            "duration": 30,
            "version": 2,
        },
    ).get_json()
    assert answer["ok"] is True and answer["conflicts"] == []
    assert "has-conflict" not in client.get(EDITOR).get_data(as_text=True)


def test_unschedule_by_json(client, world, db):
    talk = world["talk"]
    post_json(
        client,
        {
            "token": talk.token,
            "room": world["rooms"][0].id,
            "start": "2027-05-18T10:00",
            "duration": 30,
            "version": 1,
        },
    )
    answer = post_json(
        client, {"token": talk.token, "action": "unschedule", "version": 2}
    ).get_json()
    assert answer["ok"] is True and answer["start"] is None
    assert fresh(db, talk).starts_at is None


@pytest.mark.parametrize(
    "change, status, error",
    [
        ({"room": "other-event"}, 422, "unknown_room"),
        ({"start": "2027-05-18T18:00"}, 422, "outside_days"),
        ({"start": "not a time"}, 422, "invalid_time"),
        ({"start": "2027-05-18T10:03"}, 422, "not_on_grid"),
        ({"duration": -30}, 422, "range"),
        ({"duration": "lots"}, 422, "range"),
        ({"room": None}, 422, "unknown_room"),
        ({"version": 7}, 409, "stale"),
        ({"token": "no-such-session"}, 404, "not_found"),
    ],
)
def test_bad_moves_are_refused_with_a_message(client, world, db, make_event, change, status, error):
    payload = {
        "token": world["talk"].token,
        "room": world["rooms"][0].id,
        "start": "2027-05-18T10:00",
        "duration": 30,
        "version": 1,
    }
    if change.get("room") == "other-event":
        change = {"room": program(make_event())[0].id}
    payload.update(change)
    response = post_json(client, payload)
    assert response.status_code == status
    answer = response.get_json()
    assert answer["ok"] is False and answer["error"] == error
    assert answer["message"] and answer["message"] != error  # words, not a code
    talk = fresh(db, world["talk"])
    assert (talk.starts_at, talk.room_id, talk.version) == (None, None, 1)


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"', b""])
def test_garbage_is_answered_400_with_a_clear_message(client, world, body):
    response = client.post(
        PLACE,
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": token_of(client), "Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert response.get_json()["ok"] is False
    assert "Reload the page" in response.get_json()["message"]


def test_the_json_api_needs_the_csrf_token(client, world, db):
    payload = {
        "token": world["talk"].token,
        "room": world["rooms"][0].id,
        "start": "2027-05-18T10:00",
        "duration": 30,
        "version": 1,
    }
    assert client.post(PLACE, json=payload).status_code == 400
    assert post_json(client, payload, csrf="forged").status_code == 400
    assert fresh(db, world["talk"]).starts_at is None


def test_only_organizers(app, world, make_user, grant, db):
    reviewer = grant(make_user("rev@example.org"), world["event"], Role.REVIEWER)
    other = app.test_client()
    sign_in(other, reviewer)
    assert other.get(EDITOR).status_code == 403
    payload = {
        "token": world["talk"].token,
        "room": world["rooms"][0].id,
        "start": "2027-05-18T10:00",
        "duration": 30,
        "version": 1,
    }
    csrf = csrf_token(other, "/login")
    assert other.post(PLACE, json=payload, headers={"X-CSRFToken": csrf}).status_code == 403
    assert other.get(form_url(world["talk"])).status_code == 403
    assert other.get("/manage/events/summit/program/conflicts").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get(EDITOR).status_code == 302
    assert fresh(db, world["talk"]).starts_at is None


def form_url(talk):
    return f"/manage/events/summit/program/schedule/sessions/{talk.token}"


def submit_place(client, talk, **fields):
    url = form_url(talk)
    data = {
        "csrf_token": csrf_token(client, url),
        "room": "",
        "day": "2027-05-18",
        "start": "10:00",
        "duration": "30",
        "version": "1",
        "save": "1",
    }
    data.update(fields)
    return client.post(url, data=data, follow_redirects=False)


def test_the_form_places_and_shows_the_conflicts(client, world, db):
    talk, rooms = world["talk"], world["rooms"]
    session(world["event"], "Already there", room=rooms[0], start=at(10, day=1), duration=60)
    page = client.get(form_url(talk)).get_data(as_text=True)
    assert '<label for="room">' in page and '<label for="start">' in page
    response = submit_place(client, talk, room=str(rooms[0].id), day="2027-05-19", start="10:30")
    assert response.status_code == 302
    placed = fresh(db, talk)
    assert (placed.starts_at, placed.room_id, placed.version) == (at(10, 30, day=1), rooms[0].id, 2)
    page = client.get(form_url(talk)).get_data(as_text=True)
    assert "Already there" in page and "⚠" in page  # the room overlap, after saving

    remove = client.post(
        form_url(talk),
        data={"csrf_token": csrf_token(client, form_url(talk)), "version": "2", "remove": "1"},
    )
    assert remove.status_code == 302
    assert fresh(db, talk).starts_at is None


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"duration": "-5"}, "600"),
        ({"duration": "abc"}, "heltal"),
        ({"start": "25:99"}, ""),
        ({"start": "18:00"}, "programmets dagar"),
        ({"start": "10:07"}, "5 minuter"),
        ({"day": "2030-01-01"}, ""),
    ],
)
def test_the_form_refuses_bad_input(client, world, db, fields, message):
    fields.setdefault("room", str(world["rooms"][0].id))
    response = submit_place(client, world["talk"], **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert fresh(db, world["talk"]).starts_at is None


def test_the_form_refuses_a_stale_edit(client, world, db):
    talk, rooms = world["talk"], world["rooms"]
    submit_place(client, talk, room=str(rooms[0].id))  # version 1 → 2
    response = submit_place(client, talk, room=str(rooms[1].id), start="14:00")  # still says 1
    assert response.status_code == 409
    assert "Någon annan ändrade passet" in response.get_data(as_text=True)
    assert fresh(db, talk).room_id == rooms[0].id


def test_the_form_needs_the_csrf_token(client, world, db):
    response = client.post(
        form_url(world["talk"]),
        data={
            "room": str(world["rooms"][0].id),
            "day": "2027-05-18",
            "start": "10:00",
            "duration": "30",
            "version": "1",
            "save": "1",
        },
    )
    assert response.status_code in (400, 422)
    assert fresh(db, world["talk"]).starts_at is None


def test_the_conflicts_page_lists_every_kind_with_links(client, world):
    rooms = world["rooms"]
    a = session(world["event"], "Först", room=rooms[0], start=at(10), duration=60)
    b = session(world["event"], "Sedan", room=rooms[0], start=at(10, 30), duration=30)
    late = session(world["event"], "Sent", room=rooms[1], start=at(16, 45), duration=30)
    html = client.get("/manage/events/summit/program/conflicts").get_data(as_text=True)
    for s in (a, b, late):
        assert form_url(s) in html
    assert "3" in html or "2" in html
    assert "Först" in html and "Sent" in html


def test_the_editor_reads_a_big_program_in_a_few_queries(client, world, make_user, db):
    from sqlalchemy import event as sa_event

    speakers = [make_user(f"s{i}@example.org", name=f"Talare {i}") for i in range(20)]
    for i in range(60):
        placed = {"room": world["rooms"][i % 2], "start": at(9 + i % 8, 5 * (i % 12))}
        session(world["event"], f"Placerat {i}", [speakers[i % 20]], duration=20, **placed)
        session(world["event"], f"Väntar {i}", [speakers[(i + 1) % 20]], duration=30)
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        html = client.get(EDITOR).get_data(as_text=True)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)
    assert "Placerat 59" in html and "Väntar 59" in html and "Talare 19" in html
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 30, len(selects)  # not one per session or speaker
