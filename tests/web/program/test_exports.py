"""The exports at their stable addresses: content types, conditional requests, and
nothing but the latest release."""

import pytest
from icalendar import Calendar
from lxml import etree

from tests.oracles import schedule_schema
from tests.published_world import published_summit
from tests.schedule_world import at, session


@pytest.fixture
def world(make_event, make_user):
    event = make_event(slug="summit27")
    return {"event": event, **published_summit(event, make_user)}


def test_schedule_xml(client, world):
    response = client.get("/events/summit27/schedule.xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    schedule_schema().assertValid(etree.fromstring(response.data))
    root = etree.fromstring(response.data)
    keynote = world["sessions"]["keynote"]
    urls = [e.text for e in root.iter("url")]
    assert f"http://summit.test/events/summit27/program/sessions/{keynote.token}" in urls


def test_schedule_json(client, world):
    response = client.get("/events/summit27/schedule.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    conference = response.get_json()["schedule"]["conference"]
    assert conference["acronym"] == "summit27" and conference["daysCount"] == 3
    assert "Öppning: social innovation i Sverige" in response.get_data(as_text=True)


def test_schedule_ics_whole_program_and_one_session(client, world):
    response = client.get("/events/summit27/schedule.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="summit27.ics"'
    calendar = Calendar.from_ical(response.data)
    assert len(calendar.walk("VEVENT")) == len(world["sessions"])

    workshop = world["sessions"]["workshop"]
    response = client.get(f"/events/summit27/program/sessions/{workshop.token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment;" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith('.ics"')
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"{workshop.token}@summit27.summit"]
    assert client.get("/events/summit27/program/sessions/nope.ics").status_code == 404


def test_schedule_ics_of_a_browser_agenda(client, world):
    keep = [world["sessions"]["closing"].token, world["sessions"]["parallel_a"].token]
    query = ",".join([keep[0], "garbage<>", " ", "unknown-token", keep[1]])
    response = client.get(f"/events/summit27/schedule.ics?sessions={query}")
    assert response.status_code == 200
    titles = [str(e["SUMMARY"]) for e in Calendar.from_ical(response.data).walk("VEVENT")]
    assert titles == ["Samskapande i praktiken", "Avslutning"]
    # Too many tokens: a clear refusal.
    response = client.get("/events/summit27/schedule.ics?sessions=" + ",".join(["a"] * 501))
    assert response.status_code == 400
    assert "500" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/events/summit27/schedule.xml",
        "/events/summit27/schedule.json",
        "/events/summit27/schedule.ics",
        "/events/summit27/schedule.ics?sessions=a,b",
    ],
)
def test_etag_last_modified_and_304(client, world, path):
    response = client.get(path)
    etag = response.headers["ETag"]
    assert etag and response.headers["Last-Modified"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = client.get(path, headers={"If-Modified-Since": response.headers["Last-Modified"]})
    assert since.status_code == 304


def test_a_new_release_changes_the_etag(client, world, db):
    from summit.services.program import releases

    first = client.get("/events/summit27/schedule.xml")
    world["sessions"]["parallel_b"].starts_at = at(11, 0)
    db.session.commit()
    releases.publish(world["event"], confirm_conflicts=True)
    second = client.get(
        "/events/summit27/schedule.xml", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert second.status_code == 200
    assert b"<version>2</version>" in second.data


def test_the_agenda_query_is_part_of_the_etag(client, world):
    one = client.get("/events/summit27/schedule.ics?sessions=a")
    other = client.get(
        "/events/summit27/schedule.ics?sessions=b", headers={"If-None-Match": one.headers["ETag"]}
    )
    assert other.status_code == 200


def test_unpublished_event_and_unpublished_program_are_404(client, make_event, make_user):
    draft = make_event(slug="utkast", published=False)
    published_summit(draft, make_user)
    for suffix in ("schedule.xml", "schedule.json", "schedule.ics"):
        assert client.get(f"/events/utkast/{suffix}").status_code == 404
    make_event(slug="tomt")  # published event, no program release yet
    for suffix in ("schedule.xml", "schedule.json", "schedule.ics"):
        assert client.get(f"/events/tomt/{suffix}").status_code == 404
    assert client.get("/events/finns-inte/schedule.xml").status_code == 404


def test_nothing_leaks_from_the_working_program(client, world, db):
    event = world["event"]
    secret = session(event, "Hemlig session", [], world["rooms"][1], at(14, 0), 30)
    world["sessions"]["keynote"].title = "Ny titel som inte är publicerad"
    db.session.commit()
    for path in ("schedule.xml", "schedule.json", "schedule.ics"):
        text = client.get(f"/events/summit27/{path}").get_data(as_text=True)
        assert "Hemlig session" not in text and secret.token not in text
        assert "Ny titel" not in text
        assert "Öppning: social innovation i Sverige" in text
    assert client.get(f"/events/summit27/program/sessions/{secret.token}.ics").status_code == 404
    agenda = client.get(f"/events/summit27/schedule.ics?sessions={secret.token}")
    assert "Hemlig session" not in agenda.get_data(as_text=True)
