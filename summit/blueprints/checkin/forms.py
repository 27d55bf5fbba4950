"""Forms of the organizers' check-in pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ...forms import strip


class StationForm(FlaskForm):
    name = StringField(
        _l("Name of the door"),
        filters=[strip],
        validators=[DataRequired(), Length(max=120)],
        description=_l('Where the phone is used, e.g. "Entré A" or "Stora salen".'),
    )
    checkin_list = SelectField(_l("Check-in list"), coerce=int, validate_choice=True)


class ListForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=120)],
        description=_l('e.g. "Alla dagar" or "Dag 1 – tisdag 18 maj".'),
    )
    day = SelectField(_l("Day"), validate_choice=True)
    ticket_types = SelectMultipleField(
        _l("Ticket types let in"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l("None chosen: every ticket type."),
    )


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
