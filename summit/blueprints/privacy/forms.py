"""Forms of the personal data pages."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Optional

from ...forms import CountField, Form, at_most, between, strip

NOTICE_MAX = 20_000


class PolicyForm(Form):
    sensitive_days = CountField(
        _l("Erase sensitive answers this many days after the event"),
        validators=[between(0, 365)],
        description=_l("Diet, accessibility and health. 30 days unless you need them longer."),
    )
    keep = RadioField(
        _l("Keep attendee data"),
        choices=[
            SelectChoice("erased", _l("Until the person asks for erasure")),
            SelectChoice("months", _l("A number of months after the event, then anonymise")),
        ],
        default="erased",
    )
    attendee_months = CountField(
        _l("Months after the event"), validators=[Optional(), between(1, 120)]
    )
    notice_sv = TextAreaField(
        _l("Privacy notice in Swedish"),
        validators=[Optional(), at_most(NOTICE_MAX)],
        description=_l("Left empty, the standard notice is shown (below)."),
    )
    notice_en = TextAreaField(
        _l("Privacy notice in English"), validators=[Optional(), at_most(NOTICE_MAX)]
    )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.keep.data == "months" and self.attendee_months.data is None:
            if not self.attendee_months.errors:
                self.attendee_months.errors = [_l("Enter the number of months.")]
            return False
        return valid


class ReportForm(Form):
    description = TextAreaField(
        _l("What did not work?"),
        validators=[DataRequired(message=_l("Describe the problem.")), at_most(5000)],
    )
    page = StringField(
        _l("On which page (address or name)?"),
        filters=[strip],
        validators=[Optional(), at_most(500)],
    )
    name = StringField(_l("Your name"), filters=[strip], validators=[Optional(), at_most(200)])
    email = StringField(
        _l("Your email, if you want an answer"),
        filters=[strip],
        validators=[Optional(), at_most(254)],
    )


class WithdrawForm(Form):
    kind = HiddenField(validators=[DataRequired()])
    key = HiddenField(validators=[DataRequired(), at_most(64)])
