"""Setting up the program: rooms (unique names, hours, order, removal refused while
sessions are scheduled in them) and days (one of the event's days, hours in Swedish
time stored in UTC, once each, removal refused while sessions are on them)."""

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from summit.models import ProgramDay, ProgramSession, Room
from summit.services.program import ProgramError
from summit.services.program.setup import (
    DayData,
    RoomData,
    days_of,
    delete_day,
    delete_room,
    local_hours,
    move_room,
    place_room,
    rooms_of,
    save_day,
    save_room,
)
from tests.schedule_world import at, session

MAY_18 = date(2027, 5, 18)


@pytest.fixture
def event(make_event):
    # 18–20 May 2027, Stockholm.
    return make_event(slug="summit2027")


def names(event) -> list[str]:
    return [r.name for r in rooms_of(event)]


def refused(call, reason: str, field: str | None = None) -> ProgramError:
    with pytest.raises(ProgramError) as caught:
        call()
    assert caught.value.reason == reason
    if field is not None:
        assert caught.value.field == field
    assert caught.value.message != reason  # a sentence people can read
    return caught.value


# Rooms -------------------------------------------------------------------------------


def test_rooms_are_added_last_in_order_with_their_details(db, event):
    save_room(event, RoomData(name="Stora salen", capacity=400))
    room = save_room(
        event,
        RoomData(
            name="  Lilla   salen ",
            capacity=60,
            accessibility_notes="Hörslinga. Hiss från entrén.",
            opens_at=time(10, 0),
            closes_at=time(16, 30),
        ),
    )
    assert names(event) == ["Stora salen", "Lilla salen"]
    db.session.expire_all()
    assert (room.capacity, room.opens_at, room.closes_at) == (60, time(10), time(16, 30))
    assert room.accessibility_notes == "Hörslinga. Hiss från entrén."


@pytest.mark.parametrize(
    ("data", "reason", "field"),
    [
        (RoomData(name=""), "required", "name"),
        (RoomData(name="   "), "required", "name"),
        (RoomData(name="x" * 121), "too_long", "name"),
        (RoomData(name="A", capacity=0), "range", "capacity"),
        (RoomData(name="A", capacity=-5), "range", "capacity"),
        (RoomData(name="A", capacity="many"), "range", "capacity"),
        (RoomData(name="A", accessibility_notes="x" * 2001), "too_long", "accessibility_notes"),
        (RoomData(name="A", opens_at="nine"), "required", "opens_at"),
        (
            RoomData(name="A", opens_at=time(16), closes_at=time(9)),
            "end_before_start",
            "closes_at",
        ),
        (
            RoomData(name="A", opens_at=time(9), closes_at=time(9)),
            "end_before_start",
            "closes_at",
        ),
    ],
)
def test_bad_room_input_is_refused_and_nothing_stored(db, event, data, reason, field):
    refused(lambda: save_room(event, data), reason, field)
    assert db.session.scalars(select(Room)).all() == []


def test_room_names_are_unique_in_the_event_whatever_the_case(db, event, make_event):
    save_room(event, RoomData(name="Stora salen"))
    refused(lambda: save_room(event, RoomData(name="STORA SALEN")), "name_taken", "name")
    # Another event may have a room of the same name.
    save_room(make_event(slug="other"), RoomData(name="Stora salen"))
    # A room keeps its own name when changed.
    room = rooms_of(event)[0]
    save_room(event, RoomData(name="Stora salen", capacity=10), room)
    assert names(event) == ["Stora salen"]


def test_rooms_move_up_and_down_and_to_a_position(db, event):
    for name in ("A", "B", "C", "D"):
        save_room(event, RoomData(name=name))
    a, b, c, d = rooms_of(event)
    move_room(c, -1)
    assert names(event) == ["A", "C", "B", "D"]
    move_room(a, -1)  # already first: nothing moves
    assert names(event) == ["A", "C", "B", "D"]
    move_room(d, 1)
    assert names(event) == ["A", "C", "B", "D"]
    place_room(d, 1)
    assert names(event) == ["D", "A", "C", "B"]
    place_room(d, 99)  # past the end: last
    assert names(event) == ["A", "C", "B", "D"]
    assert [r.position for r in rooms_of(event)] == [0, 1, 2, 3]
    refused(lambda: move_room(a, 2), "invalid_choice")
    refused(lambda: place_room(a, 0), "range")
    refused(lambda: place_room(a, "first"), "range")


def test_a_room_with_scheduled_sessions_is_not_removed(db, event):
    room = save_room(event, RoomData(name="Stora salen"))
    other = save_room(event, RoomData(name="Lilla salen"))
    scheduled = session(event, room=room, start=at(10))
    error = refused(lambda: delete_room(room), "room_in_use")
    assert error.params["n"] == 1
    assert names(event) == ["Stora salen", "Lilla salen"]
    # Once the session is elsewhere the room goes, and the order closes up.
    scheduled.room_id = other.id
    db.session.commit()
    unscheduled = session(event, room=room, start=None)
    delete_room(room)
    assert names(event) == ["Lilla salen"]
    assert rooms_of(event)[0].position == 0
    db.session.expire_all()
    assert db.session.get(ProgramSession, unscheduled.id).room_id is None


# Days --------------------------------------------------------------------------------


def test_a_day_is_stored_in_utc_from_swedish_time(db, event):
    day = save_day(event, DayData(day=MAY_18, starts=time(9, 0), ends=time(17, 30)))
    db.session.expire_all()
    day = db.session.get(ProgramDay, day.id)
    # May: summer time, UTC+2.
    assert day.starts_at == datetime(2027, 5, 18, 7, 0, tzinfo=UTC)
    assert day.ends_at == datetime(2027, 5, 18, 15, 30, tzinfo=UTC)
    assert local_hours(day) == (time(9, 0), time(17, 30))


def test_days_are_listed_in_date_order_and_their_hours_change(db, event):
    save_day(event, DayData(day=date(2027, 5, 20), starts=time(9), ends=time(15)))
    first = save_day(event, DayData(day=MAY_18, starts=time(9), ends=time(17)))
    save_day(event, DayData(day=MAY_18, starts=time(8, 30), ends=time(18)), first)
    assert [d.day for d in days_of(event)] == [MAY_18, date(2027, 5, 20)]
    assert local_hours(days_of(event)[0]) == (time(8, 30), time(18))


@pytest.mark.parametrize(
    ("data", "reason", "field"),
    [
        (DayData(day=date(2027, 5, 17), starts=time(9), ends=time(17)), "day_outside_event", "day"),
        (DayData(day=date(2027, 5, 21), starts=time(9), ends=time(17)), "day_outside_event", "day"),
        (DayData(day="2027-05-18", starts=time(9), ends=time(17)), "required", "day"),
        (DayData(day=MAY_18, starts=None, ends=time(17)), "required", "starts"),
        (DayData(day=MAY_18, starts=time(9), ends="late"), "required", "ends"),
        (DayData(day=MAY_18, starts=time(17), ends=time(9)), "end_before_start", "ends"),
        (DayData(day=MAY_18, starts=time(9), ends=time(9)), "end_before_start", "ends"),
    ],
)
def test_bad_day_input_is_refused_and_nothing_stored(db, event, data, reason, field):
    refused(lambda: save_day(event, data), reason, field)
    assert days_of(event) == []


def test_a_day_is_in_the_program_once(db, event):
    save_day(event, DayData(day=MAY_18, starts=time(9), ends=time(17)))
    refused(
        lambda: save_day(event, DayData(day=MAY_18, starts=time(10), ends=time(12))),
        "overlapping_day",
        "day",
    )
    other = save_day(event, DayData(day=date(2027, 5, 19), starts=time(9), ends=time(17)))
    refused(
        lambda: save_day(event, DayData(day=MAY_18, starts=time(9), ends=time(17)), other),
        "overlapping_day",
        "day",
    )
    assert [d.day for d in days_of(event)] == [MAY_18, date(2027, 5, 19)]


def test_the_clocks_going_forward_leave_a_time_that_does_not_exist(db, make_event):
    # 28 March 2027: 02:00 becomes 03:00 in Stockholm.
    spring = make_event(slug="spring", days=1, starts_at=datetime(2027, 3, 28, 1, 0, tzinfo=UTC))
    refused(
        lambda: save_day(spring, DayData(day=date(2027, 3, 28), starts=time(2, 30), ends=time(9))),
        "nonexistent_time",
        "starts",
    )
    assert days_of(spring) == []


def test_a_day_with_sessions_on_it_is_not_removed_nor_moved(db, event):
    day = save_day(event, DayData(day=MAY_18, starts=time(9), ends=time(17)))
    room = save_room(event, RoomData(name="Stora salen"))
    # Outside the day's hours, but on its date: it still counts.
    on_it = session(event, room=room, start=at(7))
    error = refused(lambda: delete_day(day), "day_has_sessions")
    assert error.params["n"] == 1
    refused(
        lambda: save_day(event, DayData(day=date(2027, 5, 19), starts=time(9), ends=time(17)), day),
        "day_has_sessions",
        "day",
    )
    # Its hours may change.
    save_day(event, DayData(day=MAY_18, starts=time(8), ends=time(17)), day)
    assert [d.day for d in days_of(event)] == [MAY_18]
    on_it.starts_at = None
    db.session.commit()
    delete_day(day)
    assert days_of(event) == []
