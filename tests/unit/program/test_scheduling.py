"""Placing sessions: good moves are saved with the version bumped, bad ones refused
with nothing changed."""

from datetime import UTC, datetime

import pytest

from summit.models import ProgramDay, ProgramSession
from summit.services.program.errors import ProgramError, StaleEdit
from summit.services.program.scheduling import place_session, unschedule
from tests.schedule_world import at, program, session


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def rooms(event):
    return program(event)


@pytest.fixture
def talk(event):
    return session(event, "Ett föredrag", duration=30)


def unchanged(db, talk_id, version=1):
    db.session.expire_all()
    fresh = db.session.get(ProgramSession, talk_id)
    assert (fresh.room_id, fresh.starts_at, fresh.version) == (None, None, version)


def test_place_then_move_then_unschedule(event, rooms, talk, db):
    placed = place_session(talk, rooms[0].id, at(10), 45, expected_version=1)
    assert (placed.room_id, placed.starts_at, placed.duration_minutes) == (rooms[0].id, at(10), 45)
    assert placed.version == 2
    moved = place_session(talk, rooms[1].id, at(13, 5, day=2), 60, expected_version=2)
    db.session.expire_all()
    fresh = db.session.get(ProgramSession, talk.id)
    assert (fresh.room_id, fresh.starts_at, fresh.duration_minutes) == (
        rooms[1].id,
        at(13, 5, day=2),
        60,
    )
    assert moved.version == fresh.version == 3
    unschedule(fresh, expected_version=3)
    unchanged(db, talk.id, version=4)


def test_utc_start_is_accepted(event, rooms, talk):
    placed = place_session(talk, rooms[0].id, datetime(2027, 5, 18, 8, 0, tzinfo=UTC), 30, 1)
    assert placed.starts_at == at(10)


def test_conflicts_do_not_block_saving(event, rooms, talk):
    session(event, "Already there", room=rooms[0], start=at(10), duration=60)
    placed = place_session(talk, rooms[0].id, at(10), 30, 1)
    assert placed.starts_at == at(10)


def test_a_room_of_another_event_is_refused(event, rooms, talk, make_event, db):
    other_rooms = program(make_event())
    with pytest.raises(ProgramError) as refused:
        place_session(talk, other_rooms[0].id, at(10), 30, 1)
    assert (refused.value.reason, refused.value.field) == ("unknown_room", "room")
    assert "lokaler" in refused.value.message  # Swedish first
    unchanged(db, talk.id)


@pytest.mark.parametrize("room_id", [None, "1", 999_999, True])
def test_no_room_or_a_made_up_one_is_refused(event, rooms, talk, db, room_id):
    with pytest.raises(ProgramError) as refused:
        place_session(talk, room_id, at(10), 30, 1)
    assert refused.value.reason == "unknown_room"
    unchanged(db, talk.id)


@pytest.mark.parametrize(
    "start, duration",
    [
        (at(8, 55), 30),  # starts before the day
        (at(16, 45), 30),  # ends after the day
        (at(23, 0), 30),  # in the night between two days
        (at(10, day=3), 30),  # a day after the program
        (at(16, 30), 600),  # far longer than the day
    ],
)
def test_outside_the_days_is_refused(event, rooms, talk, db, start, duration):
    with pytest.raises(ProgramError) as refused:
        place_session(talk, rooms[0].id, start, duration, 1)
    assert refused.value.reason == "outside_days"
    unchanged(db, talk.id)


def test_no_days_yet_is_refused(make_event, db):
    event = make_event()
    rooms = program(event, days=0)
    talk = session(event)
    with pytest.raises(ProgramError) as refused:
        place_session(talk, rooms[0].id, at(10), 30, 1)
    assert refused.value.reason == "no_days"
    assert db.session.query(ProgramDay).count() == 0


@pytest.mark.parametrize("duration", [-30, 0, 601, 1000, None, "30", 30.0])
def test_a_bad_duration_is_refused(event, rooms, talk, db, duration):
    with pytest.raises(ProgramError) as refused:
        place_session(talk, rooms[0].id, at(10), duration, 1)
    assert (refused.value.reason, refused.value.field) == ("range", "duration")
    assert "5" in refused.value.message and "600" in refused.value.message
    unchanged(db, talk.id)


def test_off_grid_start_or_duration_is_refused(event, rooms, talk, db):
    for start, duration, field in [
        (at(10, 3), 30, "start"),
        (at(10).replace(second=30), 30, "start"),
        (at(10), 32, "duration"),
    ]:
        with pytest.raises(ProgramError) as refused:
            place_session(talk, rooms[0].id, start, duration, 1)
        assert (refused.value.reason, refused.value.field) == ("not_on_grid", field)
    unchanged(db, talk.id)


def test_a_naive_or_missing_start_is_refused(event, rooms, talk, db):
    for start in (datetime(2027, 5, 18, 10, 0), None, "2027-05-18T10:00"):
        with pytest.raises(ProgramError) as refused:
            place_session(talk, rooms[0].id, start, 30, 1)
        assert refused.value.reason == "invalid_time"
    unchanged(db, talk.id)


def test_a_stale_edit_is_refused_and_nothing_changes(event, rooms, talk, db):
    place_session(talk, rooms[0].id, at(10), 30, expected_version=1)
    # Someone else's page still holds version 1: their move is refused.
    with pytest.raises(StaleEdit) as refused:
        place_session(talk, rooms[1].id, at(14), 60, expected_version=1)
    assert "Någon annan ändrade passet" in refused.value.message
    with pytest.raises(StaleEdit):
        unschedule(talk, expected_version=1)
    db.session.expire_all()
    fresh = db.session.get(ProgramSession, talk.id)
    assert (fresh.room_id, fresh.starts_at, fresh.duration_minutes, fresh.version) == (
        rooms[0].id,
        at(10),
        30,
        2,
    )
