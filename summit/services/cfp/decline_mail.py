"""When one speaker declines an accepted proposal through the shared link, it is
declined for all of its speakers: the other speakers and the event's organizers are
told who declined and when, each in their language, through the outbox in the same
unit of work as the decline."""

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import CFP_LANGUAGES, EventRole, Proposal, Role, User
from ..mail import queue_mail
from .links import manage_url, proposal_url
from .speakers import display_name_of, language_of, profiles_for


def _organizers(proposal: Proposal) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(EventRole, EventRole.user_id == User.id)
            .where(EventRole.event_id == proposal.event_id, EventRole.role == Role.ORGANIZER)
            .order_by(User.email)
        )
    )


def queue_declined(proposal: Proposal, by: User | None) -> int:
    """Tell every accepted speaker but the one who declined, and the organizers (each
    once). Returns how many mails were queued."""
    speakers = proposal.accepted_speakers
    profiles = profiles_for(s.user_id for s in speakers)
    by_name = display_name_of(by, by.email, profiles.get(by.id)) if by is not None else ""
    recipients: dict[str, tuple[str, str, bool]] = {}  # email -> (name, language, speaker)
    for speaker in speakers:
        if by is not None and speaker.user_id == by.id:
            continue
        profile = profiles.get(speaker.user_id)
        recipients.setdefault(
            speaker.email.lower(),
            (
                display_name_of(speaker.user, speaker.email, profile),
                language_of(speaker.user, profile),
                True,
            ),
        )
    for organizer in _organizers(proposal):
        if by is not None and organizer.id == by.id:
            continue
        language = organizer.locale if organizer.locale in CFP_LANGUAGES else "sv"
        recipients.setdefault(
            organizer.email.lower(), (organizer.name or organizer.email, language, False)
        )
    links = {True: proposal_url(proposal), False: manage_url(proposal)}
    for email, (name, language, is_speaker) in sorted(recipients.items()):
        with force_locale(language):
            event_name = proposal.event.name
        queue_mail(
            email,
            "cfp_declined",
            subject=lambda title=proposal.title: _("“%(title)s” is declined", title=title),
            locale=language,
            name=name,
            by_name=by_name,
            title=proposal.title,
            event_name=event_name,
            moment=proposal.responded_at,
            event=proposal.event,
            link=links[is_speaker],
        )
    return len(recipients)
