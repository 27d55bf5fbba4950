"""A workshop's door: a station on the session's door list lets in the people signed up
and tells everyone else they are not signed up (scan, offline list, search)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from summit.extensions import db as _db
from summit.models import Checkin, ProgramDay, Room, SessionKind
from summit.services.checkin import setup as checkin_setup
from summit.services.checkin.decision import secret_hash
from summit.services.program import signups
from summit.services.program.releases import publish
from tests.checkin_world import DAY_END, DAY_START, station, ticket, ticket_type
from tests.conftest import event_day_noon
from tests.schedule_world import session

API = "/api/v1/events/summit2027/checkin"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def summit(make_event, clock):
    # Running today, so the workshop's door list (on the workshop's day) admits now.
    clock.set(event_day_noon())
    return make_event(slug="summit2027", starts_at=DAY_START, ends_at=DAY_END)


@pytest.fixture
def regular(summit):
    return ticket_type(summit, "Ordinarie", name_en="Regular", price=150000)


@pytest.fixture
def workshop(summit):
    room = Room(event_id=summit.id, name="Verkstaden", capacity=20)
    start = summit.starts_at.astimezone(STOCKHOLM).replace(hour=12, minute=0)
    _db.session.add_all(
        [
            room,
            ProgramDay(
                event_id=summit.id,
                day=start.astimezone(STOCKHOLM).date(),
                starts_at=start.replace(hour=8),
                ends_at=start.replace(hour=18),
            ),
        ]
    )
    _db.session.commit()
    made = session(
        summit,
        "Tjänstedesign",
        room=room,
        start=start,
        duration=90,
        kind=SessionKind.WORKSHOP,
        takes_signups=True,
        signup_limit=5,
    )
    publish(summit, confirm_conflicts=True)
    return made


def scan(client, token, secret, nonce):
    return client.post(
        API,
        json={"secret": secret, "nonce": nonce},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    ).get_json()


def test_the_door_admits_only_the_people_signed_up(
    client, db, summit, regular, workshop, make_user
):
    anna = make_user("anna@example.org")
    signed = ticket(summit, regular, name="Anna Svensson", email="anna@example.org")
    other = ticket(summit, regular, name="Bo Berg", email="bo@example.org")
    cancelled = ticket(summit, regular, name="Cia Ek", email="anna@example.org")
    before = workshop.starts_at - timedelta(hours=1)
    signups.sign_up(workshop, signed, anna, now=before)
    gone = signups.sign_up(workshop, cancelled, anna, now=before)
    signups.cancel_signup(gone, anna)

    door_list = signups.door_list_for(workshop)
    _door, token = station(summit, "Verkstadens dörr", door_list)

    answer = scan(client, token, signed.secret, "n1")
    assert answer["status"] == "ok", answer
    assert answer["attendee"]["name"] == "Anna Svensson"
    refused = scan(client, token, other.secret, "n2")
    assert refused["status"] == "error" and refused["reason"] == "not_signed_up"
    assert refused["attendee"]["name"] == "Bo Berg"
    assert scan(client, token, cancelled.secret, "n3")["reason"] == "not_signed_up"
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Checkin)) == 1

    # The same ticket is fine at the main entrance: only the workshop's door asks.
    entrance_list = checkin_setup.save_list(summit, "Entré")
    _entrance, entrance = station(summit, "Entré A", entrance_list)
    db.session.commit()
    assert scan(client, entrance, other.secret, "n4")["status"] == "ok"

    # The offline list and the search agree with the scan.
    headers = {"Authorization": f"Bearer {token}"}
    offline = client.get(API + "/list", headers=headers).get_json()
    states = {entry["hash"]: entry["state"] for entry in offline["entries"]}
    assert states[secret_hash(other.secret)] == "not_signed_up"
    assert states[secret_hash(cancelled.secret)] == "not_signed_up"
    assert states[secret_hash(signed.secret)] == "already_checked_in"
    hits = client.get(API + "/search?q=Bo Berg", headers=headers).get_json()
    assert [h["state"] for h in hits["results"]] == ["not_signed_up"]


def test_the_scanner_has_words_for_the_new_reason(client, summit, make_user, grant):
    from summit.models import Role

    door = grant(make_user("door@example.org"), summit, Role.DOOR)
    from tests.conftest import sign_in

    sign_in(client, door)
    page = client.get("/events/summit2027/checkin/", headers={"Accept-Language": "en"})
    body = page.get_data(as_text=True)
    assert "Not signed up for this workshop" in body
