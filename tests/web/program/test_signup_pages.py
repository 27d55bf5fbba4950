"""The sign-up pages through the test client: the attendee signs up and cancels, the
limit and the closing time show, bad input is refused with nothing changed, and the
organizer's list, CSV and door list."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from summit.models import CheckinList, Role, WorkshopSignup
from summit.services.program import signups
from tests import checkin_world
from tests.conftest import csrf_token, sign_in
from tests.signup_world import BEFORE, ticket, workshop


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027")


@pytest.fixture
def regular(event):
    return checkin_world.ticket_type(event, "Ordinarie", name_en="Regular", price=150000)


@pytest.fixture
def made(event):
    return workshop(event, limit=2)[0]


@pytest.fixture
def anna(make_user):
    return make_user("anna@example.org", name="Anna")


@pytest.fixture
def page(made):
    return f"/events/summit2027/program/sessions/{made.token}/signup"


@pytest.fixture(autouse=True)
def before_the_workshop(clock):
    """The app's clock in May 2027, before the workshop, whatever today's date is."""
    clock.set(BEFORE)


def active(db) -> int:
    db.session.commit()
    return db.session.scalar(
        select(func.count())
        .select_from(WorkshopSignup)
        .where(WorkshopSignup.cancelled_at.is_(None))
    )


def post(client, page, action, item, token=None):
    token = token or csrf_token(client, page)
    return client.post(page, data={"action": action, "item": item, "csrf_token": token})


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_anonymous_is_sent_to_sign_in(client, page):
    response = client.get(page)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert "next=" in response.headers["Location"]


def test_sign_up_then_cancel(client, db, event, regular, made, anna, page):
    mine = ticket(event, regular, "anna@example.org", name="Anna Andersson")
    sign_in(client, anna)
    shown = client.get(page, headers={"Accept-Language": "en"})
    assert shown.status_code == 200
    assert "no-store" in shown.headers["Cache-Control"]
    body = text(shown)
    assert "Tjänstedesign" in body and "Stora salen" in body
    assert "2 of 2" in body and "Anna Andersson" in body
    response = post(client, page, "sign_up", mine.id)
    assert response.status_code == 303
    assert active(db) == 1
    body = text(client.get(page, headers={"Accept-Language": "en"}))
    assert "1 of 2" in body and "Signed up" in body
    signup = db.session.scalar(select(WorkshopSignup))
    response = post(client, page, "cancel", signup.id)
    assert response.status_code == 303
    assert active(db) == 0


def test_several_tickets_choose_the_attendee(client, db, event, regular, made, anna, page):
    mine = ticket(event, regular, "anna@example.org", name="Anna Andersson")
    colleague = ticket(
        event, regular, "bo@example.org", name="Bo Berg", buyer_email="anna@example.org"
    )
    sign_in(client, anna)
    body = text(client.get(page))
    assert "Anna Andersson" in body and "Bo Berg" in body
    assert post(client, page, "sign_up", colleague.id).status_code == 303
    db.session.commit()
    [signup] = db.session.scalars(select(WorkshopSignup)).all()
    assert signup.ticket_id == colleague.id and signup.ticket_id != mine.id


def test_full_is_said_and_refused(client, db, event, regular, made, anna, page, make_user):
    for name in ("bo", "cia"):
        person = make_user(f"{name}@example.org")
        signups.sign_up(made, ticket(event, regular, f"{name}@example.org"), person, BEFORE)
    mine = ticket(event, regular, "anna@example.org")
    sign_in(client, anna)
    body = text(client.get(page, headers={"Accept-Language": "en"}))
    assert "0 of 2" in body and "All places are taken" in body
    assert 'value="sign_up"' not in body
    response = post(client, page, "sign_up", mine.id)
    assert response.status_code == 409
    assert active(db) == 2


def test_closed_once_the_session_started(client, db, event, regular, made, anna, page, clock):
    mine = ticket(event, regular, "anna@example.org")
    clock.set(made.starts_at + timedelta(minutes=1))
    sign_in(client, anna)
    body = text(client.get(page, headers={"Accept-Language": "en"}))
    assert "Sign-up closed when the session started." in body
    response = post(client, page, "sign_up", mine.id)
    assert response.status_code == 409
    assert active(db) == 0


def test_no_ticket_is_said(client, made, anna, page):
    sign_in(client, anna)
    body = text(client.get(page, headers={"Accept-Language": "en"}))
    assert "Signing up needs a valid ticket to the event." in body
    assert "/events/summit2027/tickets/" in body


def test_someone_elses_ticket_is_refused(client, db, event, regular, made, anna, page):
    others = ticket(event, regular, "bo@example.org")
    ticket(event, regular, "anna@example.org")
    sign_in(client, anna)
    response = post(client, page, "sign_up", others.id)
    assert response.status_code == 422
    assert active(db) == 0


def test_someone_elses_signup_cannot_be_cancelled(
    client, db, event, regular, made, anna, page, make_user
):
    bo = make_user("bo@example.org")
    theirs = signups.sign_up(made, ticket(event, regular, "bo@example.org"), bo, BEFORE)
    sign_in(client, anna)
    response = post(client, page, "cancel", theirs.id)
    assert response.status_code == 409
    assert active(db) == 1


@pytest.mark.parametrize(
    ("action", "item"),
    [
        ("sign_up", "abc"),
        ("sign_up", ""),
        ("sign_up", "-1"),
        ("sign_up", "99999999999999999999999"),
        ("sign_up", "<script>"),
        ("drop_table", "1"),
        ("cancel", "0"),
        ("cancel", "424242"),
    ],
)
def test_garbage_is_refused_and_changes_nothing(
    client, db, event, regular, made, anna, page, action, item
):
    ticket(event, regular, "anna@example.org")
    sign_in(client, anna)
    response = post(client, page, action, item)
    assert response.status_code == 422
    assert "<script>" not in response.get_data(as_text=True)
    assert active(db) == 0


def test_without_the_csrf_token_nothing_happens(client, db, event, regular, made, anna, page):
    mine = ticket(event, regular, "anna@example.org")
    sign_in(client, anna)
    response = client.post(page, data={"action": "sign_up", "item": mine.id})
    assert response.status_code == 400
    assert active(db) == 0


def test_unknown_and_unpublished_sessions_are_404(client, db, event, made, anna):
    from tests.schedule_world import at, session

    hidden = session(event, "Hemlig", room=made.room, start=at(16), takes_signups=True)
    sign_in(client, anna)
    base = "/events/summit2027/program/sessions"
    assert client.get(f"{base}/{hidden.token}/signup").status_code == 404
    assert client.get(f"{base}/nope/signup").status_code == 404
    assert client.get(f"{base}/{'x' * 300}/signup").status_code == 404
    assert client.get(f"/events/nope/program/sessions/{made.token}/signup").status_code == 404


# The organizer's list ----------------------------------------------------------------------


@pytest.fixture
def organizer(make_user, grant, event):
    return grant(make_user("org@example.org", name="Olga"), event, Role.ORGANIZER)


def test_the_organizers_list_and_csv(client, db, event, regular, made, organizer, make_user):
    bo = make_user("bo@example.org")
    signups.sign_up(made, ticket(event, regular, "bo@example.org", name="Bo Berg"), bo, BEFORE)
    sign_in(client, organizer)
    url = f"/manage/events/summit2027/program/sessions/{made.token}/signups"
    body = text(client.get(url, headers={"Accept-Language": "en"}))
    assert "Bo Berg" in body and "Mötesplats AB" in body and "Regular" in body
    assert "1 signed up of 2 places" in body
    csv = client.get(url + "?format=csv")
    assert csv.headers["Content-Type"].startswith("text/csv")
    content = csv.get_data(as_text=True)
    assert "Bo Berg;bo@example.org;Mötesplats AB;Ordinarie;2027-05-01 12:00" in content


def test_the_organizer_makes_the_door_list(client, db, event, made, organizer):
    sign_in(client, organizer)
    url = f"/manage/events/summit2027/program/sessions/{made.token}/signups"
    token = csrf_token(client, url)
    assert client.post(url + "/door-list", data={}).status_code == 400
    response = client.post(url + "/door-list", data={"csrf_token": token})
    assert response.status_code == 303
    client.post(url + "/door-list", data={"csrf_token": token})
    db.session.commit()
    [door] = db.session.scalars(select(CheckinList)).all()
    assert door.session_id == made.id and door.name == "Tjänstedesign"
    body = text(client.get(url, headers={"Accept-Language": "en"}))
    assert "/manage/events/summit2027/checkin/stations" in body
    # The check-in pages show it and can put a station on it.
    lists = text(client.get("/manage/events/summit2027/checkin/lists"))
    assert "Tjänstedesign" in lists
    assert client.get("/manage/events/summit2027/checkin/").status_code == 200
    assert client.get("/manage/events/summit2027/checkin/stations").status_code == 200
    assert client.get("/manage/events/summit2027/checkin/search?q=ab").status_code == 200


def test_only_organizers_see_the_list(client, made, anna, event):
    sign_in(client, anna)
    url = f"/manage/events/summit2027/program/sessions/{made.token}/signups"
    assert client.get(url).status_code == 403
    assert client.get(url + "?format=csv").status_code == 403


def test_the_public_session_page_says_sign_up_is_required(client, made, page):
    response = client.get(
        f"/events/summit2027/program/sessions/{made.token}", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 200
    body = text(response)
    assert "Limited places: 2 – sign-up required" in body
    assert f'href="{page}"' in body
