"""The shape of a published program: what a release freezes, and how it is read back.

A release's snapshot is a plain JSON object, written once by `build_snapshot` and
read through `ReleasedProgram`:

    {"event":    {"slug", "name_sv", "name_en", "timezone", "venue_name"},
     "days":     [{"day": "2027-05-11", "starts_at": iso UTC, "ends_at": iso UTC}],
     "rooms":    [{"key", "name", "capacity", "accessibility_notes"}],       # in order
     "tracks":   [{"key", "name_sv", "name_en", "color"}],                   # in order
     "speakers": [{"token", "name", "organisation", "title", "bio", "pronouns",
                   "photo_token"}],
     "sessions": [{"token", "title", "abstract", "kind", "language", "track",
                   "room", "starts_at", "ends_at", "duration_minutes",
                   "speakers": [speaker tokens], "takes_signups", "signup_limit",
                   "sequence"}]}                                # by start, then room

Rooms and tracks are referred to by `key` (their id as a string: never shown in a URL).
`sequence` counts the releases in which the session changed (iCal SEQUENCE): 0 when
first published, +1 each time its time, room, title, abstract or speakers changed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    Event,
    ProgramSession,
    SessionSpeaker,
    SpeakerProfile,
    User,
)
from .cache import BoundedCache
from .setup import days_of

# What makes a session "changed" between releases (its iCal SEQUENCE goes up).
CHANGE_FIELDS = ("title", "abstract", "room", "starts_at", "ends_at", "speakers")


def _iso(value: datetime) -> str:
    return value.isoformat()


def scheduled_sessions(event: Event) -> list[ProgramSession]:
    """The event's sessions that have a room and a start, by start then room order."""
    sessions = db.session.scalars(
        select(ProgramSession)
        .where(
            ProgramSession.event_id == event.id,
            ProgramSession.starts_at.is_not(None),
            ProgramSession.room_id.is_not(None),
        )
        .options(
            selectinload(ProgramSession.speakers).selectinload(SessionSpeaker.user),
            selectinload(ProgramSession.room),
        )
    ).all()
    return sorted(sessions, key=lambda s: (s.starts_at, s.room.position, s.room.name, s.id))


def scheduled_speakers(event: Event) -> list[User]:
    """Everyone who speaks in a scheduled session of the event."""
    return list(
        db.session.scalars(
            select(User)
            .join(SessionSpeaker, SessionSpeaker.user_id == User.id)
            .join(ProgramSession, ProgramSession.id == SessionSpeaker.session_id)
            .where(
                ProgramSession.event_id == event.id,
                ProgramSession.starts_at.is_not(None),
                ProgramSession.room_id.is_not(None),
            )
            .distinct()
            .order_by(User.id)
        )
    )


def _speaker_entry(user, profile: SpeakerProfile | None) -> dict:
    return {
        "token": profile.page_token,
        "name": (profile.display_name if profile else "") or user.name or user.email,
        "organisation": profile.organisation if profile else "",
        "title": profile.title if profile else "",
        "bio": profile.bio if profile else "",
        "pronouns": profile.pronouns if profile else "",
        "photo_token": profile.photo_token if profile else None,
    }


def _profiles(user_ids: set[int]) -> dict[int, SpeakerProfile]:
    """The speakers' profiles, made where missing, each with its page token."""
    profiles = {
        p.user_id: p
        for p in db.session.scalars(
            select(SpeakerProfile).where(SpeakerProfile.user_id.in_(user_ids))
        )
    }
    for user_id in user_ids - profiles.keys():
        profiles[user_id] = SpeakerProfile(user_id=user_id)
        db.session.add(profiles[user_id])
    for profile in profiles.values():
        if profile.page_token is None:
            profile.page_token = secrets.token_urlsafe(16)
    return profiles


def effective_signup_limit(session: ProgramSession) -> int | None:
    """The session's own limit, else its room's capacity (None: no limit known)."""
    if session.signup_limit is not None:
        return session.signup_limit
    return session.room.capacity if session.room is not None else None


def build_snapshot(event: Event, previous: dict | None = None) -> dict:
    """The event's working program as a snapshot; `previous` (the last release's
    snapshot) carries each session's sequence forward. Gives speakers without a page
    token one (the caller commits)."""
    sessions = scheduled_sessions(event)
    user_ids = {sp.user_id for s in sessions for sp in s.speakers}
    profiles = _profiles(user_ids) if user_ids else {}
    days = days_of(event)
    speakers: dict[str, dict] = {}
    session_entries = []
    for s in sessions:
        tokens = []
        for sp in s.speakers:
            entry = _speaker_entry(sp.user, profiles[sp.user_id])
            speakers.setdefault(entry["token"], entry)
            tokens.append(entry["token"])
        session_entries.append(
            {
                "token": s.token,
                "title": s.title,
                "abstract": s.abstract,
                "kind": s.kind.value,
                "language": s.language,
                "track": str(s.track_id) if s.track_id is not None else None,
                "room": str(s.room_id),
                "starts_at": _iso(s.starts_at),
                "ends_at": _iso(s.ends_at),
                "duration_minutes": s.duration_minutes,
                "speakers": tokens,
                "takes_signups": s.takes_signups,
                "signup_limit": effective_signup_limit(s) if s.takes_signups else None,
                "sequence": 0,
            }
        )
    _carry_sequences(session_entries, previous)
    return {
        "event": {
            "slug": event.slug,
            "name_sv": event.name_sv,
            "name_en": event.name_en,
            "timezone": event.timezone,
            "venue_name": event.venue_name,
        },
        "days": [
            {"day": d.day.isoformat(), "starts_at": _iso(d.starts_at), "ends_at": _iso(d.ends_at)}
            for d in days
        ],
        "rooms": [
            {
                "key": str(r.id),
                "name": r.name,
                "capacity": r.capacity,
                "accessibility_notes": r.accessibility_notes,
            }
            for r in event.rooms
        ],
        "tracks": [
            {"key": str(t.id), "name_sv": t.name_sv, "name_en": t.name_en, "color": t.color}
            for t in event.tracks
        ],
        "speakers": sorted(speakers.values(), key=lambda sp: sp["name"].lower()),
        "sessions": session_entries,
    }


def _carry_sequences(entries: list[dict], previous: dict | None) -> None:
    before = {s["token"]: s for s in (previous or {}).get("sessions", [])}
    for entry in entries:
        old = before.get(entry["token"])
        if old is None:
            continue
        changed = any(old.get(field) != entry[field] for field in CHANGE_FIELDS)
        entry["sequence"] = old.get("sequence", 0) + (1 if changed else 0)


# -- reading a release back --------------------------------------------------------


@dataclass(frozen=True)
class PublishedSession:
    token: str
    title: str
    abstract: str
    kind: str
    language: str
    track: dict | None
    room: dict
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    speakers: tuple[dict, ...]
    takes_signups: bool
    signup_limit: int | None
    sequence: int


class ReleasedProgram:
    """A release's snapshot, parsed once: days, rooms, tracks, sessions and speakers
    with the lookups the public pages and exports need. Immutable, so it is cached per
    release (see `released_program`)."""

    def __init__(self, release_id: int, number: int, published_at: datetime, data: dict):
        self.release_id, self.number, self.published_at = release_id, number, published_at
        self.data = data
        self.event = data["event"]
        self.rooms = data["rooms"]
        self.tracks = data["tracks"]
        self.days = [
            {
                "day": date.fromisoformat(d["day"]),
                "starts_at": datetime.fromisoformat(d["starts_at"]),
                "ends_at": datetime.fromisoformat(d["ends_at"]),
            }
            for d in data["days"]
        ]
        rooms = {r["key"]: r for r in self.rooms}
        tracks = {t["key"]: t for t in self.tracks}
        self.speakers = {sp["token"]: sp for sp in data["speakers"]}
        self.sessions = [
            PublishedSession(
                token=s["token"],
                title=s["title"],
                abstract=s["abstract"],
                kind=s["kind"],
                language=s["language"],
                track=tracks.get(s["track"]) if s["track"] else None,
                room=rooms[s["room"]],
                starts_at=datetime.fromisoformat(s["starts_at"]),
                ends_at=datetime.fromisoformat(s["ends_at"]),
                duration_minutes=s["duration_minutes"],
                speakers=tuple(self.speakers[t] for t in s["speakers"]),
                takes_signups=s["takes_signups"],
                signup_limit=s["signup_limit"],
                sequence=s["sequence"],
            )
            for s in data["sessions"]
        ]
        self.by_token = {s.token: s for s in self.sessions}
        self.sessions_of_speaker: dict[str, list[PublishedSession]] = {}
        for s in self.sessions:
            for sp in s.speakers:
                self.sessions_of_speaker.setdefault(sp["token"], []).append(s)

    def session(self, token: str) -> PublishedSession | None:
        return self.by_token.get(token)

    def speaker(self, token: str) -> dict | None:
        return self.speakers.get(token)


# Keyed by id and publication time: a test database that starts over reuses ids.
_CACHE: BoundedCache[ReleasedProgram] = BoundedCache(16)


def cached_program(release_id: int, published_at: datetime) -> ReleasedProgram | None:
    return _CACHE.get((release_id, published_at))


def released_program(release) -> ReleasedProgram:
    """The parsed snapshot of a ProgramRelease, from this process's cache if there."""
    return _CACHE.get_or_make(
        (release.id, release.published_at),
        lambda: ReleasedProgram(release.id, release.number, release.published_at, release.snapshot),
    )
