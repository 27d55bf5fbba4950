"""Publishing the program: numbered releases, each a frozen snapshot of the working
program, with a changelog against the release before and an email to the speakers
whose sessions are new to them, moved or were removed.

`publish` is one unit of work under the event's program lock (locks.program: SQLite's
write lock; on PostgreSQL an advisory lock of its own, so a release never holds up
ticket sales), so two organizers publishing at once get releases n and n+1, never two
n's. The release, the speakers' page tokens and
the emails are committed together or not at all.

Every speaker and co-speaker is told where and when they speak the first time their
session is in a release (release 1 tells everyone), and again when it moves, changes
room or leaves the program: one email per person per release (changelog.speakers_to_tell,
release_mail).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import defer, selectinload

from ...database import unit_of_work
from ...extensions import db
from ...models import Event, ProgramRelease, User, utcnow
from .. import locks
from ..cfp.confirmation import give_program_speakers_tickets
from .changelog import counts, diff, speakers_to_tell
from .conflicts import Conflict, find_conflicts
from .errors import ProgramError
from .release_mail import queue_speaker_mails
from .signups import move_door_lists
from .snapshot import build_snapshot, scheduled_speakers

NOTE_MAX = 2000


def releases_of(event: Event) -> list[ProgramRelease]:
    """The event's releases, newest first (their snapshots are loaded only if read)."""
    return list(
        db.session.scalars(
            select(ProgramRelease)
            .where(ProgramRelease.event_id == event.id)
            .order_by(ProgramRelease.number.desc())
            .options(defer(ProgramRelease.snapshot), selectinload(ProgramRelease.published_by))
        )
    )


def release(event: Event, number) -> ProgramRelease | None:
    """Release `number` of the event, or None."""
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 2**31:
        return None
    return db.session.scalar(
        select(ProgramRelease).where(
            ProgramRelease.event_id == event.id, ProgramRelease.number == number
        )
    )


def latest_release(event: Event) -> ProgramRelease | None:
    return db.session.scalar(
        select(ProgramRelease)
        .where(ProgramRelease.event_id == event.id)
        .order_by(ProgramRelease.number.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class _Draft:
    """The working program as the next release: its snapshot and changes against the
    latest release (`previous`, its snapshot; None before the first release)."""

    previous: dict | None
    previous_number: int | None
    snapshot: dict
    changes: list[dict]

    @property
    def number(self) -> int:
        return (self.previous_number or 0) + 1


def _draft(event: Event) -> _Draft:
    latest = latest_release(event)
    previous = latest.snapshot if latest is not None else None
    snapshot = build_snapshot(event, previous)
    changes = diff(previous, snapshot) if previous is not None else []
    return _Draft(previous, latest.number if latest is not None else None, snapshot, changes)


@dataclass(frozen=True)
class Preview:
    """What publishing now would do, nothing stored: the conflicts to confirm, the
    changes against the latest release, how many sessions the release would hold."""

    conflicts: list[Conflict]
    changes: list[dict]
    counts: dict[str, int]
    sessions: int
    number: int  # the number the release would get
    previous: int | None  # the latest release's number (None: this would be the first)

    @property
    def first(self) -> bool:
        return self.previous is None


def preview(event: Event) -> Preview:
    """A dry run of `publish`. Leaves the database as it found it (building a snapshot
    gives speakers page tokens: that is rolled back)."""
    conflicts = find_conflicts(event)
    draft = _draft(event)
    db.session.rollback()
    return Preview(
        conflicts=conflicts,
        changes=draft.changes,
        counts=counts(draft.changes),
        sessions=len(draft.snapshot["sessions"]),
        number=draft.number,
        previous=draft.previous_number,
    )


def publish(
    event: Event, by: User | None = None, note: str = "", confirm_conflicts: bool = False
) -> ProgramRelease:
    """Publish the working program as the event's next release and commit.

    Refuses (ProgramError, nothing stored) when nothing is scheduled, or when there
    are conflicts and `confirm_conflicts` is not set ("unconfirmed_conflicts", n=...).
    """
    note = (note or "").strip() if isinstance(note, str) else ""
    if len(note) > NOTE_MAX:
        raise ProgramError("too_long", "note", n=NOTE_MAX)
    with unit_of_work(locks.program(event.id)):
        conflicts = find_conflicts(event)
        if conflicts and not confirm_conflicts:
            raise ProgramError("unconfirmed_conflicts", None, n=len(conflicts))
        draft = _draft(event)
        snapshot, previous = draft.snapshot, draft.previous
        if not snapshot["sessions"]:
            raise ProgramError("nothing_to_publish")
        new = ProgramRelease(
            event_id=event.id,
            number=draft.number,
            published_at=utcnow(),
            published_by_id=by.id if by is not None else None,
            note=note,
            conflicts_at_publish=len(conflicts),
            snapshot=snapshot,
            changes=draft.changes,
        )
        db.session.add(new)
        move_door_lists(event, snapshot)
        give_program_speakers_tickets(event, scheduled_speakers(event), new.published_at)
        queue_speaker_mails(
            event,
            speakers_to_tell(previous, snapshot, draft.changes),
            draft.number,
            reply_to=by.email if by is not None else None,
        )
    return new


@dataclass(frozen=True)
class ChangelogEntry:
    number: int
    published_at: datetime
    note: str
    changes: list[dict]


def changelog_of(event: Event) -> list[ChangelogEntry]:
    """Each release's number, time, note and changes, newest first (no snapshots read)."""
    rows = db.session.execute(
        select(
            ProgramRelease.number,
            ProgramRelease.published_at,
            ProgramRelease.note,
            ProgramRelease.changes,
        )
        .where(ProgramRelease.event_id == event.id)
        .order_by(ProgramRelease.number.desc())
    ).all()
    return [ChangelogEntry(*row) for row in rows]
