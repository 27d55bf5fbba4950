"""Warnings about the working program: what an organizer should look at before
publishing. They never block saving; publishing with conflicts asks for confirmation.

The whole event is read in a handful of queries (sessions with their speakers, rooms,
days, availability, sign-up counts) and overlaps are found by sweeping each room's and
each speaker's sessions in order of start: no query per pair of sessions.

Sessions "overlap" when one starts before the other ends; back-to-back sessions (one
ends when the next starts) do not.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...i18n import format_time
from ...models import Event, ProgramSession, SessionSpeaker, SpeakerAvailability
from .setup import days_of, rooms_of
from .signups import signup_counts

KINDS = (
    "room_overlap",
    "speaker_clash",
    "speaker_unavailable",
    "outside_room_hours",
    "outside_day",
    "over_capacity",
)


@dataclass(frozen=True)
class Conflict:
    kind: str  # one of KINDS
    sessions: tuple[str, ...]  # session tokens, earliest first
    message: str  # translated, for the organizer

    @property
    def label(self) -> str:
        return kind_label(self.kind)


def kind_label(kind: str) -> str:
    return {
        "room_overlap": _("Room double-booked"),
        "speaker_clash": _("Speaker in two places"),
        "speaker_unavailable": _("Speaker not available"),
        "outside_room_hours": _("Outside the room's hours"),
        "outside_day": _("Outside the program's hours"),
        "over_capacity": _("More sign-ups than places"),
    }.get(kind, kind)


def _overlapping_pairs(sessions: list[ProgramSession]):
    """Pairs (earlier, later) of sessions that overlap, by a sweep over start times."""
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.id))
    active: list[ProgramSession] = []
    for session in ordered:
        active = [a for a in active if a.ends_at > session.starts_at]
        for earlier in active:
            yield earlier, session
        active.append(session)


def _hm(value) -> str:
    return format_time(value) if value is not None else ""


def _load(event: Event):
    sessions = list(
        db.session.scalars(
            select(ProgramSession)
            .where(ProgramSession.event_id == event.id, ProgramSession.starts_at.is_not(None))
            .options(selectinload(ProgramSession.speakers).selectinload(SessionSpeaker.user))
        )
    )
    rooms = {r.id: r for r in rooms_of(event)}
    days = days_of(event)
    availability = defaultdict(list)
    for row in db.session.scalars(
        select(SpeakerAvailability).where(SpeakerAvailability.event_id == event.id)
    ):
        availability[row.user_id].append(row)
    # Places taken as sign-ups count them (a refunded ticket's sign-up holds none).
    signups = signup_counts([s.id for s in sessions])
    return sessions, rooms, days, availability, signups


def find_conflicts(event: Event) -> list[Conflict]:
    """Every conflict in the event's working program, in a stable order (by kind, then
    by the sessions' start)."""
    sessions, rooms, days, availability, signups = _load(event)
    tz = event.tz
    found: list[Conflict] = []

    by_room = defaultdict(list)
    for session in sessions:
        if session.room_id in rooms:
            by_room[session.room_id].append(session)
    for room_id, in_room in by_room.items():
        for a, b in _overlapping_pairs(in_room):
            found.append(
                Conflict(
                    "room_overlap",
                    (a.token, b.token),
                    _(
                        "“%(a)s” and “%(b)s” overlap in %(room)s.",
                        a=a.title,
                        b=b.title,
                        room=rooms[room_id].name,
                    ),
                )
            )

    by_speaker = defaultdict(list)
    users = {}
    for session in sessions:
        for speaker in session.speakers:
            by_speaker[speaker.user_id].append(session)
            users[speaker.user_id] = speaker.user
    for user_id, theirs in by_speaker.items():
        for a, b in _overlapping_pairs(theirs):
            found.append(
                Conflict(
                    "speaker_clash",
                    (a.token, b.token),
                    _(
                        "%(speaker)s speaks in “%(a)s” and “%(b)s” at the same time.",
                        speaker=users[user_id].display_name,
                        a=a.title,
                        b=b.title,
                    ),
                )
            )

    for user_id, theirs in by_speaker.items():
        stretches = availability.get(user_id)
        if not stretches:
            continue  # nothing stated: available throughout
        for session in theirs:
            if not any(
                s.starts_at <= session.starts_at and session.ends_at <= s.ends_at for s in stretches
            ):
                found.append(
                    Conflict(
                        "speaker_unavailable",
                        (session.token,),
                        _(
                            "“%(title)s” is outside the times %(speaker)s can speak.",
                            title=session.title,
                            speaker=users[user_id].display_name,
                        ),
                    )
                )

    for session in sessions:
        room = rooms.get(session.room_id)
        if room is not None and (room.opens_at or room.closes_at):
            local_day = session.starts_at.astimezone(tz).date()
            opens = datetime.combine(local_day, room.opens_at, tz) if room.opens_at else None
            closes = datetime.combine(local_day, room.closes_at, tz) if room.closes_at else None
            if (opens and session.starts_at < opens) or (closes and session.ends_at > closes):
                found.append(
                    Conflict(
                        "outside_room_hours",
                        (session.token,),
                        _(
                            "“%(title)s” is outside the hours of %(room)s (%(opens)s–%(closes)s).",
                            title=session.title,
                            room=room.name,
                            opens=_hm(room.opens_at),
                            closes=_hm(room.closes_at),
                        ),
                    )
                )

    for session in sessions:
        if not any(d.starts_at <= session.starts_at and session.ends_at <= d.ends_at for d in days):
            found.append(
                Conflict(
                    "outside_day",
                    (session.token,),
                    _("“%(title)s” is outside the program's days and hours.", title=session.title),
                )
            )

    for session in sessions:
        room = rooms.get(session.room_id)
        count = signups.get(session.id, 0)
        if room is not None and room.capacity is not None and count > room.capacity:
            found.append(
                Conflict(
                    "over_capacity",
                    (session.token,),
                    _(
                        "“%(title)s” has %(n)d sign-ups, more than the %(capacity)d places "
                        "in %(room)s.",
                        title=session.title,
                        n=count,
                        capacity=room.capacity,
                        room=room.name,
                    ),
                )
            )

    starts = {s.token: s.starts_at for s in sessions}
    return sorted(
        found, key=lambda c: (KINDS.index(c.kind), [starts[t] for t in c.sessions], c.message)
    )


def conflicts_by_session(conflicts: list[Conflict]) -> dict[str, list[Conflict]]:
    """Each session's token → the conflicts it is part of (for marking the grid)."""
    result: dict[str, list[Conflict]] = defaultdict(list)
    for conflict in conflicts:
        for token in conflict.sessions:
            result[token].append(conflict)
    return dict(result)
