"""The personal agenda ("mitt program"): the page, its JSON for the toggle buttons, and a
signed-in person's calendar feed.

A signed-in person's agenda is stored (AgendaItem) and rendered on the server; anyone
else's is kept in their browser (localStorage, static/js/agenda.js) and the page lists
every published session hidden, for the script to show the chosen ones. The buttons on
the other program pages are the same for everyone: the script asks `agenda_items` who
is looking and sets their state, so those pages stay shareable by ETag.
"""

from flask import abort, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf

from ...access import public
from ...extensions import csrf
from ...services.events import get_public_event
from ...services.program import ProgramError
from ...services.program import agenda as agendas
from ...services.program.ical import agenda_ical, sessions_in_release
from ...services.program.published import published_program
from ..lookup import public_event_or_404
from .caching import published_response
from .exports import ICS_TYPE, file_response, session_url_builder
from .public_model import program_view


@public
def agenda(slug):
    event = public_event_or_404(slug)
    signed_in = current_user.is_authenticated
    tokens = agendas.agenda_tokens(current_user, event) if signed_in else []
    feed = agendas.feed_token(current_user, event) if signed_in else ""

    def render(program):
        if program is None:
            abort(404)
        return render_template(
            "program/agenda.html",
            event=event,
            program=program,
            items=program_view(program).items,
            signed_in=signed_in,
            chosen=sessions_in_release(program, tokens),
            feed_token=feed,
        )

    # The stored agenda changes without a new release: it is part of the page's ETag.
    vary = f"agenda:{','.join(tokens)}:{feed}" if signed_in else "browser"
    return published_response(event, render, vary=vary)


def _json(status: int, **body):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "private, no-store"
    return response


@csrf.exempt  # checked below, after the sign-in check, so anonymous get a JSON 401
@public
def agenda_items(slug):
    event = get_public_event(slug)
    if event is None:
        return _json(404, error="not_found")
    program = published_program(event)
    if request.method == "GET":
        if not current_user.is_authenticated:
            return _json(200, signed_in=False, tokens=[])
        tokens = _published(program, agendas.agenda_tokens(current_user, event))
        return _json(200, signed_in=True, tokens=tokens, csrf_token=generate_csrf())
    if not current_user.is_authenticated:
        return _json(401, error="unauthorized", message=_sign_in_text())
    try:
        csrf.protect()
    except CSRFError as error:
        return _json(400, error="csrf", message=error.description)
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not ("token" in data or "merge" in data):
        return _json(400, error="bad_request", message=_bad_request_text())
    try:
        if "merge" in data:
            tokens, ignored = agendas.merge_into_agenda(current_user, event, program, data["merge"])
            return _json(200, tokens=_published(program, tokens), ignored=ignored)
        add = data.get("add", True)
        if not isinstance(add, bool):
            return _json(400, error="bad_request", message=_bad_request_text())
        tokens = agendas.set_in_agenda(current_user, event, program, data["token"], add)
    except ProgramError as error:
        return _json(422, error=error.reason, message=error.message)
    return _json(200, tokens=_published(program, tokens))


def _published(program, tokens: list[str]) -> list[str]:
    """The agenda as the buttons need it: its sessions in the release, in program order."""
    return [s.token for s in sessions_in_release(program, tokens)] if program else []


def _sign_in_text() -> str:
    return _("Sign in to keep your program on your account.")


def _bad_request_text() -> str:
    return _("Send a session token with add true or false, or a list of tokens to merge.")


@public
def agenda_ics(slug, token):
    event = public_event_or_404(slug)
    person = agendas.feed_user(token, event)
    if person is None:
        abort(404)
    tokens = agendas.agenda_tokens(person, event)

    def render(program):
        if program is None:
            abort(404)
        body = agenda_ical(program, tokens, session_url_builder(slug))
        return file_response(body, ICS_TYPE, f"{slug}-my-program.ics")

    return published_response(event, render, vary=f"feed:{person.id}:{','.join(tokens)}")
