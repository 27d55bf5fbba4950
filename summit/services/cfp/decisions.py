"""Decisions on proposals and the speakers' answers.

Organizers accept, waitlist or reject one proposal or many at once: all or nothing (a
proposal whose state does not allow the decision refuses the whole batch, and the error
says which). The decision emails are queued in the same unit of work, so they exist
exactly when the decision does. An acceptance carries a confirm link (a random token;
only its SHA-256 is stored) which works once, and only while the acceptance stands.

Confirming makes the proposal a session waiting to be scheduled and gives its speakers
their complimentary tickets (confirmation.py), in the same unit of work.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from ...database import unit_of_work
from ...extensions import db
from ...models import DecisionKind, Proposal, ProposalState, User, utcnow
from .. import locks
from .confirmation import confirm_speakers
from .decision_mail import queue_decision
from .decline_mail import queue_declined
from .errors import CfpError, LinkRefused
from .links import looks_like_token, new_link_token, token_hash
from .proposal_states import Action, check_actor, transition

ACTIONS = {
    DecisionKind.ACCEPTED: Action.ACCEPT,
    DecisionKind.REJECTED: Action.REJECT,
    DecisionKind.WAITLISTED: Action.WAITLIST,
}
KINDS = {
    state: kind
    for kind, state in (
        (DecisionKind.ACCEPTED, ProposalState.ACCEPTED),
        (DecisionKind.REJECTED, ProposalState.REJECTED),
        (DecisionKind.WAITLISTED, ProposalState.WAITLISTED),
    )
}


def decide(
    proposals: Iterable[Proposal],
    kind: DecisionKind,
    actor: User,
    now: datetime | None = None,
    notify: bool = True,
) -> list[Proposal]:
    """Take the decision on every proposal (of one event), and queue its emails when
    `notify`; or raise with nothing changed. The error's `proposal` is the one refused."""
    now = now or utcnow()
    if not isinstance(kind, DecisionKind):
        raise CfpError("invalid_choice", "kind")
    proposals = list(proposals)
    if not proposals:
        return []
    if len({p.event_id for p in proposals}) > 1:
        raise CfpError("mixed_events")
    with unit_of_work() as unit:
        locked = unit.lock(locks.proposals(p.id for p in proposals))
        for proposal in locked:
            try:
                transition(proposal, ACTIONS[kind], actor, now)
            except CfpError as error:
                error.proposal = proposal
                raise
        for proposal in locked:
            _announce(proposal, kind, notify)
        return list(locked)


def _announce(proposal: Proposal, kind: DecisionKind, notify: bool) -> None:
    token = None
    if kind is DecisionKind.ACCEPTED:
        token, proposal.response_token_hash = new_link_token()
    if notify:
        queue_decision(proposal, kind, token)


def send_decision(proposal: Proposal, actor: User, now: datetime | None = None) -> None:
    """(Re)send the email of the decision the proposal has; an acceptance gets a new
    confirm link and the old one stops working."""
    with unit_of_work() as unit:
        proposal = unit.lock(locks.proposal(proposal.id))
        kind = KINDS.get(proposal.state)
        check_actor(proposal, Action.ACCEPT, actor)
        if kind is None:
            raise CfpError("transition", state=proposal.state)
        _announce(proposal, kind, notify=True)


def reopen(proposal: Proposal, actor: User, now: datetime | None = None) -> Proposal:
    """Take a decision back (before the speaker answered): submitted again, no email."""
    with unit_of_work() as unit:
        proposal = unit.lock(locks.proposal(proposal.id))
        transition(proposal, Action.REOPEN, actor, now or utcnow())
        return proposal


# The speakers' answer ---------------------------------------------------------------------


def proposal_for_link(token) -> Proposal | None:
    """The accepted proposal a confirm link stands for, while it can be answered."""
    if not looks_like_token(token):
        return None
    return db.session.scalar(
        select(Proposal).where(
            Proposal.response_token_hash == token_hash(token),
            Proposal.state == ProposalState.ACCEPTED,
        )
    )


def answered_link(token) -> Proposal | None:
    """The proposal a confirm link stood for, once a speaker answered through it (or
    signed in): confirmed or declined. A link replaced by a newer one, or whose
    decision was taken back, is not found."""
    if not looks_like_token(token):
        return None
    return db.session.scalar(
        select(Proposal).where(
            Proposal.response_token_hash == token_hash(token),
            Proposal.state.in_((ProposalState.CONFIRMED, ProposalState.DECLINED)),
        )
    )


def speaker_by_id(proposal: Proposal, user_id) -> User | None:
    """The accepted speaker of the proposal with this id, else None."""
    return next(
        (
            s.user
            for s in proposal.accepted_speakers
            if user_id is not None and s.user_id == user_id
        ),
        None,
    )


def respond_by_link(
    token, confirm: bool, by: User | None = None, now: datetime | None = None
) -> Proposal:
    """Confirm or decline through the link in the acceptance email, for all of the
    proposal's speakers; `by` is who used it (a speaker of it, else not recorded). A
    link that was tampered with, already used, or belongs to a decision taken back is
    refused. A decline is told to the other speakers and the organizers."""
    proposal = proposal_for_link(token)
    if proposal is None:
        raise LinkRefused("link_invalid")
    return _respond(proposal, confirm, None, token_hash(token), now or utcnow(), by)


def respond(proposal: Proposal, user: User, confirm: bool, now: datetime | None = None) -> Proposal:
    """Confirm or decline as a signed-in speaker of the proposal."""
    return _respond(proposal, confirm, user, None, now or utcnow(), user)


def _respond(
    proposal: Proposal,
    confirm: bool,
    actor: User | None,
    expected_hash: str | None,
    now,
    by: User | None,
) -> Proposal:
    with unit_of_work(locks.sales(proposal.event_id)) as unit:  # tickets are given under it
        proposal = unit.lock(locks.proposal(proposal.id))
        if expected_hash is not None and proposal.response_token_hash != expected_hash:
            raise LinkRefused("link_invalid")
        transition(proposal, Action.CONFIRM if confirm else Action.DECLINE, actor, now)
        by = speaker_by_id(proposal, by.id) if by is not None else None
        proposal.responded_by_id = by.id if by is not None else None
        if confirm:
            confirm_speakers(proposal, now)
        else:
            queue_declined(proposal, by)
        return proposal
