"""Placing sessions in a room and a time, and taking them out of the schedule.

Each change is one unit of work: the input is checked, the session's row is locked
(locks.row: SELECT ... FOR UPDATE on PostgreSQL, the write lock on SQLite), its version
compared with the one the organizer edited, and the change committed with the version bumped.
Two organizers moving the same session at once: one wins, the other gets StaleEdit.
Conflicts (overlaps, speakers in two places...) are warnings and never block saving:
see conflicts.py.
"""

from datetime import datetime, timedelta

from ...database import UnitOfWork, unit_of_work
from ...extensions import db
from ...models import ProgramDay, ProgramSession, Room
from .. import locks
from .errors import ProgramError, StaleEdit
from .setup import days_of

GRID_MINUTES = 5  # times and durations are set in steps of this many minutes
MIN_DURATION = 5
MAX_DURATION = 600


def check_duration(duration_minutes, field: str = "duration") -> int:
    """A session's length: whole minutes on the grid, MIN_DURATION to MAX_DURATION."""
    if isinstance(duration_minutes, bool) or not isinstance(duration_minutes, int):
        raise ProgramError("range", field, low=MIN_DURATION, high=MAX_DURATION)
    if not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        raise ProgramError("range", field, low=MIN_DURATION, high=MAX_DURATION)
    if duration_minutes % GRID_MINUTES:
        raise ProgramError("not_on_grid", field)
    return duration_minutes


def check_start(event, starts_at) -> datetime:
    if not isinstance(starts_at, datetime) or starts_at.utcoffset() is None:
        raise ProgramError("invalid_time", "start")
    local = starts_at.astimezone(event.tz)
    if local.second or local.microsecond or local.minute % GRID_MINUTES:
        raise ProgramError("not_on_grid", "start")
    return starts_at


def event_room(event_id: int, room_id) -> Room:
    """The room, if it is one of the event's rooms."""
    if isinstance(room_id, bool) or not isinstance(room_id, int):
        raise ProgramError("unknown_room", "room")
    room = db.session.get(Room, room_id)
    if room is None or room.event_id != event_id:
        raise ProgramError("unknown_room", "room")
    return room


def day_containing(days: list[ProgramDay], start: datetime, end: datetime) -> ProgramDay | None:
    for day in days:
        if day.starts_at <= start and end <= day.ends_at:
            return day
    return None


def locked_session(unit: UnitOfWork, session: ProgramSession, expected_version) -> ProgramSession:
    """In `unit`: the session again under its lock, if still at `expected_version`; else
    StaleEdit (the unit stores nothing)."""
    current = unit.lock(locks.row(ProgramSession, session.id))
    if current is None or isinstance(expected_version, bool) or current.version != expected_version:
        raise StaleEdit()
    return current


def place_session(
    session: ProgramSession,
    room_id: int,
    starts_at: datetime,
    duration_minutes: int,
    expected_version: int,
) -> ProgramSession:
    """Put the session in the room from `starts_at` for `duration_minutes`, if the room is
    one of its event's, the time on the 5-minute grid and inside one program day, and
    nobody changed the session since `expected_version`; else raise ProgramError (or
    StaleEdit) with nothing stored. Commits; returns the session with its new version."""
    event = session.event
    duration = check_duration(duration_minutes)
    start = check_start(event, starts_at)
    room = event_room(session.event_id, room_id)
    days = days_of(event)
    if not days:
        raise ProgramError("no_days", "start")
    end = start + timedelta(minutes=duration)
    if day_containing(days, start, end) is None:
        raise ProgramError("outside_days", "start")
    room_id = room.id
    with unit_of_work() as unit:
        locked = locked_session(unit, session, expected_version)
        # The room again, under a share lock: a room being deleted at this moment is waited
        # for and then refused, instead of failing on the foreign key at commit.
        if not unit.lock(locks.room_kept(room_id)):
            raise ProgramError("unknown_room", "room")
        locked.room_id = room_id
        locked.starts_at = start
        locked.duration_minutes = duration
        locked.version += 1
        return locked


def unschedule(session: ProgramSession, expected_version: int) -> ProgramSession:
    """Take the session out of the schedule (back to the unscheduled list), unless
    someone changed it since `expected_version` (StaleEdit, nothing stored). Commits."""
    with unit_of_work() as unit:
        locked = locked_session(unit, session, expected_version)
        locked.room_id = None
        locked.starts_at = None
        locked.version += 1
        return locked
