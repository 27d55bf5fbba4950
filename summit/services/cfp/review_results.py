"""What review adds up to: each review's weighted score, mean and median per proposal,
the organizers' decision table, and the proposal as a reviewer sees it (without
names and organisations when the call hides them).

A review's score is the weighted mean of its criterion scores (weights from the
committee's criteria), so it stays on the 1–5 scale; a proposal's mean and median are
taken over its reviews.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ...extensions import db
from ...models import (
    Event,
    Proposal,
    ProposalState,
    QuestionKind,
    Review,
    ReviewCriterion,
    Role,
    SpeakerProfile,
    User,
)
from .reviews import sees_all_scores
from .speakers import display_name_of, profiles_for

SORTS = ("mean", "median", "count", "title", "submitted", "state", "track", "format")
STATE_ORDER = {state: n for n, state in enumerate(ProposalState)}


@dataclass(frozen=True)
class ScoreSummary:
    count: int
    mean: float | None
    median: float | None


NO_SCORES = ScoreSummary(0, None, None)


def review_score(review: Review, weights: dict[int, int]) -> float | None:
    """The weighted mean of the review's scores (None: no score on a current criterion)."""
    pairs = [(weights[s.criterion_id], s.score) for s in review.scores if s.criterion_id in weights]
    total_weight = sum(weight for weight, _score in pairs)
    if not total_weight:
        return None
    return sum(weight * score for weight, score in pairs) / total_weight


def summarize(scores: Iterable[float]) -> ScoreSummary:
    scores = list(scores)
    if not scores:
        return NO_SCORES
    return ScoreSummary(len(scores), statistics.fmean(scores), statistics.median(scores))


def score_summaries(proposals: Iterable[Proposal]) -> dict[int, ScoreSummary]:
    """Count, mean and median of the review scores, per proposal id (two queries)."""
    proposals = list(proposals)
    if not proposals:
        return {}
    call_ids = {p.call_id for p in proposals}
    weights: dict[int, dict[int, int]] = defaultdict(dict)
    for criterion in db.session.scalars(
        select(ReviewCriterion).where(ReviewCriterion.call_id.in_(call_ids))
    ):
        weights[criterion.call_id][criterion.id] = criterion.weight
    call_of = {p.id: p.call_id for p in proposals}
    scores: dict[int, list[float]] = defaultdict(list)
    for review in db.session.scalars(
        select(Review)
        .where(Review.proposal_id.in_(list(call_of)))
        .options(selectinload(Review.scores))
    ):
        score = review_score(review, weights[call_of[review.proposal_id]])
        if score is not None:
            scores[review.proposal_id].append(score)
    return {p.id: summarize(scores.get(p.id, ())) for p in proposals}


def summary_for(viewer: User, proposal: Proposal) -> ScoreSummary | None:
    """The proposal's figures, or None while the viewer may not see others' scores."""
    if not sees_all_scores(viewer, proposal):
        return None
    return score_summaries([proposal])[proposal.id]


# The organizers' decision table --------------------------------------------------------


@dataclass
class DecisionRow:
    proposal: Proposal
    summary: ScoreSummary


def decision_table(
    event: Event,
    *,
    states: Iterable[ProposalState] | None = None,
    track_id: int | None = None,
    format_id: int | None = None,
    sort: str = "mean",
    descending: bool = True,
) -> list[DecisionRow]:
    """Every proposal past the draft stage with its figures, filtered and sorted
    (proposals without a score last, whichever the direction)."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort: {sort!r}")
    query = (
        select(Proposal)
        .where(Proposal.event_id == event.id, Proposal.state != ProposalState.DRAFT)
        .options(
            joinedload(Proposal.track),
            joinedload(Proposal.format),
            selectinload(Proposal.speakers),
        )
    )
    if states is not None:
        query = query.where(Proposal.state.in_(list(states)))
    if track_id is not None:
        query = query.where(Proposal.track_id == track_id)
    if format_id is not None:
        query = query.where(Proposal.format_id == format_id)
    proposals = list(db.session.scalars(query).unique())
    summaries = score_summaries(proposals)
    rows = [DecisionRow(p, summaries[p.id]) for p in proposals]

    def value(row: DecisionRow):
        p, s = row.proposal, row.summary
        return {
            "mean": s.mean,
            "median": s.median,
            "count": s.count,
            "title": p.title.casefold(),
            "submitted": p.submitted_at,
            "state": STATE_ORDER[p.state],  # the order a proposal goes through them
            "track": p.track.name.casefold() if p.track else None,
            "format": p.format.name.casefold() if p.format else None,
        }[sort]

    known = [r for r in rows if value(r) is not None]
    unknown = [r for r in rows if value(r) is None]
    known.sort(key=lambda r: (value(r), r.proposal.id), reverse=descending)
    unknown.sort(key=lambda r: r.proposal.id)
    return known + unknown


def proposal_counts(event: Event) -> dict[ProposalState, int]:
    """How many of the event's proposals are in each state (every state listed)."""
    found = dict(
        db.session.execute(
            select(Proposal.state, func.count())
            .where(Proposal.event_id == event.id)
            .group_by(Proposal.state)
        ).all()
    )
    return {state: found.get(state, 0) for state in ProposalState}


# The proposal as a reviewer sees it -----------------------------------------------------


@dataclass
class SpeakerCard:
    name: str
    organisation: str = ""
    title: str = ""
    bio: str = ""
    pronouns: str = ""
    photo_token: str | None = None


@dataclass
class ReviewView:
    """What a reviewer is shown. `speakers` is empty when `anonymous`."""

    title: str
    abstract: str
    description: str
    format_name: str
    duration_minutes: int | None
    track_name: str
    language: str
    target_audience: str
    answers: list[tuple[str, str]] = field(default_factory=list)
    speakers: list[SpeakerCard] = field(default_factory=list)
    anonymous: bool = False


def answer_text(question, value) -> str:
    if question.kind is QuestionKind.YES_NO:
        return _("Yes") if value else _("No")
    if question.kind is QuestionKind.CHOICE:
        return question.option_label(value)
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        return ", ".join(question.option_label(key) for key in value)
    return str(value)


def review_view(
    proposal: Proposal, viewer: User, profiles: dict[int, SpeakerProfile] | None = None
) -> ReviewView:
    """The proposal for review. When the call hides speakers from reviewers, no name,
    organisation, title, bio or photo of any speaker is in it (organizers still see
    them). `profiles` (by user id, from profiles_for) spares a query per proposal."""
    call = proposal.call
    anonymous = call.anonymous_review and not viewer.has_role(proposal.event, Role.ORGANIZER)
    answers = proposal.answers or {}
    view = ReviewView(
        title=proposal.title,
        abstract=proposal.abstract,
        description=proposal.description,
        format_name=proposal.format.name if proposal.format else "",
        duration_minutes=proposal.format.duration_minutes if proposal.format else None,
        track_name=proposal.track.name if proposal.track else "",
        language=proposal.language,
        target_audience=proposal.target_audience,
        answers=[
            (q.label, answer_text(q, answers[str(q.id)]))
            for q in call.questions
            if str(q.id) in answers
        ],
        anonymous=anonymous,
    )
    if not anonymous:
        speakers = proposal.accepted_speakers
        if profiles is None:
            profiles = profiles_for(s.user_id for s in speakers)
        for speaker in speakers:
            profile = profiles.get(speaker.user_id)
            view.speakers.append(
                SpeakerCard(
                    name=display_name_of(speaker.user, speaker.email, profile),
                    organisation=profile.organisation if profile else "",
                    title=profile.title if profile else "",
                    bio=profile.bio if profile else "",
                    pronouns=profile.pronouns if profile else "",
                    photo_token=profile.photo_token if profile else None,
                )
            )
    return view
