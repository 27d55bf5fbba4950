"""The proposal state machine: every allowed transition, every forbidden one, and who
may take each step."""

import pytest
from flask_babel import force_locale

from summit.models import ProposalState, Role
from summit.services.cfp import NotAllowed, TransitionError
from summit.services.cfp.proposal_states import (
    BY_ORGANIZERS,
    TRANSITIONS,
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


def test_the_table_is_the_documented_one():
    assert TRANSITIONS == {
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
    # Final states: nothing leads out of them.
    for state in (S.CONFIRMED, S.DECLINED, S.WITHDRAWN):
        assert not [a for (s, a) in TRANSITIONS if s is state]


def test_every_allowed_transition(db, world, make_proposal):
    call, speaker, _co, organizer = world
    for (state, action), new_state in TRANSITIONS.items():
        proposal = make_proposal(call, speaker, state=state)
        actor = organizer if action in BY_ORGANIZERS else speaker
        assert action in allowed_actions(proposal)
        assert transition(proposal, action, actor, CFP_OPEN_NOW) is new_state, (state, action)
        assert proposal.state is new_state
        assert proposal.version == 2
        db.session.commit()
        db.session.refresh(proposal)
        assert proposal.state is new_state


def test_every_forbidden_transition_changes_nothing(db, world, make_proposal):
    call, speaker, _co, organizer = world
    forbidden = [(s, a) for s in ProposalState for a in Action if (s, a) not in TRANSITIONS]
    assert len(forbidden) == len(ProposalState) * len(Action) - len(TRANSITIONS)
    for state, action in forbidden:
        proposal = make_proposal(call, speaker, state=state)
        actor = organizer if action in BY_ORGANIZERS else speaker
        with pytest.raises(TransitionError) as refused:
            transition(proposal, action, actor, CFP_OPEN_NOW)
        assert proposal.state is state and proposal.version == 1, (state, action)
        assert refused.value.message  # a text a page can show
        db.session.rollback()


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
