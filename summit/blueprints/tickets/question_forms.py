"""The organizer's form for a registration question (and, through AskedQuestionForm, a
survey's: blueprints/surveys)."""

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
from ...services.tickets.question_setup import QuestionData, choices_text, condition_values

ALWAYS = ""


class AskedQuestionForm(Form):
    """What every question's form asks: its words, kind of answer, choices, condition."""

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
    position = IntegerField(
        _l("Position"),
        validators=[Optional(), NumberRange(min=0, max=100000)],
        description=_l("Lower numbers come first. Leave empty to put a new question last."),
    )
    is_active = BooleanField(_l("Active (asked in the shop)"), default=True)
    submit = SubmitField(_l("Save question"))

    def offer_conditions(self, questions: list, current) -> None:
        """The conditions to choose from: another question's answers."""
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

    def chosen_condition(self) -> tuple[int | None, str]:
        parent, _sep, value = (self.condition.data or "").partition(":")
        return (int(parent), value) if parent.isdigit() else (None, "")

    def data_for_service(self, **own) -> QuestionData:
        """What the organizer filled in, for question_setup (`own`: the set's own)."""
        parent, value = self.chosen_condition()
        return QuestionData(
            label_sv=self.label_sv.data,
            label_en=self.label_en.data or "",
            help_sv=self.help_sv.data or "",
            help_en=self.help_en.data or "",
            kind=AnswerKind(self.kind.data),
            choices=self.choices.data or "",
            key=self.key.data or "",
            required=self.required.data,
            data_class=DataClass(self.data_class.data),
            depends_on_id=parent,
            depends_on_value=value,
            position=self.position.data,
            is_active=self.is_active.data,
            **own,
        )

    @staticmethod
    def initial(question) -> dict:
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
            "required": question.required,
            "data_class": question.data_class.value,
            "condition": condition,
            "position": question.position,
            "is_active": question.is_active,
        }


class QuestionForm(AskedQuestionForm):
    """A registration question: also whom it is asked of."""

    scope = SelectField(_l("Asked of"), choices=enum_choices(QuestionScope))
    ticket_types = SelectMultipleField(
        _l("Ticket types"),
        coerce=int,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l("Choose none to ask it of every ticket type."),
    )

    def offer(self, questions: list[Question], ticket_types, current: Question | None) -> None:
        """The conditions (another question's answers) and ticket types to choose from."""
        self.offer_conditions(questions, current)
        self.ticket_types.choices = [SelectChoice(t.id, t.name) for t in ticket_types]

    @staticmethod
    def initial(question: Question) -> dict:
        return {
            **AskedQuestionForm.initial(question),
            "scope": question.scope.value,
            "ticket_types": [t.id for t in question.ticket_types],
        }


class MoveForm(Form):
    """Up (-1) or down (+1) one place."""

    step = IntegerField(validators=[InputRequired(), AnyOf([-1, 1])])
