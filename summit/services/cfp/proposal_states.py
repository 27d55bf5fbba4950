"""The one place that changes a proposal's state: which action leads from which state to
which, and who may take it.

    draft ──submit──▶ submitted ──accept──▶ accepted ──confirm──▶ confirmed
      │                 │  │                  │   └────decline──▶ declined
      │                 │  └──waitlist──▶ waitlisted ──accept──▶ accepted
      │                 └──reject──▶ rejected ◀──reject── waitlisted
      └── withdraw (also from submitted and waitlisted) ──▶ withdrawn
    reopen (organizers): accepted, waitlisted or rejected ──▶ submitted, a decision
    taken back before the speaker answered it.

Speakers submit and withdraw (the speaker who submitted) and confirm or decline (any
speaker of it, or whoever holds the link from the acceptance email: actor None).
Organizers accept, waitlist, reject and reopen. A confirmed session is not withdrawn
here: the speaker contacts the organizers, who change the program.

transition() neither locks nor commits: the caller (a service) runs it in a unit of work
holding the proposal's lock (locks.proposal), which commits with whatever else belongs
to the same change.
"""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l

from ...models import Proposal, ProposalState, Role, User
from .errors import NotAllowed, TransitionError

S = ProposalState


class Action(enum.Enum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    ACCEPT = "accept"
    WAITLIST = "waitlist"
    REJECT = "reject"
    REOPEN = "reopen"
    CONFIRM = "confirm"
    DECLINE = "decline"

    @property
    def label(self):
        return {
            Action.SUBMIT: _l("Submit"),
            Action.WITHDRAW: _l("Withdraw"),
            Action.ACCEPT: _l("Accept"),
            Action.WAITLIST: _l("Put on the waiting list"),
            Action.REJECT: _l("Reject"),
            Action.REOPEN: _l("Take back the decision"),
            Action.CONFIRM: _l("Confirm"),
            Action.DECLINE: _l("Decline"),
        }[self]


TRANSITIONS: dict[tuple[ProposalState, Action], ProposalState] = {
    (S.DRAFT, Action.SUBMIT): S.SUBMITTED,
    (S.DRAFT, Action.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, Action.WITHDRAW): S.WITHDRAWN,
    (S.WAITLISTED, Action.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, Action.ACCEPT): S.ACCEPTED,
    (S.WAITLISTED, Action.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, Action.WAITLIST): S.WAITLISTED,
    (S.SUBMITTED, Action.REJECT): S.REJECTED,
    (S.WAITLISTED, Action.REJECT): S.REJECTED,
    (S.ACCEPTED, Action.REOPEN): S.SUBMITTED,
    (S.WAITLISTED, Action.REOPEN): S.SUBMITTED,
    (S.REJECTED, Action.REOPEN): S.SUBMITTED,
    (S.ACCEPTED, Action.CONFIRM): S.CONFIRMED,
    (S.ACCEPTED, Action.DECLINE): S.DECLINED,
}

BY_ORGANIZERS = frozenset({Action.ACCEPT, Action.WAITLIST, Action.REJECT, Action.REOPEN})
BY_SUBMITTER = frozenset({Action.SUBMIT, Action.WITHDRAW})
BY_ANY_SPEAKER = frozenset({Action.CONFIRM, Action.DECLINE})  # or the holder of the link


def allowed_actions(proposal: Proposal) -> list[Action]:
    """What can be done to the proposal in its state (by someone)."""
    return [action for (state, action) in TRANSITIONS if state is proposal.state]


def can(proposal: Proposal, action: Action) -> bool:
    return (proposal.state, action) in TRANSITIONS


def is_submitter(user: User | None, proposal: Proposal) -> bool:
    primary = proposal.primary_speaker
    return user is not None and primary is not None and primary.user_id == user.id


def is_speaker(user: User | None, proposal: Proposal) -> bool:
    """A speaker who is in: the submitter, or a co-speaker who accepted the invitation."""
    return user is not None and any(s.user_id == user.id for s in proposal.accepted_speakers)


def check_actor(proposal: Proposal, action: Action, actor: User | None) -> None:
    if action in BY_ORGANIZERS:
        if actor is None or not actor.has_role(proposal.event, Role.ORGANIZER):
            raise NotAllowed("not_organizer")
    elif action in BY_SUBMITTER:
        if not is_submitter(actor, proposal):
            raise NotAllowed("not_primary")
    elif actor is not None and not is_speaker(actor, proposal):
        raise NotAllowed("not_speaker")


def transition(
    proposal: Proposal, action: Action, actor: User | None, now: datetime
) -> ProposalState:
    """Move the proposal on by `action`, or raise (TransitionError, NotAllowed) and
    change nothing. Sets the time stamp of the step and raises the version."""
    new_state = TRANSITIONS.get((proposal.state, action))
    if new_state is None:
        if action is Action.WITHDRAW and proposal.state is S.CONFIRMED:
            raise TransitionError("withdraw_confirmed", state=proposal.state, action=action)
        raise TransitionError("transition", state=proposal.state, action=action)
    check_actor(proposal, action, actor)
    proposal.state = new_state
    if action is Action.SUBMIT:
        proposal.submitted_at = now
    elif action is Action.WITHDRAW:
        proposal.withdrawn_at = now
    elif action in (Action.ACCEPT, Action.WAITLIST, Action.REJECT):
        proposal.decided_at = now
    elif action is Action.REOPEN:
        proposal.decided_at = None
    elif action in (Action.CONFIRM, Action.DECLINE):
        proposal.responded_at = now
    if action not in (Action.ACCEPT, Action.CONFIRM, Action.DECLINE):
        # Only an acceptance waits for an answer: any older confirm link stops working.
        # An answer keeps the link's hash: the link then shows who answered, and when
        # (it answers nothing twice: only an accepted proposal takes an answer).
        proposal.response_token_hash = None
    proposal.version += 1
    proposal.updated_at = now
    return new_state
