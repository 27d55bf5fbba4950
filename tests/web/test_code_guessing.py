"""What an attacker found, tried again: guessing access codes one after another (the
shop's ?code= link, its code field, the call for speakers' code) is stopped after a few
wrong ones, per client and per event, with a page that says why; and one client cannot
hold all the seats of a ticket type with a handful of requests."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from summit.models import CallForProposals, Order, OrderStatus, Ticket, utcnow
from summit.services.cfp import cfp_setup
from tests.conftest import csrf_token

EN = {"Accept-Language": "en"}
SHOP = "/events/summit2027/tickets/"


def visible(response) -> str:
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


@pytest.fixture
def summit(make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    regular = make_ticket_type(event, "Ordinarie", price=150000, capacity=100, max_per_order=10)
    speaker = make_ticket_type(
        event, "Talare", price=0, is_visible=False, access_code="TALARE-K7PM-XQ4R"
    )
    return event, regular, speaker


def from_address(app, address):
    """A browser of its own (no cookies shared) at this network address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def reserve(client, quantities, code=""):
    data = {f"qty-{t.id}": str(q) for t, q in quantities.items()}
    data["code"] = code
    data["csrf_token"] = csrf_token(client, SHOP)
    return client.post(SHOP, data=data)


def test_guessing_the_speaker_code_by_year_is_stopped_after_ten_wrong_codes(client, summit):
    statuses = [client.get(f"{SHOP}?code=TALARE{year}").status_code for year in range(2000, 2030)]
    assert statuses[:10] == [200] * 10  # the page says it does not know the code
    assert set(statuses[10:]) == {429}
    # Blocked, even the right code is not looked at: the answer would give it away.
    response = client.get(f"{SHOP}?code=TALARE-K7PM-XQ4R", headers=EN)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    text = visible(response)
    assert "Too many wrong codes have been tried." in text
    assert "Talare" not in text and "Ordinarie" in text  # the shop, without hidden types
    swedish = visible(client.get(f"{SHOP}?code=TALARE2031"))
    assert "För många felaktiga koder har provats." in swedish


def test_right_codes_are_free_and_the_code_field_counts_too(client, summit):
    _event, regular, speaker = summit
    for _ in range(15):  # a good code, again and again, costs nothing
        page = client.get(f"{SHOP}?code=talare-k7pm-xq4r")
        assert page.status_code == 200 and "Talare" in visible(page)
    for n in range(10):
        assert reserve(client, {regular: 1}, code=f"GISSNING{n}").status_code == 422
    response = reserve(client, {speaker: 1}, code="TALARE-K7PM-XQ4R")
    assert response.status_code == 429
    assert client.get(SHOP).status_code == 200  # the shop itself stays open
    assert reserve(client, {regular: 1}).status_code == 302  # and so does buying


def test_many_addresses_taking_turns_hit_the_events_own_limit(app, summit):
    app.config["CODE_EVENT_RATE_LIMIT"] = "25 per hour"
    try:
        statuses = [
            from_address(app, f"198.51.100.{n}").get(f"{SHOP}?code=FEL{n:04d}X").status_code
            for n in range(30)
        ]
    finally:
        app.config["CODE_EVENT_RATE_LIMIT"] = "300 per hour"
    assert statuses[:25] == [200] * 25 and set(statuses[25:]) == {429}


def test_the_call_for_speakers_code_is_limited_too(app, client, db, summit, make_call):
    event, _regular, _speaker = summit
    now = utcnow()
    call = make_call(event, opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1))
    cfp_setup.save_access_code(call, cfp_setup.AccessCodeData("SEN-K7PM-XQ4R"))
    path = "/events/summit2027/speakers/code"
    token = csrf_token(client, "/events/summit2027/speakers/")
    statuses = [
        client.post(path, data={"code": f"SEN{n}", "csrf_token": token}).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [422] * 10 and statuses[10:] == [429, 429]
    response = client.post(path, data={"code": "SEN-K7PM-XQ4R", "csrf_token": token}, headers=EN)
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert "Too many wrong codes have been tried." in visible(response)
    assert db.session.scalars(select(CallForProposals)).one().id == call.id
    # Another client, with the right code, is let through.
    other = from_address(app, "192.0.2.8")
    token = csrf_token(other, "/events/summit2027/speakers/")
    assert other.post(path, data={"code": "sen-k7pm-xq4r", "csrf_token": token}).status_code == 302


# Seat hoarding -------------------------------------------------------------------------


def held_seats(db) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .join(Order, Order.id == Ticket.order_id)
        .where(Order.status == OrderStatus.RESERVED)
    )


def test_one_browser_holds_one_reservation_and_sees_it(client, db, summit):
    _event, regular, _speaker = summit
    for _ in range(10):  # the attack: ten requests of ten seats
        assert reserve(client, {regular: 10}).status_code == 302
    assert held_seats(db) == 10  # each new reservation replaced the one before

    page = client.get(SHOP, headers=EN)
    text = visible(page)
    assert "You already have tickets reserved" in text and "10 × Ordinarie" in text
    order = db.session.scalars(select(Order).where(Order.status == OrderStatus.RESERVED)).one()
    body = page.get_data(as_text=True)
    assert f"/events/summit2027/orders/{order.token}/checkout" in body

    release = f"/events/summit2027/orders/{order.token}/release"
    response = client.post(release, data={"csrf_token": csrf_token(client, SHOP)})
    assert response.status_code == 302 and response.headers["Location"] == SHOP
    assert held_seats(db) == 0
    assert "You already have tickets reserved" not in visible(client.get(SHOP, headers=EN))
    db.session.refresh(order)
    assert order.status is OrderStatus.CANCELLED


def test_browsers_without_cookies_on_one_address_hold_at_most_the_cap(app, db, summit):
    _event, regular, _speaker = summit
    statuses = [
        reserve(from_address(app, "203.0.113.9"), {regular: 10}).status_code for _ in range(10)
    ]
    assert statuses[:2] == [302, 302] and set(statuses[2:]) == {422}
    assert held_seats(db) == 20  # of 100
    client = from_address(app, "203.0.113.9")
    data = {f"qty-{regular.id}": "1", "csrf_token": csrf_token(client, SHOP)}
    response = client.post(SHOP, data=data, headers=EN)
    assert response.status_code == 422
    assert "20 tickets are already reserved from your connection" in visible(response)
    assert reserve(from_address(app, "192.0.2.77"), {regular: 10}).status_code == 302
