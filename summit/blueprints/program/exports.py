"""The published program for calendars and conference apps, at stable addresses:
/events/<slug>/schedule.xml|json|ics (frab XML and JSON, iCal of everything or of a
browser-kept agenda with ?sessions=tok1,tok2) and .../program/sessions/<token>.ics.

All read the latest release only, and answer through `published_response` (ETag,
Last-Modified, 304 without rendering). The whole-program files are the same for every
visitor of a language, so each is built once per release and language and kept.
"""

import json
import re

from flask import abort, current_app, make_response, request
from flask_babel import get_locale
from flask_babel import gettext as _

from ...access import public
from ...services.program import frab, ical
from ...services.program.cache import BoundedCache
from ...urls import external_url
from ..lookup import public_event_or_404
from .caching import published_response

XML_TYPE = "application/xml; charset=utf-8"
JSON_TYPE = "application/json"
ICS_TYPE = "text/calendar; charset=utf-8"
MAX_AGENDA_TOKENS = 500
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")

_BUILT: BoundedCache[bytes] = BoundedCache(32)


def _built(program, kind: str, build) -> bytes:
    """`build()`'s bytes for this release, language and site address, built once."""
    key = (
        program.release_id,
        program.published_at,
        kind,
        str(get_locale() or ""),
        current_app.config["BASE_URL"],
    )
    return _BUILT.get_or_make(key, build)


def session_url_builder(slug: str):
    """Absolute address of a session's public page (at the site's configured address,
    so the files say the same whoever fetched them)."""
    return lambda token: external_url("program.public_session", slug=slug, token=token)


def program_url(slug: str) -> str:
    return external_url("program.public_program", slug=slug)


def file_response(body: bytes, content_type: str, filename: str | None = None):
    response = make_response(body)
    response.headers["Content-Type"] = content_type
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _nothing_published(program) -> None:
    if program is None:
        abort(404)


@public
def schedule_xml(slug):
    event = public_event_or_404(slug)

    def render(program):
        _nothing_published(program)
        body = _built(
            program,
            "xml",
            lambda: frab.schedule_xml(program, program_url(slug), session_url_builder(slug)),
        )
        return file_response(body, XML_TYPE)

    return published_response(event, render)


@public
def schedule_json(slug):
    event = public_event_or_404(slug)

    def build(program):
        data = frab.schedule_json(program, program_url(slug), session_url_builder(slug))
        return json.dumps(data, ensure_ascii=False, indent=1).encode()

    def render(program):
        _nothing_published(program)
        return file_response(_built(program, "json", lambda: build(program)), JSON_TYPE)

    return published_response(event, render)


def agenda_tokens_from_query(raw: str) -> list[str]:
    """The tokens of ?sessions=tok1,tok2: blanks and anything not shaped like a token
    left out (unknown tokens are left out later, against the release)."""
    parts = [part.strip() for part in raw.split(",")]
    return [part for part in parts if TOKEN_SHAPE.fullmatch(part)]


@public
def schedule_ics(slug):
    event = public_event_or_404(slug)
    raw = request.args.get("sessions")
    if raw is None:

        def render(program):
            _nothing_published(program)
            body = _built(
                program, "ics", lambda: ical.program_ical(program, session_url_builder(slug))
            )
            return file_response(body, ICS_TYPE, f"{slug}.ics")

        return published_response(event, render)

    tokens = agenda_tokens_from_query(raw)
    if len(tokens) > MAX_AGENDA_TOKENS:
        return _too_many()

    def render_agenda(program):
        _nothing_published(program)
        body = ical.agenda_ical(program, tokens, session_url_builder(slug))
        return file_response(body, ICS_TYPE, f"{slug}-my-program.ics")

    return published_response(event, render_agenda)


def _too_many():
    text = _("At most %(n)d sessions can be downloaded at once.", n=MAX_AGENDA_TOKENS)
    response = make_response(text, 400)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    return response


@public
def session_ics(slug, token):
    event = public_event_or_404(slug)

    def render(program):
        _nothing_published(program)
        session = program.session(token)
        if session is None:
            abort(404)
        body = ical.session_ical(program, session, session_url_builder(slug))
        name = frab.slugify(session.title) or "session"
        return file_response(body, ICS_TYPE, f"{slug}-{name}.ics")

    return published_response(event, render)
