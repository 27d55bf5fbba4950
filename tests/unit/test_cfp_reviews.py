"""Review: who reviews what (never their own proposal), weighted scores, others' scores
only after one's own, names hidden when the call says so, mean and median."""

from dataclasses import asdict

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from summit.models import (
    DecisionKind,
    ProposalSpeaker,
    ProposalState,
    Review,
    ReviewMode,
    ReviewScore,
    Role,
    Track,
)
from summit.services.cfp import CfpError, NotAllowed, TransitionError
from summit.services.cfp.decisions import decide
from summit.services.cfp.review_results import (
    decision_table,
    review_view,
    score_summaries,
    summary_for,
)
from summit.services.cfp.reviews import (
    assign,
    has_scored,
    proposals_to_review,
    save_review,
    set_reviewer_tracks,
    visible_reviews,
)
from tests.conftest import CFP_OPEN_NOW


@pytest.fixture
def world(db, make_user, make_event, make_call, grant, make_profile):
    event = make_event()
    call = make_call(event)
    organizer = grant(make_user("org@example.org", "Olle"), event, Role.ORGANIZER)
    reviewers = [
        grant(make_user(f"r{n}@example.org", f"Reviewer {n}"), event, Role.REVIEWER)
        for n in range(1, 5)
    ]
    anna = make_user("anna@example.org", "Anna Andersson")
    make_profile(anna, "Anna Andersson", organisation="Malmö stad", title="Strateg")
    return event, call, organizer, reviewers, anna


def scores(call, relevance, impact) -> dict[int, int]:
    first, second = call.criteria
    return {first.id: relevance, second.id: impact}


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Never one's own proposal -----------------------------------------------------------------


def test_a_reviewer_never_reviews_their_own_proposal(db, world, make_proposal):
    _event, call, _org, (r1, r2, r3, _r4), anna = world
    as_primary = make_proposal(call, r1, title="Mitt eget")
    as_co_speaker = make_proposal(call, anna, co_speakers=[r2], title="Vårt")
    # Invited but not yet answered, under another letter case: still their own.
    invited = make_proposal(call, anna, title="Inbjuden")
    invited.speakers.append(ProposalSpeaker(email="R3@example.org"))
    db.session.commit()
    for reviewer, proposal in ((r1, as_primary), (r2, as_co_speaker), (r3, invited)):
        with pytest.raises(NotAllowed) as refused:
            save_review(proposal, reviewer, scores(call, 5, 5), now=CFP_OPEN_NOW)
        assert refused.value.reason == "own_proposal"
        assert proposal not in proposals_to_review(reviewer, call.event)
        assert visible_reviews(reviewer, proposal) == []
    assert count(db, Review) == 0
    # Everyone else reviews them.
    assert {p.title for p in proposals_to_review(r2, call.event)} == {"Mitt eget", "Inbjuden"}


def test_only_reviewers_review(db, world, make_proposal, make_user):
    _event, call, organizer, _reviewers, anna = world
    proposal = make_proposal(call, anna)
    stranger = make_user("eve@example.org", "Eve")
    with pytest.raises(NotAllowed) as refused:
        save_review(proposal, stranger, scores(call, 3, 3), now=CFP_OPEN_NOW)
    assert refused.value.reason == "not_reviewer"
    assert proposals_to_review(stranger, call.event) == []
    with pytest.raises(NotAllowed):
        save_review(proposal, organizer, scores(call, 3, 3), now=CFP_OPEN_NOW)


def test_drafts_and_withdrawn_proposals_are_not_reviewed(db, world, make_proposal):
    _event, call, _org, (r1, *_), anna = world
    make_proposal(call, anna, state=ProposalState.DRAFT)
    make_proposal(call, anna, state=ProposalState.WITHDRAWN)
    submitted = make_proposal(call, anna, state=ProposalState.SUBMITTED)
    assert proposals_to_review(r1, call.event) == [submitted]


# Who sees what: all, by track, by hand ----------------------------------------------------


def test_review_by_track_and_by_hand(db, world, make_proposal):
    event, call, organizer, (r1, r2, *_), anna = world
    call.review_mode = ReviewMode.BY_TRACK
    welfare = Track(event=event, name_sv="Välfärd")
    climate = Track(event=event, name_sv="Klimat")
    db.session.add_all([welfare, climate])
    db.session.commit()
    on_welfare = make_proposal(call, anna, track=welfare, title="Välfärd")
    on_climate = make_proposal(call, anna, track=climate, title="Klimat")
    no_track = make_proposal(call, anna, title="Utan spår")
    set_reviewer_tracks(event, r1, [welfare.id], organizer)
    assert proposals_to_review(r1, event) == [on_welfare]
    assert proposals_to_review(r2, event) == []
    with pytest.raises(NotAllowed):
        save_review(on_climate, r1, scores(call, 3, 3), now=CFP_OPEN_NOW)
    assign(no_track, r2, organizer)
    assign(no_track, r2, organizer)  # twice is once
    assert proposals_to_review(r2, event) == [no_track]
    save_review(no_track, r2, scores(call, 4, 4), now=CFP_OPEN_NOW)
    call.review_mode = ReviewMode.BY_HAND
    db.session.commit()
    assert proposals_to_review(r1, event) == []
    assert proposals_to_review(r2, event) == [no_track]
    call.review_mode = ReviewMode.ALL
    db.session.commit()
    assert len(proposals_to_review(r1, event)) == 3


def test_assignments_are_for_organizers_and_never_to_a_speaker(db, world, make_proposal):
    event, call, organizer, (r1, r2, *_), anna = world
    proposal = make_proposal(call, anna, co_speakers=[r2])
    with pytest.raises(NotAllowed):
        assign(proposal, r1, r1)
    with pytest.raises(NotAllowed) as refused:
        assign(proposal, r2, organizer)
    assert refused.value.reason == "own_proposal"
    with pytest.raises(CfpError):
        set_reviewer_tracks(event, r1, [999_999], organizer)


# Scoring -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [
        lambda call: {call.criteria[0].id: 3},
        lambda call: scores(call, 0, 3),
        lambda call: scores(call, 6, 3),
        lambda call: scores(call, True, 3),
        lambda call: scores(call, "5", 3),
        lambda call: {**scores(call, 3, 3), 999_999: 3},
        lambda call: [3, 3],
    ],
    ids=["missing", "zero", "six", "bool", "text", "unknown", "not-a-dict"],
)
def test_bad_scores_are_refused(db, world, make_proposal, given):
    _event, call, _org, (r1, *_), anna = world
    proposal = make_proposal(call, anna)
    with pytest.raises(CfpError) as refused:
        save_review(proposal, r1, given(call), now=CFP_OPEN_NOW)
    assert refused.value.reason == "score_missing"
    assert count(db, Review) == 0 and count(db, ReviewScore) == 0


def test_the_database_refuses_scores_outside_1_to_5(db, world, make_proposal):
    _event, call, _org, (r1, *_), anna = world
    review = save_review(make_proposal(call, anna), r1, scores(call, 3, 3), now=CFP_OPEN_NOW)
    review.scores[0].score = 6
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_saving_again_changes_the_same_review(db, world, make_proposal):
    _event, call, _org, (r1, *_), anna = world
    proposal = make_proposal(call, anna)
    save_review(proposal, r1, scores(call, 2, 2), "Oklart", now=CFP_OPEN_NOW)
    save_review(proposal, r1, scores(call, 5, 4), "Bra", now=CFP_OPEN_NOW)
    [review] = db.session.scalars(select(Review)).all()
    assert sorted(s.score for s in review.scores) == [4, 5] and review.comment == "Bra"


def test_no_scoring_after_the_decision(db, world, make_proposal):
    _event, call, organizer, (r1, *_), anna = world
    proposal = make_proposal(call, anna)
    decide([proposal], DecisionKind.ACCEPTED, organizer, now=CFP_OPEN_NOW, notify=False)
    with pytest.raises(TransitionError) as refused:
        save_review(proposal, r1, scores(call, 5, 5), now=CFP_OPEN_NOW)
    assert refused.value.reason == "not_reviewable"


# Whose scores one sees ---------------------------------------------------------------------


def test_others_scores_only_after_scoring_oneself(db, world, make_proposal):
    _event, call, organizer, (r1, r2, *_), anna = world
    proposal = make_proposal(call, anna)
    save_review(proposal, r2, scores(call, 1, 1), "Svag", now=CFP_OPEN_NOW)
    assert visible_reviews(r1, proposal) == []
    assert summary_for(r1, proposal) is None
    assert not has_scored(r1, proposal)
    save_review(proposal, r1, scores(call, 5, 5), now=CFP_OPEN_NOW)
    assert {r.reviewer_id for r in visible_reviews(r1, proposal)} == {r1.id, r2.id}
    assert summary_for(r1, proposal).count == 2
    # r2 scored first: sees both too. Organizers see all without scoring.
    assert len(visible_reviews(r2, proposal)) == 2
    assert len(visible_reviews(organizer, proposal)) == 2
    assert summary_for(organizer, proposal).mean == 3.0
    # The speaker sees no reviews of their own proposal.
    assert visible_reviews(anna, proposal) == []


# Mean and median of weighted scores ----------------------------------------------------------


def test_weighted_mean_and_median(db, world, make_proposal):
    _event, call, _org, reviewers, anna = world
    proposal = make_proposal(call, anna)
    other = make_proposal(call, anna, title="Utan recensioner")
    # Relevance weighs 2, impact 1: a review's score is (2·relevance + impact) / 3.
    for reviewer, (relevance, impact) in zip(
        reviewers, [(5, 2), (3, 3), (1, 4), (5, 5)], strict=True
    ):
        save_review(proposal, reviewer, scores(call, relevance, impact), now=CFP_OPEN_NOW)
    summaries = score_summaries([proposal, other])
    # Review scores 4.0, 3.0, 2.0, 5.0.
    assert summaries[proposal.id].count == 4
    assert summaries[proposal.id].mean == pytest.approx(3.5)
    assert summaries[proposal.id].median == pytest.approx(3.5)
    assert summaries[other.id].count == 0 and summaries[other.id].mean is None
    save_review(other, reviewers[0], scores(call, 4, 1), now=CFP_OPEN_NOW)
    summary = score_summaries([other])[other.id]
    assert (summary.count, summary.median) == (1, 3.0)


def test_decision_table_sorts_and_filters(db, world, make_proposal):
    event, call, _org, (r1, *_), anna = world
    low = make_proposal(call, anna, title="Låg")
    high = make_proposal(call, anna, title="Hög", format=call.formats[1])
    unscored = make_proposal(call, anna, title="Ingen")
    make_proposal(call, anna, title="Utkast", state=ProposalState.DRAFT)
    save_review(low, r1, scores(call, 1, 1), now=CFP_OPEN_NOW)
    save_review(high, r1, scores(call, 5, 5), now=CFP_OPEN_NOW)
    rows = decision_table(event)
    assert [r.proposal for r in rows] == [high, low, unscored]
    assert [r.proposal for r in decision_table(event, descending=False)] == [low, high, unscored]
    assert [r.proposal for r in decision_table(event, format_id=call.formats[1].id)] == [high]
    assert [r.proposal.title for r in decision_table(event, sort="title", descending=False)] == [
        "Hög",
        "Ingen",
        "Låg",
    ]
    assert decision_table(event, states=[ProposalState.ACCEPTED]) == []
    with pytest.raises(ValueError):
        decision_table(event, sort="id; drop table")


# Names hidden from reviewers ----------------------------------------------------------------


def test_anonymous_review_hides_names_and_organisations(db, world, make_proposal):
    _event, call, organizer, (r1, *_), anna = world
    call.anonymous_review = True
    db.session.commit()
    proposal = make_proposal(call, anna, target_audience="Kommuner")
    view = review_view(proposal, r1)
    assert view.anonymous and view.speakers == []
    shown = repr(asdict(view))
    for secret in ("Anna", "Andersson", "Malmö stad", "Strateg", "anna@example.org"):
        assert secret not in shown
    assert view.title == proposal.title and view.format_name == "Föredrag"
    # Organizers see who it is.
    assert [s.name for s in review_view(proposal, organizer).speakers] == ["Anna Andersson"]
    call.anonymous_review = False
    db.session.commit()
    [card] = review_view(proposal, r1).speakers
    assert (card.name, card.organisation, card.title) == ("Anna Andersson", "Malmö stad", "Strateg")
