"""Forms of add-ons and approval: the organizer's add-on form (filled in as a ticket
type is, less what only tickets have), the buyer's application, and the organizers'
decision on applications."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    FieldList,
    FormField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ...forms import CountField, Form, at_most, between, strip
from ...services.tickets.sales import MAX_CAPACITY
from .forms import AttendeeForm, CheckoutForm
from .manage_forms import TicketTypeForm, sale_item_initial


class AddonForm(TicketTypeForm):
    # What only tickets have.
    max_per_order = is_visible = access_code = position = badge_role = None
    requires_approval = approval_hold_hours = None

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
        data = sale_item_initial(
            addon,
            tz,
            (
                "name_sv",
                "name_en",
                "description_sv",
                "description_en",
                "price",
                "vat_percent",
                "capacity",
                "badge_label",
                "is_active",
            ),
        )
        data["ticket_types"] = [t.id for t in addon.ticket_types]
        return data


class ApplyForm(CheckoutForm):
    """An application for a ticket type that needs approval: who applies, for whom and
    why; nothing is paid, so none of the payment fields."""

    method = org_number = invoice_address = invoice_reference = None
    ticket_type = RadioField(_l("Ticket"), coerce=int, validate_choice=True, choices=[])
    attendees = FieldList(FormField(AttendeeForm), _l("Attendee"), min_entries=1, max_entries=10)
    motivation = TextAreaField(
        _l("Why do you apply? (optional)"),
        filters=[strip],
        validators=[Optional(), at_most(2000)],
        render_kw={"rows": 4},
        description=_l("E.g. your organisation, or how you take part in the field."),
    )
    submit = SubmitField(_l("Send the application"))

    def validate(self, extra_validators=None):
        return Form.validate(self, extra_validators)


class DecideForm(Form):
    """The organizers' decision on the applications ticked (application fields, read by
    the view): approve, or decline with an optional message."""

    message = TextAreaField(
        _l("Message to those declined (optional)"),
        filters=[strip],
        validators=[Optional(), at_most(2000)],
        render_kw={"rows": 3},
    )
    approve = SubmitField(_l("Approve the chosen"))
    decline = SubmitField(_l("Decline the chosen"))
