"""Forms of the organizers' mailing pages."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ...forms import Form, LocalTimeField, at_most, strip
from ...models import ResendMode

BODY_MAX = 20_000


def _checkboxes(label, description=None):
    return SelectMultipleField(
        label,
        coerce=int,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=description,
    )


class MailingForm(Form):
    subject_sv = StringField(
        _l("Subject in Swedish"),
        filters=[strip],
        validators=[DataRequired(message=_l("Write a subject.")), at_most(200)],
    )
    body_sv = TextAreaField(
        _l("Text in Swedish"),
        validators=[DataRequired(message=_l("Write the text of the mail.")), at_most(BODY_MAX)],
    )
    subject_en = StringField(
        _l("Subject in English"), filters=[strip], validators=[Optional(), at_most(200)]
    )
    body_en = TextAreaField(
        _l("Text in English"),
        validators=[Optional(), at_most(BODY_MAX)],
        description=_l("Left empty, English-speaking recipients get the Swedish text."),
    )
    attendees = BooleanField(_l("Attendees"), default=True)
    ticket_types = _checkboxes(
        _l("Only these ticket types"), _l("Choose none for every ticket type.")
    )
    checked_in = RadioField(
        _l("Checked in"),
        choices=[
            SelectChoice("any", _l("Checked in or not")),
            SelectChoice("yes", _l("Only those checked in")),
            SelectChoice("no", _l("Only those not checked in")),
        ],
        default="any",
    )
    sessions = _checkboxes(
        _l("Only those signed up for"), _l("Choose none to ignore workshop sign-ups.")
    )
    answer = SelectField(
        _l("Only those who answered"),
        choices=[],
        default="",
        validate_choice=False,
        description=_l("An answer to one of the event's registration questions, e.g. sektor."),
    )
    addons = _checkboxes(_l("Only those with these add-ons"), _l("Choose none to ignore add-ons."))
    speakers = BooleanField(_l("Confirmed speakers"))
    waiting = BooleanField(_l("The waiting list"))
    essential = BooleanField(
        _l("Essential mail"),
        description=_l(
            "Only for tickets and changes of time or place: essential mail also reaches "
            "those who have unsubscribed, and carries no unsubscribe link."
        ),
    )
    essential_reason = StringField(
        _l("Why is it essential?"), filters=[strip], validators=[Optional(), at_most(300)]
    )


# No defaults on the sending forms: a POST that does not say when, or to whom, sends
# nothing (the page shows them with "now" and "those who have not got it" ticked).


class SendForm(Form):
    when = RadioField(
        _l("When"),
        choices=[
            SelectChoice("now", _l("Send now")),
            SelectChoice("later", _l("Send at a set time")),
        ],
        validators=[DataRequired(message=_l("Choose one of the options."))],
    )
    send_at = LocalTimeField(_l("Date and time"), validators=[Optional()])


class ResendForm(Form):
    mode = RadioField(
        _l("Who gets it again"),
        choices=[
            SelectChoice(ResendMode.MISSING.value, _l("Those in the group who have not got it")),
            SelectChoice(ResendMode.EVERYONE.value, _l("Everyone in the group, again")),
        ],
        validators=[DataRequired(message=_l("Choose one of the options."))],
    )
    confirm = BooleanField(_l("Yes, everyone gets it again, also those who already have it"))


class UnscheduleForm(Form):
    """Takes a scheduled mailing back to a draft (only the CSRF token)."""
