"""Forms of the attendee's own pages (cancel, transfer) and the organizer's policy."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Optional

from ...forms import Form, LocalTimeField, at_most, between, enum_choices, plausible_year, strip
from ...models import CancelPolicy
from ...services.tickets.self_service import MAX_FEE
from .forms import EMAIL_ERROR
from .manage_forms import KronorField


class CancelTicketForm(Form):
    submit = SubmitField(_l("Yes, cancel the ticket"))


class TransferTicketForm(Form):
    name = StringField(
        _l("The new attendee's name"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter the attendee's name.")), at_most(200)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        _l("The new attendee's email"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter an email address: the ticket is sent there.")),
            at_most(254),
            Email(message=EMAIL_ERROR, check_deliverability=False),
        ],
        render_kw={"autocomplete": "off"},
        description=_l("The ticket with its new QR code is sent here."),
    )
    organisation = StringField(
        _l("Organisation"), filters=[strip], validators=[Optional(), at_most(200)]
    )
    submit = SubmitField(_l("Transfer the ticket"))


class PolicyForm(Form):
    policy = RadioField(
        _l("What attendees may do themselves"),
        choices=enum_choices(CancelPolicy),
        validators=[InputRequired(message=_l("Choose one of the options."))],
    )
    cancel_deadline = LocalTimeField(
        _l("Last day to cancel"),
        validators=[Optional(), plausible_year],
        description=_l("Date and time, Swedish time. Empty: until the event starts."),
    )
    cancel_fee = KronorField(
        _l("Cancellation fee per ticket (kronor)"),
        validators=[
            Optional(),
            between(0, MAX_FEE, _l("The fee must be from 0 to 100 000 kr.")),
        ],
        description=_l(
            "Kept of each cancelled ticket's price; a ticket cheaper than the fee gives "
            "nothing back."
        ),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    transfer_deadline = LocalTimeField(
        _l("Last day to transfer"),
        validators=[Optional(), plausible_year],
        description=_l(
            "Empty: the same as the last day to cancel. A colleague may take over a ticket "
            "later than it can be cancelled, e.g. until the morning the event starts."
        ),
    )
    submit = SubmitField(_l("Save"))
