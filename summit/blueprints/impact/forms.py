from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField

from ...forms import Form, PlainForm

NO_COMPARISON = "-"


class CompareForm(PlainForm):
    """Read from the query string: a report set against another event is a link."""

    compare = SelectField(_l("Compare with"), choices=[], default="")
    sector = SelectField(_l("Survey answers of"), choices=[], default="")

    def set_choices(self, events, sector_question) -> None:
        self.compare.choices = [
            ("", _l("The latest earlier event")),
            (NO_COMPARISON, _l("No comparison")),
            *((e.slug, e.name) for e in events),
        ]
        self.sector.choices = (
            [
                ("", _l("Everyone")),
                *(
                    (c["key"], sector_question.choice_label(c["key"]))
                    for c in sector_question.choices
                ),
            ]
            if sector_question is not None
            else [("", _l("Everyone"))]
        )


class PublicSwitchForm(Form):
    public = BooleanField(_l("Show a summary of the figures on a public page"))
