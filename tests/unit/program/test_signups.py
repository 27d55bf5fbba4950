"""Workshop sign-ups: the limit, one place per ticket, cancelling, who may sign up which
ticket, when sign-up closes, and the session's door list."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from summit.models import CheckinList, OrderStatus, ProgramSession, TicketStatus, WorkshopSignup
from summit.services.program import signups
from summit.services.program.errors import Full, ProgramError
from summit.services.program.releases import publish
from tests import checkin_world
from tests.schedule_world import at, program, session
from tests.signup_world import BEFORE, WORKSHOP_STARTS, ticket, workshop


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def regular(event):
    return checkin_world.ticket_type(event, "Ordinarie", name_en="Regular", price=150000)


@pytest.fixture
def sessions(event):
    return workshop(event, limit=2)


@pytest.fixture
def people(make_user):
    return {
        name: make_user(f"{name}@example.org", name=name.title())
        for name in ("anna", "bo", "cia", "dan")
    }


def english(error: ProgramError) -> str:
    with force_locale("en"):
        return error.message


def rows(db) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(WorkshopSignup))


def test_signing_up_until_full(db, event, regular, sessions, people):
    made, _talk = sessions
    tickets = {n: ticket(event, regular, f"{n}@example.org") for n in people}
    first = signups.sign_up(made, tickets["anna"], people["anna"], now=BEFORE)
    assert first.ticket_id == tickets["anna"].id and first.user_id == people["anna"].id
    assert signups.signup_count(made) == 1 and signups.places_left(made) == 1
    signups.sign_up(made, tickets["bo"], people["bo"], now=BEFORE)
    assert signups.places_left(made) == 0
    with pytest.raises(Full) as refused:
        signups.sign_up(made, tickets["cia"], people["cia"], now=BEFORE)
    assert english(refused.value) == "All places are taken."
    assert rows(db) == 2
    assert [s.ticket.attendee_email for s in signups.signups_of(made)] == [
        "anna@example.org",
        "bo@example.org",
    ]


def test_the_limit_is_the_rooms_capacity_without_a_limit_of_its_own(db, event, regular, people):
    made, _talk = workshop(event, limit=None, capacity=1)
    assert signups.signup_limit(made) == 1
    signups.sign_up(made, ticket(event, regular, "anna@example.org"), people["anna"], now=BEFORE)
    with pytest.raises(Full):
        signups.sign_up(made, ticket(event, regular, "bo@example.org"), people["bo"], now=BEFORE)


def test_signing_up_twice_is_the_same_signup(db, event, regular, sessions, people):
    made, _talk = sessions
    mine = ticket(event, regular, "anna@example.org")
    first = signups.sign_up(made, mine, people["anna"], now=BEFORE)
    again = signups.sign_up(made, mine, people["anna"], now=BEFORE)
    assert again.id == first.id
    assert rows(db) == 1 and signups.signup_count(made) == 1


def test_the_same_ticket_again_when_full_is_not_refused(db, event, regular, sessions, people):
    made, _talk = sessions
    a, b = ticket(event, regular, "anna@example.org"), ticket(event, regular, "bo@example.org")
    signups.sign_up(made, a, people["anna"], now=BEFORE)
    signups.sign_up(made, b, people["bo"], now=BEFORE)
    assert signups.sign_up(made, a, people["anna"], now=BEFORE).ticket_id == a.id


def test_cancelling_frees_the_place(db, event, regular, sessions, people):
    made, _talk = sessions
    tickets = [ticket(event, regular, f"{n}@example.org") for n in ("anna", "bo", "cia")]
    taken = signups.sign_up(made, tickets[0], people["anna"], now=BEFORE)
    signups.sign_up(made, tickets[1], people["bo"], now=BEFORE)
    assert signups.cancel_signup(taken, people["anna"]) is True
    assert signups.cancel_signup(taken, people["anna"]) is False  # already
    assert signups.signup_count(made) == 1
    signups.sign_up(made, tickets[2], people["cia"], now=BEFORE)
    assert signups.signup_count(made) == 2
    # Signing up again after cancelling is a new sign-up (the old one stays, cancelled).
    with pytest.raises(Full):
        signups.sign_up(made, tickets[0], people["anna"], now=BEFORE)
    assert rows(db) == 3


def test_someone_else_cannot_cancel(db, event, regular, sessions, people):
    made, _talk = sessions
    taken = signups.sign_up(
        made, ticket(event, regular, "anna@example.org"), people["anna"], now=BEFORE
    )
    with pytest.raises(ProgramError) as refused:
        signups.cancel_signup(taken, people["bo"])
    assert refused.value.reason == "not_your_signup"
    assert signups.signup_count(made) == 1


def test_a_session_not_published_is_refused(db, event, regular, sessions, people):
    made, _talk = sessions
    later = session(
        event, "Ny workshop", room=made.room, start=at(16), duration=30, takes_signups=True
    )
    with pytest.raises(ProgramError) as refused:
        signups.sign_up(later, ticket(event, regular, "anna@example.org"), people["anna"])
    assert refused.value.reason == "not_published"
    assert english(refused.value) == "This session is not in the published program."
    assert rows(db) == 0


def test_an_event_never_published_is_refused(db, make_event, people):
    other = make_event()
    program(other)
    lone = session(other, "W", start=at(14), takes_signups=True)
    kind = checkin_world.ticket_type(other)
    with pytest.raises(ProgramError) as refused:
        signups.sign_up(lone, ticket(other, kind, "anna@example.org"), people["anna"])
    assert refused.value.reason == "not_published"


def test_a_session_without_signups_is_refused(db, event, regular, sessions, people):
    _made, talk = sessions
    with pytest.raises(ProgramError) as refused:
        signups.sign_up(talk, ticket(event, regular, "anna@example.org"), people["anna"], BEFORE)
    assert refused.value.reason == "no_signups"


def test_someone_elses_ticket_is_refused(db, event, regular, sessions, people):
    made, _talk = sessions
    annas = ticket(event, regular, "anna@example.org")
    with pytest.raises(ProgramError) as refused:
        signups.sign_up(made, annas, people["bo"], now=BEFORE)
    assert refused.value.reason == "not_your_ticket"
    assert "not yours" in english(refused.value)
    assert rows(db) == 0


def test_emails_match_whatever_their_case(db, event, regular, sessions, people):
    made, _talk = sessions
    shouting = ticket(event, regular, "ANNA@Example.ORG")
    assert signups.sign_up(made, shouting, people["anna"], now=BEFORE).ticket_id == shouting.id


def test_the_buyer_signs_up_a_colleague(db, event, regular, sessions, people):
    made, _talk = sessions
    colleague = ticket(event, regular, "cia@example.org", buyer_email="anna@example.org")
    assert [t.id for t in signups.my_tickets(event, people["anna"])] == [colleague.id]
    assert [t.id for t in signups.my_tickets(event, people["cia"])] == [colleague.id]
    assert signups.my_tickets(event, people["bo"]) == []
    signup = signups.sign_up(made, colleague, people["anna"], now=BEFORE)
    # Both see it; the colleague signing up too lands on the same place.
    assert [s.id for s in signups.my_signups(event, people["cia"])] == [signup.id]
    assert signups.sign_up(made, colleague, people["cia"], now=BEFORE).id == signup.id
    assert signups.cancel_signup(signup, people["cia"]) is True


@pytest.mark.parametrize(
    ("order_status", "ticket_status"),
    [
        (OrderStatus.PAID, TicketStatus.CANCELLED),
        (OrderStatus.PAID, TicketStatus.REFUNDED),
        (OrderStatus.REFUNDED, TicketStatus.VALID),
        (OrderStatus.CANCELLED, TicketStatus.VALID),
        (OrderStatus.RESERVED, TicketStatus.VALID),  # not paid
    ],
)
def test_a_ticket_that_does_not_hold_is_refused(
    db, event, regular, sessions, people, order_status, ticket_status
):
    made, _talk = sessions
    gone = ticket(
        event, regular, "anna@example.org", status=order_status, ticket_status=ticket_status
    )
    with pytest.raises(ProgramError) as refused:
        signups.sign_up(made, gone, people["anna"], now=BEFORE)
    assert refused.value.reason == "no_ticket"
    assert signups.my_tickets(event, people["anna"]) == []
    assert rows(db) == 0


def test_a_ticket_to_another_event_is_refused(db, event, sessions, people, make_event):
    made, _talk = sessions
    other = make_event()
    elsewhere = ticket(other, checkin_world.ticket_type(other), "anna@example.org")
    with pytest.raises(ProgramError) as refused:
        signups.sign_up(made, elsewhere, people["anna"], now=BEFORE)
    assert refused.value.reason == "no_ticket"


def test_a_refunded_ticket_frees_its_place(db, event, regular, sessions, people):
    made, _talk = sessions
    a, b = ticket(event, regular, "anna@example.org"), ticket(event, regular, "bo@example.org")
    signups.sign_up(made, a, people["anna"], now=BEFORE)
    signups.sign_up(made, b, people["bo"], now=BEFORE)
    a.status = TicketStatus.REFUNDED
    db.session.commit()
    assert signups.signup_count(made) == 1
    assert [s.ticket_id for s in signups.signups_of(made)] == [b.id]
    signups.sign_up(made, ticket(event, regular, "cia@example.org"), people["cia"], now=BEFORE)


def test_signup_closes_when_the_session_starts(db, event, regular, sessions, people):
    made, _talk = sessions
    mine = ticket(event, regular, "anna@example.org")
    just_before = WORKSHOP_STARTS - timedelta(minutes=1)
    taken = signups.sign_up(made, mine, people["anna"], now=just_before)
    signups.cancel_signup(taken, people["anna"])
    with pytest.raises(ProgramError) as refused:
        signups.sign_up(made, mine, people["anna"], now=WORKSHOP_STARTS)
    assert refused.value.reason == "closed"
    assert english(refused.value) == "Sign-up closed when the session started."
    assert signups.signup_count(made) == 0


def test_a_lowered_limit_keeps_the_signups_and_shows_as_over_capacity(db, event, regular, people):
    made, _talk = workshop(event, limit=3, capacity=2)
    for name in ("anna", "bo", "cia"):
        signups.sign_up(made, ticket(event, regular, f"{name}@example.org"), people[name], BEFORE)
    from summit.services.program.conflicts import find_conflicts

    over = [c for c in find_conflicts(event) if c.kind == "over_capacity"]
    assert [c.sessions for c in over] == [(made.token,)]
    assert "3" in over[0].message
    made.signup_limit = 1
    db.session.commit()
    assert signups.signup_count(made) == 3 and signups.places_left(made) == 0
    with pytest.raises(Full):
        signups.sign_up(made, ticket(event, regular, "dan@example.org"), people["dan"], BEFORE)


def test_organizers_closing_signups_takes_effect_at_once(db, event, regular, sessions, people):
    made, _talk = sessions
    made.takes_signups = False
    db.session.commit()
    with pytest.raises(ProgramError) as refused:
        signups.sign_up(made, ticket(event, regular, "anna@example.org"), people["anna"], BEFORE)
    assert refused.value.reason == "no_signups"


def test_rows_for_the_organizer(db, event, regular, sessions, people):
    made, _talk = sessions
    mine = ticket(event, regular, "anna@example.org", name="Anna Andersson")
    signups.sign_up(made, mine, people["anna"], now=BEFORE)
    [row] = signups.signup_rows(made)
    assert (row.name, row.email, row.organisation, row.ticket_type) == (
        "Anna Andersson",
        "anna@example.org",
        "Mötesplats AB",
        "Ordinarie",
    )


def test_the_door_list_is_made_once_on_the_sessions_day(db, event, sessions):
    made, _talk = sessions
    door = signups.door_list_for(made)
    assert (door.name, door.day, door.session_id) == (
        "Tjänstedesign",
        made.starts_at.date(),
        made.id,
    )
    assert signups.door_list_for(made).id == door.id
    assert db.session.scalar(select(func.count()).select_from(CheckinList)) == 1


def test_the_door_list_gets_a_free_name(db, event, sessions):
    made, _talk = sessions
    db.session.add(CheckinList(event_id=event.id, name="Tjänstedesign"))
    db.session.commit()
    assert signups.door_list_for(made).name == "Tjänstedesign (2027-05-18)"


def test_the_door_list_follows_the_session_to_another_day(db, event, sessions):
    made, _talk = sessions
    door = signups.door_list_for(made)
    fresh = db.session.get(ProgramSession, made.id)
    fresh.starts_at = at(14, day=1)
    db.session.commit()
    publish(event, confirm_conflicts=True)
    # Publishing moved it: door staff scan on the day the new release says.
    db.session.expire_all()
    assert db.session.get(CheckinList, door.id).day == at(14, day=1).date()
    assert signups.door_list_for(fresh).id == door.id
