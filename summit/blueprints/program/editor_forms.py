"""Forms of the schedule editor's keyboard path: place a session (room, day, start,
duration) or take it out of the schedule. The form checks shapes; scheduling.py the
rules (room of the event, inside a day, 5-minute grid, stale edits)."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SubmitField, TimeField
from wtforms.validators import InputRequired

from ...forms import CountField, Form, between


class PlaceForm(Form):
    room = SelectField(_l("Room"), coerce=int, validate_choice=False)
    day = SelectField(_l("Day"))
    start = TimeField(
        _l("Start time"),
        validators=[InputRequired(_l("Enter a start time, e.g. 09:30."))],
        description=_l("24-hour clock, in steps of 5 minutes, e.g. 13:05."),
    )
    duration = CountField(
        _l("Length in minutes"),
        validators=[between(5, 600)],
        description=_l("From 5 to 600 minutes, in steps of 5."),
    )
    version = HiddenField()
    save = SubmitField(_l("Save placement"))


class RemoveForm(Form):
    version = HiddenField()
    remove = SubmitField(_l("Remove from schedule"))
