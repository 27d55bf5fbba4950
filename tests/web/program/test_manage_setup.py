"""The organizers' program setup pages: the overview, rooms, days and sessions. Only the
event's organizers get in; garbage is answered with 422 and a clear message and changes
nothing; an edit made on an older version of a session is refused with 409."""

import re
from datetime import time

import pytest
from sqlalchemy import select

from summit.models import ProgramDay, ProgramSession, ProposalState, Role, Room, SessionKind, Track
from summit.services.cfp.confirmation import create_session
from summit.services.program.availability import Period, set_availability
from tests.conftest import CFP_OPEN_NOW, csrf_token, sign_in
from tests.schedule_world import FIRST_DAY, at, program, session

BASE = "/manage/events/summit2027/program"


def rows(db, model) -> list[tuple]:
    """Every row of a table as tuples of its columns, to prove nothing changed."""
    columns = model.__table__.columns
    return [
        tuple(getattr(row, c.key) for c in columns)
        for row in db.session.scalars(select(model).order_by(model.id))
    ]


def post(client, path, data=None, page=None):
    return client.post(path, data=dict(data or {}, csrf_token=csrf_token(client, page or path)))


def flashes(response) -> str:
    return " ".join(re.findall(r'<p class="flash flash-\w+">(.*?)</p>', response.text))


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027", name_sv="Summit 2027", name_en="Summit 2027")


@pytest.fixture
def organizer(client, event, make_user, grant, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = grant(make_user("omar@example.org", "Omar Haddad"), event, Role.ORGANIZER)
    login(user)
    return user


# Access --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/rooms/", "/rooms/new", "/days/", "/days/new", "/sessions/", "/sessions/new"]
)
def test_only_organizers_of_the_event_get_in(app, event, make_event, make_user, grant, path):
    other = make_event(slug="other")
    people = {
        "reviewer": grant(make_user("r@example.org"), event, Role.REVIEWER),
        "elsewhere": grant(make_user("e@example.org"), other, Role.ORGANIZER),
        "nobody": make_user("n@example.org"),
    }
    assert app.test_client().get(BASE + path).status_code == 302  # to sign in
    for who, user in people.items():
        client = app.test_client()
        sign_in(client, user)
        assert client.get(BASE + path).status_code == 403, who


def test_a_room_of_another_event_is_not_found(client, organizer, db, make_event):
    other = make_event(slug="other")
    room = Room(event=other, name="Annan sal")
    day = ProgramDay(event=other, day=FIRST_DAY, starts_at=at(9), ends_at=at(17))
    db.session.add_all([room, day])
    db.session.commit()
    made = session(other, title="Annan")
    assert client.get(f"{BASE}/rooms/{room.id}/").status_code == 404
    assert client.get(f"{BASE}/days/{day.id}/").status_code == 404
    assert client.get(f"{BASE}/sessions/{made.token}/").status_code == 404
    token = csrf_token(client, f"{BASE}/rooms/new")
    response = client.post(f"{BASE}/rooms/{room.id}/delete", data={"csrf_token": token})
    assert response.status_code == 404
    assert db.session.get(Room, room.id) is not None


# The overview --------------------------------------------------------------------------


def test_the_overview_counts_and_links_everything(client, organizer, db, event):
    rooms = program(event, days=2)
    session(event, title="Placerad", room=rooms[0], start=at(10))
    session(event, title="Väntar")
    page = client.get(f"{BASE}/")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    assert "<dt>Rooms</dt><dd>2</dd>" in text.replace("> <", "><")
    assert "<dt>Days</dt><dd>2</dd>" in text.replace("> <", "><")
    assert "<dt>Sessions scheduled</dt><dd>1</dd>" in text.replace("> <", "><")
    assert "<dt>Sessions waiting to be scheduled</dt><dd>1</dd>" in text.replace("> <", "><")
    for href in (
        f"{BASE}/rooms/",
        f"{BASE}/days/",
        f"{BASE}/sessions/",
        f"{BASE}/schedule/",
        f"{BASE}/conflicts",
        f"{BASE}/releases/",
        "/manage/events/summit2027/speakers/call#tracks",
        "/manage/events/summit2027/speakers/tracks/new",
    ):
        assert f'href="{href}"' in page.text, href
    # The event's organizer menu leads here.
    menu = client.get("/manage/events/summit2027/speakers/")
    assert f'href="{BASE}/"' in menu.text


# Rooms ---------------------------------------------------------------------------------


def test_an_organizer_adds_orders_and_removes_rooms(client, organizer, db, event):
    response = post(
        client,
        f"{BASE}/rooms/new",
        {
            "name": "Stora salen",
            "capacity": "400",
            "accessibility_notes": "Hörslinga",
            "opens_at": "08:30",
            "closes_at": "18:00",
        },
    )
    assert response.status_code == 302
    post(client, f"{BASE}/rooms/new", {"name": "Lilla salen"})
    big, small = db.session.scalars(select(Room).order_by(Room.position)).all()
    assert (big.capacity, big.opens_at, big.closes_at) == (400, time(8, 30), time(18))
    listing = client.get(f"{BASE}/rooms/")
    assert listing.text.index("Stora salen") < listing.text.index("Lilla salen")
    assert "08:30–18:00" in listing.text
    # Up and down.
    post(client, f"{BASE}/rooms/{small.id}/move", {"step": "-1"}, page=f"{BASE}/rooms/")
    listing = client.get(f"{BASE}/rooms/")
    assert listing.text.index("Lilla salen") < listing.text.index("Stora salen")
    # A position on the room's page.
    post(client, f"{BASE}/rooms/{big.id}/", {"name": "Stora salen", "position": "1"})
    db.session.expire_all()
    assert [r.name for r in db.session.scalars(select(Room).order_by(Room.position))] == [
        "Stora salen",
        "Lilla salen",
    ]
    # Removed.
    small_id = small.id
    response = post(client, f"{BASE}/rooms/{small_id}/delete", page=f"{BASE}/rooms/{small_id}/")
    assert response.status_code == 302 and "Removed." in flashes(client.get(f"{BASE}/rooms/"))
    assert db.session.get(Room, small_id) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Enter a name."),
        ({"name": "x" * 121}, "120"),
        ({"name": "Sal", "capacity": "many"}, "Enter a whole number"),
        ({"name": "Sal", "capacity": "-3"}, "Enter a number from 1 to 100000."),
        ({"name": "Sal", "opens_at": "25:99"}, "Enter a time, e.g. 09:00."),
        ({"name": "Sal", "opens_at": "16:00", "closes_at": "09:00"}, "The end must be after"),
        ({"name": "Stora salen"}, "A room with this name already exists."),
        ({"name": "Sal", "position": "zero"}, "Enter a whole number"),
    ],
)
def test_room_garbage_is_refused_with_422_and_nothing_changed(
    client, organizer, db, event, data, message
):
    room = Room(event=event, name="Stora salen")
    db.session.add(room)
    db.session.commit()
    before = rows(db, Room)
    for path in (f"{BASE}/rooms/new", f"{BASE}/rooms/{room.id}/"):
        if path.endswith("new") and "position" in data:
            continue
        if not path.endswith("new") and data.get("name") == "Stora salen":
            continue  # its own name
        response = post(client, path, data)
        assert response.status_code == 422, path
        assert message in response.text, path
        assert rows(db, Room) == before


def test_a_room_in_use_is_not_removed(client, organizer, db, event):
    rooms = program(event)
    session(event, room=rooms[0], start=at(10))
    page = client.get(f"{BASE}/rooms/{rooms[0].id}/")
    assert "1 session is scheduled in this room" in page.text
    before = rows(db, Room)
    token = csrf_token(client, f"{BASE}/rooms/")
    response = client.post(f"{BASE}/rooms/{rooms[0].id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert "Sessions are scheduled in this room (1)" in flashes(client.get(response.location))
    assert rows(db, Room) == before


def test_moving_and_removing_need_the_form_token(client, organizer, db, event):
    rooms = program(event)
    before = rows(db, Room)
    assert client.post(f"{BASE}/rooms/{rooms[1].id}/move", data={"step": "-1"}).status_code == 400
    token = csrf_token(client, f"{BASE}/rooms/")
    for step in ("5", "up", ""):
        response = client.post(
            f"{BASE}/rooms/{rooms[1].id}/move", data={"step": step, "csrf_token": token}
        )
        assert response.status_code == 400
    assert client.post(f"{BASE}/rooms/{rooms[1].id}/delete").status_code == 400
    assert rows(db, Room) == before


# Days ----------------------------------------------------------------------------------


def test_an_organizer_adds_changes_and_removes_days(client, organizer, db, event):
    form = client.get(f"{BASE}/days/new")
    assert 'value="2027-05-18"' in form.text and 'value="2027-05-21"' not in form.text
    response = post(
        client, f"{BASE}/days/new", {"day": "2027-05-18", "starts": "09:00", "ends": "17:30"}
    )
    assert response.status_code == 302
    day = db.session.scalar(select(ProgramDay))
    assert day.starts_at == at(9) and day.ends_at == at(17, 30)
    assert "09:00–17:30" in client.get(f"{BASE}/days/").text
    post(client, f"{BASE}/days/{day.id}/", {"day": "2027-05-18", "starts": "8.30", "ends": "17:30"})
    db.session.expire_all()
    assert db.session.get(ProgramDay, day.id).starts_at == at(8, 30)
    response = post(client, f"{BASE}/days/{day.id}/delete", page=f"{BASE}/days/{day.id}/")
    assert response.status_code == 302
    assert db.session.scalar(select(ProgramDay)) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "2027-05-21", "starts": "09:00", "ends": "17:00"}, "Choose one of the options."),
        ({"day": "garbage", "starts": "09:00", "ends": "17:00"}, "Choose one of the options."),
        ({"day": "", "starts": "09:00", "ends": "17:00"}, "Choose a day."),
        ({"day": "2027-05-19", "starts": "", "ends": "17:00"}, "Enter a time, e.g. 09:00."),
        ({"day": "2027-05-19", "starts": "nine", "ends": "17:00"}, "Enter a time, e.g. 09:00."),
        ({"day": "2027-05-19", "starts": "17:00", "ends": "09:00"}, "The end must be after"),
        ({"day": "2027-05-18", "starts": "10:00", "ends": "12:00"}, "already in the program"),
    ],
)
def test_day_garbage_is_refused_with_422_and_nothing_changed(
    client, organizer, db, event, data, message
):
    db.session.add(ProgramDay(event=event, day=FIRST_DAY, starts_at=at(9), ends_at=at(17)))
    db.session.commit()
    before = rows(db, ProgramDay)
    response = post(client, f"{BASE}/days/new", data)
    assert response.status_code == 422
    assert message in response.text
    assert rows(db, ProgramDay) == before


def test_a_day_with_sessions_is_not_removed(client, organizer, db, event):
    rooms = program(event, days=1)
    session(event, room=rooms[0], start=at(10))
    day = db.session.scalar(select(ProgramDay))
    assert "1 session is scheduled on this day" in client.get(f"{BASE}/days/{day.id}/").text
    token = csrf_token(client, f"{BASE}/days/")
    response = client.post(f"{BASE}/days/{day.id}/delete", data={"csrf_token": token})
    assert "Sessions are scheduled on this day (1)" in flashes(client.get(response.location))
    assert db.session.get(ProgramDay, day.id) is not None


# Sessions ------------------------------------------------------------------------------

KEYNOTE = {
    "title": "Öppning",
    "kind": "keynote",
    "abstract": "Välkomna!",
    "duration_minutes": "45",
    "track_id": "",
    "language": "sv",
    "speakers": "ann@example.org\nBo@Example.org",
}


def test_an_organizer_makes_edits_and_removes_a_keynote(client, organizer, db, event):
    track = Track(event=event, name_sv="Innovation", name_en="Innovation")
    db.session.add(track)
    db.session.commit()
    response = post(client, f"{BASE}/sessions/new", dict(KEYNOTE, track_id=str(track.id)))
    assert response.status_code == 302, response.text
    made = db.session.scalar(select(ProgramSession))
    assert made.kind is SessionKind.KEYNOTE and made.track_id == track.id
    assert [s.user.email for s in made.speakers] == ["ann@example.org", "bo@example.org"]
    listing = client.get(f"{BASE}/sessions/")
    assert "Öppning" in listing.text and "Waiting to be scheduled" in listing.text
    page = client.get(f"{BASE}/sessions/{made.token}/")
    assert 'name="version" type="hidden" value="1"' in page.text
    assert f'href="{BASE}/schedule/sessions/{made.token}"' in page.text  # the keyboard form
    response = post(
        client,
        f"{BASE}/sessions/{made.token}/",
        dict(KEYNOTE, title="Öppning och välkomnande", version="1", speakers="bo@example.org"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    made = db.session.get(ProgramSession, made.id)
    assert made.title == "Öppning och välkomnande" and made.version == 2
    assert [s.user.email for s in made.speakers] == ["bo@example.org"]
    response = post(
        client,
        f"{BASE}/sessions/{made.token}/delete",
        {"version": "2"},
        page=f"{BASE}/sessions/{made.token}/",
    )
    assert response.status_code == 302
    assert db.session.scalar(select(ProgramSession)) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Enter a title."),
        ({"kind": "party"}, "Choose one of the options."),
        ({"duration_minutes": "-30"}, "Enter a number from 5 to 600."),
        ({"duration_minutes": "ninety"}, "Enter a whole number"),
        ({"duration_minutes": "42"}, "steps of 5 minutes"),
        ({"track_id": "999999"}, "Choose one of the options."),
        ({"language": "de"}, "Choose one of the options."),
        ({"speakers": "ann@example.org, not-an-address"}, "Enter a valid email address."),
        ({"kind": "break"}, "Breaks and lunch have no speakers."),
        ({"takes_signups": "y", "signup_limit": "0"}, "Enter a number from 1 to 10000."),
    ],
)
def test_session_garbage_is_refused_with_422_and_nothing_changed(
    client, organizer, db, event, change, message
):
    existing = session(event, title="Finns")
    before = rows(db, ProgramSession)
    response = post(client, f"{BASE}/sessions/new", dict(KEYNOTE, **change))
    assert response.status_code == 422
    assert message in response.text
    response = post(
        client, f"{BASE}/sessions/{existing.token}/", dict(KEYNOTE, version="1", **change)
    )
    assert response.status_code == 422
    assert message in response.text
    assert rows(db, ProgramSession) == before


def test_a_stale_edit_is_refused_with_409_and_nothing_overwritten(client, organizer, db, event):
    made = session(event, title="Ursprunglig", kind=SessionKind.KEYNOTE)
    form_token = csrf_token(client, f"{BASE}/sessions/{made.token}/")  # opened at version 1
    # Meanwhile someone else changes it (here: moves it, as the schedule editor would).
    made.title, made.version = "Någon annans", 2
    db.session.commit()
    response = client.post(
        f"{BASE}/sessions/{made.token}/",
        data=dict(KEYNOTE, title="Min", version="1", csrf_token=form_token),
    )
    assert response.status_code == 409
    assert "Someone else changed this session" in response.text
    for garbage in ("", "abc"):
        response = client.post(
            f"{BASE}/sessions/{made.token}/",
            data=dict(KEYNOTE, title="Min", version=garbage, csrf_token=form_token),
        )
        assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(ProgramSession, made.id).title == "Någon annans"
    # A stale removal is refused too.
    response = client.post(
        f"{BASE}/sessions/{made.token}/delete", data={"version": "1", "csrf_token": form_token}
    )
    assert "Someone else changed this session" in flashes(client.get(response.location))
    assert db.session.get(ProgramSession, made.id) is not None


def test_a_proposals_session_is_edited_without_kind_or_speakers_and_shows_availability(
    client, organizer, db, event, make_call, make_user, make_proposal
):
    program(event)
    speaker = make_user("sara@example.org", "Sara Lind")
    proposal = make_proposal(make_call(event), speaker, state=ProposalState.CONFIRMED)
    made = create_session(proposal, CFP_OPEN_NOW)
    db.session.commit()
    page = client.get(f"{BASE}/sessions/{made.token}/")
    assert 'name="kind"' not in page.text and 'name="speakers"' not in page.text
    assert "Available throughout" in page.text
    assert f"/manage/events/summit2027/speakers/proposals/{proposal.token}" in page.text
    assert "Remove the session" not in page.text
    set_availability(event, speaker, [Period(FIRST_DAY, time(13), time(16, 30))])
    page = client.get(f"{BASE}/sessions/{made.token}/")
    assert "13:00–16:30" in page.text and "Sara Lind" in page.text
    response = post(
        client,
        f"{BASE}/sessions/{made.token}/",
        {
            "version": str(made.version),
            "title": "Ny titel",
            "duration_minutes": "40",
            "language": "en",
            "takes_signups": "y",
            "signup_limit": "20",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    edited = db.session.get(ProgramSession, made.id)
    assert (edited.title, edited.duration_minutes, edited.language) == ("Ny titel", 40, "en")
    assert (edited.takes_signups, edited.signup_limit) == (True, 20)
    assert [s.user_id for s in edited.speakers] == [speaker.id]
    # Not removable here.
    response = post(
        client,
        f"{BASE}/sessions/{made.token}/delete",
        {"version": str(edited.version)},
        page=f"{BASE}/sessions/",
    )
    assert db.session.get(ProgramSession, made.id) is not None


def test_user_text_is_escaped(client, organizer, db, event):
    script = "<script>alert(1)</script>"
    post(client, f"{BASE}/rooms/new", {"name": script, "accessibility_notes": script})
    post(client, f"{BASE}/sessions/new", dict(KEYNOTE, title=script, speakers=""))
    for path in ("/rooms/", "/sessions/"):
        page = client.get(BASE + path)
        assert script not in page.text and "&lt;script&gt;" in page.text
