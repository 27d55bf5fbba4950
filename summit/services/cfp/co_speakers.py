"""Co-speakers: invited by email by the speaker who submitted the proposal, they join
it through their own link, signed in with the address the invitation was sent to.

The link's token is shown only in the email; the database keeps its SHA-256. It works
once: accepting or declining ends it, and so does withdrawing the proposal. A link
used by someone signed in with another address is refused (forwarding an invitation
does not make someone else a speaker).
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ...database import unit_of_work
from ...extensions import db
from ...models import Proposal, ProposalSpeaker, ProposalState, User, utcnow
from .. import locks
from ..accounts import find_user
from ..mail import queue_mail
from .confirmation import add_late_speaker
from .errors import CfpError, LinkRefused, NotAllowed, TransitionError
from .links import invitation_url, looks_like_token, new_link_token, token_hash
from .proposal_states import is_submitter
from .proposals import EDITABLE, check_window
from .speakers import speaker_language, speaker_name
from .validation import clean_email

# An invitation can be answered while the proposal is still alive.
ANSWERABLE = (
    ProposalState.DRAFT,
    ProposalState.SUBMITTED,
    ProposalState.WAITLISTED,
    ProposalState.ACCEPTED,
    ProposalState.CONFIRMED,
)


def invite_co_speaker(
    proposal: Proposal, inviter: User, email, now: datetime | None = None
) -> ProposalSpeaker:
    """Invite a co-speaker by email (queued with the change). Only the submitter, while
    the proposal can be edited, and up to the call's number of co-speakers."""
    now = now or utcnow()
    email = clean_email(email)
    with unit_of_work() as unit:
        proposal = unit.lock(locks.proposal(proposal.id))
        if not is_submitter(inviter, proposal):
            raise NotAllowed("not_primary")
        if proposal.state not in EDITABLE:
            raise TransitionError("transition", state=proposal.state)
        check_window(proposal, now, None)
        speakers = db.session.scalars(
            select(ProposalSpeaker).where(ProposalSpeaker.proposal_id == proposal.id)
        ).all()
        if any(s.email == email for s in speakers):
            raise CfpError("already_speaker", "email")
        if sum(not s.is_primary for s in speakers) >= proposal.call.max_co_speakers:
            raise CfpError("too_many_co_speakers", "email", n=proposal.call.max_co_speakers)
        token, hashed = new_link_token()
        speaker = ProposalSpeaker(
            proposal_id=proposal.id, email=email, invitation_token_hash=hashed, invited_at=now
        )
        db.session.add(speaker)
        _queue_invitation(proposal, inviter, email, token)
        return speaker


def resend_invitation(
    proposal: Proposal, inviter: User, speaker: ProposalSpeaker, now: datetime | None = None
) -> None:
    """A new link for an invitation not answered yet (the old one stops working)."""
    now = now or utcnow()
    with unit_of_work() as unit:
        proposal = unit.lock(locks.proposal(proposal.id))
        speaker = db.session.get(ProposalSpeaker, speaker.id)
        if not is_submitter(inviter, proposal):
            raise NotAllowed("not_primary")
        if speaker is None or speaker.proposal_id != proposal.id or speaker.accepted_at:
            raise LinkRefused("invitation_invalid")
        if proposal.state not in EDITABLE:
            raise TransitionError("transition", state=proposal.state)
        token, speaker.invitation_token_hash = new_link_token()
        speaker.invited_at = now
        _queue_invitation(proposal, inviter, speaker.email, token)


def remove_co_speaker(proposal: Proposal, actor: User, speaker: ProposalSpeaker) -> None:
    """The submitter takes a co-speaker (or an invitation) off an editable proposal."""
    with unit_of_work() as unit:
        proposal = unit.lock(locks.proposal(proposal.id))
        speaker = db.session.get(ProposalSpeaker, speaker.id)
        if not is_submitter(actor, proposal):
            raise NotAllowed("not_primary")
        if proposal.state not in EDITABLE:
            raise TransitionError("transition", state=proposal.state)
        if speaker is None or speaker.proposal_id != proposal.id or speaker.is_primary:
            raise CfpError("invalid_choice", "speaker")
        db.session.delete(speaker)
        proposal.version += 1


def invitation_by_token(token) -> ProposalSpeaker | None:
    """The invitation an emailed link stands for, while it can be answered."""
    if not looks_like_token(token):
        return None
    speaker = db.session.scalar(
        select(ProposalSpeaker).where(ProposalSpeaker.invitation_token_hash == token_hash(token))
    )
    if speaker is None or speaker.proposal.state not in ANSWERABLE:
        return None
    return speaker


def accept_invitation(token, user: User, now: datetime | None = None) -> ProposalSpeaker:
    """`user` (signed in with the invited address) becomes a speaker of the proposal;
    of its session too, with a speaker ticket, if it is already confirmed."""
    now = now or utcnow()
    speaker = _check_invitation(token, user)
    # A confirmed proposal gives a ticket: under the event's sales lock.
    with unit_of_work(locks.sales(speaker.proposal.event_id)) as unit:
        proposal = unit.lock(locks.proposal(speaker.proposal_id))
        speaker = _check_invitation(token, user)
        if any(s.user_id == user.id for s in proposal.speakers if s.id != speaker.id):
            raise CfpError("already_speaker")
        speaker.user_id, speaker.accepted_at = user.id, now
        speaker.invitation_token_hash = None
        proposal.version += 1
        if proposal.state is ProposalState.CONFIRMED:
            db.session.flush()
            db.session.expire(proposal, ["speakers"])
            add_late_speaker(proposal, user, now)
        return speaker


def decline_invitation(token, user: User) -> None:
    """The invited person says no: the invitation is gone."""
    speaker = _check_invitation(token, user)
    with unit_of_work(locks.proposal(speaker.proposal_id)):
        speaker = _check_invitation(token, user)
        db.session.delete(speaker)


def _check_invitation(token, user: User) -> ProposalSpeaker:
    speaker = invitation_by_token(token)
    if speaker is None:
        raise LinkRefused("invitation_invalid")
    if user is None or user.email.casefold() != speaker.email.casefold():
        raise LinkRefused("invitation_other_user")
    return speaker


def _queue_invitation(proposal: Proposal, inviter: User, email: str, token: str) -> None:
    invitee = find_user(email)
    locale = speaker_language(invitee) if invitee else speaker_language(inviter)
    event = proposal.event
    inviter_name = speaker_name(inviter)
    queue_mail(
        email,
        "cfp_invitation",
        subject=lambda: _(
            "%(name)s invites you to speak at %(event)s", name=inviter_name, event=event.name
        ),
        locale=locale,
        proposal=proposal,
        event=event,
        inviter=inviter_name,
        email=email,
        link=invitation_url(proposal, token),
    )
