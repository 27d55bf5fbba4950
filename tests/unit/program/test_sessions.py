"""Sessions made by hand (keynotes, breaks, workshops...) and edits of any session:
checked input, speakers by email in their order, a stale edit refused, removal of
hand-made sessions only, and the list of sessions waiting to be scheduled."""

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from summit.models import (
    ProgramSession,
    ProposalState,
    SessionKind,
    SessionSpeaker,
    Track,
    User,
    WorkshopSignup,
)
from summit.services.cfp.confirmation import create_session
from summit.services.program import ProgramError, StaleEdit
from summit.services.program.sessions import (
    SessionData,
    add_session,
    delete_session,
    program_sessions,
    session_by_token,
    session_counts,
    sessions_to_schedule,
    update_session,
)
from tests.conftest import CFP_OPEN_NOW
from tests.schedule_world import at, program

KEYNOTE = SessionData(
    title="Öppning: civilsamhällets år",
    abstract="Välkommen.",
    kind=SessionKind.KEYNOTE,
    duration_minutes=45,
    language="sv",
    speaker_emails=["Ann@Example.org", "bo@example.org"],
)


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027")


def speakers(session) -> list[str]:
    return [s.user.email for s in session.speakers]


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_keynote_is_made_with_new_and_existing_speakers_in_order(db, event, make_user):
    make_user("bo@example.org", "Bo")
    made = add_session(event, KEYNOTE)
    db.session.expire_all()
    made = session_by_token(event, made.token)
    assert (made.title, made.kind, made.duration_minutes) == (
        KEYNOTE.title,
        SessionKind.KEYNOTE,
        45,
    )
    assert speakers(made) == ["ann@example.org", "bo@example.org"]
    assert made.starts_at is None and made.version == 1 and made.proposal_id is None
    # Ann had no account: she has one now, without a password (emailed links).
    ann = db.session.scalar(select(User).where(User.email == "ann@example.org"))
    assert ann is not None and not ann.has_password
    assert count(db, User) == 2


def test_a_workshop_takes_signups_with_a_limit(db, event):
    made = add_session(
        event,
        SessionData(
            title="Verkstad",
            kind=SessionKind.WORKSHOP,
            duration_minutes=90,
            takes_signups=True,
            signup_limit=25,
        ),
    )
    assert (made.takes_signups, made.signup_limit) == (True, 25)
    # Without sign-ups a limit means nothing and is not kept.
    changed = update_session(made, replace(_data_of(made), takes_signups=False), made.version)
    assert (changed.takes_signups, changed.signup_limit) == (False, None)


def _data_of(session) -> SessionData:
    return SessionData(
        title=session.title,
        abstract=session.abstract,
        kind=session.kind,
        duration_minutes=session.duration_minutes,
        track_id=session.track_id,
        language=session.language,
        speaker_emails=speakers(session),
        takes_signups=session.takes_signups,
        signup_limit=session.signup_limit,
    )


@pytest.mark.parametrize(
    ("change", "reason", "field"),
    [
        ({"title": ""}, "required", "title"),
        ({"title": "x" * 201}, "too_long", "title"),
        ({"title": None}, "required", "title"),
        ({"abstract": "x" * 5001}, "too_long", "abstract"),
        ({"kind": "keynote"}, "invalid_choice", "kind"),
        ({"duration_minutes": 0}, "range", "duration_minutes"),
        ({"duration_minutes": -30}, "range", "duration_minutes"),
        ({"duration_minutes": 605}, "range", "duration_minutes"),
        ({"duration_minutes": 42}, "not_on_grid", "duration_minutes"),
        ({"duration_minutes": "45"}, "range", "duration_minutes"),
        ({"track_id": 999999}, "unknown_track", "track_id"),
        ({"track_id": "1"}, "unknown_track", "track_id"),
        ({"language": "de"}, "invalid_choice", "language"),
        ({"speaker_emails": ["not an address"]}, "invalid_email", "speakers"),
        ({"speaker_emails": "ann@example.org"}, "invalid_email", "speakers"),
        ({"speaker_emails": [f"p{i}@example.org" for i in range(21)]}, "too_many_speakers", None),
        ({"kind": SessionKind.BREAK}, "pause_no_speakers", "speakers"),
        (
            {"kind": SessionKind.LUNCH, "speaker_emails": [], "takes_signups": True},
            "pause_no_signups",
            "takes_signups",
        ),
        ({"takes_signups": True, "signup_limit": 0}, "range", "signup_limit"),
        ({"takes_signups": True, "signup_limit": 10_001}, "range", "signup_limit"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(db, event, change, reason, field):
    with pytest.raises(ProgramError) as caught:
        add_session(event, replace(KEYNOTE, **change))
    assert caught.value.reason == reason
    if field:
        assert caught.value.field == field
    assert caught.value.message != reason
    assert count(db, ProgramSession) == 0 and count(db, User) == 0


def test_a_track_of_another_event_is_refused(db, event, make_event):
    other = make_event(slug="other")
    track = Track(event=other, name_sv="Annat")
    db.session.add(track)
    db.session.commit()
    with pytest.raises(ProgramError) as caught:
        add_session(event, replace(KEYNOTE, track_id=track.id))
    assert caught.value.reason == "unknown_track"


def test_an_edit_changes_speakers_keeps_order_and_bumps_the_version(db, event):
    made = add_session(event, KEYNOTE)
    data = replace(
        KEYNOTE,
        title="Öppning",
        duration_minutes=30,
        speaker_emails=["cia@example.org", "ann@example.org", "ANN@example.org"],
    )
    changed = update_session(made, data, expected_version=1)
    db.session.expire_all()
    changed = session_by_token(event, made.token)
    assert changed.title == "Öppning" and changed.duration_minutes == 30
    assert speakers(changed) == ["cia@example.org", "ann@example.org"]  # the same person once
    assert [s.position for s in changed.speakers] == [0, 1]
    assert changed.version == 2
    assert count(db, SessionSpeaker) == 2


def test_a_stale_edit_is_refused_and_changes_nothing(db, event):
    made = add_session(event, KEYNOTE)
    update_session(made, replace(KEYNOTE, title="Someone else's title"), expected_version=1)
    with pytest.raises(StaleEdit) as caught:
        update_session(made, replace(KEYNOTE, title="Mine"), expected_version=1)
    assert caught.value.reason == "stale" and caught.value.message != "stale"
    for garbage in (None, "2", True):
        with pytest.raises(StaleEdit):
            update_session(made, replace(KEYNOTE, title="Mine"), expected_version=garbage)
    db.session.expire_all()
    current = session_by_token(event, made.token)
    assert current.title == "Someone else's title" and current.version == 2


def test_a_session_from_a_proposal_is_edited_but_keeps_kind_and_speakers(
    db, event, make_call, make_user, make_proposal
):
    speaker = make_user("sara@example.org", "Sara")
    proposal = make_proposal(make_call(event), speaker, state=ProposalState.CONFIRMED)
    from_proposal = create_session(proposal, CFP_OPEN_NOW)
    db.session.commit()
    track = Track(event=event, name_sv="Innovation")
    db.session.add(track)
    db.session.commit()
    data = SessionData(
        title="Ny titel",
        abstract="Kortare.",
        kind=SessionKind.KEYNOTE,  # not the proposal's to change here: ignored
        duration_minutes=25,
        track_id=track.id,
        language="en",
        speaker_emails=["someone@example.org"],  # ignored too
        takes_signups=True,
        signup_limit=30,
    )
    update_session(from_proposal, data, from_proposal.version)
    db.session.expire_all()
    edited = session_by_token(event, from_proposal.token)
    assert (edited.title, edited.abstract, edited.duration_minutes) == ("Ny titel", "Kortare.", 25)
    assert (edited.track_id, edited.language, edited.signup_limit) == (track.id, "en", 30)
    assert edited.kind is SessionKind.TALK and speakers(edited) == ["sara@example.org"]
    with pytest.raises(ProgramError) as caught:
        delete_session(edited, edited.version)
    assert caught.value.reason == "from_proposal"
    assert session_by_token(event, from_proposal.token) is not None


def test_a_hand_made_session_is_removed_unless_stale_or_signed_up_for(db, event):
    made = add_session(event, KEYNOTE)
    with pytest.raises(StaleEdit):
        delete_session(made, expected_version=7)
    assert session_by_token(event, made.token) is not None
    delete_session(made, expected_version=1)
    assert session_by_token(event, made.token) is None
    assert count(db, SessionSpeaker) == 0


def test_a_session_with_signups_is_not_removed(db, event, make_ticket_type):
    from summit.models import Order, OrderStatus, Ticket, utcnow

    workshop = add_session(
        event, SessionData(title="Verkstad", kind=SessionKind.WORKSHOP, takes_signups=True)
    )
    ticket_type = make_ticket_type(event)
    order = Order(event=event, reference="WS1", status=OrderStatus.PAID, expires_at=utcnow())
    order.tickets.append(Ticket(ticket_type=ticket_type, price=0, vat_percent=25))
    db.session.add(order)
    db.session.flush()
    db.session.add(WorkshopSignup(session_id=workshop.id, ticket_id=order.tickets[0].id))
    db.session.commit()
    with pytest.raises(ProgramError) as caught:
        delete_session(workshop, workshop.version)
    assert caught.value.reason == "has_signups" and caught.value.params["n"] == 1
    assert session_by_token(event, workshop.token) is not None


def test_waiting_to_be_scheduled_are_hand_made_and_confirmed_ones(
    db, event, make_call, make_user, make_proposal
):
    rooms = program(event)
    call = make_call(event)
    speaker = make_user("sara@example.org")
    confirmed = create_session(
        make_proposal(call, speaker, state=ProposalState.CONFIRMED, title="Bekräftad"),
        CFP_OPEN_NOW,
    )
    # A session of a proposal that is no longer confirmed is not in the program.
    create_session(
        make_proposal(call, speaker, state=ProposalState.WITHDRAWN, title="Återtagen"),
        CFP_OPEN_NOW,
    )
    db.session.commit()
    keynote = add_session(event, KEYNOTE)
    lunch = add_session(
        event, SessionData(title="Lunch", kind=SessionKind.LUNCH, duration_minutes=60)
    )
    lunch.starts_at, lunch.room_id = at(12), rooms[0].id
    db.session.commit()
    waiting = sessions_to_schedule(event)
    # In the order they were made (the proposal's session dates from the call, 2027).
    assert [s.title for s in waiting] == [keynote.title, "Bekräftad"]
    assert session_counts(event) == {"scheduled": 1, "waiting": 2}
    assert [s.title for s in program_sessions(event)] == ["Lunch", keynote.title, "Bekräftad"]
    assert confirmed.token in {s.token for s in waiting}


def test_session_by_token_is_per_event(db, event, make_event):
    made = add_session(event, KEYNOTE)
    assert session_by_token(make_event(slug="other"), made.token) is None
    assert session_by_token(event, "x" * 100) is None
