"""Review: which proposals a reviewer sees, their scores and comment, and whose scores
they may see.

A reviewer (Role.REVIEWER for the event) sees the submitted proposals the call's review
mode gives them (all of them, those of their tracks, or none) plus those assigned to
them by hand, never one they are a speaker of: as submitter or co-speaker, matched by
account and by email address (an invitation not yet answered counts). Scores are 1–5
on each of the committee's criteria. A reviewer sees other reviewers' scores only once
they have scored the proposal themselves; organizers see them all (except on their
own proposals).
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import exists, false, func, or_, select, true
from sqlalchemy.orm import selectinload

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    Event,
    EventRole,
    Proposal,
    ProposalSpeaker,
    ProposalState,
    Review,
    ReviewerAssignment,
    ReviewerTrack,
    ReviewMode,
    ReviewScore,
    Role,
    Track,
    User,
    utcnow,
)
from .. import locks
from .cfp_setup import get_call
from .errors import CfpError, NotAllowed, TransitionError
from .validation import clean_long_text

# Reviewers see proposals from submission on; they score while no decision is final.
SEEN_BY_REVIEWERS = (
    ProposalState.SUBMITTED,
    ProposalState.WAITLISTED,
    ProposalState.ACCEPTED,
    ProposalState.REJECTED,
    ProposalState.CONFIRMED,
    ProposalState.DECLINED,
)

SCORABLE = (ProposalState.SUBMITTED, ProposalState.WAITLISTED)
COMMENT_MAX = 5000


# Who reviews what ----------------------------------------------------------------------


def reviewers_of(event: Event) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(EventRole, EventRole.user_id == User.id)
            .where(EventRole.event_id == event.id, EventRole.role == Role.REVIEWER)
            .order_by(func.lower(User.email))
        )
    )


def is_own_proposal(user: User, proposal: Proposal) -> bool:
    email = user.email.casefold()
    return proposal.submitted_by_id == user.id or any(
        s.user_id == user.id or s.email.casefold() == email for s in proposal.speakers
    )


def _own_condition(user: User):
    return or_(
        Proposal.submitted_by_id == user.id,
        exists().where(
            ProposalSpeaker.proposal_id == Proposal.id,
            or_(
                ProposalSpeaker.user_id == user.id,
                func.lower(ProposalSpeaker.email) == user.email.lower(),
            ),
        ),
    )


def _visible_condition(user: User, event: Event):
    """The proposals of the event the user reviews (not their own)."""
    by_hand = exists().where(
        ReviewerAssignment.proposal_id == Proposal.id, ReviewerAssignment.reviewer_id == user.id
    )
    call = get_call(event)
    if call is None or not user.has_role(event, Role.REVIEWER):
        return false()
    mode = call.review_mode
    if mode is ReviewMode.ALL:
        given = true()
    elif mode is ReviewMode.BY_TRACK:
        given = or_(
            Proposal.track_id.in_(
                select(ReviewerTrack.track_id).where(ReviewerTrack.reviewer_id == user.id)
            ),
            by_hand,
        )
    else:
        given = by_hand
    return (
        (Proposal.event_id == event.id)
        & Proposal.state.in_(SEEN_BY_REVIEWERS)
        & given
        & ~_own_condition(user)
    )


def proposals_to_review(user: User, event: Event) -> list[Proposal]:
    """The proposals the reviewer sees, oldest submission first."""
    if not user.has_role(event, Role.REVIEWER):
        return []
    return list(
        db.session.scalars(
            select(Proposal)
            .where(_visible_condition(user, event))
            .order_by(Proposal.submitted_at, Proposal.id)
            .options(selectinload(Proposal.reviews))
        )
    )


def may_see(user: User, proposal: Proposal) -> bool:
    """The user reviews this proposal (whether or not it can still be scored)."""
    if not user.has_role(proposal.event, Role.REVIEWER):
        return False
    return (
        db.session.scalar(
            select(Proposal.id).where(
                Proposal.id == proposal.id, _visible_condition(user, proposal.event)
            )
        )
        is not None
    )


def reviewed_proposal(user: User, event: Event, token: str) -> Proposal | None:
    """The event's proposal with this token, if the user reviews it (None otherwise,
    so a reviewer cannot tell it from one that does not exist)."""
    proposal = db.session.scalar(
        select(Proposal).where(Proposal.token == token, Proposal.event_id == event.id)
    )
    return proposal if proposal is not None and may_see(user, proposal) else None


def check_may_review(user: User, proposal: Proposal) -> None:
    """Raise why the user may not score this proposal now, if they may not."""
    if is_own_proposal(user, proposal):
        raise NotAllowed("own_proposal")
    if not may_see(user, proposal):
        raise NotAllowed("not_reviewer")
    if proposal.state not in SCORABLE:
        raise TransitionError("not_reviewable", state=proposal.state)


# Assignments --------------------------------------------------------------------------


def _check_organizer(actor: User, event: Event) -> None:
    if not actor.has_role(event, Role.ORGANIZER):
        raise NotAllowed("not_organizer")


def assign(proposal: Proposal, reviewer: User, actor: User) -> None:
    """Give the proposal to the reviewer by hand (nothing changes if it is already)."""
    _check_organizer(actor, proposal.event)
    if not reviewer.has_role(proposal.event, Role.REVIEWER):
        raise CfpError("invalid_choice", "reviewer")
    if is_own_proposal(reviewer, proposal):
        raise NotAllowed("own_proposal", "reviewer")
    with unit_of_work():
        exists_already = db.session.scalar(
            select(ReviewerAssignment.id).where(
                ReviewerAssignment.proposal_id == proposal.id,
                ReviewerAssignment.reviewer_id == reviewer.id,
            )
        )
        if exists_already is None:
            db.session.add(ReviewerAssignment(proposal_id=proposal.id, reviewer_id=reviewer.id))


def unassign(proposal: Proposal, reviewer: User, actor: User) -> None:
    """Take a hand assignment back; a review already written stays."""
    _check_organizer(actor, proposal.event)
    with unit_of_work():
        assignment = db.session.scalar(
            select(ReviewerAssignment).where(
                ReviewerAssignment.proposal_id == proposal.id,
                ReviewerAssignment.reviewer_id == reviewer.id,
            )
        )
        if assignment is not None:
            db.session.delete(assignment)


def set_reviewer_tracks(
    event: Event, reviewer: User, track_ids: Iterable[int], actor: User
) -> None:
    """The tracks whose proposals the reviewer reviews (when the call reviews by track)."""
    _check_organizer(actor, event)
    wanted = set(track_ids)
    known = set(db.session.scalars(select(Track.id).where(Track.event_id == event.id)))
    if not wanted <= known:
        raise CfpError("invalid_choice", "tracks")
    if not reviewer.has_role(event, Role.REVIEWER):
        raise CfpError("invalid_choice", "reviewer")
    with unit_of_work():
        current = db.session.scalars(
            select(ReviewerTrack).where(
                ReviewerTrack.reviewer_id == reviewer.id, ReviewerTrack.track_id.in_(known)
            )
        ).all()
        for row in current:
            if row.track_id not in wanted:
                db.session.delete(row)
        for track_id in wanted - {row.track_id for row in current}:
            db.session.add(ReviewerTrack(reviewer_id=reviewer.id, track_id=track_id))


def reviewer_track_ids(event: Event, reviewer: User) -> set[int]:
    return set(
        db.session.scalars(
            select(ReviewerTrack.track_id)
            .join(Track, Track.id == ReviewerTrack.track_id)
            .where(ReviewerTrack.reviewer_id == reviewer.id, Track.event_id == event.id)
        )
    )


# Scoring ------------------------------------------------------------------------------


def save_review(
    proposal: Proposal,
    reviewer: User,
    scores: dict[int, int],
    comment: str = "",
    now: datetime | None = None,
) -> Review:
    """The reviewer's scores (one per criterion, 1–5) and comment; a second save changes
    the same review."""
    now = now or utcnow()
    criteria = proposal.call.criteria
    if not criteria:
        raise CfpError("no_criteria")
    if not isinstance(scores, dict) or set(scores) != {c.id for c in criteria}:
        raise CfpError("score_missing", "scores")
    for value in scores.values():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise CfpError("score_missing", "scores")
    comment = clean_long_text(comment, "comment", COMMENT_MAX)
    check_may_review(reviewer, proposal)

    with unit_of_work() as unit:
        proposal = unit.lock(locks.proposal(proposal.id))  # a decision meanwhile ends the scoring
        check_may_review(reviewer, proposal)
        review = own_review(reviewer, proposal)
        if review is None:
            review = Review(proposal_id=proposal.id, reviewer_id=reviewer.id, created_at=now)
            db.session.add(review)
        by_criterion = {s.criterion_id: s for s in review.scores}
        for criterion_id, value in scores.items():
            if criterion_id in by_criterion:
                by_criterion[criterion_id].score = value
            else:
                review.scores.append(ReviewScore(criterion_id=criterion_id, score=value))
        review.comment = comment
        review.updated_at = now
        return review


def own_review(reviewer: User, proposal: Proposal) -> Review | None:
    return db.session.scalar(
        select(Review).where(Review.proposal_id == proposal.id, Review.reviewer_id == reviewer.id)
    )


def has_scored(reviewer: User, proposal: Proposal) -> bool:
    return (
        db.session.scalar(
            select(ReviewScore.id)
            .join(Review, Review.id == ReviewScore.review_id)
            .where(Review.proposal_id == proposal.id, Review.reviewer_id == reviewer.id)
            .limit(1)
        )
        is not None
    )


def sees_all_scores(viewer: User, proposal: Proposal) -> bool:
    """Organizers, and reviewers who have scored it themselves; never on one's own."""
    if is_own_proposal(viewer, proposal):
        return False
    if viewer.has_role(proposal.event, Role.ORGANIZER):
        return True
    return may_see(viewer, proposal) and has_scored(viewer, proposal)


def visible_reviews(viewer: User, proposal: Proposal) -> list[Review]:
    """The reviews of the proposal the viewer may read: all of them, or only their own
    until they have scored."""
    if sees_all_scores(viewer, proposal):
        return list(
            db.session.scalars(
                select(Review)
                .where(Review.proposal_id == proposal.id)
                .order_by(Review.id)
                .options(selectinload(Review.scores))
            )
        )
    if is_own_proposal(viewer, proposal) or not may_see(viewer, proposal):
        return []
    mine = own_review(viewer, proposal)
    return [mine] if mine is not None else []


def assigned_reviewers(proposal: Proposal) -> list[User]:
    """The reviewers the proposal was given to by hand."""
    return list(
        db.session.scalars(
            select(User)
            .join(ReviewerAssignment, ReviewerAssignment.reviewer_id == User.id)
            .where(ReviewerAssignment.proposal_id == proposal.id)
            .order_by(func.lower(User.email))
        )
    )
