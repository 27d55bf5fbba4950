"""Setting up the program: the event's rooms (their order, capacity, hours and
accessibility) and the program's days with their hours.

Each change validates first and stores nothing when something is wrong (ProgramError
naming the field); then it writes and commits under the write lock. Times of day are
the event's local time (Europe/Stockholm); a day's start and end are stored in UTC.

Removing a room in which sessions are scheduled is refused rather than taking those
sessions off the schedule: an organizer who removes a room by mistake would otherwise
lose the placing of every session in it, silently. They move the sessions (or take
them off the schedule) in the editor first, and then remove the room. The same holds
for a day with sessions on it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update

from ...database import unit_of_work
from ...extensions import db
from ...models import Event, ProgramDay, ProgramSession, Room
from .. import locks
from ..cfp.errors import CfpError
from ..cfp.validation import clean_int, clean_long_text, clean_text, local_to_utc
from .errors import ProgramError

MAX_CAPACITY = 100_000


def checked(check, *args, **kwargs):
    """A shared cfp validation helper's result, its refusal as a ProgramError (the
    reasons are the same: required, too_long, range, invalid_email, nonexistent_time)."""
    try:
        return check(*args, **kwargs)
    except CfpError as error:
        raise ProgramError(error.reason, error.field, **error.params) from None


# Rooms --------------------------------------------------------------------------------


@dataclass
class RoomData:
    name: str
    capacity: int | None = None
    accessibility_notes: str = ""
    opens_at: time | None = None  # local time of day; None: the day's hours
    closes_at: time | None = None


def rooms_of(event: Event) -> list[Room]:
    return list(
        db.session.scalars(
            select(Room).where(Room.event_id == event.id).order_by(Room.position, Room.id)
        )
    )


def _check_room(data: RoomData) -> tuple:
    name = checked(clean_text, data.name, "name", 120, required=True)
    capacity = data.capacity
    if capacity is not None:
        capacity = checked(clean_int, capacity, "capacity", 1, MAX_CAPACITY)
    notes = checked(clean_long_text, data.accessibility_notes, "accessibility_notes", 2000)
    for value, field in ((data.opens_at, "opens_at"), (data.closes_at, "closes_at")):
        if value is not None and not isinstance(value, time):
            raise ProgramError("required", field)
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        raise ProgramError("end_before_start", "closes_at")
    return name, capacity, notes


def save_room(event: Event, data: RoomData, room: Room | None = None) -> Room:
    """Add a room to the event (last in the order) or change one. Names are unique in
    the event, whatever their case."""
    name, capacity, notes = _check_room(data)
    with unit_of_work():
        taken = db.session.scalar(
            select(Room.id).where(Room.event_id == event.id, func.lower(Room.name) == name.lower())
        )
        if taken is not None and (room is None or taken != room.id):
            raise ProgramError("name_taken", "name")
        if room is None:
            last = db.session.scalar(
                select(func.max(Room.position)).where(Room.event_id == event.id)
            )
            room = Room(event_id=event.id, position=0 if last is None else last + 1)
            db.session.add(room)
        room.name, room.capacity, room.accessibility_notes = name, capacity, notes
        room.opens_at, room.closes_at = data.opens_at, data.closes_at
        return room


def _reorder(rooms: list[Room]) -> None:
    for position, room in enumerate(rooms):
        room.position = position


def move_room(room: Room, step: int) -> None:
    """One place up (-1) or down (+1) in the event's order; at either end nothing moves."""
    if step not in (-1, 1):
        raise ProgramError("invalid_choice", "step")
    place_room(room, None, step)


def place_room(room: Room, position: int | None, step: int = 0) -> None:
    """Put the room at `position` (1 = first) in the event's order; a position past the
    end puts it last."""
    if position is not None and (isinstance(position, bool) or not isinstance(position, int)):
        raise ProgramError("range", "position", low=1, high=1000)
    if position is not None and position < 1:
        raise ProgramError("range", "position", low=1, high=1000)
    event_id, room_id = room.event_id, room.id
    with unit_of_work():
        rooms = list(
            db.session.scalars(
                select(Room)
                .where(Room.event_id == event_id)
                .order_by(Room.position, Room.id)
                .with_for_update()
            )
        )
        index = next((i for i, r in enumerate(rooms) if r.id == room_id), None)
        if index is None:
            return
        target = index + step if position is None else position - 1
        target = max(0, min(target, len(rooms) - 1))
        rooms.insert(target, rooms.pop(index))
        _reorder(rooms)


def scheduled_in_room(room: Room) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ProgramSession)
        .where(ProgramSession.room_id == room.id, ProgramSession.starts_at.is_not(None))
    )


def delete_room(room: Room) -> None:
    """Remove a room with no session scheduled in it (else ProgramError room_in_use).
    Sessions that only remember it (not scheduled) forget it."""
    room_id = room.id
    with unit_of_work() as unit:
        room = unit.lock(locks.row(Room, room_id))
        if room is None:
            return
        in_use = scheduled_in_room(room)
        if in_use:
            raise ProgramError("room_in_use", n=in_use)
        db.session.execute(
            update(ProgramSession).where(ProgramSession.room_id == room.id).values(room_id=None)
        )
        event_id = room.event_id
        db.session.delete(room)
        db.session.flush()
        _reorder(
            list(
                db.session.scalars(
                    select(Room).where(Room.event_id == event_id).order_by(Room.position, Room.id)
                )
            )
        )


# Days ---------------------------------------------------------------------------------


@dataclass
class DayData:
    day: date
    starts: time  # local time of day
    ends: time


def days_of(event: Event) -> list[ProgramDay]:
    return list(
        db.session.scalars(
            select(ProgramDay).where(ProgramDay.event_id == event.id).order_by(ProgramDay.day)
        )
    )


def local_hours(program_day: ProgramDay) -> tuple[time, time]:
    """The day's start and end as local times of day."""
    tz = program_day.event.tz
    return (
        program_day.starts_at.astimezone(tz).time(),
        program_day.ends_at.astimezone(tz).time(),
    )


def calendar_day_utc(event: Event, day: date) -> tuple[datetime, datetime]:
    """The UTC instants of local midnight starting and ending `day`."""
    tz = event.tz
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    return checked(local_to_utc, start, tz, "day"), checked(local_to_utc, end, tz, "day")


def sessions_on(event: Event, day: date) -> int:
    """How many sessions are scheduled to start on the local calendar day."""
    start, end = calendar_day_utc(event, day)
    return db.session.scalar(
        select(func.count())
        .select_from(ProgramSession)
        .where(
            ProgramSession.event_id == event.id,
            ProgramSession.starts_at >= start,
            ProgramSession.starts_at < end,
        )
    )


def _check_day(event: Event, data: DayData) -> tuple[date, datetime, datetime]:
    if not isinstance(data.day, date) or isinstance(data.day, datetime):
        raise ProgramError("required", "day")
    if data.day not in event.days:
        raise ProgramError("day_outside_event", "day")
    for value, field in ((data.starts, "starts"), (data.ends, "ends")):
        if not isinstance(value, time):
            raise ProgramError("required", field)
    tz = event.tz
    starts_at = checked(local_to_utc, datetime.combine(data.day, data.starts), tz, "starts")
    ends_at = checked(local_to_utc, datetime.combine(data.day, data.ends), tz, "ends")
    if ends_at <= starts_at:
        raise ProgramError("end_before_start", "ends")
    return data.day, starts_at, ends_at


def save_day(event: Event, data: DayData, program_day: ProgramDay | None = None) -> ProgramDay:
    """Add a day to the program or change its hours. The date is one of the event's
    days and in the program once; a day with sessions on it keeps its date (its hours
    may change: sessions outside them are then shown as conflicts)."""
    day, starts_at, ends_at = _check_day(event, data)
    day_id = program_day.id if program_day is not None else None
    with unit_of_work() as unit:
        taken = db.session.scalar(
            select(ProgramDay.id).where(ProgramDay.event_id == event.id, ProgramDay.day == day)
        )
        if taken is not None and taken != day_id:
            raise ProgramError("overlapping_day", "day")
        if day_id is None:
            program_day = ProgramDay(event_id=event.id)
            db.session.add(program_day)
        else:
            program_day = unit.lock(locks.row(ProgramDay, day_id))
            if program_day.day != day:
                in_it = sessions_on(event, program_day.day)
                if in_it:
                    raise ProgramError("day_has_sessions", "day", n=in_it)
        program_day.day, program_day.starts_at, program_day.ends_at = day, starts_at, ends_at
        return program_day


def delete_day(program_day: ProgramDay) -> None:
    """Remove a day from the program; refused (day_has_sessions) while sessions are
    scheduled on it."""
    day_id = program_day.id
    with unit_of_work() as unit:
        program_day = unit.lock(locks.row(ProgramDay, day_id))
        if program_day is None:
            return
        in_it = sessions_on(program_day.event, program_day.day)
        if in_it:
            raise ProgramError("day_has_sessions", n=in_it)
        db.session.delete(program_day)
