"""The email a speaker gets when a new release moves or removes one of their sessions:
one email per speaker listing all of their sessions that changed, in their language,
queued in the outbox inside the publishing transaction."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from ...extensions import db
from ...models import Event, SpeakerProfile
from ...urls import external_url
from ..cfp.speakers import display_name_of, language_of
from ..mail import queue_mail


def when_text(start: datetime, end: datetime, room: str, tz: ZoneInfo, locale: str) -> str:
    """ "tisdag 18 maj 2027 10:00–10:30, Sal A" in the reader's language."""
    start, end = start.astimezone(tz), end.astimezone(tz)
    day = format_datetime(start, "EEEE d MMMM y", locale=locale)
    hours = "–".join(format_time(t, "HH:mm", locale=locale) for t in (start, end))
    return f"{day} {hours}, {room}" if room else f"{day} {hours}"


def _when(placement: dict, tz: ZoneInfo, locale: str) -> str:
    return when_text(
        datetime.fromisoformat(placement["starts_at"]),
        datetime.fromisoformat(placement["ends_at"]),
        placement.get("room") or "",
        tz,
        locale,
    )


def session_link(event: Event, token: str) -> str | None:
    try:
        return external_url("program.public_session", slug=event.slug, token=token)
    except BuildError:  # the public pages are not registered (should not happen)
        return None


def _items(event: Event, entries: list[dict], locale: str) -> list[dict]:
    tz = ZoneInfo(event.timezone)
    items = []
    for entry in entries:
        before = _when(entry["before"], tz, locale) if entry["before"] else ""
        after = _when(entry["after"], tz, locale) if entry["after"] else ""
        items.append(
            {
                "title": entry["title"],
                "removed": entry["change"] == "removed",
                "before": before,
                "after": after,
                "link": None
                if entry["change"] == "removed"
                else session_link(event, entry["token"]),
            }
        )
    return items


def queue_speaker_mails(
    event: Event, affected: dict[str, list[dict]], number: int, reply_to: str | None = None
) -> int:
    """Queue one email per affected speaker (page token -> their changed entries) in the
    caller's unit of work; replies go to `reply_to` (the organizer who published).
    Returns how many were queued."""
    if not affected:
        return 0
    profiles = db.session.scalars(
        select(SpeakerProfile)
        .where(SpeakerProfile.page_token.in_(list(affected)))
        .options(selectinload(SpeakerProfile.user))
    ).all()
    queued = 0
    for profile in sorted(profiles, key=lambda p: p.user_id):
        user = profile.user
        if user is None or not user.email:
            continue
        locale = language_of(user, profile)
        with force_locale(locale):
            event_name = event.name
            name = display_name_of(user, "", profile)
        queue_mail(
            user.email,
            "program_changed",
            subject=lambda event_name=event_name: _(
                "Your session in the program of %(event)s has changed", event=event_name
            ),
            locale=locale,
            reply_to=reply_to,
            name=name,
            event_name=event_name,
            number=number,
            items=_items(event, affected[profile.page_token], locale),
            program_link=_program_link(event),
        )
        queued += 1
    return queued


def _program_link(event: Event) -> str | None:
    try:
        return external_url("program.public_program", slug=event.slug)
    except BuildError:
        return None
