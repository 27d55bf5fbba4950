"""The frab schedule.xml validates against the community's XSD; schedule.json has the
c3voc shape; identifiers are stable and derived from tokens."""

import uuid

import pytest
from lxml import etree

from summit.services.program import frab, releases
from summit.services.program.published import published_program
from tests.oracles import schedule_schema
from tests.published_world import TRICKY_ABSTRACT, published_summit
from tests.schedule_world import at

BASE = "https://summit.test/events/summit27/program/"


def url(token):
    return f"https://summit.test/events/summit27/program/sessions/{token}"


@pytest.fixture(scope="module")
def schema():
    return schedule_schema()


@pytest.fixture
def world(make_event, make_user):
    event = make_event(slug="summit27", name_sv="Mötesplats 2027", name_en="Summit 2027")
    return {"event": event, **published_summit(event, make_user)}


def test_schedule_xml_validates_against_the_xsd(world, schema):
    data = frab.schedule_xml(published_program(world["event"]), BASE, url)
    document = etree.fromstring(data)
    schema.assertValid(document)


def test_schedule_xml_content(world):
    data = frab.schedule_xml(published_program(world["event"]), BASE, url)
    root = etree.fromstring(data)
    assert root.findtext("version") == "1"
    conference = root.find("conference")
    assert conference.findtext("acronym") == "summit27"
    assert conference.findtext("title") == "Mötesplats 2027"
    assert conference.findtext("start") == "2027-05-18"
    assert conference.findtext("end") == "2027-05-20"
    assert conference.findtext("days") == "3"
    assert conference.findtext("time_zone_name") == "Europe/Stockholm"
    days = root.findall("day")
    assert [d.get("index") for d in days] == ["1", "2", "3"]
    assert days[0].get("start") == "2027-05-18T09:00:00+02:00"
    assert days[0].get("end") == "2027-05-18T17:00:00+02:00"
    assert [r.get("name") for r in days[0].findall("room")] == [
        "Stora salen",
        "Lilla salen",
        "Verkstaden",
    ]
    # Parallel sessions at 10:00 in two rooms of the first day.
    at_ten = [
        (room.get("name"), e.findtext("title"))
        for room in days[0].findall("room")
        for e in room.findall("event")
        if e.findtext("start") == "10:00"
    ]
    assert at_ten == [
        ("Stora salen", "Samskapande i praktiken"),
        ("Lilla salen", "Design för alla"),
    ]
    keynote = world["sessions"]["keynote"]
    event = root.find(f".//event[@guid='{frab.event_guid(keynote.token)}']")
    assert event.findtext("date") == "2027-05-18T09:00:00+02:00"
    assert event.findtext("duration") == "00:45"
    assert event.findtext("room") == "Stora salen"
    assert event.findtext("abstract") == TRICKY_ABSTRACT
    assert event.findtext("track") == "Innovation"
    assert event.findtext("type") == "keynote"
    assert event.findtext("url") == url(keynote.token)
    assert [p.text for p in event.find("persons")] == ["Åsa Öberg"]
    workshop_guid = frab.event_guid(world["sessions"]["workshop"].token)
    workshop = root.find(f".//event[@guid='{workshop_guid}']")
    assert workshop.findtext("duration") == "01:30"
    assert [p.text for p in workshop.find("persons")] == ["Åsa Öberg", "Per Ähnlund"]
    # The raw bytes escape what XML needs escaped.
    assert b"Kommun &amp; civilsamh" in data and b"3 &lt; 5" in data


def test_identifiers_are_derived_from_tokens_and_stable_across_releases(world, db):
    event = world["event"]
    first = etree.fromstring(frab.schedule_xml(published_program(event), BASE, url))
    moved = world["sessions"]["parallel_b"]
    moved.starts_at = at(11, 0)
    db.session.commit()
    releases.publish(event, confirm_conflicts=True)
    second = etree.fromstring(frab.schedule_xml(published_program(event), BASE, url))
    assert second.findtext("version") == "2"

    def ids(root):
        return {e.get("guid"): (e.get("id"), e.findtext("slug")) for e in root.iter("event")}

    assert ids(first) == ids(second)
    guid = frab.event_guid(moved.token)
    assert str(uuid.UUID(guid)) == guid
    assert guid == str(uuid.uuid5(frab.NAMESPACE, f"session:{moved.token}"))
    assert second.find(f".//event[@guid='{guid}']").findtext("start") == "11:00"


def test_control_characters_are_dropped_and_the_xml_stays_valid(world, db, schema):
    world["sessions"]["closing"].abstract = "Bell\x07 and form feed\x0c here"
    db.session.commit()
    releases.publish(world["event"], confirm_conflicts=True)
    data = frab.schedule_xml(published_program(world["event"]), BASE, url)
    schema.assertValid(etree.fromstring(data))
    assert b"Bell and form feed here" in data


def test_schedule_json_shape(world):
    data = frab.schedule_json(published_program(world["event"]), BASE, url)
    schedule = data["schedule"]
    assert schedule["version"] == "1"
    assert schedule["base_url"] == BASE
    conference = schedule["conference"]
    assert conference["acronym"] == "summit27"
    assert conference["daysCount"] == 3
    assert conference["start"] == "2027-05-18" and conference["end"] == "2027-05-20"
    assert conference["time_zone_name"] == "Europe/Stockholm"
    assert conference["timeslot_duration"] == "00:05"
    assert [r["name"] for r in conference["rooms"]] == ["Stora salen", "Lilla salen", "Verkstaden"]
    assert all(str(uuid.UUID(r["guid"])) == r["guid"] for r in conference["rooms"])
    day = conference["days"][0]
    assert day["index"] == 1 and day["date"] == "2027-05-18"
    assert day["day_start"] == "2027-05-18T09:00:00+02:00"
    assert set(day["rooms"]) == {"Stora salen", "Lilla salen", "Verkstaden"}
    first = day["rooms"]["Stora salen"][0]
    keynote = world["sessions"]["keynote"]
    assert first["guid"] == frab.event_guid(keynote.token)
    assert first["title"] == keynote.title
    assert first["start"] == "09:00" and first["duration"] == "00:45"
    assert first["abstract"] == TRICKY_ABSTRACT
    assert first["persons"][0]["public_name"] == "Åsa Öberg"
    assert isinstance(first["id"], int) and first["id"] > 0
    second_day = conference["days"][1]["rooms"]["Verkstaden"]
    assert [e["title"] for e in second_day] == ["Verkstad: tjänstedesign"]


def test_event_ids_are_unique_even_when_crc_clashes(monkeypatch, world):
    program = published_program(world["event"])
    monkeypatch.setattr(frab, "_number", lambda text: 7)
    ids = frab.event_ids(program)
    assert len(set(ids.values())) == len(program.sessions)
    assert all(value > 0 for value in ids.values())
