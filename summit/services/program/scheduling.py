"""Placing sessions in a room and a time, and taking them out of the schedule.

Each change is one unit of work: the input is checked, the session's row is locked
(SELECT ... FOR UPDATE on PostgreSQL, the write lock on SQLite), its version compared
with the one the organizer edited, and the change committed with the version bumped.
Two organizers moving the same session at once: one wins, the other gets StaleEdit.
Conflicts (overlaps, speakers in two places...) are warnings and never block saving:
see conflicts.py.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from ...database import begin_write
from ...extensions import db
from ...models import ProgramDay, ProgramSession, Room
from .errors import ProgramError, StaleEdit

GRID_MINUTES = 5
MIN_DURATION = 5
MAX_DURATION = 600


def check_duration(duration_minutes) -> int:
    if isinstance(duration_minutes, bool) or not isinstance(duration_minutes, int):
        raise ProgramError("range", "duration", low=MIN_DURATION, high=MAX_DURATION)
    if not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        raise ProgramError("range", "duration", low=MIN_DURATION, high=MAX_DURATION)
    if duration_minutes % GRID_MINUTES:
        raise ProgramError("not_on_grid", "duration")
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


def program_days(event_id: int) -> list[ProgramDay]:
    return list(
        db.session.scalars(
            select(ProgramDay).where(ProgramDay.event_id == event_id).order_by(ProgramDay.day)
        )
    )


def day_containing(days: list[ProgramDay], start: datetime, end: datetime) -> ProgramDay | None:
    for day in days:
        if day.starts_at <= start and end <= day.ends_at:
            return day
    return None


def _lock(session: ProgramSession) -> ProgramSession:
    begin_write()
    return db.session.scalars(
        select(ProgramSession)
        .where(ProgramSession.id == session.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _check_version(session: ProgramSession, expected_version) -> None:
    if expected_version != session.version:
        db.session.rollback()
        raise StaleEdit(current=session.version)


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
    days = program_days(session.event_id)
    if not days:
        raise ProgramError("no_days", "start")
    end = start + timedelta(minutes=duration)
    if day_containing(days, start, end) is None:
        raise ProgramError("outside_days", "start")
    room_id = room.id
    locked = _lock(session)
    _check_version(locked, expected_version)
    # The room again, under a share lock: a room being deleted at this moment is waited
    # for and then refused, instead of failing on the foreign key at commit.
    if not db.session.scalar(
        select(Room.id).where(Room.id == room_id).with_for_update(key_share=True, read=True)
    ):
        db.session.rollback()
        raise ProgramError("unknown_room", "room")
    locked.room_id = room_id
    locked.starts_at = start
    locked.duration_minutes = duration
    locked.version += 1
    db.session.commit()
    return locked


def unschedule(session: ProgramSession, expected_version: int) -> ProgramSession:
    """Take the session out of the schedule (back to the unscheduled list), unless
    someone changed it since `expected_version` (StaleEdit, nothing stored). Commits."""
    locked = _lock(session)
    _check_version(locked, expected_version)
    locked.room_id = None
    locked.starts_at = None
    locked.version += 1
    db.session.commit()
    return locked
