"""Forms of the organizer's add-on pages (beside ticket types): an add-on is filled in
as a ticket type is, less what only tickets have."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ...forms import CountField, at_most, between, strip
from ...services.tickets.sales import MAX_CAPACITY
from .manage_forms import TicketTypeForm


class AddonForm(TicketTypeForm):
    # What only tickets have.
    max_per_order = is_visible = access_code = position = badge_role = None

    capacity = CountField(
        _l("Number of places"),
        validators=[
            Optional(),
            between(0, MAX_CAPACITY, _l("Enter a number from 0 to 1 000 000.")),
        ],
        description=_l("Leave empty for no limit."),
    )
    ticket_types = SelectMultipleField(
        _l("Offered with"),
        coerce=int,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l("Choose none to offer it with every ticket type."),
    )
    badge_label = StringField(
        _l("Word on the badge and at the door"),
        filters=[strip],
        validators=[Optional(), at_most(40)],
        description=_l("E.g. “Middag”. Leave empty to show it on neither."),
    )
    submit = SubmitField(_l("Save add-on"))

    @staticmethod
    def initial(addon, tz) -> dict:
        data = {
            name: getattr(addon, name)
            for name in (
                "name_sv",
                "name_en",
                "description_sv",
                "description_en",
                "price",
                "vat_percent",
                "capacity",
                "badge_label",
                "is_active",
            )
        }
        data["ticket_types"] = [t.id for t in addon.ticket_types]
        for name in ("sale_starts_at", "sale_ends_at"):
            value = getattr(addon, name)
            data[name] = value.astimezone(tz).replace(tzinfo=None) if value else None
        return data
