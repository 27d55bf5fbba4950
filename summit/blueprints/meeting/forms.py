"""The participant list's forms: one's entry, and the list's search (sent by GET)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired

from ...forms import Form, PlainForm, at_most, strip
from ...services.meeting.listing import NAME_MAX, ORGANISATION_MAX, QUERY_MAX, WANTS_MAX


class ListingForm(Form):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[InputRequired(_l("This field is required.")), at_most(NAME_MAX)],
    )
    organisation = StringField(
        _l("Organisation"), filters=[strip], validators=[at_most(ORGANISATION_MAX)]
    )
    sektor = SelectField(_l("Sektor"), validate_choice=False)
    wants_to_meet = TextAreaField(
        _l("I want to meet…"),
        description=_l("Who would you like to talk to, and about what? At most 280 characters."),
        filters=[strip],
        validators=[at_most(WANTS_MAX)],
    )
    consent = BooleanField()


class SearchForm(PlainForm):
    sektor = SelectField(_l("Sektor"), validate_choice=False)
    q = StringField(_l("Search"), filters=[strip], validators=[at_most(QUERY_MAX)])
