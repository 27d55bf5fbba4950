"""Organizers' pages of the call for speakers (continued): what hangs on the call –
session formats, tracks, extra questions, review criteria and access codes – added,
changed, ordered and removed."""

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from ...access import event_role_required
from ...extensions import db
from ...forms import ButtonForm, form_page, form_removed, form_saved
from ...models import (
    AccessCode,
    CfpQuestion,
    QuestionKind,
    ReviewCriterion,
    SessionFormat,
    SessionKind,
    Track,
)
from ...services.cfp import cfp_setup
from ...services.cfp.cfp_setup import AccessCodeData, CriterionData, FormatData, QuestionData
from ...services.cfp.tracks import TrackData, save_track
from ..lookup import found_or_404, of_event_or_404
from .manage import ORGANIZER, call_or_flash, to_settings
from .manage_forms import (
    AccessCodeForm,
    CriterionForm,
    FormatForm,
    MoveForm,
    QuestionForm,
    TrackForm,
)


def _item(model, item_id: int, call):
    item = db.session.get(model, item_id)
    if item is None or item.call_id != call.id:
        abort(404)
    return item


def _edit_page(template, form, item, **context):
    return form_page(
        f"speakers/manage/{template}.html",
        form,
        event=g.event,
        item=item,
        delete_form=ButtonForm(formdata=None),
        **context,
    )


def _saved(anchor: str):
    flash(_("Saved."), "success")
    return redirect(url_for("speakers.manage_call", slug=g.event.slug, _anchor=anchor))


# Formats


def _format_form_page(format_id: int | None):
    call = call_or_flash()
    if call is None:
        return to_settings()
    session_format = _item(SessionFormat, format_id, call) if format_id is not None else None
    initial = None
    if session_format is not None and request.method == "GET":
        initial = {
            "name_sv": session_format.name_sv,
            "name_en": session_format.name_en,
            "kind": session_format.kind.value,
            "duration_minutes": session_format.duration_minutes,
        }
    form = FormatForm(data=initial)

    def save():
        data = FormatData(
            name_sv=form.name_sv.data,
            name_en=form.name_en.data or "",
            kind=SessionKind(form.kind.data),
            duration_minutes=form.duration_minutes.data,
        )
        cfp_setup.save_format(call, data, session_format)

    if form_saved(form, save):
        return _saved("formats")
    return _edit_page("format_form", form, session_format)


@event_role_required(ORGANIZER)
def manage_new_format(slug):
    return _format_form_page(None)


@event_role_required(ORGANIZER)
def manage_edit_format(slug, format_id):
    return _format_form_page(format_id)


# Tracks


def _track_form_page(track: Track | None):
    form = TrackForm(
        data={"name_sv": track.name_sv, "name_en": track.name_en, "color": track.color}
        if track is not None and request.method == "GET"
        else None
    )

    def save():
        data = TrackData(
            name_sv=form.name_sv.data, name_en=form.name_en.data or "", color=form.color.data
        )
        save_track(g.event, data, track)

    if form_saved(form, save):
        return _saved("tracks")
    return form_page("speakers/manage/track_form.html", form, event=g.event, item=track)


@event_role_required(ORGANIZER)
def manage_new_track(slug):
    return _track_form_page(None)


@event_role_required(ORGANIZER)
def manage_edit_track(slug, track_id):
    return _track_form_page(of_event_or_404(Track, track_id))


# Extra questions


def _question_form_page(question_id: int | None):
    call = call_or_flash()
    if call is None:
        return to_settings()
    question = _item(CfpQuestion, question_id, call) if question_id is not None else None
    form = QuestionForm(
        data=QuestionForm.initial(question) if question and request.method == "GET" else None
    )

    def save():
        data = QuestionData(
            kind=QuestionKind(form.kind.data),
            label_sv=form.label_sv.data,
            label_en=form.label_en.data or "",
            help_sv=form.help_sv.data or "",
            help_en=form.help_en.data or "",
            required=form.required.data,
            options=form.option_rows(question.options if question else []),
        )
        cfp_setup.save_question(call, data, question)

    if form_saved(form, save):
        return _saved("questions")
    return _edit_page("question_form", form, question)


@event_role_required(ORGANIZER)
def manage_new_question(slug):
    return _question_form_page(None)


@event_role_required(ORGANIZER)
def manage_edit_question(slug, question_id):
    return _question_form_page(question_id)


# Review criteria


def _criterion_form_page(criterion_id: int | None):
    call = call_or_flash()
    if call is None:
        return to_settings()
    criterion = _item(ReviewCriterion, criterion_id, call) if criterion_id is not None else None
    initial = None
    if criterion is not None and request.method == "GET":
        initial = {
            "name_sv": criterion.name_sv,
            "name_en": criterion.name_en,
            "weight": criterion.weight,
        }
    form = CriterionForm(data=initial)

    def save():
        data = CriterionData(
            name_sv=form.name_sv.data, name_en=form.name_en.data or "", weight=form.weight.data
        )
        cfp_setup.save_criterion(call, data, criterion)

    if form_saved(form, save):
        return _saved("criteria")
    return _edit_page("criterion_form", form, criterion)


@event_role_required(ORGANIZER)
def manage_new_criterion(slug):
    return _criterion_form_page(None)


@event_role_required(ORGANIZER)
def manage_edit_criterion(slug, criterion_id):
    return _criterion_form_page(criterion_id)


# Access codes


def _code_form_page(code_id: int | None):
    call = call_or_flash()
    if call is None:
        return to_settings()
    code = _item(AccessCode, code_id, call) if code_id is not None else None
    form = AccessCodeForm(
        data=AccessCodeForm.initial(code, g.event.tz) if code and request.method == "GET" else None
    )

    def save():
        data = AccessCodeData(
            code=form.code.data,
            note=form.note.data or "",
            valid_until=form.valid_until.data,
            max_uses=form.max_uses.data,
        )
        cfp_setup.save_access_code(call, data, code)

    if form_saved(form, save):
        return _saved("codes")
    return _edit_page(
        "code_form",
        form,
        code,
        proposals=cfp_setup.proposals_with_code(code) if code else [],
        uses=cfp_setup.access_code_uses(code) if code else 0,
    )


@event_role_required(ORGANIZER)
def manage_new_code(slug):
    return _code_form_page(None)


@event_role_required(ORGANIZER)
def manage_edit_code(slug, access_code_id):
    return _code_form_page(access_code_id)


# Removing and ordering -----------------------------------------------------------------------

REMOVABLE = {
    "formats": (SessionFormat, cfp_setup.delete_format),
    "questions": (CfpQuestion, cfp_setup.delete_question),
    "criteria": (ReviewCriterion, cfp_setup.delete_criterion),
    "codes": (AccessCode, cfp_setup.delete_access_code),
}
MOVABLE = ("formats", "questions", "criteria")


def _delete(what: str, item_id: int):
    model, delete = REMOVABLE[what]
    item = _item(model, item_id, found_or_404(cfp_setup.get_call(g.event)))
    if form_removed(ButtonForm(), lambda: delete(item)):
        flash(_("Removed."), "success")
    return redirect(url_for("speakers.manage_call", slug=g.event.slug, _anchor=what))


def _move(what: str, item_id: int):
    model, _delete_function = REMOVABLE[what]
    item = _item(model, item_id, found_or_404(cfp_setup.get_call(g.event)))
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    cfp_setup.move(item, form.step.data)
    return redirect(url_for("speakers.manage_call", slug=g.event.slug, _anchor=what))


@event_role_required(ORGANIZER)
def manage_delete_format(slug, format_id):
    return _delete("formats", format_id)


@event_role_required(ORGANIZER)
def manage_move_format(slug, format_id):
    return _move("formats", format_id)


@event_role_required(ORGANIZER)
def manage_delete_question(slug, question_id):
    return _delete("questions", question_id)


@event_role_required(ORGANIZER)
def manage_move_question(slug, question_id):
    return _move("questions", question_id)


@event_role_required(ORGANIZER)
def manage_delete_criterion(slug, criterion_id):
    return _delete("criteria", criterion_id)


@event_role_required(ORGANIZER)
def manage_move_criterion(slug, criterion_id):
    return _move("criteria", criterion_id)


@event_role_required(ORGANIZER)
def manage_delete_code(slug, access_code_id):
    return _delete("codes", access_code_id)
