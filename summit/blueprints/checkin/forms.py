"""Forms of the organizers' check-in pages."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ...forms import Form, strip
from ...services.badges import arrival as arrival_badges
from ...services.badges.printing import LAYOUT_LABELS

# Print on arrival: one badge per page.
BADGE_LAYOUTS = {layout: LAYOUT_LABELS[layout] for layout in arrival_badges.LAYOUTS}


class StationForm(Form):
    """A new station, and the settings of one (the same fields)."""

    name = StringField(
        _l("Name of the door"),
        filters=[strip],
        validators=[DataRequired(), Length(max=120)],
        description=_l('Where the phone is used, e.g. "Entré A" or "Stora salen".'),
    )
    checkin_list = SelectField(_l("Check-in list"), coerce=int, validate_choice=True)
    prints_badges = BooleanField(
        _l("Print a badge on arrival"),
        description=_l(
            "After an OK scan the station shows the person's badge, ready for the "
            "browser's print dialog. For a computer at the door with a printer."
        ),
    )
    badge_layout = SelectField(
        _l("Badge layout"),
        choices=[SelectChoice(value, label) for value, label in BADGE_LAYOUTS.items()],
        default="a6",
        validate_choice=True,
    )


class ListForm(Form):
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


class ActionForm(Form):
    """A button that changes something: only the CSRF token."""
