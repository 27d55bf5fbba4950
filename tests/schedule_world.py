"""What the schedule tests share: an event with rooms, program days and sessions.

The test summit (tests/conftest.py make_event) runs 18–20 May 2027; its program days
here run 09:00–17:00 Stockholm time.
"""

from datetime import date, datetime, time, timedelta

from summit.extensions import db
from summit.models import ProgramDay, ProgramSession, Room, SessionSpeaker, Track
from tests.conftest import STOCKHOLM

FIRST_DAY = date(2027, 5, 18)


def at(hour: int, minute: int = 0, day: int = 0) -> datetime:
    """A time on the program's first (or `day`-th) day, Stockholm time."""
    return datetime.combine(FIRST_DAY + timedelta(days=day), time(hour, minute), STOCKHOLM)


def program(event, rooms=("Stora salen", "Lilla salen"), days=3, capacity=None):
    """Rooms, a track and program days 09:00–17:00 on the event; returns the rooms."""
    made = [
        Room(event=event, name=name, position=i, capacity=capacity) for i, name in enumerate(rooms)
    ]
    db.session.add_all(made)
    db.session.add(Track(event=event, name_sv="Innovation", name_en="Innovation", color="#8b1f5f"))
    for i in range(days):
        db.session.add(
            ProgramDay(
                event=event,
                day=FIRST_DAY + timedelta(days=i),
                starts_at=at(9, day=i),
                ends_at=at(17, day=i),
            )
        )
    db.session.commit()
    return made


def session(event, title="Ett föredrag", speakers=(), room=None, start=None, duration=30, **kwargs):
    made = ProgramSession(
        event=event,
        title=title,
        duration_minutes=duration,
        room_id=room.id if room is not None else None,
        starts_at=start,
        **kwargs,
    )
    for position, user in enumerate(speakers):
        made.speakers.append(SessionSpeaker(user_id=user.id, position=position))
    db.session.add(made)
    db.session.commit()
    return made
