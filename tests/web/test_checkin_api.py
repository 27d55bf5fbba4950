"""The door JSON API through the test client: answers, bad input, who may scan, rate
limit, the offline list and upload, search and undo, door-staff accounts, the CLI."""

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from summit.models import Checkin, CheckinConflict, OrderStatus, Role, Station
from summit.services.checkin import setup as checkin_setup
from tests.checkin_world import DAY_END, DAY_START, station, ticket, ticket_type
from tests.conftest import event_day_noon, sign_in

API = "/api/v1/events/summit2027/checkin"
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def count(db, model) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def summit(make_event, clock):
    # Running today (the app's clock at noon of its day), so the entrance list admits now.
    clock.set(event_day_noon())
    return make_event(slug="summit2027", starts_at=DAY_START, ends_at=DAY_END)


@pytest.fixture
def regular(summit):
    return ticket_type(summit, "Ordinarie", name_en="Regular", price=150000)


@pytest.fixture
def token(summit):
    return station(summit, "Entré A")[1]


def scan(client, token, body, path=API, raw=False):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if raw:
        return client.post(path, data=body, headers=headers)
    return client.post(path, json=body, headers=headers)


def test_scan_ok_then_already_checked_in(client, db, summit, regular, token):
    guest = ticket(summit, regular, name="Anna Svensson", organisation="Malmö stad")
    response = scan(client, token, {"secret": guest.secret, "nonce": "n1"})
    assert response.status_code == 200 and response.is_json
    answer = response.get_json()
    assert answer["status"] == "ok" and answer["reason"] is None
    assert answer["attendee"] == {
        "name": "Anna Svensson",
        "organisation": "Malmö stad",
        "ticket_type": "Ordinarie",
    }
    assert ISO_UTC.fullmatch(answer["checked_in_at"]) and answer["station"] == "Entré A"
    # The network dropped the answer; the phone sends the same request again.
    assert scan(client, token, {"secret": guest.secret, "nonce": "n1"}).get_json() == answer
    again = scan(client, token, {"secret": guest.secret, "nonce": "n2"}).get_json()
    assert again["status"] == "error" and again["reason"] == "already_checked_in"
    assert again["checked_in_at"] == answer["checked_in_at"] and again["station"] == "Entré A"
    assert count(db, Checkin) == 1


def test_english_ticket_type_names_for_english_phones(client, summit, regular, token):
    guest = ticket(summit, regular)
    response = client.post(
        API,
        json={"secret": guest.secret},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert response.get_json()["attendee"]["ticket_type"] == "Regular"


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (OrderStatus.PENDING, "unpaid"),
        (OrderStatus.CANCELLED, "cancelled"),
        (OrderStatus.INVOICED, None),
    ],
)
def test_reasons_reach_the_phone(client, db, summit, regular, token, status, reason):
    guest = ticket(summit, regular, status=status)
    answer = scan(client, token, {"secret": guest.secret}).get_json()
    assert answer["reason"] == reason
    assert answer["status"] == ("ok" if reason is None else "error")


def test_other_events_ticket_and_unknown_code(client, summit, regular, token, make_event):
    seminar = make_event(slug="seminarium")
    guest = ticket(seminar, ticket_type(seminar))
    answer = scan(client, token, {"secret": guest.secret}).get_json()
    assert (answer["reason"], answer["attendee"]) == ("other_event", None)
    answer = scan(client, token, {"secret": "Z" * 32}).get_json()
    assert answer == {
        "status": "error",
        "reason": "unknown",
        "attendee": None,
        "checked_in_at": None,
        "station": None,
    }


@pytest.mark.parametrize(
    "code",
    ["", "x" * 10_000, "\x00\x01\xff\ufffe binary", "' OR 1=1 --", "<script>alert(1)</script>"],
)
def test_bad_codes_are_unknown_and_change_nothing(client, db, summit, regular, token, code):
    ticket(summit, regular)
    response = scan(client, token, {"secret": code})
    assert response.status_code == 200
    assert response.get_json()["reason"] == "unknown"
    assert "<script>" not in response.get_data(as_text=True)
    assert count(db, Checkin) == 0


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe\x00\x81 binary",
        b'["a", "b"]',
        b"{}",
        b'{"secret": 12}',
        b'{"secret": null}',
        b'{"secret": "abc", "nonce": 5}',
        b'{"ticket_id": "1; DROP TABLE tickets"}',
        b'{"ticket_id": true}',
        b"",
    ],
)
def test_malformed_requests_are_400_json_and_change_nothing(
    client, db, summit, regular, token, body
):
    ticket(summit, regular)
    response = scan(client, token, body, raw=True)
    assert response.status_code == 400 and response.is_json
    assert response.get_json()["status"] == "error"
    assert count(db, Checkin) == 0


def test_a_huge_body_is_refused(client, db, summit, token):
    response = scan(client, token, {"secret": "x" * 100_000})
    assert response.status_code == 413 and response.is_json


def test_who_may_scan(client, db, summit, regular, make_event):
    guest = ticket(summit, regular)
    body = {"secret": guest.secret}
    assert scan(client, None, body).status_code == 401
    response = scan(client, "not-a-real-token-at-all-00000000", body)
    assert response.status_code == 401 and response.is_json
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.post(API, json=body, headers={"Authorization": "Basic abc"}).status_code == 401
    # A station of another event, on this event's address.
    elsewhere = make_event(slug="annat-event")
    assert scan(client, station(elsewhere, "Dörr")[1], body).status_code == 403
    # A revoked station.
    door, token = station(summit, "Entré B")
    checkin_setup.revoke_station(db.session.get(Station, door.station_id))
    response = scan(client, token, body)
    assert response.status_code == 403 and response.get_json()["error"] == "revoked"
    assert count(db, Checkin) == 0


def test_a_new_link_replaces_the_old_one(client, db, summit, regular, token):
    made = db.session.scalar(select(Station))
    new_token = checkin_setup.renew_token(made)
    body = {"secret": ticket(summit, regular).secret}
    assert scan(client, token, body).status_code == 401
    assert scan(client, new_token, body).get_json()["status"] == "ok"


def test_scans_are_rate_limited_per_station(app, client, summit, regular, token):
    app.config["CHECKIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [scan(client, token, {"secret": "Q" * 32}).status_code for _ in range(4)]
        response = scan(client, token, {"secret": "Q" * 32})
        other = station(summit, "Entré B")[1]
        assert scan(client, other, {"secret": "Q" * 32}).status_code == 200
    finally:
        app.config["CHECKIN_RATE_LIMIT"] = "600 per minute"
    assert codes == [200, 200, 200, 429]
    assert response.status_code == 429 and response.get_json()["error"] == "rate_limited"


def test_offline_list_then_upload_with_a_conflict(client, db, summit, regular, token):
    guest = ticket(summit, regular, name="Anna")
    unpaid = ticket(summit, regular, status=OrderStatus.RESERVED)
    response = client.get(f"{API}/list", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert guest.secret not in body and unpaid.secret not in body
    listed = response.get_json()
    assert listed["hash"] == "sha256" and listed["list"]["name"] == "Entré"
    import hashlib

    by_hash = {e["hash"]: e for e in listed["entries"]}
    assert by_hash[hashlib.sha256(guest.secret.encode()).hexdigest()]["state"] == "ok"
    assert by_hash[hashlib.sha256(unpaid.secret.encode()).hexdigest()]["state"] == "unpaid"

    other = station(summit, "Entré B")[1]
    scanned = listed["generated_at"]
    batch = {"scans": [{"secret": guest.secret, "nonce": "a1", "scanned_at": scanned}]}
    first = client.post(f"{API}/batch", json=batch, headers={"Authorization": f"Bearer {token}"})
    assert first.status_code == 200
    [result] = first.get_json()["results"]
    assert result["status"] == "ok" and result["nonce"] == "a1" and not result["conflict"]
    batch_b = {
        "scans": [
            {"secret": guest.secret, "nonce": "b1", "scanned_at": scanned},
            {"secret": "<script>", "nonce": "b2"},
            "not an object",
        ]
    }
    second = client.post(f"{API}/batch", json=batch_b, headers={"Authorization": f"Bearer {other}"})
    results = second.get_json()["results"]
    assert results[0]["reason"] == "already_checked_in" and results[0]["conflict"] is True
    assert results[0]["station"] == "Entré A"
    assert [r["reason"] for r in results[1:]] == ["unknown", "unknown"]
    assert count(db, Checkin) == 1 and count(db, CheckinConflict) == 1
    bad = client.post(f"{API}/batch", json=[1], headers={"Authorization": f"Bearer {other}"})
    assert bad.status_code == 400


def test_search_and_undo(client, db, summit, regular, token):
    guest = ticket(summit, regular, name="Anna Lindqvist")
    auth = {"Authorization": f"Bearer {token}"}
    [hit] = client.get(f"{API}/search?q=lindq", headers=auth).get_json()["results"]
    assert hit["name"] == "Anna Lindqvist" and hit["state"] == "ok"
    answer = client.post(API, json={"ticket_id": hit["ticket_id"]}, headers=auth).get_json()
    assert answer["status"] == "ok"
    undo = client.post(f"{API}/undo", json={"ticket_id": hit["ticket_id"]}, headers=auth)
    assert undo.status_code == 200 and undo.get_json()["undone"]
    assert client.post(f"{API}/undo", json={"secret": guest.secret}, headers=auth).status_code == (
        404
    )
    assert scan(client, token, {"secret": guest.secret}).get_json()["status"] == "ok"
    assert count(db, Checkin) == 2


def test_door_info(client, summit, token):
    info = client.get(f"{API}/door", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert info["door"] == "Entré A" and info["list"]["name"] == "Entré"


def test_door_staff_account_scans_with_its_session_and_csrf_token(
    app, db, summit, regular, make_user, grant
):
    volunteer = grant(make_user("entre@example.org", name="Vera"), summit, Role.DOOR)
    client = app.test_client()
    sign_in(client, volunteer)
    guest = ticket(summit, regular)
    # The cookie alone is not enough: a page elsewhere could make the browser send it.
    assert client.post(API, json={"secret": guest.secret}).status_code == 400
    assert count(db, Checkin) == 0
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    answer = client.post(API, json={"secret": guest.secret}, headers={"X-CSRFToken": csrf})
    assert answer.get_json()["status"] == "ok" and answer.get_json()["station"] == "Vera"
    stranger = app.test_client()
    sign_in(stranger, make_user("nobody@example.org"))
    assert stranger.post(API, json={"secret": guest.secret}).status_code == 403


def test_cli_creates_a_station_and_prints_its_token(app, db, summit, regular):
    result = app.test_cli_runner().invoke(
        args=["checkin", "station-token", "summit2027", "Entré C"]
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    guest = ticket(summit, regular)
    answer = scan(app.test_client(), token, {"secret": guest.secret}).get_json()
    assert answer["status"] == "ok" and answer["station"] == "Entré C"
    missing = app.test_cli_runner().invoke(args=["checkin", "station-token", "nope", "X"])
    assert missing.exit_code != 0


def test_answers_are_json_not_html(client, summit, token):
    response = client.post(API, data=json.dumps({"secret": 1}), headers={"Authorization": "x"})
    assert response.status_code == 401 and response.is_json


def test_a_day_list_admits_on_its_day_by_the_apps_clock(client, db, make_event, clock):
    """The app's one clock (conftest `clock`) decides the day, in Stockholm time, at
    the door: no module's own `now` to patch, and no test date that moves at midnight."""
    event = make_event(slug="summit2027", days=2)  # 18–19 May 2027
    regular = ticket_type(event)
    day_two = checkin_setup.save_list(event, "Dag 2", day=date(2027, 5, 19))
    token = station(event, "Dag 2-dörren", checkin_list=day_two)[1]
    guest = ticket(event, regular)
    clock.set(event_day_noon(date(2027, 5, 18)))
    assert scan(client, token, {"secret": guest.secret}).get_json()["reason"] == "not_allowed"
    # 00:30 on 19 May in Stockholm is still 18 May in UTC: the event's day counts.
    clock.set(datetime(2027, 5, 19, 0, 30, tzinfo=ZoneInfo("Europe/Stockholm")))
    assert scan(client, token, {"secret": guest.secret}).get_json()["status"] == "ok"
