"""What the public sees: the event's latest release, never the work in progress.

`latest_release_stamp` is one small query (no snapshot loaded), so a conditional
request can be answered 304 before anything is read or rendered.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ...extensions import db
from ...models import Event, ProgramRelease, ProgramSession
from .snapshot import PublishedSession, ReleasedProgram, cached_program, released_program


@dataclass(frozen=True)
class ReleaseStamp:
    id: int
    number: int
    published_at: datetime


def latest_release_stamp(event: Event) -> ReleaseStamp | None:
    row = db.session.execute(
        select(ProgramRelease.id, ProgramRelease.number, ProgramRelease.published_at)
        .where(ProgramRelease.event_id == event.id)
        .order_by(ProgramRelease.number.desc())
        .limit(1)
    ).first()
    return ReleaseStamp(*row) if row else None


def published_program(event: Event, stamp: ReleaseStamp | None = None) -> ReleasedProgram | None:
    """The latest release of the event's program, parsed (cached per release), or None
    if nothing has been published."""
    stamp = stamp or latest_release_stamp(event)
    if stamp is None:
        return None
    # A release is never edited: once parsed, its snapshot need not be read again.
    cached = cached_program(stamp.id, stamp.published_at)
    return cached or released_program(db.session.get(ProgramRelease, stamp.id))


def published_slots(event: Event, proposal_ids) -> dict[int, PublishedSession]:
    """Proposal id -> its session as the latest release has it (day, time, room), for
    those of the proposals whose session is published; the work in progress is not
    looked at (a speaker is told only what the public sees)."""
    proposal_ids = list(proposal_ids)
    if not proposal_ids:
        return {}
    program = published_program(event)
    if program is None:
        return {}
    rows = db.session.execute(
        select(ProgramSession.proposal_id, ProgramSession.token).where(
            ProgramSession.event_id == event.id, ProgramSession.proposal_id.in_(proposal_ids)
        )
    ).all()
    found = {proposal_id: program.session(token) for proposal_id, token in rows}
    return {proposal_id: s for proposal_id, s in found.items() if s is not None}
