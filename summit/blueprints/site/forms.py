from wtforms import HiddenField, SubmitField

from ...forms import Form


class LanguageForm(Form):
    """The language switch shown on every page."""

    next = HiddenField()
    sv = SubmitField("Svenska")
    en = SubmitField("English")
