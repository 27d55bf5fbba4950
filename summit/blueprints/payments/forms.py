from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from ...forms import Form


class DevPaymentForm(Form):
    pay = SubmitField(_l("Pay (test)"))
    fail = SubmitField(_l("Let the payment fail"))
