"""Speakers' availability: stated by speakers of the program only, as periods of the
program's days within their hours (Swedish time, stored in UTC), replacing what they
said before; none stated means available throughout."""

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from summit.models import ProposalState, SpeakerAvailability
from summit.services.program import ProgramError
from summit.services.program.availability import (
    Period,
    availability_of,
    day_hours,
    is_program_speaker,
    periods_of,
    set_availability,
)
from tests.schedule_world import program, session

MAY_18, MAY_19 = date(2027, 5, 18), date(2027, 5, 19)


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027")


@pytest.fixture
def speaker(db, event, make_call, make_user, make_proposal):
    user = make_user("sara@example.org", "Sara")
    make_proposal(make_call(event), user, state=ProposalState.CONFIRMED)
    return user


def stored(db) -> int:
    return db.session.scalar(select(func.count()).select_from(SpeakerAvailability))


def test_periods_are_stored_in_utc_and_replace_the_earlier_ones(db, event, speaker):
    program(event)  # days 09:00–17:00
    set_availability(event, speaker, [Period(MAY_19, time(13), time(17))])
    set_availability(
        event,
        speaker,
        [Period(MAY_19, time(9), time(12)), Period(MAY_18, time(10), time(11, 30))],
    )
    rows = availability_of(event, speaker)
    assert [(r.starts_at, r.ends_at) for r in rows] == [
        (datetime(2027, 5, 18, 8, 0, tzinfo=UTC), datetime(2027, 5, 18, 9, 30, tzinfo=UTC)),
        (datetime(2027, 5, 19, 7, 0, tzinfo=UTC), datetime(2027, 5, 19, 10, 0, tzinfo=UTC)),
    ]
    assert periods_of(event, speaker) == [
        Period(MAY_18, time(10), time(11, 30)),
        Period(MAY_19, time(9), time(12)),
    ]
    # None: available throughout.
    set_availability(event, speaker, [])
    assert availability_of(event, speaker) == [] and stored(db) == 0


def test_back_to_back_periods_are_not_an_overlap(db, event, speaker):
    program(event)
    set_availability(
        event, speaker, [Period(MAY_18, time(9), time(12)), Period(MAY_18, time(12), time(14))]
    )
    assert len(availability_of(event, speaker)) == 2


@pytest.mark.parametrize(
    ("periods", "reason", "field", "index"),
    [
        ([Period(date(2027, 5, 21), time(9), time(12))], "not_a_program_day", "day", 0),
        ([Period("2027-05-18", time(9), time(12))], "not_a_program_day", "day", 0),
        ([Period(MAY_18, None, time(12))], "required", "starts", 0),
        ([Period(MAY_18, time(9), "noon")], "required", "ends", 0),
        ([Period(MAY_18, time(12), time(9))], "end_before_start", "ends", 0),
        ([Period(MAY_18, time(12), time(12))], "end_before_start", "ends", 0),
        ([Period(MAY_18, time(8), time(12))], "period_outside_day", "starts", 0),
        (
            [Period(MAY_18, time(9), time(10)), Period(MAY_18, time(16), time(18))],
            "period_outside_day",
            "ends",
            1,
        ),
        (
            [Period(MAY_18, time(9), time(12)), Period(MAY_18, time(11), time(13))],
            "periods_overlap",
            "starts",
            1,
        ),
        ([Period(MAY_18, time(9), time(10))] * 21, "too_many_periods", None, None),
    ],
)
def test_bad_periods_are_refused_and_the_old_ones_kept(
    db, event, speaker, periods, reason, field, index
):
    program(event)
    set_availability(event, speaker, [Period(MAY_19, time(9), time(10))])
    with pytest.raises(ProgramError) as caught:
        set_availability(event, speaker, periods)
    assert caught.value.reason == reason and caught.value.message != reason
    assert caught.value.field == field
    assert caught.value.params.get("index") == index
    assert periods_of(event, speaker) == [Period(MAY_19, time(9), time(10))]


def test_the_outside_hours_message_names_the_days_hours(app, db, event, speaker):
    program(event)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(ProgramError) as caught:
            set_availability(event, speaker, [Period(MAY_18, time(7), time(12))])
        assert "09:00" in caught.value.message and "17:00" in caught.value.message


def test_without_program_days_the_events_days_count(db, event, speaker):
    assert list(day_hours(event)) == [MAY_18, MAY_19, date(2027, 5, 20)]
    set_availability(event, speaker, [Period(date(2027, 5, 20), time(7), time(22))])
    assert len(availability_of(event, speaker)) == 1


def test_only_speakers_of_the_program_state_it(
    db, event, make_call, make_user, make_proposal, make_event
):
    call = make_call(event)
    states = {
        ProposalState.ACCEPTED: True,
        ProposalState.CONFIRMED: True,
        ProposalState.SUBMITTED: False,
        ProposalState.REJECTED: False,
        ProposalState.WITHDRAWN: False,
    }
    for state, speaks in states.items():
        user = make_user(f"{state.value}@example.org")
        make_proposal(call, user, state=state)
        assert is_program_speaker(event, user) is speaks, state
    # A speaker of a session made by hand speaks too; at this event only.
    keynote_speaker = make_user("keynote@example.org")
    session(event, title="Keynote", speakers=[keynote_speaker])
    assert is_program_speaker(event, keynote_speaker)
    assert not is_program_speaker(make_event(slug="other"), keynote_speaker)
    outsider = make_user("nobody@example.org")
    with pytest.raises(ProgramError) as caught:
        set_availability(event, outsider, [Period(MAY_18, time(9), time(10))])
    assert caught.value.reason == "not_a_speaker"
    assert stored(db) == 0
