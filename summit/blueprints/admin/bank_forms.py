"""Forms of the bank payments page: the BgMax file, and settling a payment."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ...forms import Form, strip


class BankFileForm(Form):
    bank_file = FileField(
        _l("BgMax file from Bankgirot"),
        validators=[FileRequired(message=_l("Choose the file to read in."))],
        description=_l(
            "The payments into the bankgiro, as the bank delivers them (Bankgiro "
            "Inbetalningar, BgMax). A file read in before changes nothing."
        ),
    )
    submit = SubmitField(_l("Read in the payments"))


class MatchForm(Form):
    invoice_number = IntegerField(
        _l("Invoice number"),
        validators=[
            InputRequired(message=_l("Enter the invoice number.")),
            NumberRange(min=1, max=2**31 - 1, message=_l("Enter the invoice number.")),
        ],
    )
    submit = SubmitField(_l("Match to the invoice"))


class SettleForm(Form):
    note = TextAreaField(
        _l("Note"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Say in a note what was done.")),
            Length(max=2000),
        ],
        description=_l("E.g. “The surplus of 500 kr paid back on 12 April.”"),
    )
    submit = SubmitField(_l("Mark as settled"))
