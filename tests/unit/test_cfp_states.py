"""The proposal state machine: every allowed transition, every forbidden one, and who
may take each step."""

import pytest
from flask_babel import force_locale

from summit.models import ProposalState, Role
from summit.services.cfp import NotAllowed, TransitionError
from summit.services.cfp.proposal_states import (
    BY_ORGANIZERS,
    Action,
    allowed_actions,
    transition,
)
from tests.conftest import CFP_OPEN_NOW

S = ProposalState


@pytest.fixture
def world(make_user, make_event, make_call, grant):
    event = make_event()
    call = make_call(event)
    speaker = make_user("anna@example.org", "Anna Andersson")
    co_speaker = make_user("bo@example.org", "Bo Berg")
    organizer = grant(make_user("org@example.org", "Olle Organisatör"), event, Role.ORGANIZER)
    return call, speaker, co_speaker, organizer


# The intended moves, written from the README ("draft → submitted → accepted /
# waitlisted / rejected → confirmed / declined, withdrawn from draft, submitted or
# waitlisted, and an unanswered decision can be reopened") and the state diagram in
# proposal_states.py, not read from the implementation's table. Every pair of a state
# and an action that is not here must be refused.
EXPECTED = {
    (S.DRAFT, Action.SUBMIT): S.SUBMITTED,
    (S.DRAFT, Action.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, Action.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, Action.WAITLIST): S.WAITLISTED,
    (S.SUBMITTED, Action.REJECT): S.REJECTED,
    (S.SUBMITTED, Action.WITHDRAW): S.WITHDRAWN,
    # The waiting list is a decision not yet final: it becomes a yes or a no.
    (S.WAITLISTED, Action.ACCEPT): S.ACCEPTED,
    (S.WAITLISTED, Action.REJECT): S.REJECTED,
    (S.WAITLISTED, Action.WITHDRAW): S.WITHDRAWN,
    # The speaker answers an acceptance (an accepted proposal is declined, not withdrawn).
    (S.ACCEPTED, Action.CONFIRM): S.CONFIRMED,
    (S.ACCEPTED, Action.DECLINE): S.DECLINED,
    # A decision the speaker has not answered can be taken back.
    (S.ACCEPTED, Action.REOPEN): S.SUBMITTED,
    (S.WAITLISTED, Action.REOPEN): S.SUBMITTED,
    (S.REJECTED, Action.REOPEN): S.SUBMITTED,
    # confirmed, declined and withdrawn are final: nothing leads out of them.
}
PAIRS = [(state, action) for state in ProposalState for action in Action]


def _actor(action, speaker, organizer):
    return organizer if action in BY_ORGANIZERS else speaker


def test_the_expected_table_covers_known_states_and_actions():
    # A new state or action makes the pairs grow; the expectation above must then be
    # extended by hand, from what the README says, not from the implementation.
    assert len(PAIRS) == 8 * 8
    assert {s.value for s in ProposalState} == {
        "draft",
        "submitted",
        "accepted",
        "waitlisted",
        "rejected",
        "confirmed",
        "declined",
        "withdrawn",
    }


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=lambda x: x.value)
def test_every_state_and_action(db, world, make_proposal, state, action):
    """Each of the 64 pairs: the expected move happens, or it is refused and changes
    nothing."""
    call, speaker, _co, organizer = world
    proposal = make_proposal(call, speaker, state=state)
    actor = _actor(action, speaker, organizer)
    if (state, action) in EXPECTED:
        new_state = EXPECTED[state, action]
        assert action in allowed_actions(proposal)
        assert transition(proposal, action, actor, CFP_OPEN_NOW) is new_state
        assert proposal.version == 2
        db.session.commit()
        db.session.refresh(proposal)
        assert proposal.state is new_state
    else:
        assert action not in allowed_actions(proposal)
        with pytest.raises(TransitionError) as refused:
            transition(proposal, action, actor, CFP_OPEN_NOW)
        assert refused.value.message  # a text a page can show
        db.session.rollback()
        db.session.refresh(proposal)
        assert proposal.state is state and proposal.version == 1


def test_final_states_offer_nothing(world, make_proposal):
    call, speaker, _co, _org = world
    for state in (S.CONFIRMED, S.DECLINED, S.WITHDRAWN):
        assert allowed_actions(make_proposal(call, speaker, state=state)) == []


def test_time_stamps_of_each_step(world, make_proposal):
    call, speaker, _co, organizer = world
    proposal = make_proposal(call, speaker, state=S.DRAFT)
    transition(proposal, Action.SUBMIT, speaker, CFP_OPEN_NOW)
    assert proposal.submitted_at == CFP_OPEN_NOW
    transition(proposal, Action.ACCEPT, organizer, CFP_OPEN_NOW)
    assert proposal.decided_at == CFP_OPEN_NOW
    transition(proposal, Action.REOPEN, organizer, CFP_OPEN_NOW)
    assert proposal.decided_at is None and proposal.state is S.SUBMITTED
    transition(proposal, Action.ACCEPT, organizer, CFP_OPEN_NOW)
    transition(proposal, Action.CONFIRM, speaker, CFP_OPEN_NOW)
    assert proposal.responded_at == CFP_OPEN_NOW
    other = make_proposal(call, speaker)
    transition(other, Action.WITHDRAW, speaker, CFP_OPEN_NOW)
    assert other.withdrawn_at == CFP_OPEN_NOW


def test_withdrawing_a_confirmed_session_says_to_contact_the_organizers(world, make_proposal):
    call, speaker, _co, _org = world
    proposal = make_proposal(call, speaker, state=S.CONFIRMED)
    with pytest.raises(TransitionError) as refused:
        transition(proposal, Action.WITHDRAW, speaker, CFP_OPEN_NOW)
    assert refused.value.reason == "withdraw_confirmed"
    with force_locale("en"):
        assert "organizers" in refused.value.message


def test_speakers_cannot_decide_and_organizers_cannot_speak_for_speakers(
    make_user, world, make_proposal
):
    call, speaker, _co, organizer = world
    proposal = make_proposal(call, speaker)
    with pytest.raises(NotAllowed) as refused:
        transition(proposal, Action.ACCEPT, speaker, CFP_OPEN_NOW)
    assert refused.value.reason == "not_organizer"
    with pytest.raises(NotAllowed):
        transition(proposal, Action.REJECT, None, CFP_OPEN_NOW)
    with pytest.raises(NotAllowed) as refused:
        transition(proposal, Action.WITHDRAW, organizer, CFP_OPEN_NOW)
    assert refused.value.reason == "not_primary"
    accepted = make_proposal(call, speaker, state=S.ACCEPTED)
    stranger = make_user("eve@example.org", "Eve")
    with pytest.raises(NotAllowed) as refused:
        transition(accepted, Action.CONFIRM, stranger, CFP_OPEN_NOW)
    assert refused.value.reason == "not_speaker"
    assert proposal.state is S.SUBMITTED and accepted.state is S.ACCEPTED


def test_co_speakers_confirm_but_only_the_submitter_submits_and_withdraws(world, make_proposal):
    call, speaker, co_speaker, _org = world
    draft = make_proposal(call, speaker, state=S.DRAFT, co_speakers=[co_speaker])
    with pytest.raises(NotAllowed) as refused:
        transition(draft, Action.SUBMIT, co_speaker, CFP_OPEN_NOW)
    assert refused.value.reason == "not_primary"
    with pytest.raises(NotAllowed):
        transition(draft, Action.WITHDRAW, co_speaker, CFP_OPEN_NOW)
    accepted = make_proposal(call, speaker, state=S.ACCEPTED, co_speakers=[co_speaker])
    assert transition(accepted, Action.CONFIRM, co_speaker, CFP_OPEN_NOW) is S.CONFIRMED


def test_the_link_holder_may_only_confirm_or_decline(world, make_proposal):
    call, speaker, _co, _org = world
    accepted = make_proposal(call, speaker, state=S.ACCEPTED)
    assert transition(accepted, Action.DECLINE, None, CFP_OPEN_NOW) is S.DECLINED
    draft = make_proposal(call, speaker, state=S.DRAFT)
    with pytest.raises(NotAllowed):
        transition(draft, Action.SUBMIT, None, CFP_OPEN_NOW)
