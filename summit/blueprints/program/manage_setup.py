"""Organizers' program setup (/manage/events/<slug>/program/...): the overview, rooms,
days and the sessions made by hand (or edited after coming from proposals).

Thin: the rules are services/program/setup.py and sessions.py. A refusal is shown on
the field it is about with 422 (nothing stored); an edit made on an older version of
a session is refused with 409.
"""

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields import SelectChoice

from ...access import event_role_required
from ...extensions import db
from ...forms import form_removed, show_refusal
from ...i18n import format_time, local_day
from ...models import ProgramDay, ProgramSession, Proposal, Role, Room, SessionKind
from ...services.program import ProgramError, StaleEdit, setup
from ...services.program import sessions as program_sessions
from ...services.program.availability import periods_by_speaker
from ...services.program.conflicts import find_conflicts
from ...services.program.published import latest_release_stamp
from ...services.program.sessions import SessionData
from ...services.program.setup import DayData, RoomData
from ..lookup import found_or_404, of_event_or_404
from .manage_forms import (
    ButtonForm,
    DayForm,
    DeleteSessionForm,
    MoveForm,
    RoomForm,
    SessionForm,
    split_emails,
)

ORGANIZER = Role.ORGANIZER


def _page(template: str, form, error: str | None = None, stale: bool = False, **context):
    html = render_template(template, form=form, error=error, event=g.event, **context)
    return html, 409 if stale else 422 if (form.errors or error) else 200


def _removed(form, remove, back: str, listing: str, **ids):
    """A remove button: `remove()` the thing, then back to the list; a refusal is shown
    on the thing's page (`back`), nothing removed."""
    if not form_removed(form, remove):
        return redirect(url_for(back, slug=g.event.slug, **ids))
    flash(_("Removed."), "success")
    return redirect(url_for(listing, slug=g.event.slug))


# Overview -----------------------------------------------------------------------------


@event_role_required(ORGANIZER)
def overview(slug):
    counts = program_sessions.session_counts(g.event)
    return render_template(
        "program/manage/overview.html",
        event=g.event,
        rooms=setup.rooms_of(g.event),
        days=setup.days_of(g.event),
        scheduled=counts["scheduled"],
        waiting=counts["waiting"],
        conflicts=len(find_conflicts(g.event)),
        latest=latest_release_stamp(g.event),
    )


# Rooms --------------------------------------------------------------------------------


@event_role_required(ORGANIZER)
def rooms(slug):
    return render_template(
        "program/manage/rooms.html",
        event=g.event,
        rooms=setup.rooms_of(g.event),
        button_form=ButtonForm(formdata=None),
    )


def _room_page(room: Room | None):
    initial = None
    if room is not None and request.method == "GET":
        rooms_ = setup.rooms_of(g.event)
        initial = {
            "name": room.name,
            "capacity": room.capacity,
            "accessibility_notes": room.accessibility_notes,
            "opens_at": room.opens_at,
            "closes_at": room.closes_at,
            "position": next(i for i, r in enumerate(rooms_, 1) if r.id == room.id),
        }
    form = RoomForm(data=initial)
    if room is None:
        del form.position
    error = None
    if form.validate_on_submit():
        data = RoomData(
            name=form.name.data,
            capacity=form.capacity.data,
            accessibility_notes=form.accessibility_notes.data or "",
            opens_at=form.opens_at.data,
            closes_at=form.closes_at.data,
        )
        try:
            saved = setup.save_room(g.event, data, room)
            if room is not None and form.position.data is not None:
                setup.place_room(saved, form.position.data)
        except ProgramError as refusal:
            error = show_refusal(refusal, form, above_form=True)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("program.rooms", slug=g.event.slug))
    return _page(
        "program/manage/room_form.html",
        form,
        error,
        item=room,
        in_use=setup.scheduled_in_room(room) if room else 0,
        delete_form=ButtonForm(formdata=None),
    )


@event_role_required(ORGANIZER)
def new_room(slug):
    return _room_page(None)


@event_role_required(ORGANIZER)
def edit_room(slug, room_id):
    return _room_page(of_event_or_404(Room, room_id))


@event_role_required(ORGANIZER)
def move_room(slug, room_id):
    room = of_event_or_404(Room, room_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    setup.move_room(room, form.step.data)
    return redirect(url_for("program.rooms", slug=g.event.slug))


@event_role_required(ORGANIZER)
def delete_room(slug, room_id):
    room = of_event_or_404(Room, room_id)
    return _removed(
        ButtonForm(),
        lambda: setup.delete_room(room),
        "program.edit_room",
        "program.rooms",
        room_id=room_id,
    )


# Days ---------------------------------------------------------------------------------


@event_role_required(ORGANIZER)
def days(slug):
    listed = [
        (d, *setup.local_hours(d), setup.sessions_on(g.event, d.day))
        for d in setup.days_of(g.event)
    ]
    return render_template(
        "program/manage/days.html",
        event=g.event,
        days=listed,
        missing=len(g.event.days) - len(listed),
    )


def _day_page(program_day: ProgramDay | None):
    initial = None
    if program_day is not None and request.method == "GET":
        starts, ends = setup.local_hours(program_day)
        initial = {"day": program_day.day.isoformat(), "starts": starts, "ends": ends}
    form = DayForm(data=initial)
    form.day.choices = [SelectChoice(d.isoformat(), local_day(d)) for d in g.event.days]
    error = None
    if form.validate_on_submit():
        data = DayData(
            day=date.fromisoformat(form.day.data), starts=form.starts.data, ends=form.ends.data
        )
        try:
            setup.save_day(g.event, data, program_day)
        except ProgramError as refusal:
            error = show_refusal(refusal, form, above_form=True)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("program.days", slug=g.event.slug))
    return _page(
        "program/manage/day_form.html",
        form,
        error,
        item=program_day,
        in_it=setup.sessions_on(g.event, program_day.day) if program_day else 0,
        delete_form=ButtonForm(formdata=None),
    )


@event_role_required(ORGANIZER)
def new_day(slug):
    return _day_page(None)


@event_role_required(ORGANIZER)
def edit_day(slug, day_id):
    return _day_page(of_event_or_404(ProgramDay, day_id))


@event_role_required(ORGANIZER)
def delete_day(slug, day_id):
    program_day = of_event_or_404(ProgramDay, day_id)
    return _removed(
        ButtonForm(),
        lambda: setup.delete_day(program_day),
        "program.edit_day",
        "program.days",
        day_id=day_id,
    )


# Sessions -----------------------------------------------------------------------------


@event_role_required(ORGANIZER)
def sessions(slug):
    return render_template(
        "program/manage/sessions.html",
        event=g.event,
        sessions=program_sessions.program_sessions(g.event),
    )


def _version(form) -> int | None:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None


def _session_page(session: ProgramSession | None):
    from_proposal = session is not None and session.proposal_id is not None
    initial = None
    if session is not None and request.method == "GET":
        initial = {
            "version": session.version,
            "title": session.title,
            "abstract": session.abstract,
            "kind": session.kind.value,
            "duration_minutes": session.duration_minutes,
            "track_id": str(session.track_id or ""),
            "language": session.language,
            "speakers": "\n".join(program_sessions.speaker_emails(session)),
            "takes_signups": session.takes_signups,
            "signup_limit": session.signup_limit,
        }
    form = SessionForm(data=initial)
    form.track_id.choices = [SelectChoice("", _("No track"))] + [
        SelectChoice(str(t.id), t.name) for t in g.event.tracks
    ]
    if from_proposal:
        del form.kind
        del form.speakers
    error, stale = None, False
    if form.validate_on_submit():
        data = SessionData(
            title=form.title.data,
            abstract=form.abstract.data or "",
            kind=SessionKind(form.kind.data) if not from_proposal else session.kind,
            duration_minutes=form.duration_minutes.data,
            track_id=int(form.track_id.data) if form.track_id.data else None,
            language=form.language.data,
            speaker_emails=split_emails(form.speakers.data) if not from_proposal else [],
            takes_signups=form.takes_signups.data,
            signup_limit=form.signup_limit.data,
        )
        try:
            if session is None:
                program_sessions.add_session(g.event, data)
            else:
                program_sessions.update_session(session, data, _version(form))
        except StaleEdit as refusal:
            error, stale = show_refusal(refusal, form, above_form=True), True
        except ProgramError as refusal:
            error = show_refusal(refusal, form, above_form=True)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("program.sessions", slug=g.event.slug))
    return _page(
        "program/manage/session_form.html",
        form,
        error,
        stale=stale,
        item=session,
        from_proposal=from_proposal,
        proposal_token=_proposal_token(session),
        availability=_speakers_availability(session),
        delete_form=DeleteSessionForm(formdata=None, data={"version": session.version})
        if session is not None and not from_proposal
        else None,
    )


def _proposal_token(session: ProgramSession | None) -> str | None:
    if session is None or session.proposal_id is None:
        return None
    return db.session.scalar(select(Proposal.token).where(Proposal.id == session.proposal_id))


def _speakers_availability(session: ProgramSession | None) -> list[dict]:
    """Each speaker's stated availability, in local time (empty: available throughout)."""
    if session is None:
        return []
    stated = periods_by_speaker(g.event, [speaker.user_id for speaker in session.speakers])
    return [
        {
            "user": speaker.user,
            "periods": [
                (local_day(p.day), format_time(p.starts), format_time(p.ends))
                for p in stated.get(speaker.user_id, [])
            ],
        }
        for speaker in session.speakers
    ]


@event_role_required(ORGANIZER)
def new_session(slug):
    return _session_page(None)


@event_role_required(ORGANIZER)
def edit_session(slug, token):
    return _session_page(found_or_404(program_sessions.session_by_token(g.event, token)))


@event_role_required(ORGANIZER)
def delete_session(slug, token):
    session = found_or_404(program_sessions.session_by_token(g.event, token))
    form = DeleteSessionForm()
    return _removed(
        form,
        lambda: program_sessions.delete_session(session, _version(form)),
        "program.edit_session",
        "program.sessions",
        token=token,
    )
