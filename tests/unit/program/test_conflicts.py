"""Conflict warnings: every kind, and the edges that are not conflicts."""

from datetime import time

import pytest

from summit.models import SpeakerAvailability, TicketStatus, WorkshopSignup
from summit.services.program.conflicts import conflicts_by_session, find_conflicts
from tests import checkin_world as world
from tests.schedule_world import at, program, session


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def rooms(event):
    return program(event)


def kinds(event):
    return [(c.kind, c.sessions) for c in find_conflicts(event)]


def test_a_tidy_program_has_no_conflicts(event, rooms, make_user):
    speaker = make_user("ada@example.org", name="Ada")
    session(event, "A", [speaker], rooms[0], at(9), 30)
    session(event, "B", [speaker], rooms[1], at(10), 30)
    session(event, "Unscheduled", [speaker])
    assert find_conflicts(event) == []


def test_two_sessions_overlapping_in_one_room(event, rooms):
    a = session(event, "Öppning", room=rooms[0], start=at(9), duration=60)
    b = session(event, "Panel", room=rooms[0], start=at(9, 30), duration=30)
    session(event, "Elsewhere", room=rooms[1], start=at(9, 30), duration=30)
    [conflict] = find_conflicts(event)
    assert conflict.kind == "room_overlap"
    assert conflict.sessions == (a.token, b.token)
    assert "Öppning" in conflict.message and "Stora salen" in conflict.message


def test_back_to_back_is_not_a_conflict(event, rooms, make_user):
    speaker = make_user("ada@example.org", name="Ada")
    session(event, "A", [speaker], rooms[0], at(9), 30)
    session(event, "B", [speaker], rooms[0], at(9, 30), 30)
    session(event, "C", [speaker], rooms[1], at(10), 25)
    assert find_conflicts(event) == []


def test_a_session_inside_another_in_the_same_room(event, rooms):
    long = session(event, "Long", room=rooms[0], start=at(9), duration=180)
    a = session(event, "A", room=rooms[0], start=at(10), duration=30)
    b = session(event, "B", room=rooms[0], start=at(11), duration=30)
    assert kinds(event) == [
        ("room_overlap", (long.token, a.token)),
        ("room_overlap", (long.token, b.token)),
    ]


def test_a_speaker_in_two_places(event, rooms, make_user):
    speaker = make_user("ada@example.org", name="Ada Lind")
    a = session(event, "A", [speaker], rooms[0], at(9), 45)
    b = session(event, "B", [speaker], rooms[1], at(9, 30), 30)
    [conflict] = find_conflicts(event)
    assert (conflict.kind, conflict.sessions) == ("speaker_clash", (a.token, b.token))
    assert "Ada Lind" in conflict.message


def test_a_co_speakers_clash_counts(event, rooms, make_user):
    lead = make_user("lead@example.org", name="Lead")
    co = make_user("co@example.org", name="Co Speaker")
    other = make_user("other@example.org", name="Other")
    a = session(event, "A", [lead, co], rooms[0], at(9), 30)
    b = session(event, "B", [other, co], rooms[1], at(9), 30)
    [conflict] = find_conflicts(event)
    assert (conflict.kind, conflict.sessions) == ("speaker_clash", (a.token, b.token))
    assert "Co Speaker" in conflict.message
    assert set(conflicts_by_session([conflict])) == {a.token, b.token}


def test_speaker_availability_boundaries(event, rooms, make_user, db):
    speaker = make_user("ada@example.org", name="Ada")
    db.session.add(
        SpeakerAvailability(event_id=event.id, user_id=speaker.id, starts_at=at(10), ends_at=at(12))
    )
    db.session.commit()
    session(event, "Exactly", [speaker], rooms[0], at(10), 120)  # 10:00–12:00: inside
    early = session(event, "Early", [speaker], rooms[1], at(9, 30), 35)  # 9:30–10:05
    late = session(event, "Late", [speaker], rooms[1], at(11, 45), 30)  # 11:45–12:15
    found = [(c.kind, c.sessions) for c in find_conflicts(event) if c.kind != "speaker_clash"]
    assert found == [
        ("speaker_unavailable", (early.token,)),
        ("speaker_unavailable", (late.token,)),
    ]


def test_a_speaker_who_stated_no_availability_is_always_available(event, rooms, make_user, db):
    speaker = make_user("ada@example.org", name="Ada")
    someone = make_user("bo@example.org", name="Bo")
    db.session.add(
        SpeakerAvailability(event_id=event.id, user_id=someone.id, starts_at=at(10), ends_at=at(11))
    )
    db.session.commit()
    session(event, "A", [speaker], rooms[0], at(15), 30)
    assert find_conflicts(event) == []


def test_availability_of_another_day_does_not_cover(event, rooms, make_user, db):
    speaker = make_user("ada@example.org", name="Ada")
    db.session.add(
        SpeakerAvailability(
            event_id=event.id, user_id=speaker.id, starts_at=at(9, day=1), ends_at=at(17, day=1)
        )
    )
    db.session.commit()
    s = session(event, "A", [speaker], rooms[0], at(9), 30)
    session(event, "B", [speaker], rooms[0], at(9, day=1), 30)
    assert kinds(event) == [("speaker_unavailable", (s.token,))]


def test_outside_the_rooms_hours(event, rooms, db):
    rooms[1].opens_at, rooms[1].closes_at = time(10, 0), time(15, 0)
    db.session.commit()
    too_early = session(event, "Early", room=rooms[1], start=at(9, 45), duration=30)
    session(event, "Inside", room=rooms[1], start=at(10), duration=300)  # 10:00–15:00
    too_late = session(event, "Late", room=rooms[1], start=at(14, 45, day=1), duration=30)
    session(event, "Other room", room=rooms[0], start=at(9), duration=30)
    found = kinds(event)
    assert ("outside_room_hours", (too_early.token,)) in found
    assert ("outside_room_hours", (too_late.token,)) in found
    assert [k for k, _ in found].count("outside_room_hours") == 2
    message = next(c.message for c in find_conflicts(event) if c.kind == "outside_room_hours")
    assert "10:00" in message and "15:00" in message


def test_outside_the_days_hours(event, rooms):
    late = session(event, "Late", room=rooms[0], start=at(16, 45), duration=30)  # ends 17:15
    session(event, "Last", room=rooms[0], start=at(16, 30), duration=15)  # ends 16:45 exactly
    session(event, "First", room=rooms[1], start=at(9), duration=30)
    assert kinds(event) == [("outside_day", (late.token,))]


def test_more_signups_than_room_capacity(event, make_event, db):
    rooms = program(event, rooms=("Verkstad",), capacity=2)
    ticket_type = world.ticket_type(event)
    workshop = session(event, "Verkstad", room=rooms[0], start=at(13), duration=60)
    fine = session(event, "Fine", room=rooms[0], start=at(15), duration=60)
    for _ in range(3):
        db.session.add(
            WorkshopSignup(session_id=workshop.id, ticket_id=world.ticket(event, ticket_type).id)
        )
    for _ in range(2):
        db.session.add(
            WorkshopSignup(session_id=fine.id, ticket_id=world.ticket(event, ticket_type).id)
        )
    cancelled = WorkshopSignup(session_id=fine.id, ticket_id=world.ticket(event, ticket_type).id)
    cancelled.cancelled_at = at(8)
    db.session.add(cancelled)
    db.session.commit()
    [conflict] = find_conflicts(event)
    assert (conflict.kind, conflict.sessions) == ("over_capacity", (workshop.token,))
    assert "3" in conflict.message and "2" in conflict.message


def test_a_refunded_tickets_signup_takes_no_place(event, db):
    rooms = program(event, rooms=("Verkstad",), capacity=2)
    ticket_type = world.ticket_type(event)
    workshop = session(event, "Verkstad", room=rooms[0], start=at(13), duration=60)
    tickets = [world.ticket(event, ticket_type) for _ in range(3)]
    for ticket in tickets:
        db.session.add(WorkshopSignup(session_id=workshop.id, ticket_id=ticket.id))
    db.session.commit()
    assert [c.kind for c in find_conflicts(event)] == ["over_capacity"]
    tickets[0].status = TicketStatus.REFUNDED
    db.session.commit()
    assert find_conflicts(event) == []


def test_other_events_sessions_do_not_count(event, rooms, make_event, make_user):
    speaker = make_user("ada@example.org", name="Ada")
    other = make_event()
    other_rooms = program(other)
    session(event, "Here", [speaker], rooms[0], at(9), 30)
    session(other, "There", [speaker], other_rooms[0], at(9), 30)
    assert find_conflicts(event) == []


def test_conflicts_for_the_whole_event_in_a_few_queries(event, rooms, make_user, db):
    from sqlalchemy import event as sa_event

    speakers = [make_user(f"s{i}@example.org", name=f"S{i}") for i in range(10)]
    for i in range(60):
        session(event, f"S{i}", [speakers[i % 10]], rooms[i % 2], at(9 + (i % 8)), 30)
    statements = []
    engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa_event.listen(engine, "before_cursor_execute", listener)
    try:
        db.session.expire_all()
        found = find_conflicts(event)
    finally:
        sa_event.remove(engine, "before_cursor_execute", listener)
    assert found
    assert len([s for s in statements if s.startswith("SELECT")]) <= 8  # not one per session
