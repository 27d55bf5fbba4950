from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField


class DevPaymentForm(FlaskForm):
    pay = SubmitField(_l("Pay (test)"))
    fail = SubmitField(_l("Let the payment fail"))
