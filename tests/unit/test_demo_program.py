"""`flask demo` gives the summit a published program: about 60 sessions over its three
days in six rooms, keynotes, fika and lunch, workshops with limited places, no
conflicts; and running it twice changes nothing."""

from collections import Counter, defaultdict
from datetime import time

from sqlalchemy import func, select

from summit.models import (
    Event,
    OutboxMessage,
    ProgramDay,
    ProgramRelease,
    ProgramSession,
    Proposal,
    ProposalState,
    SessionSpeaker,
    SpeakerAvailability,
    SpeakerProfile,
    User,
    WorkshopSignup,
)
from summit.services.program.conflicts import find_conflicts
from summit.services.program.published import published_program
from summit.services.program.signups import my_tickets


def program_state(db):
    counts = {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (
            ProgramDay,
            ProgramSession,
            SessionSpeaker,
            SpeakerAvailability,
            SpeakerProfile,
            ProgramRelease,
            WorkshopSignup,
            OutboxMessage,
            User,
        )
    }
    placements = db.session.execute(
        select(
            ProgramSession.token,
            ProgramSession.room_id,
            ProgramSession.starts_at,
            ProgramSession.duration_minutes,
            ProgramSession.version,
        ).order_by(ProgramSession.id)
    ).all()
    return counts, placements


def test_demo_program_is_published_complete_and_idempotent(app, db, demo):
    assert "/events/summit2027/program/" in demo
    after_first = program_state(db)
    second = app.test_cli_runner().invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    db.session.expire_all()
    assert program_state(db) == after_first

    summit = db.session.scalars(select(Event).where(Event.slug == "summit2027")).one()
    tz = summit.tz

    # Three program days, from 09:00 local time; the last ends when the summit does.
    days = db.session.scalars(
        select(ProgramDay).where(ProgramDay.event_id == summit.id).order_by(ProgramDay.day)
    ).all()
    assert [d.day for d in days] == summit.days and len(days) == 3
    assert all(d.starts_at.astimezone(tz).time() == time(9, 0) for d in days)
    assert days[-1].ends_at == summit.ends_at

    # Six rooms with capacities, hours and accessibility notes in Swedish.
    assert len(summit.rooms) == 6
    assert all(r.capacity and r.opens_at and r.closes_at for r in summit.rooms)
    assert all(r.accessibility_notes for r in summit.rooms)
    assert any("Hörslinga" in r.accessibility_notes for r in summit.rooms)

    # Two releases; the second moved one session and says so; neither had conflicts.
    releases = db.session.scalars(
        select(ProgramRelease)
        .where(ProgramRelease.event_id == summit.id)
        .order_by(ProgramRelease.number)
    ).all()
    assert [r.number for r in releases] == [1, 2]
    assert all(r.conflicts_at_publish == 0 for r in releases)
    assert releases[0].changes == [] and len(releases[1].changes) == 1
    assert find_conflicts(summit) == []

    program = published_program(summit)
    assert program.number == 2
    sessions = program.sessions
    assert 55 <= len(sessions) <= 65
    assert {s.starts_at.astimezone(tz).date() for s in sessions} == set(summit.days)
    assert {s.room["name"] for s in sessions} == {r.name for r in summit.rooms}

    # Each day opens and closes with a keynote in the big room, with fika and lunch.
    per_day = defaultdict(list)
    for s in sessions:
        per_day[s.starts_at.astimezone(tz).date()].append(s)
    for day, theirs in per_day.items():
        theirs.sort(key=lambda s: s.starts_at)
        kinds = Counter(s.kind for s in theirs)
        assert kinds["keynote"] == 2 and kinds["break"] == 2 and kinds["lunch"] == 1, day
        assert theirs[0].kind == "keynote" and theirs[-1].kind == "keynote", day
        assert all(s.room["name"] == "Stora salen" for s in theirs if s.kind == "keynote")
        assert kinds["talk"] and kinds["panel"], day
    # Everything but breaks and lunch has speakers.
    assert all(s.speakers for s in sessions if s.kind not in ("break", "lunch"))
    assert not any(s.speakers for s in sessions if s.kind in ("break", "lunch"))

    # Every confirmed proposal's session is in the published program.
    confirmed = db.session.scalars(
        select(ProgramSession.token).where(ProgramSession.proposal_id.is_not(None))
    ).all()
    assert len(confirmed) == 12
    assert set(confirmed) <= {s.token for s in sessions}
    states = db.session.scalars(
        select(Proposal.state).join(ProgramSession, ProgramSession.proposal_id == Proposal.id)
    ).all()
    assert set(states) == {ProposalState.CONFIRMED}

    # Workshops with limited places: one with a few sign-ups, one full.
    limited = [s for s in sessions if s.takes_signups]
    assert len(limited) == 2
    assert all(s.kind == "workshop" and s.signup_limit == 20 for s in limited)
    taken = sorted(
        db.session.scalar(
            select(func.count())
            .select_from(WorkshopSignup)
            .join(ProgramSession)
            .where(ProgramSession.token == s.token, WorkshopSignup.cancelled_at.is_(None))
        )
        for s in limited
    )
    assert taken == [12, 20]
    # The demo attendee holds a ticket to sign up with.
    johan = db.session.scalars(select(User).where(User.email == "deltagare@example.org")).one()
    assert [t.attendee_name for t in my_tickets(summit, johan)] == ["Johan Svensson"]

    # One speaker stated when she can speak, and speaks then.
    availability = db.session.scalars(select(SpeakerAvailability)).one()
    hers = db.session.scalars(
        select(ProgramSession)
        .join(SessionSpeaker)
        .where(SessionSpeaker.user_id == availability.user_id)
    ).all()
    assert hers and all(
        availability.starts_at <= s.starts_at and s.ends_at <= availability.ends_at for s in hers
    )
