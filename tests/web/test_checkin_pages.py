"""The organizers' check-in pages: stations and their links, lists, the status page, and
search with check-in by hand and undo for door staff."""

import base64
import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from summit.models import Checkin, CheckinList, Role, Station
from tests import pdf
from tests.checkin_world import DAY_START, ticket, ticket_type
from tests.conftest import csrf_token, event_day_noon, static_url

API = "/api/v1/events/summit2027/checkin"
MANAGE = "/manage/events/summit2027/checkin"
LINK = re.compile(r'href="(https?://[^/"]+/events/summit2027/checkin/station#([A-Za-z0-9_-]+))"')


def count(db, model) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def summit(make_event, clock):
    clock.set(event_day_noon())  # running today, so the entrance list admits now
    return make_event(slug="summit2027", starts_at=DAY_START, ends_at=DAY_START + timedelta(days=1))


@pytest.fixture
def organizer(client, summit, make_user, grant, login):
    person = grant(make_user("arrangor@example.org", name="Arrangören"), summit, Role.ORGANIZER)
    login(person)
    return person


def post(client, path, data=None, page=None):
    token = csrf_token(client, page or path)
    return client.post(path, data={"csrf_token": token, **(data or {})})


def scan(client, token, secret):
    return client.post(API, json={"secret": secret}, headers={"Authorization": f"Bearer {token}"})


def test_organizer_creates_a_station_and_gets_its_link_once(client, db, summit, organizer):
    regular = ticket_type(summit)
    response = post(client, f"{MANAGE}/stations", {"name": "Entré A", "checkin_list": "0"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    link, token = LINK.search(page).groups()
    # The QR code to open it with (one pixel per module, shown scaled up) carries the link.
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', page)[1])
    qr = Image.open(io.BytesIO(png)).convert("L")
    assert pdf.qr_codes(qr.resize((qr.width * 8, qr.height * 8), Image.NEAREST)) == [link]
    assert scan(client, token, ticket(summit, regular).secret).get_json()["status"] == "ok"
    listing = client.get(f"{MANAGE}/stations").get_data(as_text=True)
    assert "Entré A" in listing and token not in listing
    assert db.session.scalar(select(CheckinList.name)) == "Entré"
    assert db.session.scalar(select(Station.created_by_id)) == organizer.id


def test_new_link_and_revoke(client, db, summit, organizer):
    regular = ticket_type(summit)
    page = post(client, f"{MANAGE}/stations", {"name": "Entré A", "checkin_list": "0"})
    old = LINK.search(page.get_data(as_text=True))[2]
    station_id = db.session.scalar(select(Station.id))
    renewed = post(client, f"{MANAGE}/stations/{station_id}/renew", page=f"{MANAGE}/stations")
    new = LINK.search(renewed.get_data(as_text=True))[2]
    assert new != old
    assert scan(client, old, ticket(summit, regular).secret).status_code == 401
    assert scan(client, new, ticket(summit, regular).secret).status_code == 200
    post(client, f"{MANAGE}/stations/{station_id}/revoke", page=f"{MANAGE}/stations")
    assert scan(client, new, ticket(summit, regular).secret).status_code == 403
    # Without the form token nothing happens.
    assert client.post(f"{MANAGE}/stations/{station_id}/renew").status_code == 400


def test_station_form_refuses_garbage(client, db, summit, organizer):
    response = post(client, f"{MANAGE}/stations", {"name": "   ", "checkin_list": "0"})
    assert response.status_code == 422
    response = post(client, f"{MANAGE}/stations", {"name": "A", "checkin_list": "99999"})
    assert response.status_code == 422
    assert count(db, Station) == 0


def test_lists_for_days_and_ticket_types(client, db, summit, organizer):
    regular, dinner = ticket_type(summit, "Ordinarie"), ticket_type(summit, "Middag")
    day = summit.days[0].isoformat()
    response = post(
        client,
        f"{MANAGE}/lists",
        {"name": "Middagen", "day": day, "ticket_types": [str(dinner.id)]},
    )
    assert response.status_code == 302
    made = db.session.scalar(select(CheckinList))
    assert (made.day.isoformat(), [t.name_sv for t in made.ticket_types]) == (day, ["Middag"])
    for bad in (
        {"name": "Middagen", "day": ""},  # the name is taken
        {"name": "X", "day": "2001-01-01"},
        {"name": "Y", "ticket_types": ["99999"]},
        {"name": "", "day": ""},
    ):
        assert post(client, f"{MANAGE}/lists", bad).status_code == 422, bad
    assert count(db, CheckinList) == 1
    # A list a station scans on stays.
    post(client, f"{MANAGE}/stations", {"name": "Dörren", "checkin_list": str(made.id)})
    post(client, f"{MANAGE}/lists/{made.id}/delete", page=f"{MANAGE}/lists")
    assert count(db, CheckinList) == 1
    assert regular.id  # the other type exists and is simply not on the list


def test_status_page_shows_the_figures(client, db, summit, organizer):
    regular = ticket_type(summit)
    guests = [ticket(summit, regular, name=f"Gäst {n}") for n in range(3)]
    token = LINK.search(
        post(client, f"{MANAGE}/stations", {"name": "Entré A", "checkin_list": "0"}).get_data(
            as_text=True
        )
    )[2]
    scan(client, token, guests[0].secret)
    page = client.get(f"{MANAGE}/").get_data(as_text=True)
    assert "Entré A" in page and "Gäst 0" in page
    assert re.search(r">1</div></td>\s*<td[^>]*><div>3</div>", page)  # 1 of 3 expected
    # Live: the figures sit in #live, which live.js refreshes from the page itself.
    assert 'id="live" data-live-seconds="15"' in page and static_url("js/live.js") in page
    scan(client, token, guests[1].secret)
    page = client.get(f"{MANAGE}/").get_data(as_text=True)
    assert re.search(r">2</div></td>\s*<td[^>]*><div>3</div>", page)


def test_door_staff_find_check_in_by_hand_and_undo(app, db, summit, make_user, grant):
    from tests.conftest import sign_in

    regular = ticket_type(summit)
    anna = ticket(summit, regular, name="Anna Lindqvist", email="anna@kommun.se")
    volunteer = grant(make_user("entre@example.org", name="Vera"), summit, Role.DOOR)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(client, volunteer)
    page = client.get(f"{MANAGE}/search?q=lindq").get_data(as_text=True)
    assert "Anna Lindqvist" in page and "anna@kommun.se" in page
    response = post(
        client, f"{MANAGE}/tickets/{anna.id}", {"q": "lindq"}, page=f"{MANAGE}/search?q=lindq"
    )
    assert response.status_code == 302
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Anna Lindqvist is checked in." in followed
    checkin = db.session.scalar(select(Checkin))
    assert checkin.user_id == volunteer.id and checkin.station_id is None
    post(client, f"{MANAGE}/checkins/{checkin.id}/undo", page=f"{MANAGE}/search?q=lindq")
    db.session.refresh(checkin)
    assert checkin.undone_at is not None and checkin.undone_by_id == volunteer.id
    assert client.get(f"{MANAGE}/stations").status_code == 403  # organizers only


def test_another_events_ticket_or_check_in_is_not_found(client, db, summit, organizer, make_event):
    other = make_event(slug="annat")
    stranger = ticket(other, ticket_type(other))
    response = post(client, f"{MANAGE}/tickets/{stranger.id}", page=f"{MANAGE}/search")
    assert response.status_code == 404
    assert count(db, Checkin) == 0
