"""Decision emails: the organizers' templates (plain text with {placeholders}, one per
decision and language, with defaults), rendered for each speaker in their language.

Only the known placeholders are filled in (no format strings: "{title.__class__}" is
refused when saved and left as text otherwise). In the HTML part everything is escaped,
the organizers' text and the speakers' input alike; links become <a> elements; blank
lines make paragraphs.
"""

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    CFP_LANGUAGES,
    CallForProposals,
    DecisionKind,
    DecisionTemplate,
    Proposal,
    ProposalSpeaker,
)
from ..mail import one_line, queue_mail
from .errors import CfpError
from .links import proposal_url, respond_url
from .speakers import display_name_of, language_of, profile_of
from .validation import clean_long_text, clean_text

PLACEHOLDERS = ("name", "title", "event", "proposal_url", "confirm_url")
LINKS = ("proposal_url", "confirm_url")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_ANY_BRACES = re.compile(r"\{([^{}\n]*)\}")

DEFAULT_SUBJECTS = {
    DecisionKind.ACCEPTED: _l("Your proposal “{title}” is accepted"),
    DecisionKind.REJECTED: _l("About your proposal “{title}”"),
    DecisionKind.WAITLISTED: _l("Your proposal “{title}” is on the waiting list"),
}
DEFAULT_BODIES = {
    DecisionKind.ACCEPTED: _l(
        "Hello {name}!\n\n"
        "We are happy to tell you that your proposal “{title}” has been accepted for "
        "{event}.\n\n"
        "Please confirm that you will take part, or tell us that you cannot, through this "
        "link:\n\n"
        "{confirm_url}\n\n"
        "When you confirm, you also get your speaker ticket by email.\n\n"
        "Welcome!"
    ),
    DecisionKind.REJECTED: _l(
        "Hello {name}!\n\n"
        "Thank you for your proposal “{title}” for {event}. We received many more good "
        "proposals than the program has room for, and unfortunately yours could not be "
        "included this time.\n\n"
        "We hope to see you at {event} all the same."
    ),
    DecisionKind.WAITLISTED: _l(
        "Hello {name}!\n\n"
        "Thank you for your proposal “{title}” for {event}. It is on our waiting list: if "
        "a place in the program becomes free, we will get in touch.\n\n"
        "Your proposal:\n\n"
        "{proposal_url}"
    ),
}


def allowed_placeholders(kind: DecisionKind) -> tuple[str, ...]:
    """Only an acceptance has a confirm link."""
    return PLACEHOLDERS if kind is DecisionKind.ACCEPTED else PLACEHOLDERS[:-1]


# Templates ----------------------------------------------------------------------------


def saved_template(
    call: CallForProposals, kind: DecisionKind, locale: str
) -> DecisionTemplate | None:
    return db.session.scalar(
        select(DecisionTemplate).where(
            DecisionTemplate.call_id == call.id,
            DecisionTemplate.kind == kind,
            DecisionTemplate.locale == locale,
        )
    )


def default_template(kind: DecisionKind, locale: str) -> tuple[str, str]:
    with force_locale(locale):
        return str(DEFAULT_SUBJECTS[kind]), str(DEFAULT_BODIES[kind])


def template_for(call: CallForProposals, kind: DecisionKind, locale: str) -> tuple[str, str]:
    """(subject, body): the organizers' wording, else the default."""
    subject, body, _custom = wording(call, kind, locale)
    return subject, body


def wording(call: CallForProposals, kind: DecisionKind, locale: str) -> tuple[str, str, bool]:
    """(subject, body, custom): template_for and whether it is the organizers' own."""
    saved = saved_template(call, kind, locale)
    if saved is not None:
        return saved.subject, saved.body, True
    return *default_template(kind, locale), False


def _check_placeholders(text: str, kind: DecisionKind, field: str) -> None:
    allowed = allowed_placeholders(kind)
    for match in _ANY_BRACES.finditer(text):
        if match[1] not in allowed:
            raise CfpError(
                "unknown_placeholder",
                field,
                name=match[1],
                allowed=", ".join("{%s}" % name for name in allowed),  # noqa: UP031
            )


def save_template(
    call: CallForProposals, kind: DecisionKind, locale: str, subject, body
) -> DecisionTemplate:
    """Store the organizers' wording of a decision in one language."""
    if not isinstance(kind, DecisionKind):
        raise CfpError("invalid_choice", "kind")
    if locale not in CFP_LANGUAGES:
        raise CfpError("invalid_choice", "locale")
    subject = clean_text(subject, "subject", 300, required=True)
    body = clean_long_text(body, "body", 10_000, required=True)
    _check_placeholders(subject, kind, "subject")
    _check_placeholders(body, kind, "body")
    if kind is DecisionKind.ACCEPTED and "{confirm_url}" not in body:
        raise CfpError("confirm_url_needed", "body")
    with unit_of_work():
        template = saved_template(call, kind, locale) or DecisionTemplate(
            call_id=call.id, kind=kind, locale=locale
        )
        db.session.add(template)
        template.subject, template.body = subject, body
    return template


def reset_template(call: CallForProposals, kind: DecisionKind, locale: str) -> None:
    """Back to the default wording."""
    with unit_of_work():
        template = saved_template(call, kind, locale)
        if template is not None:
            db.session.delete(template)


# Rendering ----------------------------------------------------------------------------


def fill_text(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), template)


def fill_html(template: str, values: dict[str, str]) -> Markup:
    """The template as HTML paragraphs (blank lines) and line breaks, every piece of text
    escaped, links made <a> elements."""
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", template) if p.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(
            Markup("<br>\n").join(_fill_line(line, values) for line in paragraph.split("\n"))
        )
        for paragraph in paragraphs
    )


_LINK = Markup('<a href="{0}" style="color:#0b5a5a;">{0}</a>')


def _fill_line(line: str, values: dict[str, str]) -> Markup:
    pieces, position = [], 0
    for match in _PLACEHOLDER.finditer(line):
        pieces.append(escape(line[position : match.start()]))
        name = match[1]
        if name in values and name in LINKS:
            pieces.append(_LINK.format(values[name]))
        elif name in values:
            pieces.append(escape(values[name]))
        else:
            pieces.append(escape(match[0]))
        position = match.end()
    pieces.append(escape(line[position:]))
    return Markup("").join(pieces)


@dataclass
class DecisionMail:
    to: str
    locale: str
    subject: str
    text: str
    body_html: Markup

    def html(self, event) -> str:
        """The whole HTML part, as the outbox sends it."""
        with force_locale(self.locale):
            return current_app.jinja_env.get_template("emails/cfp_decision.html").render(
                body_html=self.body_html, event=event
            )


def render_decision(
    proposal: Proposal,
    kind: DecisionKind,
    speaker: ProposalSpeaker,
    confirm_url: str | None,
    locale: str | None = None,
) -> DecisionMail:
    """The decision email to one speaker, in their language (or `locale`)."""
    profile = profile_of(speaker.user) if speaker.user is not None else None
    locale = locale or language_of(speaker.user, profile, fallback=proposal.language)
    subject, body = template_for(proposal.call, kind, locale)
    with force_locale(locale):
        values = {
            "name": display_name_of(speaker.user, speaker.email, profile),
            "title": proposal.title,
            "event": proposal.event.name,
            "proposal_url": proposal_url(proposal),
        }
    if confirm_url and kind is DecisionKind.ACCEPTED:
        values["confirm_url"] = confirm_url
    return DecisionMail(
        to=speaker.email,
        locale=locale,
        subject=one_line(fill_text(subject, values))[:300],
        text=fill_text(body, values),
        body_html=fill_html(body, values),
    )


def preview_decision(
    proposal: Proposal, kind: DecisionKind, locale: str | None = None
) -> list[DecisionMail]:
    """The emails the decision would send, one per speaker, without sending anything
    (the confirm link is an example: the real one is made when it is sent)."""
    example = respond_url(proposal, "example-link-made-when-sent")
    return [
        render_decision(proposal, kind, speaker, example, locale)
        for speaker in proposal.accepted_speakers
    ]


def queue_decision(proposal: Proposal, kind: DecisionKind, confirm_token: str | None) -> None:
    """Queue the decision email to every speaker of the proposal, in the caller's unit
    of work; an acceptance's confirm link (from `confirm_token`) names its speaker."""
    for speaker in proposal.accepted_speakers:
        confirm_url = (
            respond_url(proposal, confirm_token, speaker.user_id) if confirm_token else None
        )
        mail = render_decision(proposal, kind, speaker, confirm_url)
        queue_mail(
            mail.to,
            "cfp_decision",
            subject=mail.subject,
            locale=mail.locale,
            text=mail.text,
            body_html=mail.body_html,
            event=proposal.event,
        )
