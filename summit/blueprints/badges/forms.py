"""The badge page's form: which badges, on what, in which order and language."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectMultipleField, SubmitField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from ...forms import Form
from ...services.badges.printing import LAYOUT_LABELS

LAYOUT_HINTS = {
    "a6": _l("For A6 badge holders; print on A6 paper or card."),
    "a6x4": _l("Four A6 badges on each A4 sheet, with crop marks."),
    "a7x8": _l("Eight smaller badges on each A4 sheet, with crop marks."),
    "durable-54x90": _l("For Durable BADGEMAKER card sheets, business-card size."),
    "ql-62": _l("One label per badge on a Brother QL label printer's 62 mm roll."),
}


class BadgeRunForm(Form):
    ticket_types = SelectMultipleField(
        _l("Ticket types"),
        coerce=int,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l("Choose none for every ticket type."),
    )
    layout = RadioField(
        _l("Layout"),
        choices=[SelectChoice(key, label) for key, label in LAYOUT_LABELS.items()],
        default="a6",
        validators=[InputRequired(message=_l("Choose a layout."))],
    )
    sort = RadioField(
        _l("Sort order"),
        choices=[
            SelectChoice("last_name", _l("By last name")),
            SelectChoice("organisation", _l("By organisation, then last name")),
        ],
        default="last_name",
        validators=[InputRequired(message=_l("Choose a sort order."))],
    )
    which = RadioField(
        _l("Which badges"),
        choices=[
            SelectChoice("unprinted", _l("Only those not printed yet")),
            SelectChoice("all", _l("All, including those printed already")),
        ],
        default="unprinted",
        validators=[InputRequired(message=_l("Choose which badges to print."))],
    )
    language = RadioField(
        _l("Language on the badges"),
        choices=[
            SelectChoice("sv", _l("Swedish")),
            SelectChoice("en", _l("English")),
            SelectChoice("own", _l("Each attendee's own (the language of their order)")),
        ],
        default="sv",
        validators=[InputRequired(message=_l("Choose a language."))],
    )
    submit = SubmitField(_l("Make the PDF"))

    @property
    def locale(self) -> str | None:
        return None if self.language.data == "own" else self.language.data
