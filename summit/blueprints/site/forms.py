from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField


class LanguageForm(FlaskForm):
    """The language switch shown on every page."""

    next = HiddenField()
    sv = SubmitField("Svenska")
    en = SubmitField("English")
