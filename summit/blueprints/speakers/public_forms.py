"""Forms of the speakers' pages. The rules (lengths, choices, what a submission needs) are
the services' (services/cfp): these forms carry the CSRF token and the fields, and a
refusal from a service is shown on the field it names (summit.forms.show_refusal)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.fields import SelectChoice

from ...forms import Form, strip
from ...models import CallForProposals, CfpQuestion, Proposal, QuestionKind

LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}
# Up to this many options a choice is shown as radio buttons, above as a list to pick from.
MAX_RADIO_OPTIONS = 6


class ProfileForm(Form):
    display_name = StringField(
        _l("Name"),
        filters=[strip],
        description=_l("As it should appear in the program."),
        render_kw={"autocomplete": "name"},
    )
    organisation = StringField(
        _l("Organisation"), filters=[strip], render_kw={"autocomplete": "organization"}
    )
    title = StringField(
        _l("Title or role"), filters=[strip], render_kw={"autocomplete": "organization-title"}
    )
    bio = TextAreaField(
        _l("Short bio"),
        filters=[strip],
        description=_l("A few sentences for the program: who you are and what you work with."),
        render_kw={"rows": 5},
    )
    pronouns = StringField(
        _l("Pronouns (optional)"),
        filters=[strip],
        description=_l("E.g. hon/henne, hen, she/her. Shown with your name if you fill it in."),
    )
    preferred_language = RadioField(
        _l("Language for emails"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        validate_choice=False,
    )
    photo = FileField(
        _l("Photo (optional)"),
        description=_l("A JPEG, PNG or WebP image of at most 2 MB. Shown in the program."),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    next = HiddenField()
    submit = SubmitField(_l("Save profile"))


class AccessCodeForm(Form):
    code = StringField(
        _l("Code"),
        filters=[strip],
        description=_l("Organizers give codes to speakers they invite after the deadline."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    next = HiddenField()
    submit = SubmitField(_l("Use the code"))


class ProposalForm(Form):
    """The fixed fields; proposal_form() adds one field per extra question of the call."""

    title = StringField(_l("Title"), filters=[strip])
    abstract = TextAreaField(
        _l("Abstract"),
        filters=[strip],
        description=_l("What the session is about, as the program will show it."),
        render_kw={"rows": 6},
    )
    description = TextAreaField(
        _l("Description (optional)"),
        filters=[strip],
        description=_l(
            "For the programme committee: how the session works and what participants take home."
        ),
        render_kw={"rows": 8},
    )
    format_id = RadioField(_l("Format"), validate_choice=False)
    track_id = SelectField(_l("Track"), validate_choice=False)
    language = RadioField(_l("Language of the session"), validate_choice=False)
    target_audience = StringField(
        _l("Target audience (optional)"),
        filters=[strip],
        description=_l("E.g. municipal staff, social entrepreneurs, researchers, funders."),
    )
    version = HiddenField()
    save = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit the proposal"))


def answer_field(question: CfpQuestion):
    """The form field for an extra question, by its kind. Choices are not checked here:
    the service refuses an option the question does not have."""
    label, hint = question.label, question.help or None
    if question.kind is QuestionKind.LONG_TEXT:
        return TextAreaField(label, filters=[strip], description=hint, render_kw={"rows": 5})
    if question.kind is QuestionKind.URL:
        return URLField(
            label,
            filters=[strip],
            description=hint or _l("A web address starting with https://"),
            render_kw={"inputmode": "url"},
        )
    options = [SelectChoice(o["key"], question.option_label(o["key"])) for o in question.options]
    if question.kind is QuestionKind.CHOICE:
        if len(options) > MAX_RADIO_OPTIONS:
            options = [SelectChoice("", _l("Choose…")), *options]
            return SelectField(label, choices=options, description=hint, validate_choice=False)
        return RadioField(label, choices=options, description=hint, validate_choice=False)
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        return SelectMultipleField(label, choices=options, description=hint, validate_choice=False)
    if question.kind is QuestionKind.YES_NO:
        yes_no = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
        return RadioField(label, choices=yes_no, description=hint, validate_choice=False)
    return StringField(label, filters=[strip], description=hint)


def proposal_form(call: CallForProposals, proposal: Proposal | None = None):
    """The proposal form of this call: its formats, tracks, languages and questions,
    filled in from `proposal` (to show it; a posted form is read from the request)."""

    class CallProposalForm(ProposalForm):
        pass

    for question in call.questions:
        setattr(CallProposalForm, f"answer_{question.id}", answer_field(question))
    form = CallProposalForm(data=proposal_data(call, proposal) if proposal else None)
    form.format_id.choices = [
        SelectChoice(str(f.id), f"{f.name} ({f.duration_minutes} min)") for f in call.formats
    ]
    form.track_id.choices = [SelectChoice("", _l("No particular track"))] + [
        SelectChoice(str(t.id), t.name) for t in call.event.tracks
    ]
    form.language.choices = [SelectChoice(c, LANGUAGE_NAMES[c]) for c in call.languages]
    return form


def proposal_data(call: CallForProposals, proposal: Proposal) -> dict:
    """The form's values for a saved proposal."""
    data = {
        "title": proposal.title,
        "abstract": proposal.abstract,
        "description": proposal.description,
        "format_id": str(proposal.format_id or ""),
        "track_id": str(proposal.track_id or ""),
        "language": proposal.language,
        "target_audience": proposal.target_audience,
        "version": str(proposal.version),
    }
    answers = proposal.answers or {}
    for question in call.questions:
        value = answers.get(str(question.id))
        if question.kind is QuestionKind.YES_NO:
            value = {True: "yes", False: "no"}.get(value, "")
        elif question.kind is QuestionKind.MULTIPLE_CHOICE:
            value = value or []
        data[f"answer_{question.id}"] = value if value is not None else ""
    return data


def answers_from(call: CallForProposals, form) -> dict:
    """The answers as the service takes them: {question id: answer}. What a browser
    could not have sent (e.g. "maybe" to a yes/no question) is passed on as it came,
    and refused by the service."""
    answers = {}
    for question in call.questions:
        value = form[f"answer_{question.id}"].data
        if question.kind is QuestionKind.YES_NO:
            value = {"yes": True, "no": False, "": None, None: None}.get(value, value)
        elif question.kind is QuestionKind.MULTIPLE_CHOICE:
            value = list(value or [])
        answers[str(question.id)] = value
    return answers


def choice_id(value) -> int | None:
    """A format or track from the form: none, an id, or -1 (no such choice: refused)."""
    if value in (None, "", "None"):
        return None
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else -1


class InviteForm(Form):
    email = EmailField(
        _l("Co-speaker's email"),
        filters=[strip],
        description=_l("They get a link by email and accept with it, signed in with that address."),
        render_kw={"autocomplete": "off"},
    )
    submit = SubmitField(_l("Send the invitation"))


class SpeakerActionForm(Form):
    """Remove a co-speaker or send an invitation again: the speaker row is in the form
    (checked against the proposal by the service), not in the address."""

    speaker = HiddenField()


class AnswerForm(Form):
    """Yes or no to an invitation or an acceptance: two buttons, labelled by the page.
    Declining an acceptance (for all of its speakers) is asked once more: the second
    form carries decline_for_all."""

    yes = SubmitField()
    no = SubmitField()
    decline_for_all = HiddenField()
