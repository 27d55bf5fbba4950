from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired

from ...forms import Form


class CertificateRunForm(Form):
    kind = RadioField(
        _l("Certificates of"),
        choices=[
            SelectChoice("attendance", _l("Attendance (everyone checked in at least once)")),
            SelectChoice("presentation", _l("Presentation (the speakers of published sessions)")),
        ],
        default="attendance",
        validators=[InputRequired(message=_l("Choose one of the options."))],
    )
    language = RadioField(
        _l("Language"),
        choices=[
            SelectChoice("own", _l("Each person's own (of their order or account)")),
            SelectChoice("sv", _l("Swedish")),
            SelectChoice("en", _l("English")),
        ],
        default="own",
        validators=[InputRequired(message=_l("Choose a language."))],
    )
    submit = SubmitField(_l("Make the ZIP of PDFs"))

    @property
    def locale(self) -> str | None:
        return None if self.language.data == "own" else self.language.data
