"""An event's privacy notice: the organizers' own words (sv/en), or the standard notice
made from the event's retention policy, naming MSI as the controller."""

from flask import current_app
from flask_babel import gettext as _

from ...models import Event, EventPrivacy
from ...models.events import localized
from .retention import policy


def default_notice(event: Event, settings: EventPrivacy) -> str:
    """The standard notice, in the page's language (paragraphs between blank lines)."""
    contact = current_app.config.get("CONTACT_EMAIL") or _("the organizers")
    if settings.attendee_months is None:
        kept = _("Your name, contact details and answers are kept until you ask us to erase them.")
    else:
        kept = _(
            "Your name, contact details and answers are anonymised %(months)d months after "
            "the event.",
            months=settings.attendee_months,
        )
    return "\n\n".join(
        [
            _(
                "Mötesplats Social Innovation (MSI), Malmö University, is the controller of "
                "the personal data you give us for %(event)s.",
                event=event.name,
            ),
            _(
                "We use it to handle your registration and tickets, to make badges and check "
                "you in, to tell you about the event, for the program's speakers, and to "
                "report to our funders in numbers that name no one. Photo and filming, the "
                "participant list and the newsletter only with your consent, which you can "
                "withdraw at any time under My tickets."
            ),
            _(
                "Answers about diet, accessibility and health are erased %(days)d days after "
                "the event.",
                days=settings.sensitive_days,
            )
            + " "
            + kept
            + " "
            + _(
                "Receipts and invoices are kept for seven years, as the Swedish Bookkeeping "
                "Act requires, with only the buyer's details needed on them."
            ),
            _(
                "You have the right to a copy of your data, to have it corrected or erased, to "
                "object, and to complain to the Swedish Authority for Privacy Protection (IMY). "
                "Download your data or ask for erasure under My tickets."
            ),
            _("Contact: %(contact)s.", contact=contact),
        ]
    )


def notice_text(event: Event) -> str:
    settings = policy(event)
    own = localized(settings.notice_sv, settings.notice_en)
    return own or default_notice(event, settings)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
