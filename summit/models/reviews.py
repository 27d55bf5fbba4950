"""Review of proposals: the committee's criteria, each reviewer's review and scores, and
which reviewer gets which proposal (by hand, or by track when the call says so)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .cfp import CallForProposals, Proposal
from .events import Track, localized
from .types import UTCDateTime, utcnow
from .users import User


class ReviewCriterion(db.Model):
    __tablename__ = "review_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("calls_for_proposals.id", ondelete="CASCADE"), index=True
    )
    name_sv: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    weight: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)

    call: Mapped[CallForProposals] = relationship(back_populates="criteria")

    @property
    def name(self) -> str:
        return localized(self.name_sv, self.name_en)


class Review(db.Model):
    """One reviewer's scores (one per criterion) and comment on one proposal."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("proposal_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()
    scores: Mapped[list["ReviewScore"]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewScore.id"
    )


class ReviewScore(db.Model):
    __tablename__ = "review_scores"
    __table_args__ = (
        UniqueConstraint("review_id", "criterion_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("review_criteria.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[int]

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion: Mapped[ReviewCriterion] = relationship()


class ReviewerAssignment(db.Model):
    """A proposal given to a reviewer by hand (counts whatever the call's review mode)."""

    __tablename__ = "reviewer_assignments"
    __table_args__ = (UniqueConstraint("proposal_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    reviewer: Mapped[User] = relationship()


class ReviewerTrack(db.Model):
    """A reviewer reviews this track's proposals (when the call reviews by track)."""

    __tablename__ = "reviewer_tracks"
    __table_args__ = (UniqueConstraint("reviewer_id", "track_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)

    reviewer: Mapped[User] = relationship()
    track: Mapped[Track] = relationship()
