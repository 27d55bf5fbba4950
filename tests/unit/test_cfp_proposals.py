"""Proposals from the speakers' side: drafts, edits until the deadline, submission (late
only with an access code), withdrawal, co-speakers and their links, the receipt email."""

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from summit.models import (
    CfpQuestion,
    OutboxMessage,
    Proposal,
    ProposalSpeaker,
    ProposalState,
    QuestionKind,
)
from summit.services.cfp import CfpError, LinkRefused, NotAllowed, StaleEdit, TransitionError
from summit.services.cfp.cfp_setup import AccessCodeData, save_access_code
from summit.services.cfp.co_speakers import (
    accept_invitation,
    decline_invitation,
    invitation_by_token,
    invite_co_speaker,
)
from summit.services.cfp.proposals import (
    ABSTRACT_MAX,
    ProposalData,
    create_draft,
    proposals_of,
    submit_proposal,
    update_proposal,
    withdraw_proposal,
)
from tests.conftest import CFP_CLOSES, CFP_OPEN_NOW, CFP_OPENS

AFTER_DEADLINE = CFP_CLOSES + timedelta(days=2)
SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def call(make_event, make_call):
    return make_call(make_event(name_sv="Mötesplats 2027", name_en="Summit 2027"))


@pytest.fixture
def anna(make_user):
    return make_user("anna@example.org", "Anna Andersson")


def data(call, **changes) -> ProposalData:
    values = {
        "title": "Medborgardialog som fungerar",
        "abstract": "Vad tre kommuner lärde sig.",
        "format_id": call.formats[0].id,
        "language": "sv",
    }
    values.update(changes)
    return ProposalData(**values)


def mails(db, to=None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(query))


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def link_token(message: OutboxMessage) -> str:
    return re.search(r"/invitations/([\w-]+)", message.body_text).group(1)


# Drafts, edits, submission ----------------------------------------------------------------


def test_draft_edit_submit_with_a_receipt(db, call, anna):
    proposal = create_draft(call, anna, data(call, abstract=""), now=CFP_OPEN_NOW)
    assert proposal.state is ProposalState.DRAFT
    assert proposal.primary_speaker.user_id == anna.id
    assert proposals_of(anna) == [proposal]
    with pytest.raises(CfpError) as refused:
        submit_proposal(proposal, anna, now=CFP_OPEN_NOW)
    assert refused.value.field == "abstract"  # a draft may be incomplete; a submission not
    update_proposal(proposal, anna, data(call), proposal.version, now=CFP_OPEN_NOW)
    submit_proposal(proposal, anna, now=CFP_OPEN_NOW)
    db.session.expire_all()
    assert proposal.state is ProposalState.SUBMITTED
    assert proposal.submitted_at == CFP_OPEN_NOW
    [receipt] = mails(db, "anna@example.org")
    assert "Medborgardialog som fungerar" in receipt.subject
    assert f"/events/{call.event.slug}/speakers/proposals/{proposal.token}" in receipt.body_text
    # Still editable after submission, until the deadline.
    update_proposal(proposal, anna, data(call, title="Ny titel"), proposal.version, CFP_OPEN_NOW)
    assert proposal.title == "Ny titel" and proposal.state is ProposalState.SUBMITTED


def test_receipt_is_in_the_speakers_language_and_escapes_html(db, call, anna, make_profile):
    make_profile(anna, language="en")
    proposal = create_draft(call, anna, data(call, title=f"Hej {SCRIPT}"), now=CFP_OPEN_NOW)
    submit_proposal(proposal, anna, now=CFP_OPEN_NOW)
    [receipt] = mails(db)
    assert "We have received your proposal" in receipt.body_text
    assert "Summit 2027" in receipt.body_text
    assert SCRIPT not in receipt.body_html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in receipt.body_html
    # Stored as written: escaping is the job of whatever shows it.
    assert proposal.title == f"Hej {SCRIPT}"


def test_the_abstract_has_a_length_limit(db, call, anna):
    with pytest.raises(CfpError) as refused:
        create_draft(call, anna, data(call, abstract="x" * (ABSTRACT_MAX + 1)), now=CFP_OPEN_NOW)
    assert refused.value.field == "abstract" and refused.value.reason == "too_long"
    assert "1200" in refused.value.message
    assert count(db, Proposal) == 0
    proposal = create_draft(call, anna, data(call, abstract="x" * ABSTRACT_MAX), now=CFP_OPEN_NOW)
    with pytest.raises(CfpError):
        update_proposal(
            proposal, anna, data(call, abstract="y" * 1201), proposal.version, now=CFP_OPEN_NOW
        )
    db.session.refresh(proposal)
    assert proposal.abstract == "x" * ABSTRACT_MAX


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"format_id": 999_999}, "format_id"),
        ({"track_id": 999_999}, "track_id"),
        ({"language": "de"}, "language"),
        ({"target_audience": "x" * 301}, "target_audience"),
        ({"answers": "yes"}, "answers"),
    ],
)
def test_garbage_is_refused_and_nothing_stored(db, call, anna, changes, field):
    with pytest.raises(CfpError) as refused:
        create_draft(call, anna, data(call, **changes), now=CFP_OPEN_NOW)
    assert refused.value.field == field
    assert count(db, Proposal) == 0 and count(db, ProposalSpeaker) == 0


def test_extra_answers_are_checked_by_kind(db, call, anna):
    def question(kind, label, required=False, options=()):
        q = CfpQuestion(call=call, kind=kind, label_sv=label, required=required, options=options)
        db.session.add(q)
        db.session.commit()
        return q

    url = question(QuestionKind.URL, "Webbplats")
    choice = question(
        QuestionKind.CHOICE, "Nivå", options=[{"key": "a", "sv": "Ny"}, {"key": "b", "sv": "Van"}]
    )
    several = question(
        QuestionKind.MULTIPLE_CHOICE,
        "Målgrupp",
        options=[{"key": "k", "sv": "Kommun"}, {"key": "i", "sv": "Ideell"}],
    )
    consent = question(QuestionKind.YES_NO, "Får vi filma?", required=True)
    for bad in (
        {url.id: "javascript:alert(1)"},
        {url.id: "ftp://example.org"},
        {choice.id: "c"},
        {several.id: ["k", "x"]},
        {several.id: "k"},
        {consent.id: "yes"},
    ):
        with pytest.raises(CfpError):
            create_draft(call, anna, data(call, answers=bad), now=CFP_OPEN_NOW)
    assert count(db, Proposal) == 0
    proposal = create_draft(
        call,
        anna,
        data(call, answers={url.id: "https://example.org", several.id: ["i", "k"], 424242: "x"}),
        now=CFP_OPEN_NOW,
    )
    assert proposal.answers == {str(url.id): "https://example.org", str(several.id): ["k", "i"]}
    with pytest.raises(CfpError) as refused:
        submit_proposal(proposal, anna, now=CFP_OPEN_NOW)  # the required yes/no is missing
    assert refused.value.field == f"answer_{consent.id}"
    answers = {**proposal.answers, str(consent.id): False}
    update_proposal(proposal, anna, data(call, answers=answers), proposal.version, CFP_OPEN_NOW)
    submit_proposal(proposal, anna, now=CFP_OPEN_NOW)
    assert proposal.state is ProposalState.SUBMITTED


def test_a_form_saved_over_a_newer_version_is_refused(db, call, anna):
    proposal = create_draft(call, anna, data(call), now=CFP_OPEN_NOW)
    old_version = proposal.version
    update_proposal(proposal, anna, data(call, title="Från fönster ett"), old_version, CFP_OPEN_NOW)
    with pytest.raises(StaleEdit) as refused:
        update_proposal(proposal, anna, data(call, title="Från fönster två"), old_version)
    with force_locale("en"):
        assert "Reload" in refused.value.message
    db.session.refresh(proposal)
    assert proposal.title == "Från fönster ett"


def test_only_its_speakers_edit_a_proposal(db, call, anna, make_user):
    proposal = create_draft(call, anna, data(call), now=CFP_OPEN_NOW)
    eve = make_user("eve@example.org", "Eve")
    with pytest.raises(NotAllowed):
        update_proposal(proposal, eve, data(call, title="Kapad"), proposal.version, CFP_OPEN_NOW)
    with pytest.raises(NotAllowed):
        submit_proposal(proposal, eve, now=CFP_OPEN_NOW)
    with pytest.raises(NotAllowed):
        withdraw_proposal(proposal, eve, now=CFP_OPEN_NOW)
    db.session.refresh(proposal)
    assert proposal.title == "Medborgardialog som fungerar"
    assert proposal.state is ProposalState.DRAFT


# The deadline and access codes ------------------------------------------------------------


def test_nothing_before_the_call_opens(db, call, anna):
    with pytest.raises(CfpError) as refused:
        create_draft(call, anna, data(call), now=CFP_OPENS - timedelta(minutes=1))
    assert refused.value.reason == "call_not_open"


def test_after_the_deadline_edit_and_submit_are_refused(db, call, anna):
    proposal = create_draft(call, anna, data(call), now=CFP_OPEN_NOW)
    with pytest.raises(CfpError) as refused:
        update_proposal(proposal, anna, data(call, title="Sent"), proposal.version, AFTER_DEADLINE)
    assert refused.value.reason == "call_closed"
    with force_locale("en"):
        assert "closed" in refused.value.message
    with pytest.raises(CfpError) as refused:
        submit_proposal(proposal, anna, now=AFTER_DEADLINE)
    assert refused.value.reason == "call_closed"
    with pytest.raises(CfpError):
        create_draft(call, anna, data(call), now=AFTER_DEADLINE)
    db.session.refresh(proposal)
    assert proposal.state is ProposalState.DRAFT
    assert proposal.title == "Medborgardialog som fungerar"
    assert mails(db) == []
    # Submitted proposals are read-only after the deadline too, but may be withdrawn.
    submitted = create_draft(call, anna, data(call), now=CFP_OPEN_NOW)
    submit_proposal(submitted, anna, now=CFP_OPEN_NOW)
    with pytest.raises(CfpError):
        update_proposal(submitted, anna, data(call), submitted.version, AFTER_DEADLINE)
    withdraw_proposal(submitted, anna, now=AFTER_DEADLINE)
    assert submitted.state is ProposalState.WITHDRAWN


def test_the_deadline_minute(db, call, anna):
    proposal = create_draft(call, anna, data(call), now=CFP_OPEN_NOW)
    with pytest.raises(CfpError):
        submit_proposal(proposal, anna, now=CFP_CLOSES)
    submit_proposal(proposal, anna, now=CFP_CLOSES - timedelta(seconds=1))
    assert proposal.state is ProposalState.SUBMITTED


def test_an_access_code_lets_a_late_speaker_through(db, call, anna, make_user):
    save_access_code(call, AccessCodeData("INBJUDEN", max_uses=1))
    with pytest.raises(CfpError) as refused:
        create_draft(call, anna, data(call), now=AFTER_DEADLINE, code="fel")
    assert refused.value.reason == "unknown_code"
    proposal = create_draft(call, anna, data(call), now=AFTER_DEADLINE, code="inbjuden")
    assert proposal.access_code.code == "INBJUDEN"
    # The code keeps the proposal editable after the deadline.
    update_proposal(proposal, anna, data(call, title="Sen men välkommen"), 1, AFTER_DEADLINE)
    submit_proposal(proposal, anna, now=AFTER_DEADLINE)
    assert proposal.state is ProposalState.SUBMITTED
    # Its one use is taken: a second late proposal is refused.
    bo = make_user("bo@example.org", "Bo")
    late = create_draft(call, bo, data(call), now=AFTER_DEADLINE, code="INBJUDEN")
    with pytest.raises(CfpError) as refused:
        submit_proposal(late, bo, now=AFTER_DEADLINE)
    assert refused.value.reason == "code_used_up"
    db.session.refresh(late)
    assert late.state is ProposalState.DRAFT


def test_a_draft_started_in_time_can_be_submitted_late_with_a_code(db, call, anna):
    save_access_code(call, AccessCodeData("SENT-K7PM", valid_until=AFTER_DEADLINE))
    proposal = create_draft(call, anna, data(call), now=CFP_OPEN_NOW)
    with pytest.raises(CfpError):
        submit_proposal(proposal, anna, now=AFTER_DEADLINE)
    submit_proposal(proposal, anna, now=AFTER_DEADLINE - timedelta(minutes=1), code="sent-k7pm")
    assert proposal.state is ProposalState.SUBMITTED
    # An expired code opens nothing.
    with pytest.raises(CfpError) as refused:
        update_proposal(proposal, anna, data(call), proposal.version, AFTER_DEADLINE)
    assert refused.value.reason == "call_closed"
    with pytest.raises(CfpError) as refused:
        update_proposal(proposal, anna, data(call), proposal.version, AFTER_DEADLINE, "SENT-K7PM")
    assert refused.value.reason == "code_expired"


# Co-speakers -------------------------------------------------------------------------------


def test_a_co_speaker_accepts_through_their_own_link(db, call, anna, make_user):
    proposal = create_draft(call, anna, data(call), now=CFP_OPEN_NOW)
    invite_co_speaker(proposal, anna, " Bo@Example.org ", now=CFP_OPEN_NOW)
    [invitation] = mails(db, "bo@example.org")
    assert "Anna Andersson" in invitation.subject
    token = link_token(invitation)
    assert invitation_by_token(token).email == "bo@example.org"
    # The token itself is not stored, only its hash.
    assert token not in {s.invitation_token_hash for s in proposal.speakers}
    bo = make_user("bo@example.org", "Bo Berg")
    speaker = accept_invitation(token, bo, now=CFP_OPEN_NOW)
    assert speaker.user_id == bo.id and speaker.accepted_at == CFP_OPEN_NOW
    assert proposals_of(bo) == [proposal]
    # The link worked once.
    with pytest.raises(LinkRefused):
        accept_invitation(token, bo, now=CFP_OPEN_NOW)
    # Co-speakers edit, but only the submitter submits.
    update_proposal(proposal, bo, data(call, title="Tillsammans"), proposal.version, CFP_OPEN_NOW)
    with pytest.raises(NotAllowed):
        submit_proposal(proposal, bo, now=CFP_OPEN_NOW)


def test_the_invitation_escapes_the_inviters_input(db, call, anna, make_profile):
    make_profile(anna, f"Anna {SCRIPT}", language="en")
    proposal = create_draft(call, anna, data(call, title=f"T {SCRIPT}"), now=CFP_OPEN_NOW)
    invite_co_speaker(proposal, anna, "bo@example.org", now=CFP_OPEN_NOW)
    [invitation] = mails(db, "bo@example.org")
    assert "invites you to be a co-speaker" in invitation.body_text  # the inviter's language
    assert "<script>" not in invitation.body_html
    assert invitation.body_html.count("&lt;script&gt;") == 2
    assert "\n" not in invitation.subject


def test_a_co_speaker_link_used_by_someone_else_is_refused(db, call, anna, make_user):
    proposal = create_draft(call, anna, data(call), now=CFP_OPEN_NOW)
    invite_co_speaker(proposal, anna, "bo@example.org", now=CFP_OPEN_NOW)
    token = link_token(mails(db, "bo@example.org")[0])
    eve = make_user("eve@example.org", "Eve")
    with pytest.raises(LinkRefused) as refused:
        accept_invitation(token, eve, now=CFP_OPEN_NOW)
    assert refused.value.reason == "invitation_other_user"
    with pytest.raises(LinkRefused):
        decline_invitation(token, eve)
    db.session.expire_all()
    assert all(s.user_id != eve.id for s in proposal.speakers)
    assert proposals_of(eve) == []
    # The invitation is still there for Bo.
    assert invitation_by_token(token) is not None


def test_tampered_and_withdrawn_invitations_are_refused(db, call, anna, make_user):
    proposal = create_draft(call, anna, data(call), now=CFP_OPEN_NOW)
    invite_co_speaker(proposal, anna, "bo@example.org", now=CFP_OPEN_NOW)
    token = link_token(mails(db, "bo@example.org")[0])
    bo = make_user("bo@example.org", "Bo")
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "", "x" * 5000, None):
        with pytest.raises(LinkRefused) as refused:
            accept_invitation(bad, bo, now=CFP_OPEN_NOW)
        assert refused.value.reason == "invitation_invalid"
    withdraw_proposal(proposal, anna, now=CFP_OPEN_NOW)
    with pytest.raises(LinkRefused):
        accept_invitation(token, bo, now=CFP_OPEN_NOW)


def test_declining_an_invitation_removes_it(db, call, anna, make_user):
    proposal = create_draft(call, anna, data(call), now=CFP_OPEN_NOW)
    invite_co_speaker(proposal, anna, "bo@example.org", now=CFP_OPEN_NOW)
    token = link_token(mails(db, "bo@example.org")[0])
    decline_invitation(token, make_user("bo@example.org", "Bo"))
    db.session.expire_all()
    assert [s.email for s in proposal.speakers] == ["anna@example.org"]


def test_co_speaker_limits(db, make_event, make_call, anna, make_user):
    call = make_call(make_event(), max_co_speakers=1)
    proposal = create_draft(call, anna, data(call), now=CFP_OPEN_NOW)
    for bad, reason in (("not-an-email", "invalid_email"), ("anna@example.org", "already_speaker")):
        with pytest.raises(CfpError) as refused:
            invite_co_speaker(proposal, anna, bad, now=CFP_OPEN_NOW)
        assert refused.value.reason == reason
    invite_co_speaker(proposal, anna, "bo@example.org", now=CFP_OPEN_NOW)
    with pytest.raises(CfpError) as refused:
        invite_co_speaker(proposal, anna, "cecilia@example.org", now=CFP_OPEN_NOW)
    assert refused.value.reason == "too_many_co_speakers"
    with pytest.raises(CfpError):
        invite_co_speaker(proposal, anna, "dan@example.org", now=AFTER_DEADLINE)
    bo = make_user("bo@example.org", "Bo")
    with pytest.raises(NotAllowed):
        invite_co_speaker(proposal, bo, "dan@example.org", now=CFP_OPEN_NOW)
    assert count(db, ProposalSpeaker) == 2
    assert len(mails(db)) == 1


def test_withdrawn_proposals_stay_withdrawn(db, call, anna):
    proposal = create_draft(call, anna, data(call), now=CFP_OPEN_NOW)
    submit_proposal(proposal, anna, now=CFP_OPEN_NOW)
    withdraw_proposal(proposal, anna, now=CFP_OPEN_NOW)
    assert proposal.withdrawn_at == CFP_OPEN_NOW
    with pytest.raises(TransitionError):
        submit_proposal(proposal, anna, now=CFP_OPEN_NOW)
    with pytest.raises(TransitionError):
        update_proposal(proposal, anna, data(call), proposal.version, CFP_OPEN_NOW)
