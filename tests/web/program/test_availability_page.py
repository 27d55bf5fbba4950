"""The speaker's availability page: a speaker of a confirmed or accepted proposal states
when they can speak; nobody else sees the page; garbage is answered with 422 and
changes nothing; the organizers see it on the session's page."""

from datetime import time

import pytest
from sqlalchemy import func, select

from summit.models import ProposalState, SpeakerAvailability
from summit.services.program.availability import Period, periods_of, set_availability
from tests.conftest import csrf_token, sign_in
from tests.schedule_world import FIRST_DAY, program

PAGE = "/events/summit2027/speakers/availability"
SECOND_DAY = FIRST_DAY.replace(day=19)


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027", name_sv="Summit 2027", name_en="Summit 2027")


@pytest.fixture
def call(event, make_call):
    return make_call(event)


@pytest.fixture
def speaker(client, event, call, make_user, make_proposal):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = make_user("sara@example.org", "Sara Lind")
    make_proposal(call, user, state=ProposalState.CONFIRMED)
    program(event)  # three days, 09:00–17:00
    sign_in(client, user)
    return user


def period_rows(**rows) -> dict:
    """Form data: rows given as n=(day, from, until)."""
    data = {}
    for key, (day, starts, ends) in rows.items():
        index = key.lstrip("r")
        data.update(
            {
                f"periods-{index}-day": day,
                f"periods-{index}-starts": starts,
                f"periods-{index}-ends": ends,
            }
        )
    return data


def save(client, **rows):
    return client.post(PAGE, data=dict(period_rows(**rows), csrf_token=csrf_token(client, PAGE)))


def stored(db) -> list[tuple]:
    return [
        (r.user_id, r.starts_at, r.ends_at)
        for r in db.session.scalars(select(SpeakerAvailability).order_by(SpeakerAvailability.id))
    ]


def test_a_confirmed_speaker_states_and_changes_their_availability(client, db, event, speaker):
    proposals = client.get("/events/summit2027/speakers/proposals/")
    assert f'href="{PAGE}"' in proposals.text
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "available throughout the program" in page.text
    assert "09:00–17:00" in page.text  # the days' hours, with the days to choose
    response = save(
        client,
        r0=("2027-05-19", "13:00", "17:00"),
        r1=("", "", ""),
        r2=("2027-05-18", "9.00", "11:30"),
    )
    assert response.status_code == 302
    assert periods_of(event, speaker) == [
        Period(FIRST_DAY, time(9), time(11, 30)),
        Period(SECOND_DAY, time(13), time(17)),
    ]
    page = client.get(PAGE)
    assert 'value="11:30"' in page.text and 'value="13:00"' in page.text
    # Every row empty: available throughout again.
    response = save(client, r0=("", "", ""))
    assert response.status_code == 302
    assert periods_of(event, speaker) == []


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"r0": ("2027-05-25", "09:00", "10:00")}, "Choose one of the program"),
        ({"r0": ("garbage", "09:00", "10:00")}, "Choose one of the program"),
        ({"r0": ("", "09:00", "10:00")}, "Choose a day."),
        ({"r0": ("2027-05-18", "nine", "10:00")}, "Enter a time, e.g. 09:00."),
        ({"r0": ("2027-05-18", "", "10:00")}, "This field is required."),
        ({"r0": ("2027-05-18", "12:00", "10:00")}, "The end must be after the start."),
        ({"r0": ("2027-05-18", "07:00", "10:00")}, "the program runs 09:00–17:00"),
        (
            {"r0": ("2027-05-18", "09:00", "12:00"), "r1": ("2027-05-18", "11:00", "13:00")},
            "Two of the times overlap",
        ),
    ],
)
def test_garbage_is_refused_with_422_and_nothing_changed(client, db, event, speaker, rows, message):
    set_availability(event, speaker, [Period(SECOND_DAY, time(9), time(10))])
    before = stored(db)
    response = save(client, **rows)
    assert response.status_code == 422
    assert message in response.text
    assert "Nothing was saved" in response.text
    assert stored(db) == before


def test_without_the_form_token_nothing_is_saved(client, db, event, speaker):
    response = client.post(PAGE, data=period_rows(r0=("2027-05-18", "09:00", "10:00")))
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(SpeakerAvailability)) == 0


@pytest.mark.parametrize(
    "state", [ProposalState.SUBMITTED, ProposalState.REJECTED, ProposalState.WITHDRAWN]
)
def test_people_who_do_not_speak_get_404(client, db, event, call, make_user, make_proposal, state):
    user = make_user("other@example.org")
    make_proposal(call, user, state=state)
    sign_in(client, user)
    assert client.get(PAGE).status_code == 404
    token = csrf_token(client, "/login")
    data = dict(period_rows(r0=("2027-05-18", "09:00", "10:00")), csrf_token=token)
    assert client.post(PAGE, data=data).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(SpeakerAvailability)) == 0
    assert 'speakers/availability"' not in client.get("/events/summit2027/speakers/proposals/").text


def test_an_accepted_speaker_may_and_a_visitor_signs_in_first(
    app, db, event, call, make_user, make_proposal
):
    assert app.test_client().get(PAGE).status_code == 302
    user = make_user("acc@example.org")
    make_proposal(call, user, state=ProposalState.ACCEPTED)
    client = app.test_client()
    sign_in(client, user)
    assert client.get(PAGE).status_code == 200
    # Another event's page: not a speaker there.
    assert client.get("/events/nope/speakers/availability").status_code == 404


def test_one_speaker_cannot_touch_anothers_availability(
    app, db, event, call, speaker, make_user, make_proposal
):
    set_availability(event, speaker, [Period(FIRST_DAY, time(9), time(10))])
    other = make_user("co@example.org")
    make_proposal(call, other, state=ProposalState.CONFIRMED)
    client = app.test_client()
    sign_in(client, other)
    page = client.get(PAGE)
    assert "tillgänglig under hela programmet" in page.text  # their own, not Sara's
    token = csrf_token(client, PAGE)
    client.post(
        PAGE, data={"csrf_token": token, **period_rows(r0=("2027-05-20", "10:00", "11:00"))}
    )
    assert periods_of(event, speaker) == [Period(FIRST_DAY, time(9), time(10))]
    assert len(periods_of(event, other)) == 1
