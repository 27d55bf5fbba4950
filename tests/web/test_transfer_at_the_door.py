"""Issue 16, acceptance 3: a transfer makes the old QR answer "cancelled" at the door,
online and offline, and the new one "ok". Through the real pages and the door API: the
buyer transfers on the order page; a phone that synced its offline list before the
transfer learns it with its next list, and its offline scan of the old code is refused
when uploaded."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from summit.models import CancelPolicy, Checkin
from summit.services.checkin.decision import secret_hash
from tests.checkin_world import DAY_END, DAY_START, station, ticket, ticket_type
from tests.conftest import csrf_token, event_day_noon

API = "/api/v1/events/summit2027/checkin"


@pytest.fixture
def summit(make_event, clock):
    # The summit's own day, at noon: the door admits now, and the organizer lets
    # tickets be transferred until the day is nearly over.
    clock.set(event_day_noon())
    return make_event(
        slug="summit2027",
        starts_at=DAY_START,
        ends_at=DAY_END,
        cancel_policy=CancelPolicy.TRANSFER_ONLY,
        transfer_deadline=DAY_END - timedelta(hours=1),
    )


def door(client, token, method, path="", **kwargs):
    headers = {"Authorization": f"Bearer {token}"}
    if method == "GET":
        return client.get(API + path, headers=headers, **kwargs)
    return client.post(API + path, headers=headers, **kwargs)


def offline_list(client, token) -> dict:
    answer = door(client, token, "GET", "/list")
    assert answer.status_code == 200
    return {e["hash"]: e for e in answer.get_json()["entries"]}


def checkins(db, ticket_id) -> int:
    db.session.commit()
    return db.session.scalar(
        select(func.count()).select_from(Checkin).where(Checkin.ticket_id == ticket_id)
    )


def test_a_transfer_kills_the_old_qr_at_the_door_online_and_offline(client, db, summit):
    regular = ticket_type(summit, "Ordinarie", name_en="Regular", price=150000)
    given = ticket(
        summit,
        regular,
        name="Åsa Öberg-Lindqvist",
        email="asa@example.se",
        buyer_email="inkop@malmo.se",
    )
    ticket_id, order = given.id, given.order
    old = given.secret
    _door, token = station(summit, "Entré A")
    _door, stale_token = station(summit, "Entré B")

    # Both phones hold the list from before: the old code is ok on it.
    before = offline_list(client, token)
    assert before[secret_hash(old)]["state"] == "ok"
    assert offline_list(client, stale_token)[secret_hash(old)]["state"] == "ok"

    # The buyer passes the ticket on, on the order page.
    url = f"/events/summit2027/orders/{order.token}/tickets/1/transfer"
    done = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "name": "Mohammed Ängström",
            "email": "mohammed@example.se",
            "organisation": "Region Skåne",
        },
    )
    assert done.status_code == 302
    db.session.expire_all()
    new = given.secret
    assert new != old

    # Online: the old code is "cancelled" (not "unknown"), with no one's name; the new
    # one is ok, under the new name. Nothing was checked in by the refused scan.
    refused = door(client, token, "POST", json={"secret": old, "nonce": "old-1"}).get_json()
    assert (refused["status"], refused["reason"]) == ("error", "cancelled")
    assert refused["attendee"] == {"name": "", "organisation": "", "ticket_type": "Ordinarie"}
    assert checkins(db, ticket_id) == 0

    # Offline: the next list says the same (the old hash "cancelled", the new "ok").
    after = offline_list(client, token)
    assert after[secret_hash(old)]["state"] == "cancelled"
    assert after[secret_hash(old)]["name"] == ""
    assert after[secret_hash(new)]["state"] == "ok"
    assert after[secret_hash(new)]["name"] == "Mohammed Ängström"
    assert len(after) == len(before) + 1  # the dead code is kept beside the live one

    # The stale phone scanned the old code offline before it synced: its upload is
    # refused as cancelled, and no check-in is made.
    batch = door(
        client,
        stale_token,
        "POST",
        "/batch",
        json={"scans": [{"secret": old, "nonce": "b-1", "scanned_at": None}]},
    ).get_json()["results"]
    assert [(r["status"], r["reason"]) for r in batch] == [("error", "cancelled")]
    assert checkins(db, ticket_id) == 0

    ok = door(client, token, "POST", json={"secret": new, "nonce": "new-1"}).get_json()
    assert ok["status"] == "ok" and ok["attendee"]["name"] == "Mohammed Ängström"
    assert checkins(db, ticket_id) == 1
    # The old code stays dead after the new one came in.
    again = door(client, token, "POST", json={"secret": old, "nonce": "old-2"}).get_json()
    assert again["reason"] == "cancelled"


def test_an_old_code_of_another_event_is_unknown_here(client, db, summit, make_event):
    other = make_event(
        slug="annat",
        starts_at=DAY_START,
        ends_at=DAY_END,
        cancel_policy=CancelPolicy.TRANSFER_ONLY,
        transfer_deadline=DAY_END - timedelta(hours=1),
    )
    theirs = ticket(other, ticket_type(other, "Ordinarie"), name="Kim Andersson")
    old = theirs.secret
    from summit.services.tickets.self_service import NewAttendee, transfer_ticket

    transfer_ticket(theirs, NewAttendee("Mohammed Ali", "mo@example.se"))
    _door, token = station(summit, "Entré A")
    answer = door(client, token, "POST", json={"secret": old}).get_json()
    assert answer["reason"] == "unknown"
    assert secret_hash(old) not in offline_list(client, token)
