"""iCalendar files of the published program: the whole program, one session, or a
person's agenda (a list of session tokens).

Read from a release only (a ReleasedProgram), never from the working program. What a
calendar application relies on to update an imported event instead of adding a copy:
- UID: the session's token and a host-independent domain (`<token>@<slug>.summit`),
  the same in every release and whatever address the file was fetched from;
- SEQUENCE: the session's sequence in the release (bumped each time it moved or its
  title, abstract or speakers changed);
- DTSTAMP: when the release was published.
Times are local to the event (DTSTART;TZID=Europe/Stockholm) with a VTIMEZONE made from
the zoneinfo database for the years the program spans.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, date
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone

from ...models.events import localized
from .snapshot import PublishedSession, ReleasedProgram

PRODID = "-//summit//program//SV"

SessionUrl = Callable[[str], str]  # session token -> the session page's absolute URL


def session_uid(program: ReleasedProgram, token: str) -> str:
    return f"{token}@{program.event['slug']}.summit"


def track_name(track: dict | None) -> str:
    return localized(track["name_sv"], track["name_en"]) if track else ""


def event_name(program: ReleasedProgram) -> str:
    return localized(program.event["name_sv"], program.event["name_en"])


@lru_cache(maxsize=32)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    # Shared between calendars: a component is only read once built.
    return Timezone.from_tzinfo(
        ZoneInfo(tzid),
        tzid=tzid,
        first_date=date(first_year, 1, 1),
        last_date=date(last_year + 1, 1, 1),
    )


def _calendar(program: ReleasedProgram, name: str, sessions: list[PublishedSession]) -> Calendar:
    tzid = program.event["timezone"]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", tzid)
    years = [s.starts_at.year for s in sessions] or [d["day"].year for d in program.days]
    if years:
        calendar.add_component(_vtimezone(tzid, min(years) - 1, max(years)))
    return calendar


def _description(session: PublishedSession) -> str:
    parts = [session.abstract.strip()] if session.abstract.strip() else []
    if session.speakers:
        names = ", ".join(sp["name"] for sp in session.speakers)
        parts.append(_("Speakers: %(names)s", names=names))
    return "\n\n".join(parts)


def _location(program: ReleasedProgram, session: PublishedSession) -> str:
    venue = program.event.get("venue_name") or ""
    return ", ".join(part for part in (session.room["name"], venue) if part)


def session_vevent(
    program: ReleasedProgram, session: PublishedSession, session_url: SessionUrl
) -> Event:
    tz = ZoneInfo(program.event["timezone"])
    stamp = program.published_at
    stamp = stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)
    vevent = Event()
    vevent.add("uid", session_uid(program, session.token))
    vevent.add("sequence", session.sequence)
    vevent.add("dtstamp", stamp.astimezone(UTC))
    vevent.add("last-modified", stamp.astimezone(UTC))
    vevent.add("dtstart", session.starts_at.astimezone(tz))
    vevent.add("dtend", session.ends_at.astimezone(tz))
    vevent.add("summary", session.title)
    description = _description(session)
    if description:
        vevent.add("description", description)
    vevent.add("location", _location(program, session))
    vevent.add("url", session_url(session.token))
    if session.track:
        vevent.add("categories", [track_name(session.track)])
    vevent.add("status", "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    return vevent


def _to_ical(
    program: ReleasedProgram, name: str, sessions: list[PublishedSession], session_url: SessionUrl
) -> bytes:
    calendar = _calendar(program, name, sessions)
    for session in sessions:
        calendar.add_component(session_vevent(program, session, session_url))
    return calendar.to_ical()


def program_ical(program: ReleasedProgram, session_url: SessionUrl) -> bytes:
    """Every session of the release, breaks and lunches included."""
    return _to_ical(program, event_name(program), list(program.sessions), session_url)


def session_ical(
    program: ReleasedProgram, session: PublishedSession, session_url: SessionUrl
) -> bytes:
    """One session: what "add to calendar" on its page downloads."""
    return _to_ical(program, f"{session.title} – {event_name(program)}", [session], session_url)


def sessions_in_release(program: ReleasedProgram, tokens: Iterable[str]) -> list[PublishedSession]:
    """The sessions of `tokens` that are in the release, in program order (unknown
    tokens and duplicates left out)."""
    wanted = set(tokens)
    return [s for s in program.sessions if s.token in wanted]


def agenda_ical(program: ReleasedProgram, tokens: Iterable[str], session_url: SessionUrl) -> bytes:
    """A personal agenda: the sessions of `tokens` that are in the release (tokens of
    sessions no longer in the program are left out)."""
    name = _("My program – %(event)s", event=event_name(program))
    return _to_ical(program, name, sessions_in_release(program, tokens), session_url)
