"""Organizers publish the program: conflicts and a dry run of the changes first,
confirmation required with conflicts, organizers only, CSRF on the form."""

import re

import pytest
from sqlalchemy import func, select

from summit.models import OutboxMessage, ProgramRelease, Role
from summit.services.program import releases
from tests.conftest import csrf_token, sign_in
from tests.schedule_world import at, program, session

BASE = "/manage/events/summit27/program/releases"


@pytest.fixture
def event(make_event):
    return make_event(slug="summit27")


@pytest.fixture
def rooms(event):
    return program(event)


@pytest.fixture
def speaker(make_user):
    return make_user("ada@example.org", name="Ada Lind")


@pytest.fixture
def talk(event, rooms, speaker):
    return session(event, "Samskapande", [speaker], rooms[0], at(9), 30)


@pytest.fixture
def organizer(client, make_user, grant, event):
    person = grant(make_user("org@example.org", name="Olga Org"), event, Role.ORGANIZER)
    sign_in(client, person)
    return person


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def mails_to(db, address):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == address)
    ).all()


def post_publish(client, data):
    token = csrf_token(client, BASE + "/publish")
    return client.post(BASE + "/publish", data=dict(data, csrf_token=token))


def test_publishing_without_conflicts(db, client, organizer, talk):
    page = client.get(BASE + "/publish")
    assert page.status_code == 200
    html = page.text
    assert "0 conflicts" in html or "0 konflikter" in html
    assert 'name="confirm"' not in html  # nothing to confirm
    assert 'name="note"' in html and 'for="note"' in html
    response = post_publish(client, {"note": "Första versionen"})
    assert response.status_code == 302
    assert response.location == BASE + "/1"
    release = db.session.scalar(select(ProgramRelease))
    assert release.number == 1 and release.note == "Första versionen"
    assert release.published_by_id == organizer.id
    shown = client.get(BASE + "/1")
    assert "Version 1" in shown.text or "Version 1" in shown.text
    listing = client.get(BASE + "/").text
    assert 'href="/manage/events/summit27/program/releases/1"' in listing
    assert "Olga Org" in listing
    assert client.get("/events/summit27/program/").status_code == 200


def test_conflicts_must_be_confirmed(db, client, organizer, talk, event, rooms):
    session(event, "Krockar", [], rooms[0], at(9, 15), 30)  # same room, overlapping
    page = client.get(BASE + "/publish")
    html = page.text
    assert "Room double-booked" in html or "Rummet dubbelbokat" in html or "Krockar" in html
    assert re.search(r'<input[^>]*id="confirm"[^>]*name="confirm"[^>]*required', html)
    assert "despite 1 conflict" in html or "1 konflikt" in html

    refused = post_publish(client, {"note": "x"})
    assert refused.status_code == 422
    assert "1 conflicts" in refused.text or "1 konflikt" in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert count(db, ProgramRelease) == 0

    published = post_publish(client, {"confirm": "y"})
    assert published.status_code == 302
    release = db.session.scalar(select(ProgramRelease))
    assert release.conflicts_at_publish == 1


def test_the_dry_run_shows_what_will_change(db, client, organizer, talk, event, rooms):
    releases.publish(event)
    talk.starts_at = at(11)
    session(event, "Nytt pass", [], rooms[1], at(13), 30)
    db.session.commit()
    html = client.get(BASE + "/publish").text
    assert "Version 2" in html or "version 2" in html
    assert re.search(r"09:00–09:30 · Stora salen.*?→.*?11:00–11:30 · Stora salen", html, re.S)
    assert "Nytt pass" in html
    assert count(db, ProgramRelease) == 1  # the dry run stored nothing
    assert len(mails_to(db, "ada@example.org")) == 1  # release 1: where and when
    assert post_publish(client, {}).status_code == 302
    assert len(mails_to(db, "ada@example.org")) == 2  # Ada's session moved
    changelog = client.get(BASE + "/2").text
    assert "Samskapande" in changelog and "Nytt pass" in changelog


def test_nothing_to_publish_is_explained(db, client, organizer, event, rooms):
    session(event, "Ej schemalagd")
    response = post_publish(client, {})
    assert response.status_code == 422
    assert "no scheduled sessions" in response.text or "inga schemalagda" in response.text
    assert count(db, ProgramRelease) == 0


@pytest.mark.parametrize(
    "data",
    [{"note": "x" * 2001}, {"note": "ok", "confirm": ["y", "z"] * 100}],
)
def test_garbage_is_refused_with_nothing_published(db, client, organizer, talk, event, rooms, data):
    session(event, "Krockar", [], rooms[0], at(9, 15), 30)
    response = post_publish(client, data)
    assert response.status_code in (200, 302, 422)
    if data["note"] != "ok":
        assert response.status_code == 422
        assert count(db, ProgramRelease) == 0


def test_a_form_without_its_csrf_token_is_refused(db, client, organizer, talk):
    response = client.post(BASE + "/publish", data={"note": "x", "confirm": "y"})
    assert response.status_code == 400
    assert count(db, ProgramRelease) == 0


def test_only_the_events_organizers_get_in(app, db, client, make_user, make_event, grant, talk):
    event = talk.event
    releases.publish(event)
    pages = [BASE + "/", BASE + "/publish", BASE + "/1"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/login"), path
    door = grant(make_user("door@example.org"), event, Role.DOOR)
    elsewhere = grant(make_user("other@example.org"), make_event(slug="annat"), Role.ORGANIZER)
    for person in (door, elsewhere):
        other = app.test_client()
        sign_in(other, person)
        for path in pages:
            assert other.get(path).status_code == 403, (person.email, path)
        token = csrf_token(other, "/login")
        refused = other.post(BASE + "/publish", data={"csrf_token": token, "confirm": "y"})
        assert refused.status_code == 403
    assert count(db, ProgramRelease) == 1
    organizer = grant(make_user("org@example.org"), event, Role.ORGANIZER)
    sign_in(client, organizer)
    for path in pages:
        assert client.get(path).status_code == 200, path
    assert client.get(BASE + "/2").status_code == 404
    assert client.get("/manage/events/annat/program/releases/1").status_code == 403
