"""No oversold workshop on PostgreSQL: 30 attendees on 30 connections race for the last
places of a session, and one ticket signed up from many phones at once is one place."""

from sqlalchemy import func, select

from summit.extensions import db as _db
from summit.models import ProgramSession, Ticket, User, WorkshopSignup
from summit.services.program import signups
from summit.services.program.errors import Full
from tests import checkin_world
from tests.signup_world import BEFORE, ticket, workshop
from tests.threads import in_threads

LIMIT = 7
PEOPLE = 30


def _active(db) -> int:
    db.session.commit()
    return db.session.scalar(
        select(func.count())
        .select_from(WorkshopSignup)
        .where(WorkshopSignup.cancelled_at.is_(None))
    )


def test_thirty_attendees_seven_places_exactly_seven_signed_up(app, db, make_event, make_user):
    event = make_event()
    made, _talk = workshop(event, limit=LIMIT)
    regular = checkin_world.ticket_type(event)
    # Two places are gone already: the race is for the last five.
    for n in range(2):
        early = make_user(f"early{n}@example.org")
        signups.sign_up(made, ticket(event, regular, early.email), early, BEFORE)
    pairs = []
    for n in range(PEOPLE):
        person = make_user(f"person{n}@example.org")
        pairs.append((ticket(event, regular, person.email).id, person.id))
    session_id = made.id
    queue = iter(pairs)

    def sign_up():
        ticket_id, user_id = next(queue)
        session = _db.session.get(ProgramSession, session_id)
        try:
            signups.sign_up(
                session, _db.session.get(Ticket, ticket_id), _db.session.get(User, user_id), BEFORE
            )
            return "ok"
        except Full:
            return "full"

    outcomes = in_threads(app, PEOPLE, sign_up)
    assert outcomes.count("ok") == LIMIT - 2
    assert outcomes.count("full") == PEOPLE - (LIMIT - 2)
    assert _active(db) == LIMIT


def test_one_ticket_from_many_phones_is_one_signup(app, db, make_event, make_user):
    event = make_event()
    made, _talk = workshop(event, limit=LIMIT)
    anna = make_user("anna@example.org")
    mine = ticket(event, checkin_world.ticket_type(event), anna.email)
    ids = (made.id, mine.id, anna.id)

    def sign_up():
        session_id, ticket_id, user_id = ids
        return signups.sign_up(
            _db.session.get(ProgramSession, session_id),
            _db.session.get(Ticket, ticket_id),
            _db.session.get(User, user_id),
            BEFORE,
        ).id

    results = in_threads(app, 10, sign_up)
    assert len(set(results)) == 1
    assert _active(db) == 1
