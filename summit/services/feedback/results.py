"""What the ratings say, per session: how many, the mean, how the scores spread, and
the comments, never who gave them. For the organizers' page, each speaker's own
sessions, and the impact report (`session_aggregates`: one query for a whole event).
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, or_, select

from ...extensions import db
from ...models import Event, ProgramSession, SessionKind, SessionRating, SessionSpeaker, Track
from ...models.events import localized
from ...models.feedback import SCORES


@dataclass(frozen=True)
class SessionAggregate:
    """One session's ratings: `distribution` counts the scores 1 to 5 in order."""

    session_id: int
    token: str
    title: str
    starts_at: datetime | None
    track_id: int | None
    track_sv: str
    track_en: str
    count: int
    mean: float | None
    distribution: tuple[int, int, int, int, int]

    @property
    def track(self) -> str:
        """The track's name in the page's language ('' without a track)."""
        return localized(self.track_sv, self.track_en)


@dataclass(frozen=True)
class SessionResults:
    aggregate: SessionAggregate
    comments: list[str] = field(default_factory=list)


def session_aggregates(event: Event, session_ids=None) -> list[SessionAggregate]:
    """Every rateable session of the event (scheduled, not a break or lunch, or rated
    at some time), with its ratings counted: one query. By start, then title.
    `session_ids`: only these sessions."""
    rated = func.count(SessionRating.id)
    query = (
        select(
            ProgramSession.id,
            ProgramSession.token,
            ProgramSession.title,
            ProgramSession.starts_at,
            ProgramSession.track_id,
            func.coalesce(Track.name_sv, ""),
            func.coalesce(Track.name_en, ""),
            rated,
            func.avg(SessionRating.score),
            *(func.sum(case((SessionRating.score == n, 1), else_=0)) for n in SCORES),
        )
        .outerjoin(SessionRating, SessionRating.session_id == ProgramSession.id)
        .outerjoin(Track, Track.id == ProgramSession.track_id)
        .where(ProgramSession.event_id == event.id)
        .group_by(ProgramSession.id, Track.id)
        .having(
            or_(
                rated > 0,
                ProgramSession.starts_at.is_not(None)
                & ProgramSession.kind.not_in([k for k in SessionKind if k.is_pause]),
            )
        )
        .order_by(ProgramSession.starts_at, ProgramSession.title, ProgramSession.id)
    )
    if session_ids is not None:
        query = query.where(ProgramSession.id.in_(list(session_ids)))
    return [
        SessionAggregate(
            session_id=row[0],
            token=row[1],
            title=row[2],
            starts_at=row[3],
            track_id=row[4],
            track_sv=row[5],
            track_en=row[6],
            count=row[7],
            mean=float(row[8]) if row[8] is not None else None,
            distribution=tuple(int(n or 0) for n in row[9:14]),
        )
        for row in db.session.execute(query)
    ]


def comments_by_session(session_ids) -> dict[int, list[str]]:
    """The comments written on these sessions (blank ones left out), oldest first."""
    ids = list(session_ids)
    if not ids:
        return {}
    found: dict[int, list[str]] = {}
    for session_id, comment in db.session.execute(
        select(SessionRating.session_id, SessionRating.comment)
        .where(SessionRating.session_id.in_(ids), SessionRating.comment != "")
        .order_by(SessionRating.id)
    ):
        found.setdefault(session_id, []).append(comment)
    return found


def _with_comments(aggregates: list[SessionAggregate]) -> list[SessionResults]:
    comments = comments_by_session(a.session_id for a in aggregates if a.count)
    return [SessionResults(a, comments.get(a.session_id, [])) for a in aggregates]


def event_results(event: Event) -> list[SessionResults]:
    """Every session's results, for the organizers (two queries)."""
    return _with_comments(session_aggregates(event))


def speaker_results(event: Event, user) -> list[SessionResults]:
    """The results of the sessions the person speaks in at the event, nobody's name."""
    own = db.session.scalars(
        select(SessionSpeaker.session_id)
        .join(ProgramSession, ProgramSession.id == SessionSpeaker.session_id)
        .where(SessionSpeaker.user_id == user.id, ProgramSession.event_id == event.id)
    ).all()
    if not own:
        return []
    return _with_comments(session_aggregates(event, own))
