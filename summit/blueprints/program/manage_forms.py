"""Forms of the program's setup pages: rooms, days, sessions made by hand.

The forms check the shape of what comes in (numbers, choices, lengths, times); the
services (services/program/setup.py, sessions.py) check the rules and store nothing
when one is broken (their error is put on the field).
"""

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from ...forms import (
    ButtonForm,  # noqa: F401  (re-exported: manage_setup.py, signups.py)
    ClockField,
    CountField,
    Form,
    between,
    enum_choices,
    strip,
)
from ...models import SessionKind

LANGUAGE_CHOICES = [SelectChoice("sv", _l("Swedish")), SelectChoice("en", _l("English"))]


class RoomForm(Form):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter a name.")), Length(max=120)],
    )
    capacity = CountField(
        _l("Capacity"),
        validators=[Optional(), between(1, 100_000)],
        description=_l("How many people the room holds. Leave empty if not known."),
    )
    accessibility_notes = TextAreaField(
        _l("Accessibility"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "Step-free access, hearing loop, seating…: shown with the room in the program."
        ),
    )
    opens_at = ClockField(
        _l("Opens"),
        validators=[Optional()],
        description=_l("Swedish time, every day. Leave empty: the program day's hours."),
    )
    closes_at = ClockField(
        _l("Closes"),
        validators=[Optional()],
        description=_l("Swedish time, every day. Leave empty: the program day's hours."),
    )
    position = CountField(
        _l("Place in the order"),
        validators=[Optional(), between(1, 1000)],
        description=_l("1 is the first room (the leftmost column of the schedule)."),
    )
    submit = SubmitField(_l("Save"))


class DayForm(Form):
    day = SelectField(
        _l("Day"),
        choices=[],
        validators=[InputRequired(message=_l("Choose a day."))],
    )
    starts = ClockField(
        _l("Starts"),
        validators=[InputRequired(message=_l("Enter a time, e.g. 09:00."))],
        description=_l("Swedish time."),
    )
    ends = ClockField(
        _l("Ends"),
        validators=[InputRequired(message=_l("Enter a time, e.g. 09:00."))],
        description=_l("Swedish time."),
    )
    submit = SubmitField(_l("Save"))


def split_emails(text: str | None) -> list[str]:
    """Addresses typed one per line or separated by commas or semicolons."""
    return [part.strip() for part in re.split(r"[\s,;]+", text or "") if part.strip()]


class SessionForm(Form):
    """A session's details. Sessions from proposals show no kind or speakers (they are
    the proposal's): the view removes those fields."""

    version = HiddenField()
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter a title.")), Length(max=200)],
    )
    abstract = TextAreaField(
        _l("Abstract"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 6}
    )
    kind = SelectField(
        _l("Kind of session"),
        choices=enum_choices(SessionKind),
        default=SessionKind.KEYNOTE.value,
        validators=[InputRequired(message=_l("Choose one of the options."))],
    )
    duration_minutes = CountField(
        _l("Length in minutes"),
        default=30,
        validators=[
            InputRequired(message=_l("Enter a number from 5 to 600.")),
            between(5, 600),
        ],
        description=_l("In steps of 5 minutes."),
    )
    track_id = SelectField(_l("Track"), choices=[], default="")
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="sv")
    speakers = TextAreaField(
        _l("Speakers"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "Email addresses, one per line, in the order the speakers are listed. "
            "People without an account get one (they sign in by emailed link)."
        ),
        render_kw={"rows": 3, "autocomplete": "off"},
    )
    takes_signups = BooleanField(
        _l("Attendees sign up (limited places)"),
        description=_l("For workshops: attendees with a ticket sign up for a place."),
    )
    signup_limit = CountField(
        _l("Places"),
        validators=[Optional(), between(1, 10_000)],
        description=_l("Leave empty: as many as the room holds."),
    )
    submit = SubmitField(_l("Save"))


class MoveForm(Form):
    step = IntegerField(validators=[InputRequired(), AnyOf([-1, 1])])


class DeleteSessionForm(Form):
    version = HiddenField()
    submit = SubmitField(_l("Remove the session"))
