"""What the schedule editor shows for one day: rooms as columns, 5-minute rows over the
day's hours, the sessions placed that day as blocks (with their conflicts), and the
sessions waiting to be placed.

Pure reading: the editor's changes go through scheduling.py.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...i18n import format_time
from ...models import Event, ProgramDay, ProgramSession, Room, SessionSpeaker
from .conflicts import Conflict, conflicts_by_session, find_conflicts
from .scheduling import GRID_MINUTES
from .sessions import sessions_to_schedule
from .setup import calendar_day_utc, rooms_of


@dataclass
class Block:
    session: ProgramSession
    row: int  # first 5-minute slot, from 0
    span: int  # slots
    column: int  # room index, from 0
    lane: int = 0  # side by side with sessions overlapping it in its room
    lanes: int = 1
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def speaker_names(self) -> str:
        return ", ".join(s.user.display_name for s in self.session.speakers)


@dataclass
class DayGrid:
    day: ProgramDay
    rooms: list[Room]
    start: datetime  # local time of the first row
    slots: int
    labels: list[tuple[int, str, bool]]  # (row, "09:15", on the hour)
    blocks: list[Block]
    conflicts: list[Conflict]  # those touching a session of this day
    all_conflicts: list[Conflict]
    waiting: list[ProgramSession]

    @property
    def titles(self) -> dict[str, str]:
        return {b.session.token: b.session.title for b in self.blocks}

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.slots * GRID_MINUTES)


def _day_sessions(event: Event, first: datetime, last: datetime) -> list[ProgramSession]:
    return list(
        db.session.scalars(
            select(ProgramSession)
            .where(
                ProgramSession.event_id == event.id,
                ProgramSession.starts_at >= first,
                ProgramSession.starts_at < last,
                ProgramSession.room_id.is_not(None),
            )
            .order_by(ProgramSession.starts_at, ProgramSession.id)
            .options(
                selectinload(ProgramSession.speakers).selectinload(SessionSpeaker.user),
                selectinload(ProgramSession.track),
            )
        )
    )


def _floor_hour(value: datetime) -> datetime:
    return value.replace(minute=0, second=0, microsecond=0)


def _lanes(blocks: list[Block]) -> None:
    """Blocks overlapping in one room are drawn side by side: each cluster of overlapping
    blocks shares its width among as many lanes as it needs."""
    by_column: dict[int, list[Block]] = {}
    for block in blocks:
        by_column.setdefault(block.column, []).append(block)
    for column_blocks in by_column.values():
        column_blocks.sort(key=lambda b: (b.row, -b.span))
        cluster: list[Block] = []
        cluster_end = -1
        lane_ends: list[int] = []
        for block in column_blocks + [None]:
            if block is None or block.row >= cluster_end:
                for member in cluster:
                    member.lanes = len(lane_ends)
                if block is None:
                    break
                cluster, lane_ends, cluster_end = [], [], -1
            free = next((i for i, end in enumerate(lane_ends) if end <= block.row), None)
            if free is None:
                lane_ends.append(block.row + block.span)
                free = len(lane_ends) - 1
            else:
                lane_ends[free] = block.row + block.span
            block.lane = free
            cluster.append(block)
            cluster_end = max(cluster_end, block.row + block.span)


def day_grid(event: Event, day: ProgramDay) -> DayGrid:
    tz = event.tz
    rooms = rooms_of(event)
    sessions = _day_sessions(event, *calendar_day_utc(event, day.day))
    start = _floor_hour(day.starts_at.astimezone(tz))
    end = day.ends_at.astimezone(tz)
    for session in sessions:
        start = min(start, _floor_hour(session.starts_at.astimezone(tz)))
        end = max(end, session.ends_at.astimezone(tz))
    if end > _floor_hour(end):
        end = _floor_hour(end) + timedelta(hours=1)
    slots = max(1, int((end - start).total_seconds() // 60) // GRID_MINUTES)
    labels = []
    for row in range(0, slots, 15 // GRID_MINUTES):
        moment = start + timedelta(minutes=row * GRID_MINUTES)
        labels.append((row, format_time(moment, tz=tz), moment.minute == 0))

    all_conflicts = find_conflicts(event)
    by_session = conflicts_by_session(all_conflicts)
    columns = {room.id: i for i, room in enumerate(rooms)}
    blocks = []
    for session in sessions:
        if session.room_id not in columns:
            continue
        offset = (session.starts_at.astimezone(tz) - start).total_seconds() / 60
        blocks.append(
            Block(
                session=session,
                row=int(offset // GRID_MINUTES),
                span=max(1, -(-session.duration_minutes // GRID_MINUTES)),
                column=columns[session.room_id],
                conflicts=by_session.get(session.token, []),
            )
        )
    _lanes(blocks)
    tokens = {b.session.token for b in blocks}
    waiting = sessions_to_schedule(event)
    return DayGrid(
        day=day,
        rooms=rooms,
        start=start,
        slots=slots,
        labels=labels,
        blocks=blocks,
        conflicts=[c for c in all_conflicts if tokens.intersection(c.sessions)],
        all_conflicts=all_conflicts,
        waiting=waiting,
    )
