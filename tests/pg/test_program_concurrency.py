"""Two organizers move the same session at the same moment, both from the version they
see: exactly one move is saved, the other is refused as stale (never a silent
overwrite); on PostgreSQL with real threads and connections."""

import threading

from sqlalchemy import text

from summit.extensions import db as _db
from summit.models import ProgramSession
from summit.services.program.errors import ProgramError, StaleEdit
from summit.services.program.scheduling import place_session, unschedule
from tests.schedule_world import at, program, session
from tests.threads import in_threads


def test_two_moves_of_one_version_exactly_one_wins(app, db, make_event):
    event = make_event(slug="summit2027")
    rooms = program(event)
    for race in range(10):  # ten races, each on a fresh session
        talk = session(event, f"Föredrag {race}", duration=30)
        moves = [(rooms[0].id, at(10)), (rooms[1].id, at(14))]

        def move(talk_id=talk.id, moves=moves):
            room_id, start = moves.pop()
            mine = _db.session.get(ProgramSession, talk_id)
            try:
                placed = place_session(mine, room_id, start, 45, expected_version=1)
            except StaleEdit:
                return "stale", None
            return "saved", (placed.room_id, placed.starts_at)

        outcomes = in_threads(app, 2, move)
        assert sorted(kind for kind, _ in outcomes) == ["saved", "stale"], outcomes
        winner = next(where for kind, where in outcomes if kind == "saved")
        db.session.rollback()
        stored = db.session.get(ProgramSession, talk.id)
        db.session.refresh(stored)
        assert (stored.room_id, stored.starts_at) == winner  # the winner's move, whole
        assert stored.version == 2


def test_a_move_and_an_unschedule_at_once(app, db, make_event):
    event = make_event(slug="summit2027")
    rooms = program(event)
    talk = session(event, "Föredrag", room=rooms[0], start=at(9), duration=30)
    talk_id, other_room = talk.id, rooms[1].id  # read here: the threads have their own sessions
    actions = [
        lambda s: place_session(s, other_room, at(11), 30, expected_version=1),
        lambda s: unschedule(s, expected_version=1),
    ]

    def act():
        action = actions.pop()
        try:
            action(_db.session.get(ProgramSession, talk_id))
        except StaleEdit:
            return "stale"
        return "saved"

    assert sorted(in_threads(app, 2, act)) == ["saved", "stale"]
    db.session.rollback()
    stored = db.session.get(ProgramSession, talk_id)
    db.session.refresh(stored)
    assert stored.version == 2
    assert (stored.room_id, stored.starts_at) in [(other_room, at(11)), (None, None)]


def test_placing_into_a_room_deleted_meanwhile_is_refused(app, db, make_event):
    event = make_event(slug="summit2027")
    rooms = program(event)
    talk = session(event, "Föredrag", duration=30)
    talk_id, room_id = talk.id, rooms[1].id
    # Another organizer's transaction is deleting the room and has not committed yet.
    deleter = _db.engine.connect()
    deletion = deleter.begin()
    deleter.execute(text("SELECT id FROM rooms WHERE id = :id FOR UPDATE"), {"id": room_id})
    deleter.execute(text("DELETE FROM rooms WHERE id = :id"), {"id": room_id})
    outcome = []

    def place():
        with app.app_context():
            mine = _db.session.get(ProgramSession, talk_id)
            try:
                place_session(mine, room_id, at(10), 30, expected_version=1)
                outcome.append("saved")
            except ProgramError as error:
                outcome.append(error.reason)

    placer = threading.Thread(target=place)
    placer.start()
    placer.join(0.5)
    assert placer.is_alive(), "the placement should wait for the deletion"
    deletion.commit()
    deleter.close()
    placer.join(10)
    assert outcome == ["unknown_room"]
    db.session.rollback()
    stored = db.session.get(ProgramSession, talk_id)
    db.session.refresh(stored)
    assert (stored.room_id, stored.starts_at, stored.version) == (None, None, 1)
