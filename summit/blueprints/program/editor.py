"""The schedule editor: one day's grid of rooms × time, where organizers drag sessions
from the unscheduled list onto a room and a time, move and resize them (the JSON
`place` endpoint), and the same done with a plain form for keyboard and screen-reader
users (`place_form`); plus the list of every conflict in the program."""

from datetime import date, datetime

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...access import event_role_required
from ...forms import show_refusal
from ...i18n import local_day
from ...models import Role
from ...services.program.conflicts import KINDS, find_conflicts, kind_label
from ...services.program.errors import ProgramError, StaleEdit
from ...services.program.schedule_grid import day_grid
from ...services.program.scheduling import place_session, unschedule
from ...services.program.sessions import program_sessions, session_by_token
from ...services.program.setup import days_of, rooms_of
from ..lookup import found_or_404
from .editor_forms import PlaceForm, RemoveForm

ORGANIZER = Role.ORGANIZER


def _page(template: str, **context):
    return render_template(
        f"program/editor/{template}",
        event=g.event,
        **context,
    )


@event_role_required(ORGANIZER)
def editor_start(slug):
    days = days_of(g.event)
    if days:
        return redirect(url_for("program.editor", slug=slug, day=days[0].day.isoformat()))
    return _page("no_days.html")


@event_role_required(ORGANIZER)
def editor(slug, day):
    try:
        value = date.fromisoformat(day)
    except ValueError:
        abort(404)
    days = days_of(g.event)
    program_day = next((d for d in days if d.day == value), None)
    if program_day is None:
        abort(404)
    return _page("editor.html", grid=day_grid(g.event, program_day), days=days)


# The JSON API of the drag and drop ----------------------------------------------------


def _refusal(status: int, reason: str, message: str, field: str | None = None):
    response = jsonify({"ok": False, "error": reason, "field": field, "message": message})
    response.status_code = status
    return response


def _number(value):
    """A whole number from JSON (3 or "3"); anything else stays as it is, and the service
    refuses it with the field's message."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return value


def _start(value, tz):
    """An ISO date and time; without an offset it is the event's local time."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=tz) if moment.utcoffset() is None else moment


def _conflict_json(conflict) -> dict:
    return {
        "kind": conflict.kind,
        "label": kind_label(conflict.kind),
        "sessions": list(conflict.sessions),
        "message": conflict.message,
    }


@event_role_required(ORGANIZER)
def place(slug):
    """{token, room, start, duration, version} places (or moves, or resizes) a session;
    {token, version, action: "unschedule"} takes it out. Answers {ok, version, ...,
    conflicts} or {ok: false, error, field, message} with 400, 404, 409 or 422."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _refusal(400, "bad_request", _("The request could not be read. Reload the page."))
    session = session_by_token(g.event, data.get("token"))
    if session is None:
        return _refusal(404, "not_found", _("This session is not in the program. Reload the page."))
    version = _number(data.get("version"))
    try:
        if data.get("action") == "unschedule":
            session = unschedule(session, version)
        else:
            session = place_session(
                session,
                _number(data.get("room")),
                _start(data.get("start"), g.event.tz),
                _number(data.get("duration")),
                version,
            )
    except StaleEdit as error:
        return _refusal(409, error.reason, error.message)
    except ProgramError as error:
        return _refusal(422, error.reason, error.message, error.field)
    found = find_conflicts(g.event)
    mine = [c for c in found if session.token in c.sessions]
    return jsonify(
        {
            "ok": True,
            "token": session.token,
            "version": session.version,
            "room": session.room_id,
            "start": session.starts_at.astimezone(g.event.tz).isoformat()
            if session.starts_at
            else None,
            "duration": session.duration_minutes,
            "conflicts": [_conflict_json(c) for c in mine],
            "conflict_count": len(found),
        }
    )


# The keyboard and screen-reader path ---------------------------------------------------


def _place_form(session, days, rooms) -> PlaceForm:
    initial = None
    if request.method == "GET":
        tz = g.event.tz
        local = session.starts_at.astimezone(tz) if session.starts_at else None
        initial = {
            "room": session.room_id,
            "day": local.date().isoformat() if local else (days[0].day.isoformat() if days else ""),
            "start": local.time()
            if local
            else (days[0].starts_at.astimezone(tz).time() if days else None),
            "duration": session.duration_minutes,
            "version": session.version,
        }
    form = PlaceForm(data=initial)
    form.room.choices = [(room.id, room.name) for room in rooms]
    form.day.choices = [(d.day.isoformat(), local_day(d.day)) for d in days]
    return form


def _version(value) -> int:
    number = _number(value)
    return number if isinstance(number, int) else -1


@event_role_required(ORGANIZER)
def place_form(slug, token):
    session = found_or_404(session_by_token(g.event, token))
    days, rooms = days_of(g.event), rooms_of(g.event)
    form = _place_form(session, days, rooms)
    remove_form = RemoveForm(data={"version": session.version})
    refusal = None
    if request.method == "POST" and "remove" in request.form:
        if remove_form.validate_on_submit():
            try:
                unschedule(session, _version(remove_form.version.data))
            except ProgramError as error:
                refusal = error.message
            else:
                flash(
                    _("“%(title)s” is no longer in the schedule.", title=session.title), "success"
                )
                return redirect(url_for("program.place_form", slug=slug, token=token))
        else:
            refusal = _("The form had expired. Please send it again.")
    elif form.validate_on_submit():
        start = datetime.combine(date.fromisoformat(form.day.data), form.start.data, g.event.tz)
        try:
            place_session(
                session, form.room.data, start, form.duration.data, _version(form.version.data)
            )
        except StaleEdit as error:
            refusal = error.message
        except ProgramError as error:
            refusal = show_refusal(error, form, above_form=True)
        else:
            flash(_("Saved. The schedule has been updated."), "success")
            return redirect(url_for("program.place_form", slug=slug, token=token))
    status = 409 if refusal else (422 if form.errors else 200)
    conflicts = [c for c in find_conflicts(g.event) if session.token in c.sessions]
    editor_day = session.starts_at.astimezone(g.event.tz).date() if session.starts_at else None
    if editor_day is None and days:
        editor_day = days[0].day
    return (
        _page(
            "place_form.html",
            session=session,
            form=form,
            remove_form=remove_form,
            refusal=refusal,
            conflicts=conflicts,
            editor_day=editor_day,
            sessions={s.token: s for s in program_sessions(g.event)},
        ),
        status,
    )


@event_role_required(ORGANIZER)
def conflicts(slug):
    found = find_conflicts(g.event)
    grouped = [(kind, kind_label(kind), [c for c in found if c.kind == kind]) for kind in KINDS]
    return _page(
        "conflicts.html",
        found=found,
        grouped=[group for group in grouped if group[2]],
        sessions={s.token: s for s in program_sessions(g.event)},
    )
