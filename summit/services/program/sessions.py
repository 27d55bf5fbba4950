"""The program's sessions as organizers make and edit them: keynotes, breaks, lunch and
other sessions made by hand, and the sessions that came from confirmed proposals
(those keep their kind and speakers, which are the proposal's).

Every change names the version of the session it was made on; when someone changed the
session meanwhile (an edit, a move in the schedule editor) the change is refused with
StaleEdit instead of overwriting theirs. A change bumps the version.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    Event,
    ProgramSession,
    Proposal,
    ProposalState,
    SessionKind,
    SessionSpeaker,
    Track,
    User,
    WorkshopSignup,
)
from .. import accounts
from ..cfp.validation import clean_email, clean_int, clean_long_text, clean_text
from .errors import ProgramError
from .scheduling import check_duration, locked_session
from .setup import checked

LANGUAGES = ("sv", "en")
MAX_SPEAKERS = 20
MAX_SIGNUP_LIMIT = 10_000


@dataclass
class SessionData:
    title: str
    abstract: str = ""
    kind: SessionKind = SessionKind.TALK
    duration_minutes: int = 20
    track_id: int | None = None
    language: str = "sv"
    speaker_emails: Sequence[str] = field(default_factory=list)  # in the order listed
    takes_signups: bool = False
    signup_limit: int | None = None  # None: the room's capacity


@dataclass
class _Checked:
    title: str
    abstract: str
    kind: SessionKind
    duration: int
    track_id: int | None
    language: str
    emails: list[str]
    takes_signups: bool
    signup_limit: int | None


def _check(event: Event, data: SessionData, from_proposal: bool) -> _Checked:
    title = checked(clean_text, data.title, "title", 200, required=True)
    abstract = checked(clean_long_text, data.abstract, "abstract", 5000)
    kind = data.kind
    if not isinstance(kind, SessionKind):
        raise ProgramError("invalid_choice", "kind")
    duration = check_duration(data.duration_minutes, "duration_minutes")
    track_id = data.track_id
    if track_id is not None:
        if isinstance(track_id, bool) or not isinstance(track_id, int):
            raise ProgramError("unknown_track", "track_id")
        track = db.session.get(Track, track_id)
        if track is None or track.event_id != event.id:
            raise ProgramError("unknown_track", "track_id")
    if data.language not in LANGUAGES:
        raise ProgramError("invalid_choice", "language")
    emails: list[str] = []
    if not from_proposal:
        if isinstance(data.speaker_emails, str):
            raise ProgramError("invalid_email", "speakers")
        for raw in data.speaker_emails:
            email = checked(clean_email, raw, "speakers")
            if email not in emails:
                emails.append(email)
        if len(emails) > MAX_SPEAKERS:
            raise ProgramError("too_many_speakers", "speakers", n=MAX_SPEAKERS)
        if emails and kind.is_pause:
            raise ProgramError("pause_no_speakers", "speakers")
    takes_signups = bool(data.takes_signups)
    limit = data.signup_limit
    if takes_signups:
        if not from_proposal and kind.is_pause:
            raise ProgramError("pause_no_signups", "takes_signups")
        if limit is not None:
            limit = checked(clean_int, limit, "signup_limit", 1, MAX_SIGNUP_LIMIT)
    else:
        limit = None
    return _Checked(
        title, abstract, kind, duration, track_id, data.language, emails, takes_signups, limit
    )


def _users_for(emails: list[str]) -> list[User]:
    """The accounts of these addresses, made (without a password: they sign in by
    emailed link) for those who have none."""
    users = []
    for email in emails:
        user = accounts.find_user(email)
        if user is None:
            user = accounts.create_user(email)
            db.session.flush()
        users.append(user)
    return users


def _set_speakers(session: ProgramSession, users: list[User]) -> None:
    """The session's speakers become `users`, in that order; rows of people who stay
    are kept (moved), so the (session, user) pair is never written twice."""
    wanted = [u.id for u in users]
    for speaker in list(session.speakers):
        if speaker.user_id not in wanted:
            session.speakers.remove(speaker)
    db.session.flush()
    kept = {s.user_id: s for s in session.speakers}
    for position, user_id in enumerate(wanted):
        row = kept.get(user_id)
        if row is None:
            row = SessionSpeaker(user_id=user_id)
            session.speakers.append(row)
        row.position = position
    session.speakers.sort(key=lambda s: s.position)


def _apply(session: ProgramSession, values: _Checked, from_proposal: bool) -> None:
    session.title, session.abstract = values.title, values.abstract
    session.duration_minutes, session.track_id = values.duration, values.track_id
    session.language = values.language
    session.takes_signups, session.signup_limit = values.takes_signups, values.signup_limit
    if not from_proposal:
        session.kind = values.kind
        _set_speakers(session, _users_for(values.emails))


def add_session(event: Event, data: SessionData) -> ProgramSession:
    """A session made by hand, not scheduled (the schedule editor places it)."""
    values = _check(event, data, from_proposal=False)
    with unit_of_work():
        session = ProgramSession(event_id=event.id, version=1)
        db.session.add(session)
        _apply(session, values, from_proposal=False)
    return session


def update_session(
    session: ProgramSession, data: SessionData, expected_version: int
) -> ProgramSession:
    """Change a session (made by hand or from a proposal), if nobody changed it since
    `expected_version`. A session from a proposal keeps its kind and speakers."""
    from_proposal = session.proposal_id is not None
    values = _check(session.event, data, from_proposal)
    with unit_of_work() as unit:
        session = locked_session(unit, session, expected_version)
        _apply(session, values, from_proposal)
        session.version += 1
        return session


def active_signups(session: ProgramSession) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(WorkshopSignup)
        .where(WorkshopSignup.session_id == session.id, WorkshopSignup.cancelled_at.is_(None))
    )


def delete_session(session: ProgramSession, expected_version: int) -> None:
    """Remove a session made by hand. Sessions from proposals are not removed here
    (from_proposal), nor sessions attendees have signed up for (has_signups)."""
    if session.proposal_id is not None:
        raise ProgramError("from_proposal")
    with unit_of_work() as unit:
        session = locked_session(unit, session, expected_version)
        signed_up = active_signups(session)
        if signed_up:
            raise ProgramError("has_signups", n=signed_up)
        db.session.delete(session)


# Reading ------------------------------------------------------------------------------


def session_by_token(event: Event, token: str) -> ProgramSession | None:
    if not isinstance(token, str) or len(token) > 64:
        return None
    return db.session.scalar(
        select(ProgramSession).where(
            ProgramSession.event_id == event.id, ProgramSession.token == token
        )
    )


def _in_program():
    """Sessions that belong in the program: made by hand, or of a confirmed proposal."""
    confirmed = select(Proposal.id).where(Proposal.state == ProposalState.CONFIRMED)
    return or_(ProgramSession.proposal_id.is_(None), ProgramSession.proposal_id.in_(confirmed))


def program_sessions(event: Event) -> list[ProgramSession]:
    """Every session of the program, scheduled or not: scheduled first, by time, then
    the others as they were made."""
    return list(
        db.session.scalars(
            select(ProgramSession)
            .where(ProgramSession.event_id == event.id, _in_program())
            .order_by(
                ProgramSession.starts_at.is_(None),
                ProgramSession.starts_at,
                ProgramSession.created_at,
                ProgramSession.id,
            )
            .options(
                selectinload(ProgramSession.speakers).selectinload(SessionSpeaker.user),
                selectinload(ProgramSession.track),
                selectinload(ProgramSession.room),
            )
        )
    )


def sessions_to_schedule(event: Event) -> list[ProgramSession]:
    """The sessions of the program with no start yet (made by hand, or of a confirmed
    proposal), in the order they were made."""
    return list(
        db.session.scalars(
            select(ProgramSession)
            .where(
                ProgramSession.event_id == event.id,
                _in_program(),
                ProgramSession.starts_at.is_(None),
            )
            .order_by(ProgramSession.created_at, ProgramSession.id)
            .options(
                selectinload(ProgramSession.speakers).selectinload(SessionSpeaker.user),
                selectinload(ProgramSession.track),
            )
        )
    )


def session_counts(event: Event) -> dict[str, int]:
    """How many sessions of the program are scheduled and how many wait."""
    rows = db.session.execute(
        select(ProgramSession.starts_at.is_(None), func.count())
        .where(ProgramSession.event_id == event.id, _in_program())
        .group_by(ProgramSession.starts_at.is_(None))
    ).all()
    counts = {bool(waiting): n for waiting, n in rows}
    return {"scheduled": counts.get(False, 0), "waiting": counts.get(True, 0)}


def speaker_emails(session: ProgramSession) -> list[str]:
    return [s.user.email for s in session.speakers]
