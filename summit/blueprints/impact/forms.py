from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField

from ...forms import Form, PlainForm

NO_COMPARISON = "-"


class CompareForm(PlainForm):
    """Read from the query string: a report set against another event is a link."""

    compare = SelectField(_l("Compare with"), choices=[], default="")

    def set_choices(self, events) -> None:
        self.compare.choices = [
            ("", _l("The latest earlier event")),
            (NO_COMPARISON, _l("No comparison")),
            *((e.slug, e.name) for e in events),
        ]


class PublicSwitchForm(Form):
    public = BooleanField(_l("Show a summary of the figures on a public page"))
