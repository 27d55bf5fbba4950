"""Demo program of the summit: three program days, the six rooms with their hours and
accessibility notes, and a published program of about 60 sessions: the confirmed
proposals' sessions and the ones the committee invited, an opening and a closing keynote
a day in the big room, morning and afternoon fika and lunch, and workshops with limited
places (one with a few sign-ups, one full). One keynote speaker can only come on the
second morning (a stated availability), and the program has no conflicts.

It is published twice, through services/program/releases.py: release 1, then release 2
after one talk moved to a bigger room (moved through services/program/scheduling.py),
so the changelog has something to show. The placing itself is written directly on the
sessions (one commit), not through place_session (a lock and a commit per session).

Run again, it adds nothing: the days are looked up, the rooms only get notes and hours
while they have none, the sessions are made only while the summit has no session of
its own (not from a proposal), and the program is published only if it never was.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    Event,
    Order,
    OrderStatus,
    ProgramDay,
    ProgramSession,
    Room,
    SessionKind,
    SessionSpeaker,
    SpeakerAvailability,
    SpeakerProfile,
    Ticket,
    TicketStatus,
    TicketType,
    User,
    WorkshopSignup,
)
from ..services import accounts
from ..services.program import releases, scheduling
from .cfp import abstract
from .program_texts import (
    AFTERNOON_BREAK,
    AVAILABLE_ONLY,
    INVITED_PANELS,
    INVITED_TALKS,
    INVITED_WORKSHOPS,
    KEYNOTES,
    LUNCH,
    MORNING_BREAK,
    RELEASE_NOTES,
    ROOMS,
)

ORGANIZER = "arrangor@example.org"
DEMO_USERS = {"talare@example.org", "deltagare@example.org"}  # never speakers here
SIGNUP_LIMIT = 20
SIGNUPS = (12, SIGNUP_LIMIT)  # the first workshop has a few sign-ups, the second is full
SPEAKERS_PER_KIND = {SessionKind.TALK: 1, SessionKind.PANEL: 3, SessionKind.WORKSHOP: 2}
MINUTES = {SessionKind.TALK: 20, SessionKind.PANEL: 45, SessionKind.WORKSHOP: 90}


@dataclass
class Slot:
    kind: SessionKind
    room: str
    starts_at: datetime
    minutes: int

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


def _local(summit: Event, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), summit.tz)


def ensure_days(summit: Event) -> list[ProgramDay]:
    """A program day for each of the summit's days, 09:00–17:00 (the last one ends when
    the summit does)."""
    existing = {
        d.day: d
        for d in db.session.scalars(select(ProgramDay).where(ProgramDay.event_id == summit.id))
    }
    for day in summit.days:
        if day not in existing:
            last = day == summit.local_end.date()
            existing[day] = ProgramDay(
                event_id=summit.id,
                day=day,
                starts_at=_local(summit, day, 9),
                ends_at=summit.ends_at if last else _local(summit, day, 17),
            )
            db.session.add(existing[day])
    return [existing[day] for day in sorted(existing)]


def furnish_rooms(summit: Event, details: dict) -> None:
    """Accessibility notes and hours for the rooms that have no notes yet."""
    for room in summit.rooms:
        if room.name in details and not room.accessibility_notes:
            room.accessibility_notes, room.opens_at, room.closes_at = details[room.name]


def layout(summit: Event, days: list[date]) -> tuple[list[tuple], list[Slot]]:
    """The frame of each day (keynotes, fika, lunch: (what, index, start, minutes)) and
    the slots between them: three blocks a day (the last day's last one shorter), each
    with talks one after the other in Sal A or Studion (every other block), a panel in
    Sal B and a workshop in one of the workshop rooms."""
    frame, slots, block = [], [], 0
    for n, day in enumerate(days):
        last = n == len(days) - 1
        frame += [
            ("keynote", 2 * n, _local(summit, day, 9), 45),
            ("morning", n, _local(summit, day, 9, 45), 30),
            ("lunch", n, _local(summit, day, 11, 45), 60),
            ("afternoon", n, _local(summit, day, 14, 15), 30),
            ("keynote", 2 * n + 1, _local(summit, day, 15 if last else 16, 45 if last else 15), 45),
        ]
        for hour, minute, minutes in ((10, 15, 90), (12, 45, 90), (14, 45, 60 if last else 90)):
            start = _local(summit, day, hour, minute)
            talk_room = "Sal A" if block % 2 == 0 else "Studion"
            slots += [
                Slot(SessionKind.TALK, talk_room, start + timedelta(minutes=offset), 20)
                for offset in range(0, minutes - 20 + 1, 30)
            ]
            slots.append(Slot(SessionKind.PANEL, "Sal B", start, 45))
            if block == 1:
                slots.append(Slot(SessionKind.PANEL, "Sal B", start + timedelta(minutes=45), 45))
            if minutes == 90:
                workshop_room = ("Workshoprum 1", "Workshoprum 2")[block % 2]
                slots.append(Slot(SessionKind.WORKSHOP, workshop_room, start, 90))
            block += 1
    return frame, slots


class Calendar:
    """Who speaks when, so that nobody is placed in two sessions at once."""

    def __init__(self):
        self.busy: dict[int, list[tuple[datetime, datetime]]] = {}

    def free(self, user_ids, start: datetime, end: datetime) -> bool:
        return all(end <= s or e <= start for uid in user_ids for s, e in self.busy.get(uid, []))

    def book(self, user_ids, start: datetime, end: datetime) -> None:
        for uid in user_ids:
            self.busy.setdefault(uid, []).append((start, end))


def _speaker(email: str, name: str, organisation: str, title: str, bio: str) -> User:
    user = accounts.find_user(email) or accounts.create_user(email, name=name)
    db.session.flush()
    if not db.session.scalar(select(SpeakerProfile.id).where(SpeakerProfile.user_id == user.id)):
        db.session.add(
            SpeakerProfile(
                user_id=user.id,
                display_name=name,
                organisation=organisation,
                title=title,
                bio=bio,
                preferred_language="sv",
            )
        )
    return user


def _speaker_pool(confirmed: set[int], keynote_ids: set[int]) -> list[int]:
    """Speakers from the call (with a profile) for the invited sessions: those without a
    confirmed session first."""
    ids = db.session.scalars(
        select(SpeakerProfile.user_id)
        .join(User, User.id == SpeakerProfile.user_id)
        .where(User.email.not_in(DEMO_USERS))
        .order_by(SpeakerProfile.user_id)
    ).all()
    ids = [i for i in ids if i not in keynote_ids]
    return [i for i in ids if i not in confirmed] + [i for i in ids if i in confirmed]


PAUSES = {"morning": MORNING_BREAK, "afternoon": AFTERNOON_BREAK, "lunch": LUNCH}


def frame_session(
    summit: Event, big_room: Room, slot, keynote_speaker: User | None
) -> ProgramSession:
    """One session of the days' frame (see `layout`): a keynote given by
    `keynote_speaker`, a fika or lunch; all in the big room."""
    what, index, start, minutes = slot
    session = ProgramSession(
        event_id=summit.id, room_id=big_room.id, starts_at=start, duration_minutes=minutes
    )
    if what == "keynote":
        session.title, session.abstract, session.language, _who = KEYNOTES[index]
        session.kind = SessionKind.KEYNOTE
        session.speakers.append(SessionSpeaker(user_id=keynote_speaker.id, position=0))
    else:
        session.title, session.abstract = PAUSES[what]
        session.kind = SessionKind.LUNCH if what == "lunch" else SessionKind.BREAK
    return session


def _frame_sessions(summit: Event, frame, rooms: dict, calendar: Calendar) -> None:
    """The keynotes (with their speakers), fika and lunch, all in the big room."""
    keynote_speakers = [_speaker(*spec[3]) for spec in KEYNOTES]
    for slot in frame:
        what, index, start, minutes = slot
        speaker = keynote_speakers[index] if what == "keynote" else None
        db.session.add(frame_session(summit, rooms["Stora salen"], slot, speaker))
        if speaker is not None:
            calendar.book([speaker.id], start, start + timedelta(minutes=minutes))
    leila = accounts.find_user(AVAILABLE_ONLY)
    second_day = summit.days[1]
    db.session.add(
        SpeakerAvailability(
            event_id=summit.id,
            user_id=leila.id,
            starts_at=_local(summit, second_day, 8, 30),
            ends_at=_local(summit, second_day, 12),
        )
    )


def _invited(summit: Event, rng: random.Random) -> dict[SessionKind, list[ProgramSession]]:
    tracks = list(summit.tracks)
    made = {}
    for kind, specs in (
        (SessionKind.TALK, INVITED_TALKS),
        (SessionKind.PANEL, INVITED_PANELS),
        (SessionKind.WORKSHOP, INVITED_WORKSHOPS),
    ):
        made[kind] = [
            ProgramSession(
                event_id=summit.id,
                title=title,
                abstract=abstract(rng, title, language == "en"),
                kind=kind,
                duration_minutes=MINUTES[kind],
                track_id=tracks[track].id,
                language=language,
            )
            for title, track, language in specs
        ]
    return made


def _fill_slots(summit, slots, rooms, calendar, rng) -> list[ProgramSession]:
    """The confirmed proposals' sessions and the invited ones, in the free slots of their
    kind (never where one of their speakers is busy); the invited ones get speakers
    from the call's speakers who are free then."""
    confirmed = db.session.scalars(
        select(ProgramSession)
        .where(
            ProgramSession.event_id == summit.id,
            ProgramSession.proposal_id.is_not(None),
            ProgramSession.starts_at.is_(None),
        )
        .order_by(ProgramSession.id)
    ).all()
    invited = _invited(summit, rng)
    placed = []
    for kind in (SessionKind.TALK, SessionKind.PANEL, SessionKind.WORKSHOP):
        sessions = [s for s in confirmed if s.kind is kind] + invited[kind]
        rng.shuffle(sessions)  # the confirmed ones spread over the days
        free = [slot for slot in slots if slot.kind is kind]
        for session in sessions:
            speaker_ids = [sp.user_id for sp in session.speakers]
            slot = next(
                (s for s in free if calendar.free(speaker_ids, s.starts_at, s.ends_at)), None
            )
            if slot is None:
                continue  # left for the schedule editor
            free.remove(slot)
            calendar.book(speaker_ids, slot.starts_at, slot.ends_at)
            session.room_id = rooms[slot.room].id
            session.starts_at, session.duration_minutes = slot.starts_at, slot.minutes
            if session.id is not None:
                session.version += 1
            placed.append(session)
    for kind_sessions in invited.values():
        db.session.add_all(kind_sessions)
    confirmed_speakers = {sp.user_id for s in confirmed for sp in s.speakers}
    keynote_ids = {accounts.find_user(spec[3][0]).id for spec in KEYNOTES}
    pool = _speaker_pool(confirmed_speakers, keynote_ids)
    turn = 0
    own = [s for kind_sessions in invited.values() for s in kind_sessions if s.starts_at]
    for session in sorted(own, key=lambda s: s.starts_at):
        chosen: list[int] = []
        for _ in range(len(pool)):
            if len(chosen) == SPEAKERS_PER_KIND[session.kind]:
                break
            user_id, turn = pool[turn % len(pool)], turn + 1
            if user_id not in chosen and calendar.free(
                [user_id], session.starts_at, session.ends_at
            ):
                chosen.append(user_id)
        calendar.book(chosen, session.starts_at, session.ends_at)
        session.speakers = [SessionSpeaker(user_id=u, position=n) for n, u in enumerate(chosen)]
    return placed


def _signups(summit: Event, placed: list[ProgramSession]) -> None:
    """The first two workshops take sign-ups (20 places): one has a few, one is full."""
    workshops = sorted(
        (s for s in placed if s.kind is SessionKind.WORKSHOP), key=lambda s: s.starts_at
    )
    tickets = db.session.execute(
        select(Ticket.id, Order.user_id)
        .join(Order, Order.id == Ticket.order_id)
        .join(TicketType, TicketType.id == Ticket.ticket_type_id)
        .where(
            Order.event_id == summit.id,
            Order.status.in_(OrderStatus.CONFIRMED),
            Ticket.status == TicketStatus.VALID,
            TicketType.is_visible,
        )
        .order_by(Ticket.id)
        .limit(max(SIGNUPS))
    ).all()
    for session, count in zip(workshops, SIGNUPS, strict=False):
        session.takes_signups, session.signup_limit = True, SIGNUP_LIMIT
        for ticket_id, user_id in tickets[:count]:
            db.session.add(WorkshopSignup(session=session, ticket_id=ticket_id, user_id=user_id))


def _build(summit: Event, days: list[ProgramDay]) -> None:
    rng = random.Random(2027)
    rooms = {room.name: room for room in summit.rooms}
    frame, slots = layout(summit, [d.day for d in days])
    calendar = Calendar()
    _frame_sessions(summit, frame, rooms, calendar)
    placed = _fill_slots(summit, slots, rooms, calendar, rng)
    _signups(summit, placed)


def _publish(summit: Event) -> None:
    """Release 1; then a talk moves from Studion to Sal A (free at that time) and
    release 2 lists the move."""
    organizer = accounts.find_user(ORGANIZER)
    releases.publish(summit, by=organizer, note=RELEASE_NOTES[0])
    rooms = {room.name: room for room in summit.rooms}
    moved = db.session.scalars(
        select(ProgramSession)
        .where(
            ProgramSession.room_id == rooms["Studion"].id,
            ProgramSession.kind == SessionKind.TALK,
        )
        .order_by(ProgramSession.starts_at)
        .limit(1)
    ).first()
    if moved is not None:
        scheduling.place_session(
            moved, rooms["Sal A"].id, moved.starts_at, moved.duration_minutes, moved.version
        )
        releases.publish(summit, by=organizer, note=RELEASE_NOTES[1])


DEMO_ATTENDEE = ("deltagare@example.org", "Johan Svensson")


def _ticket_for_the_demo_attendee(summit: Event) -> None:
    """The demo attendee holds a ticket (one bought by a colleague, made out to them), so
    signing in as them shows sign-ups for workshops. Once."""
    email, name = DEMO_ATTENDEE
    holds = db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .join(Order, Order.id == Ticket.order_id)
        .where(Order.event_id == summit.id, Ticket.attendee_email == email)
    )
    if holds:
        return
    ticket = db.session.scalars(  # the last one sold: no demo sign-up uses it
        select(Ticket)
        .join(Order, Order.id == Ticket.order_id)
        .join(TicketType, TicketType.id == Ticket.ticket_type_id)
        .where(
            Order.event_id == summit.id,
            Order.status == OrderStatus.PAID,
            Ticket.status == TicketStatus.VALID,
            TicketType.is_visible,
        )
        .order_by(Ticket.id.desc())
        .limit(1)
    ).first()
    if ticket is not None:
        ticket.attendee_email, ticket.attendee_name = email, name


def create_demo_program(summit: Event) -> list[str]:
    days = ensure_days(summit)
    furnish_rooms(summit, ROOMS)
    _ticket_for_the_demo_attendee(summit)
    db.session.commit()
    own = db.session.scalar(
        select(func.count())
        .select_from(ProgramSession)
        .where(ProgramSession.event_id == summit.id, ProgramSession.proposal_id.is_(None))
    )
    if not own:
        _build(summit, days)
        db.session.commit()
    release = releases.latest_release(summit)
    if release is None:
        _publish(summit)
        release = releases.latest_release(summit)
    published = len(release.snapshot["sessions"])
    slug = summit.slug
    return [
        "",
        f"Program: release {release.number} published, {published} sessions over "
        f"{len(days)} days in {len(summit.rooms)} rooms:",
        f"  /events/{slug}/program/                 the public program",
        f"  /events/{slug}/program/changes          what moved in release {release.number}",
        f"  /events/{slug}/schedule.xml              for conference apps",
        f"  /manage/events/{slug}/program/          the schedule (as an organizer)",
    ]
