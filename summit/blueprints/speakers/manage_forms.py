"""Forms of the organizers' call-for-speakers pages: the call's settings, formats, tracks,
extra questions, review criteria, access codes, reviewers, decisions and their emails.

The forms check the shape of what comes in (numbers, choices, lengths); the services
check the rules and store nothing when one is broken (their error is put on the field).
"""

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import ColorField, SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ...forms import (
    CountField,
    Form,
    LocalTimeField,
    between,
    enum_choices,
    plausible_year,
    strip,
    upper,
)
from ...models import DecisionKind, QuestionKind, ReviewMode, SessionKind
from ...services.tickets.codes import random_code

LANGUAGE_CHOICES = [SelectChoice("sv", _l("Swedish")), SelectChoice("en", _l("English"))]
# The kinds of session a speaker can propose (keynotes, breaks and lunch are the
# organizers' own sessions in the program).
PROPOSED_KINDS = (SessionKind.TALK, SessionKind.WORKSHOP, SessionKind.PANEL, SessionKind.OTHER)


def checkboxes(label, **kwargs):
    return SelectMultipleField(
        label,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        **kwargs,
    )


# The call -----------------------------------------------------------------------------


class CallForm(Form):
    opens_at = LocalTimeField(
        _l("Opens"),
        validators=[InputRequired(message=_l("Enter a date and time.")), plausible_year],
        description=_l("Swedish time."),
    )
    closes_at = LocalTimeField(
        _l("Closes (the deadline)"),
        validators=[InputRequired(message=_l("Enter a date and time.")), plausible_year],
        description=_l(
            "Swedish time. Proposals can be submitted and changed until this minute; "
            "later only with an access code."
        ),
    )
    intro_sv = TextAreaField(
        _l("What the call looks for (Swedish)"), validators=[Optional(), Length(max=5000)]
    )
    intro_en = TextAreaField(
        _l("What the call looks for (English)"), validators=[Optional(), Length(max=5000)]
    )
    languages = checkboxes(
        _l("Languages of the sessions"),
        choices=LANGUAGE_CHOICES,
        validators=[DataRequired(message=_l("Choose at least one language."))],
    )
    max_co_speakers = CountField(
        _l("Co-speakers at most"),
        default=3,
        validators=[InputRequired(message=_l("Enter a number from 0 to 10.")), between(0, 10)],
        description=_l("Besides the speaker who submits the proposal."),
    )
    anonymous_review = BooleanField(
        _l("Hide speakers' names and organisations from reviewers"),
        description=_l("Reviewers then see only the proposal's own text."),
    )
    review_mode = RadioField(
        _l("Who reviews what"),
        choices=enum_choices(ReviewMode),
        default=ReviewMode.ALL.value,
        validators=[InputRequired(message=_l("Choose how proposals are given to reviewers."))],
    )
    submit = SubmitField(_l("Save"))

    @staticmethod
    def initial(call) -> dict:
        tz = call.event.tz
        return {
            "opens_at": call.opens_at.astimezone(tz).replace(tzinfo=None),
            "closes_at": call.closes_at.astimezone(tz).replace(tzinfo=None),
            "intro_sv": call.intro_sv,
            "intro_en": call.intro_en,
            "languages": list(call.languages),
            "max_co_speakers": call.max_co_speakers,
            "anonymous_review": call.anonymous_review,
            "review_mode": call.review_mode.value,
        }


# Formats, tracks, questions, criteria, access codes --------------------------------------


class FormatForm(Form):
    name_sv = StringField(
        _l("Name (Swedish)"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter a name.")), Length(max=120)],
    )
    name_en = StringField(
        _l("Name (English)"), filters=[strip], validators=[Optional(), Length(max=120)]
    )
    kind = SelectField(
        _l("Kind of session"),
        choices=[SelectChoice(k.value, k.label) for k in PROPOSED_KINDS],
        default=SessionKind.TALK.value,
    )
    duration_minutes = CountField(
        _l("Length in minutes"),
        default=20,
        validators=[InputRequired(message=_l("Enter a number from 5 to 480.")), between(5, 480)],
    )
    submit = SubmitField(_l("Save"))


class TrackForm(Form):
    name_sv = StringField(
        _l("Name (Swedish)"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter a name.")), Length(max=120)],
    )
    name_en = StringField(
        _l("Name (English)"), filters=[strip], validators=[Optional(), Length(max=120)]
    )
    color = ColorField(
        _l("Colour"),
        default="#1f5f8b",
        filters=[strip],
        validators=[InputRequired(message=_l("Choose a colour."))],
        description=_l("Marks the track in the program. Choose a dark colour."),
    )
    submit = SubmitField(_l("Save"))

    def validate_color(self, field):
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", field.data or ""):
            raise ValidationError(
                _l("Enter a colour as # and six hexadecimal digits, e.g. #1f5f8b.")
            )


class QuestionForm(Form):
    kind = SelectField(_l("Kind of answer"), choices=enum_choices(QuestionKind))
    label_sv = StringField(
        _l("Question (Swedish)"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter the question.")), Length(max=300)],
    )
    label_en = StringField(
        _l("Question (English)"), filters=[strip], validators=[Optional(), Length(max=300)]
    )
    help_sv = TextAreaField(_l("Help text (Swedish)"), validators=[Optional(), Length(max=1000)])
    help_en = TextAreaField(_l("Help text (English)"), validators=[Optional(), Length(max=1000)])
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(
        _l("Options"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "For “One choice” and “Several choices”: one option per line, the English "
            "text after a vertical bar, e.g. Nybörjare | Beginner"
        ),
    )
    submit = SubmitField(_l("Save"))

    @staticmethod
    def initial(question) -> dict:
        return {
            "kind": question.kind.value,
            "label_sv": question.label_sv,
            "label_en": question.label_en,
            "help_sv": question.help_sv,
            "help_en": question.help_en,
            "required": question.required,
            "options": "\n".join(
                f"{o['sv']} | {o['en']}" if o.get("en") else o["sv"] for o in question.options
            ),
        }

    def option_rows(self, existing: list[dict]) -> list[dict]:
        """The options typed, as the service takes them. An option keeps its key (and
        so the answers given) when its Swedish text is unchanged, or when it is renamed
        in its place."""
        rows = []
        for line in (self.options.data or "").splitlines():
            sv, _bar, en = line.partition("|")
            if sv.strip() or en.strip():
                rows.append({"sv": sv.strip(), "en": en.strip()})
        by_text = {o["sv"].casefold(): o["key"] for o in existing}
        used = set()
        for row in rows:
            key = by_text.get(row["sv"].casefold())
            if key and key not in used:
                row["key"] = key
                used.add(key)
        for index, row in enumerate(rows):
            if "key" not in row and index < len(existing):
                key = existing[index]["key"]
                if key not in used and existing[index]["sv"].casefold() not in {
                    r["sv"].casefold() for r in rows
                }:
                    row["key"] = key
                    used.add(key)
        return rows


class CriterionForm(Form):
    name_sv = StringField(
        _l("Name (Swedish)"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter a name.")), Length(max=120)],
    )
    name_en = StringField(
        _l("Name (English)"), filters=[strip], validators=[Optional(), Length(max=120)]
    )
    weight = CountField(
        _l("Weight"),
        default=1,
        validators=[InputRequired(message=_l("Enter a number from 1 to 10.")), between(1, 10)],
        description=_l(
            "How much the criterion counts in a review's score: a criterion of weight 2 "
            "counts twice as much as one of weight 1."
        ),
    )
    submit = SubmitField(_l("Save"))


class AccessCodeForm(Form):
    code = StringField(
        _l("Code"),
        filters=[upper],
        validators=[DataRequired(message=_l("Enter a code.")), Length(max=64)],
        default=random_code,
        description=_l(
            "Letters A–Z, digits and dashes. The suggested code is random; one of your own "
            "needs at least 8 characters, and not a word and a year."
        ),
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    note = StringField(
        _l("Note"),
        filters=[strip],
        validators=[Optional(), Length(max=200)],
        description=_l("For the organizers: whom the code is for."),
    )
    valid_until = LocalTimeField(
        _l("Valid until"),
        validators=[Optional(), plausible_year],
        description=_l("Swedish time. Leave empty for no end."),
    )
    max_uses = CountField(
        _l("Maximum number of uses"),
        validators=[Optional(), between(1, 10_000)],
        description=_l(
            "Each proposal submitted with the code is one use. Leave empty for no limit."
        ),
    )
    submit = SubmitField(_l("Save"))

    @staticmethod
    def initial(code, tz) -> dict:
        return {
            "code": code.code,
            "note": code.note,
            "valid_until": code.valid_until.astimezone(tz).replace(tzinfo=None)
            if code.valid_until
            else None,
            "max_uses": code.max_uses,
        }


# Small forms: one button, a CSRF token ---------------------------------------------------


class MoveForm(Form):
    step = IntegerField(validators=[InputRequired(), AnyOf([-1, 1])])


# Reviewers ------------------------------------------------------------------------------


class ReviewerTracksForm(Form):
    tracks = checkboxes(_l("Tracks"), coerce=int, choices=[])
    submit = SubmitField(_l("Save tracks"))


class AssignForm(Form):
    """Give proposals (ticked in the table, or the one on its page) to a reviewer."""

    proposals = SelectMultipleField(
        _l("Proposals"),
        choices=[],
        validators=[DataRequired(message=_l("Tick at least one proposal."))],
    )
    reviewer = SelectField(
        _l("Reviewer"),
        coerce=int,
        choices=[],
        validate_choice=True,
        validators=[InputRequired(message=_l("Choose a reviewer."))],
    )
    submit = SubmitField(_l("Give to reviewer"))


# Decisions ------------------------------------------------------------------------------


class DecideForm(Form):
    """The proposals ticked and the decision; `confirm` takes it, anything else shows
    what it would do (with the email to preview)."""

    proposals = SelectMultipleField(
        _l("Proposals"),
        choices=[],
        validators=[DataRequired(message=_l("Tick at least one proposal."))],
    )
    kind = SelectField(
        _l("Decision"),
        choices=enum_choices(DecisionKind),
        validators=[InputRequired(message=_l("Choose a decision."))],
    )
    notify = BooleanField(_l("Send the decision emails to the speakers"), default=True)
    preview = SelectField(_l("Preview the email to"), choices=[], validate_choice=False)
    confirm = SubmitField(_l("Confirm"))


class TableFilterForm(Form):
    """The decision table's filters, read from the query string (no CSRF: a GET)."""

    class Meta:
        csrf = False

    state = SelectField(_l("State"), choices=[], validate_choice=False)
    track = SelectField(_l("Track"), choices=[], validate_choice=False)
    format = SelectField(_l("Format"), choices=[], validate_choice=False)
    sort = SelectField(_l("Sort by"), choices=[], validate_choice=False)
    dir = SelectField(_l("Sort direction"), choices=[], validate_choice=False)


# Decision emails -------------------------------------------------------------------------


class TemplateForm(Form):
    subject = StringField(
        _l("Subject"),
        validators=[DataRequired(message=_l("Enter a subject.")), Length(max=300)],
    )
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(message=_l("Enter the text of the email.")), Length(max=10_000)],
        render_kw={"rows": 16},
    )
    submit = SubmitField(_l("Save the email"))
