"""Approval through the pages: the buyer's application, the organizers' applications
page (approve or decline in bulk, one POST), and garbage refused with nothing changed."""

import pytest
from sqlalchemy import func, select

from summit.models import Order, OrderStatus, OutboxMessage, Role
from tests.conftest import csrf_token

APPLY = "/events/summit2027/tickets/apply"
PAGE = "/manage/events/summit2027/applications/"


@pytest.fixture
def seminar(make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    regular = make_ticket_type(event, "Ordinarie", price=150000)
    reduced = make_ticket_type(
        event, "Reducerat pris – ideell förening", price=60000, capacity=1, requires_approval=True
    )
    return event, regular, reduced


def application(client, reduced, name="Åsa Öberg-Lindqvist", **extra):
    data = {
        "csrf_token": csrf_token(client, APPLY),
        "ticket_type": str(reduced.id),
        "buyer_name": name,
        "buyer_email": "asa@forening.se",
        "buyer_organisation": "Föreningen Ängen",
        "motivation": "Vi driver en mötesplats för unga i Rosengård.",
        "attendees-0-name": name,
    }
    return client.post(APPLY, data=data | extra)


def count(db, model, *where):
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_shop_offers_to_apply_and_the_application_is_sent(client, db, seminar):
    event, regular, reduced = seminar
    shop = client.get("/events/summit2027/tickets/").get_data(as_text=True)
    assert "Kräver arrangörernas godkännande" in shop and APPLY in shop
    assert f'name="qty-{reduced.id}"' not in shop
    page = client.get(APPLY + "?antal=2").get_data(as_text=True)
    assert "attendees-1-name" in page
    response = application(client, reduced)
    assert response.status_code == 302
    order = db.session.scalars(select(Order)).one()
    assert order.status is OrderStatus.APPLIED
    assert order.motivation.startswith("Vi driver")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Din ansökan ligger hos arrangörerna" in page


@pytest.mark.parametrize(
    "garbage",
    [
        {"ticket_type": "999999"},
        {"ticket_type": "abc"},
        {"buyer_email": "inte-en-adress"},
        {"attendees-0-name": ""},
        {"motivation": "x" * 2001},
        {"csrf_token": ""},
    ],
)
def test_a_garbage_application_is_refused_and_stores_nothing(client, db, seminar, garbage):
    event, regular, reduced = seminar
    response = application(client, reduced, **garbage)
    assert 400 <= response.status_code < 500
    assert count(db, Order) == 0


def test_the_regular_type_cannot_be_applied_for(client, db, seminar):
    event, regular, reduced = seminar
    response = application(client, reduced, ticket_type=str(regular.id))
    assert response.status_code == 422 and count(db, Order) == 0


def test_organizers_approve_and_decline_in_bulk(client, db, seminar, make_user, grant, login):
    event, regular, reduced = seminar
    for name in ("Åsa Öberg-Lindqvist", "Mohammed Ali", "Lars Ängström"):
        application(client, reduced, name)
    first, second, third = db.session.scalars(select(Order).order_by(Order.id)).all()
    login(grant(make_user("arr@example.org"), event, Role.ORGANIZER))
    page = client.get(PAGE).get_data(as_text=True)
    assert "3 ansökningar väntar" in page and "Rosengård" in page

    # Two chosen, one seat: nothing approved, and the page says why.
    token = csrf_token(client, PAGE)
    data = {"csrf_token": token, "approve": "1", "application": [first.reference, second.reference]}
    response = client.post(PAGE, data=data)
    assert response.status_code == 422
    assert "Bara 1 platser finns kvar" in response.get_data(as_text=True)
    assert count(db, Order, Order.status == OrderStatus.APPLIED) == 3

    data["application"] = [first.reference]
    assert client.post(PAGE, data=data).status_code == 302
    data = {
        "csrf_token": token,
        "decline": "1",
        "message": "Platserna är slut i år.",
        "application": [second.reference, third.reference],
    }
    assert client.post(PAGE, data=data).status_code == 302
    db.session.expire_all()
    assert [o.status for o in (first, second, third)] == [
        OrderStatus.RESERVED,
        OrderStatus.DECLINED,
        OrderStatus.DECLINED,
    ]
    assert (
        count(db, OutboxMessage, OutboxMessage.body_text.contains("Platserna är slut i år.")) == 2
    )
    # The approved buyer's link opens the normal checkout for the held seat.
    checkout = client.get(f"/events/summit2027/orders/{first.token}/checkout")
    assert checkout.status_code == 200 and "Reducerat pris" in checkout.get_data(as_text=True)


@pytest.mark.parametrize(
    "garbage",
    [
        {"application": ["../../x"]},
        {"application": ["ABCDEFGH"], "approve": "1", "decline": "1"},
        {"application": ["ABCDEFGH"], "approve": ""},
        {"application": ["ABCDEFGH"], "approve": "1", "csrf_token": ""},
    ],
)
def test_garbage_decisions_are_refused_and_change_nothing(
    client, db, seminar, make_user, grant, login, garbage
):
    event, regular, reduced = seminar
    application(client, reduced)
    login(grant(make_user("arr@example.org"), event, Role.ORGANIZER))
    data = {"csrf_token": csrf_token(client, PAGE), "approve": "1"} | garbage
    response = client.post(PAGE, data=data)
    assert response.status_code in (400, 422)
    assert count(db, Order, Order.status == OrderStatus.APPLIED) == 1


def test_an_unknown_reference_refuses_the_whole_batch(client, db, seminar, make_user, grant, login):
    event, regular, reduced = seminar
    application(client, reduced)
    order = db.session.scalars(select(Order)).one()
    login(grant(make_user("arr@example.org"), event, Role.ORGANIZER))
    data = {
        "csrf_token": csrf_token(client, PAGE),
        "approve": "1",
        "application": [order.reference, "ZZZZZZZZ"],
    }
    assert client.post(PAGE, data=data).status_code == 422
    assert count(db, Order, Order.status == OrderStatus.APPLIED) == 1


def test_organizers_make_a_type_that_needs_approval(client, db, seminar, make_user, grant, login):
    event, regular, reduced = seminar
    login(grant(make_user("arr@example.org"), event, Role.ORGANIZER))
    edit = f"/manage/events/summit2027/tickets/{regular.id}/"
    page = client.get(edit).get_data(as_text=True)
    assert 'name="requires_approval"' in page
    data = {
        "csrf_token": csrf_token(client, edit),
        "name_sv": "Ordinarie",
        "price": "1500",
        "vat_percent": "25",
        "max_per_order": "10",
        "is_visible": "y",
        "is_active": "y",
        "badge_role": "deltagare",
        "requires_approval": "y",
        "approval_hold_hours": "24",
    }
    assert client.post(edit, data=data).status_code == 302
    db.session.refresh(regular)
    assert regular.requires_approval and regular.approval_hold_hours == 24
    assert client.post(edit, data=data | {"approval_hold_hours": "9999"}).status_code == 422
    db.session.refresh(regular)
    assert regular.approval_hold_hours == 24
    listing = client.get("/manage/events/summit2027/tickets/").get_data(as_text=True)
    assert listing.count("Kräver godkännande") == 2
