from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    FieldList,
    FormField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Optional, ValidationError

from ...forms import CountField, Form, PlainForm, at_most, show_refusal, strip
from ...services.payments.core import InvoiceRefused, clean_org_number

EMAIL_ERROR = _l("Enter a valid email address, e.g. namn@exempel.se.")


class ShopForm(Form):
    """Quantities come as qty-<ticket type id> fields, read by the view."""

    code = StringField(_l("Code"), filters=[strip], validators=[Optional(), at_most(64)])
    submit = SubmitField(_l("Continue"))


class AttendeeForm(PlainForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter the attendee's name.")), at_most(200)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        _l("Email"),
        filters=[strip],
        validators=[
            Optional(),
            at_most(254),
            Email(message=EMAIL_ERROR, check_deliverability=False),
        ],
        render_kw={"autocomplete": "off"},
    )
    organisation = StringField(
        _l("Organisation"), filters=[strip], validators=[Optional(), at_most(200)]
    )
    dietary_needs = StringField(
        _l("Dietary needs"), filters=[strip], validators=[Optional(), at_most(500)]
    )
    accessibility_needs = StringField(
        _l("Accessibility needs"), filters=[strip], validators=[Optional(), at_most(500)]
    )


class MethodField(RadioField):
    """The way to pay: one of the choices offered, or a message people understand."""

    def pre_validate(self, form):
        if self.data not in {value for value, *_ in self.choices or []}:
            raise ValidationError(_l("Choose one of the payment options shown."))


def your_name() -> StringField:
    return StringField(
        _l("Your name"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter your name.")), at_most(200)],
        render_kw={"autocomplete": "name"},
    )


def your_email(description) -> EmailField:
    return EmailField(
        _l("Your email"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            at_most(254),
            Email(message=EMAIL_ERROR, check_deliverability=False),
        ],
        render_kw={"autocomplete": "email"},
        description=description,
    )


class CheckoutForm(Form):
    buyer_name = your_name()
    buyer_email = your_email(_l("The tickets are sent here."))
    buyer_organisation = StringField(
        _l("Organisation"),
        filters=[strip],
        validators=[Optional(), at_most(200)],
        render_kw={"autocomplete": "organization"},
    )
    attendees = FieldList(FormField(AttendeeForm), _l("Ticket"), min_entries=1, max_entries=50)
    method = MethodField(_l("Payment"))
    org_number = StringField(
        _l("Organisation number"), filters=[strip], validators=[Optional(), at_most(20)]
    )
    invoice_address = TextAreaField(
        _l("Invoice address"),
        filters=[strip],
        validators=[Optional(), at_most(500)],
        render_kw={"rows": 3},
    )
    invoice_reference = StringField(
        _l("Your reference"),
        filters=[strip],
        validators=[Optional(), at_most(200)],
        description=_l(
            "The reference your finance department needs, e.g. a name or a cost centre. "
            "Public-sector buyers return invoices without one."
        ),
    )
    submit = SubmitField(_l("Continue to payment"))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.method.data == "invoice":
            if not self.buyer_organisation.data:
                self.buyer_organisation.errors.append(
                    _l("Invoices are for organisations: enter its name.")
                )
                valid = False
            if not self.org_number.data:
                self.org_number.errors.append(_l("Enter the organisation number."))
                valid = False
            else:
                try:
                    self.org_number.data = clean_org_number(self.org_number.data)
                except InvoiceRefused as refused:
                    show_refusal(refused, self)
                    valid = False
            if not self.invoice_address.data:
                self.invoice_address.errors.append(_l("Enter the invoice address."))
                valid = False
            if not self.invoice_reference.data:
                self.invoice_reference.errors.append(
                    _l("Enter your reference (Er referens): the invoice must name it.")
                )
                valid = False
        return valid


class AttendeeEditForm(Form):
    attendee = FormField(AttendeeForm)
    submit = SubmitField(_l("Save"))


class WaitingListForm(Form):
    """Join the waiting list of a sold-out ticket type (the types are the view's)."""

    ticket_type = RadioField(
        _l("Ticket"),
        coerce=int,
        validate_choice=False,  # a type that is no longer full: the service says so
        validators=[DataRequired(message=_l("Choose the ticket you want."))],
    )
    name = your_name()
    email = your_email(_l("The offer is sent here when seats come free."))
    quantity = CountField(
        _l("How many tickets"),
        default=1,
        validators=[InputRequired(message=_l("Enter how many tickets you want."))],
    )
    submit = SubmitField(_l("Join the waiting list"))
