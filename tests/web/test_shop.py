"""Buying tickets through the pages: shop, reservation, details, payment, order page."""

import re

import pytest
from sqlalchemy import func, select

from summit.models import Order, OrderStatus, OutboxMessage, Ticket, TicketStatus
from tests.conftest import csrf_token

BUYER = {
    "buyer_name": "Sara Lind",
    "buyer_email": "sara@example.org",
    "buyer_organisation": "Malmö stad",
}


def attendees(*names):
    data = {}
    for i, name in enumerate(names):
        data[f"attendees-{i}-name"] = name
        data[f"attendees-{i}-organisation"] = "Malmö stad"
    return data


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def summit(make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    regular = make_ticket_type(event, "Ordinarie", price=150000, capacity=100)
    student = make_ticket_type(event, "Student", price=50000, capacity=2)
    return event, regular, student


def reserve(client, event, quantities, code=""):
    data = {f"qty-{t.id}": str(q) for t, q in quantities.items()}
    data["code"] = code
    data["csrf_token"] = csrf_token(client, f"/events/{event.slug}/tickets/")
    return client.post(f"/events/{event.slug}/tickets/", data=data)


def test_buy_two_tickets_with_the_dev_provider(client, db, summit):
    event, regular, student = summit
    response = reserve(client, event, {regular: 1, student: 1})
    assert response.status_code == 302
    checkout = response.headers["Location"]
    assert re.fullmatch(r"/events/summit2027/orders/[\w-]{32}/checkout", checkout)
    page = client.get(checkout).get_data(as_text=True).replace("\xa0", " ")
    assert "2 000 kr" in page  # 1 500 + 500
    data = dict(BUYER, **attendees("Sara Lind", "Ali Hassan"), method="dev")
    data["csrf_token"] = csrf_token(client, checkout)
    response = client.post(checkout, data=data)
    assert response.status_code == 302
    pay = response.headers["Location"].removeprefix("http://summit.test")
    assert pay.startswith("/payments/dev/")
    page = client.get(pay).get_data(as_text=True)
    assert "no money moves" in page or "inga pengar" in page  # clearly labelled
    response = client.post(pay, data={"csrf_token": csrf_token(client, pay), "pay": "1"})
    order = db.session.scalars(select(Order)).one()
    assert order.status is OrderStatus.PAID
    assert response.headers["Location"] == f"/events/summit2027/orders/{order.token}/"
    assert [t.attendee_name for t in order.tickets] == ["Sara Lind", "Ali Hassan"]
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.to_address == "sara@example.org"
    assert [a.document for a in mail.attachments] == [
        f"ticket:{order.tickets[0].id}",
        f"ticket:{order.tickets[1].id}",
    ]
    # The receipt is a link, to the PDF the order page offers too.
    assert f"/events/summit2027/orders/{order.token}/receipt.pdf" in mail.body_text
    page = client.get(f"/events/summit2027/orders/{order.token}/").get_data(as_text=True)
    assert "Ali Hassan" in page and f"/orders/{order.token}/tickets/2.pdf" in page


def test_free_registration_is_confirmed_at_once(client, db, make_event, make_ticket_type):
    event = make_event(slug="seminarium", days=1)
    free = make_ticket_type(event, "Deltagare", price=0, vat_percent=0)
    checkout = reserve(client, event, {free: 1}).headers["Location"]
    page = client.get(checkout).get_data(as_text=True)
    assert 'value="free"' in page and 'value="dev"' not in page
    data = dict(BUYER, **attendees("Sara Lind"), method="free")
    data["csrf_token"] = csrf_token(client, checkout)
    response = client.post(checkout, data=data)
    order = db.session.scalars(select(Order)).one()
    assert response.headers["Location"] == f"/events/seminarium/orders/{order.token}/"
    assert order.status is OrderStatus.PAID
    assert [a.document for a in db.session.scalars(select(OutboxMessage)).one().attachments] == [
        f"ticket:{order.tickets[0].id}"
    ]


def test_invoice_needs_organisation_details_and_confirms(client, db, summit):
    event, regular, _student = summit
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    base = dict(BUYER, **attendees("Sara Lind"), method="invoice")
    bad = dict(base, org_number="212000-1234", invoice_address="")
    bad["csrf_token"] = csrf_token(client, checkout)
    response = client.post(checkout, data=bad)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="org_number-error"' in body and 'id="invoice_address-error"' in body
    assert 'id="invoice_reference-error"' in body  # "Er referens" is required
    assert db.session.scalars(select(Order)).one().status is OrderStatus.RESERVED

    good = dict(
        base,
        org_number="212000-1124",
        invoice_address="Box 1\n205 00 Malmö",
        invoice_reference="Projekt 7",
    )
    good["csrf_token"] = csrf_token(client, checkout)
    response = client.post(checkout, data=good)
    assert response.status_code == 302
    order = db.session.scalars(select(Order)).one()
    assert order.status is OrderStatus.INVOICED
    assert order.org_number == "212000-1124" and order.invoice_due_on is not None
    attachments = db.session.scalars(select(OutboxMessage)).one().attachments
    assert attachments[-1].document == f"invoice:{order.id}"


@pytest.mark.parametrize("quantity", ["-1", "999999999", "abc", "1.5", "", " ", "1e3", "0x10"])
def test_garbage_quantities_are_refused_and_store_nothing(client, db, summit, quantity):
    event, regular, _ = summit
    data = {
        f"qty-{regular.id}": quantity,
        "csrf_token": csrf_token(client, "/events/summit2027/tickets/"),
    }
    response = client.post("/events/summit2027/tickets/", data=data)
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)
    assert count(db, Order) == 0


def test_unknown_and_foreign_ticket_types_are_refused(
    client, db, summit, make_event, make_ticket_type
):
    event, regular, _ = summit
    other = make_ticket_type(make_event(slug="annat"), "Annat")
    for type_id in (other.id, 99999):
        data = {
            f"qty-{type_id}": "1",
            "csrf_token": csrf_token(client, "/events/summit2027/tickets/"),
        }
        assert client.post("/events/summit2027/tickets/", data=data).status_code == 422
    assert count(db, Order) == 0


def test_sold_out_says_so(app, client, db, summit):
    event, _regular, student = summit
    response = reserve(client, event, {student: 3})
    assert response.status_code == 422
    assert "Only 2 left" in response.get_data(as_text=True) or "Endast 2 kvar" in response.get_data(
        as_text=True
    )
    assert reserve(client, event, {student: 2}).status_code == 302
    response = reserve(app.test_client(), event, {student: 1})  # another buyer
    assert response.status_code == 422
    assert count(db, Ticket) == 2


def test_expired_reservation_frees_seats_without_any_job(app, client, db, summit):
    event, _regular, student = summit
    assert reserve(client, event, {student: 2}).status_code == 302
    other = app.test_client()  # another buyer
    assert reserve(other, event, {student: 1}).status_code == 422
    order = db.session.scalars(select(Order)).one()
    from datetime import timedelta

    from summit.models import utcnow

    order.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert reserve(other, event, {student: 2}).status_code == 302
    # The expired order's checkout now says it ended; its seats went to someone else.
    response = client.get(f"/events/summit2027/orders/{order.token}/checkout")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Din reservation har gått ut" in page and "/renew" not in page


def test_tampered_order_link_is_404(client, db, summit):
    event, regular, _ = summit
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    token = checkout.split("/")[4]
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x", "a" * 200):
        assert client.get(f"/events/summit2027/orders/{bad}/").status_code == 404
    assert client.get(f"/events/annat/orders/{token}/").status_code == 404


def test_checkout_garbage_is_refused_and_changes_nothing(client, db, summit):
    event, regular, _ = summit
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    data = {
        "buyer_name": "",
        "buyer_email": "not-an-email",
        "attendees-0-name": "",
        "attendees-0-email": "nope",
        "method": "bitcoin",
        "csrf_token": csrf_token(client, checkout),
    }
    response = client.post(checkout, data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    for field in ("buyer_name", "buyer_email", "attendees-0-name", "attendees-0-email", "method"):
        assert f'id="{field}-error"' in body, field
    order = db.session.scalars(select(Order)).one()
    assert (order.buyer_email, order.status) == ("", OrderStatus.RESERVED)


def test_hidden_type_needs_its_access_code(client, db, summit, make_ticket_type):
    event, _regular, _ = summit
    speaker = make_ticket_type(event, "Talare", price=0, is_visible=False, access_code="TALA2027")
    assert "Talare" not in client.get("/events/summit2027/tickets/").get_data(as_text=True)
    assert "Talare" in client.get("/events/summit2027/tickets/?code=tala2027").get_data(
        as_text=True
    )
    assert reserve(client, event, {speaker: 1}).status_code == 422
    assert reserve(client, event, {speaker: 1}, code="tala2027").status_code == 302


def test_attendee_can_be_changed_on_a_paid_order(client, db, summit):
    event, regular, _ = summit
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    data = dict(
        BUYER,
        **attendees("Sara Lind"),
        method="invoice",
        org_number="212000-1124",
        invoice_address="Box 1",
        invoice_reference="Kst 1",
    )
    data["csrf_token"] = csrf_token(client, checkout)
    client.post(checkout, data=data)
    order = db.session.scalars(select(Order)).one()
    secret = order.tickets[0].secret
    path = f"/events/summit2027/orders/{order.token}/attendees/1"
    response = client.post(
        path,
        data={
            "attendee-name": "Kollega Karlsson",
            "attendee-organisation": "Malmö stad",
            "csrf_token": csrf_token(client, path),
        },
    )
    assert response.status_code == 302
    db.session.refresh(order.tickets[0])
    assert order.tickets[0].attendee_name == "Kollega Karlsson"
    assert order.tickets[0].secret == secret
    bad = client.post(path, data={"attendee-name": "", "csrf_token": csrf_token(client, path)})
    assert bad.status_code == 422
    assert client.get(f"/events/summit2027/orders/{order.token}/attendees/2").status_code == 404
    assert order.tickets[0].status is TicketStatus.VALID
