"""The email a speaker gets when a release puts one of their sessions in the program for
them (where and when), moves it or removes it: one email per speaker listing all of
those sessions, in their language, with a contact address, queued in the outbox inside
the publishing transaction."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from ...extensions import db
from ...i18n import format_date, format_time
from ...models import Event, ProgramSession, Proposal, SpeakerProfile
from ...urls import external_url
from ..cfp.links import proposal_url
from ..cfp.speakers import display_name_of, language_of
from ..mail import queue_mail


def when_text(start: datetime, end: datetime, room: str, tz: ZoneInfo, locale: str) -> str:
    """ "tisdag 18 maj 2027 10:00–10:30, Sal A" in the reader's language."""
    day = format_date(start, "weekday_date", tz=tz, locale=locale)
    hours = "–".join(format_time(t, "time", tz=tz, locale=locale) for t in (start, end))
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


def _items(
    event: Event, entries: list[dict], locale: str, proposals: dict, user_id: int
) -> list[dict]:
    tz = ZoneInfo(event.timezone)
    items = []
    for entry in entries:
        gone = entry["change"] == "removed"
        items.append(
            {
                "title": entry["title"],
                "new": entry["change"] == "added",
                "removed": gone,
                "before": _when(entry["before"], tz, locale) if entry["before"] else "",
                "after": _when(entry["after"], tz, locale) if entry["after"] else "",
                "link": None if gone else session_link(event, entry["token"]),
                "proposal_link": proposals.get((entry["token"], user_id)),
            }
        )
    return items


def contact_address(reply_to: str | None = None) -> str:
    """Where speakers write about the program: CONTACT_EMAIL, else whoever published."""
    return current_app.config.get("CONTACT_EMAIL") or reply_to or ""


def _proposal_links(entries: dict[str, list[dict]]) -> dict[tuple[str, int], str]:
    """(session token, user id) -> the page of the proposal the session came from, for
    each of the proposal's speakers (only they can open it)."""
    tokens = {entry["token"] for found in entries.values() for entry in found}
    if not tokens:
        return {}
    rows = db.session.execute(
        select(ProgramSession.token, Proposal)
        .join(Proposal, Proposal.id == ProgramSession.proposal_id)
        .where(ProgramSession.token.in_(tokens))
        .options(selectinload(Proposal.event), selectinload(Proposal.speakers))
    ).all()
    return {
        (token, speaker.user_id): proposal_url(proposal)
        for token, proposal in rows
        for speaker in proposal.speakers
        if speaker.user_id is not None
    }


def queue_speaker_mails(
    event: Event, affected: dict[str, list[dict]], number: int, reply_to: str | None = None
) -> int:
    """Queue one email per speaker the release tells something (page token -> their
    entries, changelog.speakers_to_tell) in the caller's unit of work; replies go to
    `reply_to` (the organizer who published). Returns how many were queued."""
    if not affected:
        return 0
    profiles = db.session.scalars(
        select(SpeakerProfile)
        .where(SpeakerProfile.page_token.in_(list(affected)))
        .options(selectinload(SpeakerProfile.user))
    ).all()
    proposals = _proposal_links(affected)
    contact = contact_address(reply_to)
    queued = 0
    for profile in sorted(profiles, key=lambda p: p.user_id):
        user = profile.user
        if user is None or not user.email:
            continue
        locale = language_of(user, profile)
        with force_locale(locale):
            event_name = event.name
            name = display_name_of(user, "", profile)
        items = _items(event, affected[profile.page_token], locale, proposals, user.id)
        only_new = all(item["new"] for item in items)
        queue_mail(
            user.email,
            "program_changed",
            subject=lambda event_name=event_name, only_new=only_new: (
                _("Where and when you speak at %(event)s", event=event_name)
                if only_new
                else _("Your session in the program of %(event)s has changed", event=event_name)
            ),
            locale=locale,
            reply_to=reply_to,
            name=name,
            event_name=event_name,
            number=number,
            items=items,
            contact=contact,
            program_link=_program_link(event),
        )
        queued += 1
    return queued


def _program_link(event: Event) -> str | None:
    try:
        return external_url("program.public_program", slug=event.slug)
    except BuildError:
        return None
