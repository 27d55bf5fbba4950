"""Rating a session: a score from 1 to 5 and an optional comment, one per ticket and
session, changed by rating again.

Guarantees of `rate`:
- the score is a whole number 1–5 and the comment at most COMMENT_MAX characters;
- the session is in the event's latest published release, is not a break or lunch,
  and has started (its published start: the time attendees were told);
- the ticket is of the session's event and attended it (attendance.attended);
- one row per (ticket, session) whatever the number of clicks at once: an upsert on
  the unique index, so a second rating replaces the first.
Anything refused raises FeedbackError with nothing stored.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ...database import unit_of_work
from ...extensions import db
from ...models import Event, ProgramSession, SessionKind, SessionRating, Ticket, utcnow
from ...models.feedback import SCORES
from ..program.published import published_program
from ..program.sessions import session_by_token
from ..program.snapshot import PublishedSession
from .attendance import attended
from .errors import FeedbackError

COMMENT_MAX = 2000
PAUSES = {kind.value for kind in SessionKind if kind.is_pause}


@dataclass(frozen=True)
class Rateable:
    """A session that can be rated: its row and what the release says of it."""

    session: ProgramSession
    published: PublishedSession


def rateable(event: Event, token: str, now: datetime | None = None) -> Rateable:
    """The session of `token` if it can be rated now, else the refusal (not_published:
    unknown, a pause or not in the release; not_started)."""
    program = published_program(event)
    published = program.session(token) if program is not None else None
    session = session_by_token(event, token) if published is not None else None
    if session is None or published.kind in PAUSES:
        raise FeedbackError("not_published")
    if (now or utcnow()) < published.starts_at:
        raise FeedbackError("not_started")
    return Rateable(session, published)


def started_sessions(event: Event, now: datetime | None = None) -> list[PublishedSession]:
    """The published sessions that have started and can be rated, in program order."""
    program = published_program(event)
    now = now or utcnow()
    if program is None:
        return []
    return [s for s in program.sessions if s.kind not in PAUSES and s.starts_at <= now]


def check_rating(score, comment) -> tuple[int, str]:
    """The score and the comment (stripped) as stored, or the refusal."""
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        raise FeedbackError("range", "score", low=SCORES[0], high=SCORES[-1])
    comment = (comment or "").strip() if isinstance(comment, str | None) else None
    if comment is None:
        raise FeedbackError("required", "comment")
    if len(comment) > COMMENT_MAX:
        raise FeedbackError("too_long", "comment", n=COMMENT_MAX)
    return score, comment


def rate(ticket: Ticket, item: Rateable, score, comment="", now: datetime | None = None) -> None:
    """Stores the ticket's rating of the session (a second rating replaces the first).
    Commits; refused with FeedbackError, nothing stored (see the module's guarantees)."""
    score, comment = check_rating(score, comment)
    now = now or utcnow()
    if now < item.published.starts_at:
        raise FeedbackError("not_started")
    if ticket.order.event_id != item.session.event_id or not attended(ticket):
        raise FeedbackError("not_attended")
    values = {"score": score, "comment": comment, "updated_at": now}
    with unit_of_work():
        db.session.execute(
            dialect_insert()(SessionRating)
            .values(ticket_id=ticket.id, session_id=item.session.id, created_at=now, **values)
            .on_conflict_do_update(index_elements=["ticket_id", "session_id"], set_=values)
        )


def dialect_insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def rating_of(ticket: Ticket | None, session: ProgramSession) -> SessionRating | None:
    if ticket is None:
        return None
    return db.session.scalar(
        select(SessionRating).where(
            SessionRating.ticket_id == ticket.id, SessionRating.session_id == session.id
        )
    )


def scores_of(ticket: Ticket) -> dict[str, int]:
    """The ticket's scores by session token."""
    rows = db.session.execute(
        select(ProgramSession.token, SessionRating.score)
        .join(ProgramSession, ProgramSession.id == SessionRating.session_id)
        .where(SessionRating.ticket_id == ticket.id)
    )
    return dict(rows.all())
