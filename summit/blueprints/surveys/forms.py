"""Forms of the survey pages: the organizers' survey and question forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional

from ...forms import Form, LocalTimeField, at_most, enum_choices, strip
from ...models import SurveyAudience
from ..tickets.question_forms import AskedQuestionForm

FIRST = ""


class SurveyForm(Form):
    title_sv = StringField(
        _l("Title in Swedish"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter the survey's title in Swedish.")), at_most(200)],
    )
    title_en = StringField(
        _l("Title in English"), filters=[strip], validators=[Optional(), at_most(200)]
    )
    intro_sv = TextAreaField(
        _l("Introduction in Swedish"),
        filters=[strip],
        validators=[Optional(), at_most(5000)],
        render_kw={"rows": 4},
        description=_l("In the mail and at the top of the survey: why you ask, how long it takes."),
    )
    intro_en = TextAreaField(
        _l("Introduction in English"),
        filters=[strip],
        validators=[Optional(), at_most(5000)],
        render_kw={"rows": 4},
    )
    follows = SelectField(
        _l("Kind of survey"),
        choices=[],
        description=_l("A follow-up goes, months later, to the people the first survey went to."),
    )
    audience = RadioField(
        _l("Sent to"),
        choices=enum_choices(SurveyAudience),
        validators=[InputRequired(message=_l("Choose one of the options."))],
        description=_l("For a follow-up: the people its first survey went to."),
    )
    send_at = LocalTimeField(
        _l("Sent at"),
        validators=[InputRequired(message=_l("Enter a date and time, e.g. 2027-05-18 09:00."))],
        description=_l("For example the morning after the event."),
    )
    remind_at = LocalTimeField(
        _l("Reminder at"),
        validators=[Optional()],
        description=_l("Once, to those who have not answered. Leave empty for no reminder."),
    )
    closes_at = LocalTimeField(
        _l("Closes at"),
        validators=[InputRequired(message=_l("Enter a date and time, e.g. 2027-05-18 09:00."))],
        description=_l("Answers can be given and changed until then."),
    )

    def offer(self, first_surveys) -> None:
        self.follows.choices = [SelectChoice(FIRST, _l("A survey after the event"))] + [
            SelectChoice(str(s.id), _l("Follow-up of “%(title)s”", title=s.title_sv))
            for s in first_surveys
        ]


class SurveyQuestionForm(AskedQuestionForm):
    key = StringField(
        _l("Short name"),
        filters=[strip],
        validators=[Optional(), at_most(40)],
        description=_l(
            "Used in the results and exports. Leave empty to make one from the question."
        ),
    )
    is_active = BooleanField(_l("Active (asked in the survey)"), default=True)
