"""Vouchers through the pages: an organizer makes them (a number, or one per confirmed
speaker, emailed), lists and withdraws them; a buyer follows the link and gets the one
ticket, once."""

import csv
import html
import io
import re

import pytest
from sqlalchemy import func, select

from summit.models import (
    Order,
    OrderStatus,
    OutboxMessage,
    ProposalState,
    Role,
    Ticket,
    Voucher,
)
from summit.services.tickets import vouchers
from tests.conftest import csrf_token

BASE = "/manage/events/summit2027"
SHOP = "/events/summit2027/tickets/"
EN = {"Accept-Language": "en"}


def visible(response) -> str:
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def post(client, path, data=None, page=None):
    token = csrf_token(client, page or path)
    return client.post(path, data=dict(data or {}, csrf_token=token))


@pytest.fixture
def summit(make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    regular = make_ticket_type(event, "Ordinarie", price=150000, capacity=100)
    partner = make_ticket_type(
        event, "Partner", price=120000, is_visible=False, access_code="PARTNER-K7PM-XQ4R"
    )
    return event, regular, partner


@pytest.fixture
def organizer(client, summit, make_user, grant, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = grant(make_user("omar@example.org"), summit[0], Role.ORGANIZER)
    login(user)
    return user


def make(client, for_type, **fields):
    data = {"ticket_type": str(for_type.id), "recipients": "count", "count": "3", "free": "y"}
    data.update(fields)
    return post(client, f"{BASE}/vouchers/", data, page=f"{BASE}/vouchers/")


def buy_with(client, voucher_code, quantities):
    link = f"{SHOP}?voucher={voucher_code}"
    data = {f"qty-{t.id}": str(q) for t, q in quantities.items()}
    data["code"] = voucher_code
    data["csrf_token"] = csrf_token(client, link)
    return client.post(SHOP, data=data)


def test_organizer_makes_vouchers_and_a_buyer_uses_one_once(app, db, client, organizer, summit):
    _event, regular, partner = summit
    response = make(client, partner, note="Partner AB")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE}/vouchers/?type={partner.id}"
    made = db.session.scalars(select(Voucher).order_by(Voucher.id)).all()
    assert len(made) == 3 and all(v.price == 0 and v.note == "Partner AB" for v in made)
    page = visible(client.get(f"{BASE}/vouchers/?type={partner.id}"))
    assert "Vouchers for Partner" in page and "Not used: 3" in page
    assert made[0].display_code in page

    # A buyer follows the link: the hidden type is there, for one ticket, free.
    buyer = app.test_client()
    shop = buyer.get(f"{SHOP}?voucher={made[0].code}", headers=EN)
    assert shop.status_code == 200
    text = visible(shop)
    assert "The voucher gives you one Partner ticket, free of charge." in text
    assert "With your voucher: free for one ticket" in text
    body = shop.get_data(as_text=True)
    options = re.search(rf'name="qty-{partner.id}">(.*?)</select>', body, re.S)[1]
    assert re.findall(r'value="(\d+)"', options) == ["0", "1"]  # one ticket, no more
    response = buy_with(buyer, made[0].code, {partner: 1})
    assert response.status_code == 302
    checkout = response.headers["Location"]
    data = {
        "buyer_name": "Pia Partner",
        "buyer_email": "pia@partner.se",
        "attendees-0-name": "Pia Partner",
        "method": "free",
        "csrf_token": csrf_token(buyer, checkout),
    }
    assert buyer.post(checkout, data=data).status_code == 302
    order = db.session.scalars(select(Order)).one()
    assert order.status is OrderStatus.PAID and order.total == 0

    # Used: a second person with the same link gets no ticket.
    other = app.test_client()
    again = other.get(f"{SHOP}?voucher={made[0].code}", headers=EN)
    assert "That voucher has already been used." in visible(again)
    assert buy_with(other, made[0].code, {partner: 1}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1

    page = visible(client.get(f"{BASE}/vouchers/"))
    assert "Used: 1" in page and order.reference in page and "Pia Partner" in page

    text = client.get(f"{BASE}/vouchers.csv").text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:2] == ["Code", "Link"] and len(rows) == 4
    used = next(r for r in rows if r[0] == made[0].display_code)
    assert used[1].endswith(f"/events/summit2027/tickets/?voucher={made[0].code}")
    assert used[-2:] == ["Used", order.reference]


def test_withdrawing_a_voucher(app, db, client, organizer, summit):
    _event, _regular, partner = summit
    make(client, partner, count="1")
    voucher = db.session.scalars(select(Voucher)).one()
    response = post(client, f"{BASE}/vouchers/{voucher.id}/withdraw", page=f"{BASE}/vouchers/")
    assert response.status_code == 302
    db.session.refresh(voucher)
    assert voucher.revoked_at is not None
    shop = visible(app.test_client().get(f"{SHOP}?voucher={voucher.code}", headers=EN))
    assert "That code is not valid right now." in shop and "Partner" not in shop


def test_one_voucher_per_confirmed_speaker_sent_through_the_outbox(
    db, client, organizer, summit, make_call, make_proposal, make_user
):
    event, _regular, partner = summit
    call = make_call(event)
    anna = make_user("anna@example.org", name="Anna Berg")
    make_proposal(call, anna, state=ProposalState.CONFIRMED)
    response = make(client, partner, recipients="speakers", count="")
    assert response.status_code == 302
    voucher = db.session.scalars(select(Voucher)).one()
    assert voucher.recipient_email == "anna@example.org" and voucher.emailed_at is not None
    to_anna = OutboxMessage.to_address == "anna@example.org"
    mail = db.session.scalars(select(OutboxMessage).where(to_anna)).one()
    assert f"/events/summit2027/tickets/?voucher={voucher.code}" in mail.body_text
    # Made again: nobody gets a second one.
    response = make(client, partner, recipients="speakers", count="")
    assert "Every confirmed speaker already has a voucher for Partner." in visible(
        client.get(response.headers["Location"])
    )
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(to_anna)) == 1


def test_the_voucher_form_refuses_garbage_and_strangers(app, db, client, organizer, summit):
    _event, _regular, partner = summit
    for bad in (
        {"count": "0"},
        {"count": "501"},
        {"count": "x"},
        {"ticket_type": "99999"},
        {"note": "n" * 201},
    ):
        assert make(client, partner, **bad).status_code == 422, bad
    assert db.session.scalar(select(func.count()).select_from(Voucher)) == 0
    stranger = app.test_client()
    assert stranger.get(f"{BASE}/vouchers/").status_code in (302, 403)


def test_the_buyers_own_reservation_does_not_lock_them_out_of_their_voucher(app, db, summit):
    event, regular, partner = summit
    (voucher,) = vouchers.generate_vouchers(event, partner, 1, free=True)
    buyer = app.test_client()
    assert buy_with(buyer, voucher.code, {partner: 1}).status_code == 302
    # Back in the shop with the link: still theirs to choose again, with more tickets.
    text = visible(buyer.get(f"{SHOP}?voucher={voucher.code}", headers=EN))
    assert "You already have tickets reserved" in text
    assert "The voucher gives you one Partner ticket, free of charge." in text
    assert buy_with(buyer, voucher.code, {partner: 1, regular: 2}).status_code == 302
    orders = db.session.scalars(select(Order).order_by(Order.id)).all()
    assert [o.status for o in orders] == [OrderStatus.CANCELLED, OrderStatus.RESERVED]
    assert orders[1].total == 300000
    # Anyone else is told it is taken, and the hidden type stays hidden to them.
    text = visible(app.test_client().get(f"{SHOP}?voucher={voucher.code}", headers=EN))
    assert "That voucher is in a reservation that has not been paid for." in text
    assert "Partner" not in text
