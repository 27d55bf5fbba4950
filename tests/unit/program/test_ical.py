"""iCalendar files of the published program, parsed back with the icalendar package."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from summit.services.program import ical, releases
from summit.services.program.published import published_program
from tests.published_world import TRICKY_ABSTRACT, published_summit
from tests.schedule_world import STOCKHOLM, at


def url(token):
    return f"https://summit.test/s/{token}"


@pytest.fixture
def world(make_event, make_user):
    event = make_event(slug="summit27", venue_name="Folkets hus")
    return {"event": event, **published_summit(event, make_user)}


def events_by_uid(data: bytes) -> dict:
    calendar = Calendar.from_ical(data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_whole_program_has_every_session_with_stable_uids(world):
    program = published_program(world["event"])
    data = ical.program_ical(program, url)
    calendar = Calendar.from_ical(data)
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == len(world["sessions"])
    keynote = world["sessions"]["keynote"]
    uid = f"{keynote.token}@summit27.summit"
    event = events_by_uid(data)[uid]
    assert str(event["SUMMARY"]) == keynote.title
    assert TRICKY_ABSTRACT in str(event["DESCRIPTION"])
    assert "Åsa Öberg" in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]) == "Stora salen, Folkets hus"
    assert str(event["URL"]) == url(keynote.token)
    assert event["CATEGORIES"].cats == ["Innovation"]
    assert event.decoded("SEQUENCE") == 0
    assert event.decoded("DTSTAMP") == world["release"].published_at.replace(microsecond=0)


def test_times_are_local_to_stockholm_with_the_may_offset(world):
    program = published_program(world["event"])
    data = ical.program_ical(program, url)
    assert b"DTSTART;TZID=Europe/Stockholm:20270518T090000" in data
    assert b"DTEND;TZID=Europe/Stockholm:20270518T094500" in data
    calendar = Calendar.from_ical(data)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Stockholm"]
    assert not calendar.get_missing_tzids()
    keynote = events_by_uid(data)[f"{world['sessions']['keynote'].token}@summit27.summit"]
    start = keynote.decoded("DTSTART")
    assert start.utcoffset() == timedelta(hours=2)  # CEST in May
    assert start == at(9, 0)
    assert start.astimezone(STOCKHOLM).hour == 9


def test_uid_stays_and_sequence_bumps_when_a_session_moves(world, db):
    event = world["event"]
    first = events_by_uid(ical.program_ical(published_program(event), url))
    moved = world["sessions"]["parallel_b"]
    moved.starts_at = at(11, 0)
    db.session.commit()
    releases.publish(event, confirm_conflicts=True)
    second = events_by_uid(ical.program_ical(published_program(event), url))
    assert first.keys() == second.keys()
    uid = f"{moved.token}@summit27.summit"
    assert second[uid].decoded("SEQUENCE") == 1
    assert second[uid].decoded("DTSTART") == at(11, 0)
    unchanged = f"{world['sessions']['keynote'].token}@summit27.summit"
    assert second[unchanged].decoded("SEQUENCE") == 0


def test_uid_does_not_depend_on_the_address_the_file_came_from(world):
    program = published_program(world["event"])
    one = events_by_uid(ical.program_ical(program, lambda t: f"http://a.example/{t}"))
    other = events_by_uid(ical.program_ical(program, lambda t: f"https://b.example/{t}"))
    assert one.keys() == other.keys()


def test_one_session_and_an_agenda(world):
    program = published_program(world["event"])
    workshop = program.session(world["sessions"]["workshop"].token)
    single = Calendar.from_ical(ical.session_ical(program, workshop, url))
    assert [str(e["SUMMARY"]) for e in single.walk("VEVENT")] == [workshop.title]
    tokens = [world["sessions"]["closing"].token, "no-such-session", workshop.token]
    agenda = Calendar.from_ical(ical.agenda_ical(program, tokens, url))
    # In program order; the unknown token is left out.
    assert [str(e["SUMMARY"]) for e in agenda.walk("VEVENT")] == [
        "Verkstad: tjänstedesign",
        "Avslutning",
    ]
    empty = Calendar.from_ical(ical.agenda_ical(program, [], url))
    assert empty.walk("VEVENT") == []
