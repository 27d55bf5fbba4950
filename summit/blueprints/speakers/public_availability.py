"""A speaker's availability (/events/<slug>/speakers/availability): a speaker of the
event's program (a confirmed or accepted proposal, or a session) states when they can
speak, as a few periods of a program day; none stated means available throughout.

Thin: the rules are services/program/availability.py. Anyone else signed in gets 404,
as if there were no such page.
"""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import FieldList, FormField, SelectField, SubmitField
from wtforms.fields import SelectChoice
from wtforms.validators import Optional, ValidationError

from ...access import signed_in
from ...forms import ClockField, Form, PlainForm
from ...i18n import format_time, local_day
from ...services.program import ProgramError
from ...services.program.availability import (
    MAX_PERIODS,
    Period,
    day_hours,
    is_program_speaker,
    periods_of,
    set_availability,
)
from ..lookup import event_or_404

BLANK_ROWS = 2


class PeriodForm(PlainForm):
    day = SelectField(_l("Day"), choices=[], validate_choice=False)
    starts = ClockField(_l("From"), validators=[Optional()])
    ends = ClockField(_l("Until"), validators=[Optional()])

    def validate_day(self, field):
        if field.data and field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Choose one of the program's days."))
        typed = [v for v in (*(self.starts.raw_data or []), *(self.ends.raw_data or [])) if v]
        if not field.data and any(v.strip() for v in typed):
            raise ValidationError(_l("Choose a day."))


class AvailabilityForm(Form):
    periods = FieldList(FormField(PeriodForm), _l("Period"), max_entries=MAX_PERIODS)
    submit = SubmitField(_l("Save"))

    def chosen(self) -> list[tuple[int, Period]]:
        """The filled-in rows (index, period); empty rows are left out."""
        return [
            (i, Period(date.fromisoformat(e.form.day.data), e.form.starts.data, e.form.ends.data))
            for i, e in enumerate(self.periods)
            if e.form.day.data
        ]


def _day_choices(event) -> list[SelectChoice]:
    choices = [SelectChoice("", _("Choose a day"))]
    for day, hours in day_hours(event).items():
        label = local_day(day)
        if hours is not None:
            label = f"{label} ({format_time(hours[0])}–{format_time(hours[1])})"
        choices.append(SelectChoice(day.isoformat(), label))
    return choices


def _show(form: AvailabilityForm, error: ProgramError, rows: list[int]) -> str | None:
    """Put a refusal on the row and field it names; else return it for the top."""
    index = error.params.get("index")
    if index is not None and 0 <= index < len(rows) and error.field in ("day", "starts", "ends"):
        field = form.periods[rows[index]].form[error.field]
        field.errors = [*field.errors, error.message]
        return None
    return error.message


@signed_in
def availability(slug):
    event = event_or_404(slug)
    if not is_program_speaker(event, current_user):
        abort(404)
    stated = periods_of(event, current_user)
    if request.method == "GET":
        data = {
            "periods": [
                {"day": p.day.isoformat(), "starts": p.starts, "ends": p.ends} for p in stated
            ]
        }
        form = AvailabilityForm(data=data)
        while len(form.periods) < min(len(stated) + BLANK_ROWS, MAX_PERIODS):
            form.periods.append_entry()
    else:
        form = AvailabilityForm()
    choices = _day_choices(event)
    for entry in form.periods:
        entry.form.day.choices = choices
    error, refused = None, False
    if form.validate_on_submit():
        chosen = form.chosen()
        try:
            set_availability(event, current_user, [p for _i, p in chosen])
        except ProgramError as refusal:
            error, refused = _show(form, refusal, [i for i, _p in chosen]), True
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("speakers.availability", slug=event.slug))
    html = render_template(
        "speakers/availability.html",
        event=event,
        form=form,
        error=error,
        refused=refused,
        stated=stated,
    )
    return html, 422 if (refused or form.errors) else 200
