"""The organizer's form for a registration question."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ...forms import Form, at_most, enum_choices, strip
from ...models import AnswerKind, DataClass, Question, QuestionScope
from ...services.tickets.question_setup import choices_text, condition_values

ALWAYS = ""


class QuestionForm(Form):
    label_sv = TextAreaField(
        _l("Question (Swedish)"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter the question in Swedish.")), at_most(2000)],
        render_kw={"rows": 2},
    )
    label_en = TextAreaField(
        _l("Question (English)"),
        filters=[strip],
        validators=[Optional(), at_most(2000)],
        render_kw={"rows": 2},
    )
    help_sv = TextAreaField(
        _l("Help text (Swedish)"),
        filters=[strip],
        validators=[Optional(), at_most(2000)],
        render_kw={"rows": 2},
    )
    help_en = TextAreaField(
        _l("Help text (English)"),
        filters=[strip],
        validators=[Optional(), at_most(2000)],
        render_kw={"rows": 2},
    )
    kind = SelectField(_l("Kind of answer"), choices=enum_choices(AnswerKind))
    choices = TextAreaField(
        _l("Choices"),
        filters=[strip],
        validators=[Optional(), at_most(20000)],
        render_kw={"rows": 6},
        description=_l(
            "For choices: one per line, “Swedish | English”. The short name the answers "
            "keep is made from the Swedish; write “name | Swedish | English” to set it."
        ),
    )
    key = StringField(
        _l("Short name"),
        filters=[strip],
        validators=[Optional(), at_most(40)],
        description=_l(
            "Used in the attendee list, filters and group mail, e.g. sektor. "
            "Leave empty to make one from the question."
        ),
    )
    scope = SelectField(_l("Asked of"), choices=enum_choices(QuestionScope))
    required = BooleanField(_l("An answer is required"))
    data_class = SelectField(
        _l("Kind of information"),
        choices=enum_choices(DataClass),
        description=_l(
            "Sensitive answers (diet, accessibility, health) are kept for a shorter time "
            "and shown only to those who need them."
        ),
    )
    condition = SelectField(
        _l("Show the question"),
        choices=[],
        description=_l(
            "Without JavaScript all questions are shown; an answer to a question whose "
            "condition is not met is not kept."
        ),
    )
    ticket_types = SelectMultipleField(
        _l("Ticket types"),
        coerce=int,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l("Choose none to ask it of every ticket type."),
    )
    position = IntegerField(
        _l("Position"),
        validators=[Optional(), NumberRange(min=0, max=100000)],
        description=_l("Lower numbers come first. Leave empty to put a new question last."),
    )
    is_active = BooleanField(_l("Active (asked in the shop)"), default=True)
    submit = SubmitField(_l("Save question"))

    def offer(self, questions: list[Question], ticket_types, current: Question | None) -> None:
        """The conditions (another question's answers) and ticket types to choose from."""
        self.condition.choices = [SelectChoice(ALWAYS, _l("Always"))]
        for other in questions:
            if current is not None and other.id == current.id:
                continue
            if not other.kind.can_be_condition:
                continue
            for value, label in condition_values(other):
                self.condition.choices.append(
                    SelectChoice(f"{other.id}:{value}", f"{other.label} = {label}")
                )
        self.ticket_types.choices = [SelectChoice(t.id, t.name) for t in ticket_types]

    def chosen_condition(self) -> tuple[int | None, str]:
        parent, _sep, value = (self.condition.data or "").partition(":")
        return (int(parent), value) if parent.isdigit() else (None, "")

    @staticmethod
    def initial(question: Question) -> dict:
        condition = (
            f"{question.depends_on_id}:{question.depends_on_value}"
            if question.depends_on_id
            else ALWAYS
        )
        return {
            "label_sv": question.label_sv,
            "label_en": question.label_en,
            "help_sv": question.help_sv,
            "help_en": question.help_en,
            "kind": question.kind.value,
            "choices": choices_text(question),
            "key": question.key,
            "scope": question.scope.value,
            "required": question.required,
            "data_class": question.data_class.value,
            "condition": condition,
            "ticket_types": [t.id for t in question.ticket_types],
            "position": question.position,
            "is_active": question.is_active,
        }


class MoveForm(Form):
    """Up (-1) or down (+1) one place."""

    step = IntegerField(validators=[InputRequired(), AnyOf([-1, 1])])
