"""Add-ons through the pages: ticked per attendee at checkout, added from the order page
afterwards, and managed by organizers beside the ticket types."""

import pytest
from sqlalchemy import func, select

from summit.models import Addon, Order, OrderStatus, Role, TicketAddon
from tests.conftest import csrf_token
from tests.web.test_shop import BUYER, attendees, reserve

BASE = "/manage/events/summit2027"


@pytest.fixture
def summit(make_event, make_ticket_type, db):
    event = make_event(slug="summit2027")
    regular = make_ticket_type(event, "Ordinarie", price=150000, capacity=100)
    dinner = Addon(
        event=event,
        name_sv="Konferensmiddag",
        name_en="Conference dinner",
        price=67200,
        vat_percent=12,
        capacity=1,
        badge_label="Middag",
    )
    db.session.add(dinner)
    db.session.commit()
    return event, regular, dinner


def count(db, model):
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model))


def checkout_with(client, checkout, names, extra):
    data = dict(BUYER, **attendees(*names), method="invoice", **extra)
    data |= {
        "org_number": "232100-0255",
        "invoice_address": "Box 1, Malmö",
        "invoice_reference": "Kst 1",
    }
    data["csrf_token"] = csrf_token(client, checkout)
    return client.post(checkout, data=data)


def test_the_dinner_ticked_at_checkout_is_bought_with_the_ticket(client, db, summit):
    event, regular, dinner = summit
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    page = client.get(checkout).get_data(as_text=True).replace("\xa0", " ")
    assert "Konferensmiddag, 672 kr" in page and 'name="addon-1"' in page
    response = checkout_with(
        client, checkout, ["Åsa Öberg-Lindqvist"], {"addons-shown": "1", "addon-1": dinner.id}
    )
    assert response.status_code == 302
    order = db.session.scalars(select(Order)).one()
    assert order.status is OrderStatus.INVOICED
    assert order.total == 150000 + 67200
    assert [a.addon.name_sv for a in order.tickets[0].valid_addons] == ["Konferensmiddag"]
    page = client.get(f"/events/summit2027/orders/{order.token}/").get_data(as_text=True)
    assert "Konferensmiddag" in page


def test_a_fully_booked_dinner_is_refused_at_checkout_and_nothing_is_bought(client, db, summit):
    event, regular, dinner = summit
    first = reserve(client, event, {regular: 1}).headers["Location"]
    checkout_with(client, first, ["Mohammed Ali"], {"addons-shown": "1", "addon-1": dinner.id})
    second = reserve(client, event, {regular: 1}).headers["Location"]
    page = client.get(second).get_data(as_text=True)
    assert "fullbokat" in page
    response = checkout_with(
        client, second, ["Lars Ängström"], {"addons-shown": "1", "addon-1": dinner.id}
    )
    assert "Tyvärr, Konferensmiddag är fullbokad." in response.get_data(as_text=True)
    assert count(db, TicketAddon) == 1
    order = db.session.scalar(select(Order).where(Order.token == second.split("/")[4]))
    assert order.status is OrderStatus.RESERVED  # not confirmed without its dinner


@pytest.mark.parametrize(
    "garbage",
    [
        {"addon-0": "1"},
        {"addon-2": "1"},
        {"addon-x": "1"},
        {"addon-1": "middag"},
        {"addon-1": "9" * 12},
    ],
)
def test_garbage_addon_fields_are_refused_and_change_nothing(client, db, summit, garbage):
    event, regular, dinner = summit
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    response = checkout_with(client, checkout, ["Åsa"], {"addons-shown": "1", **garbage})
    assert response.status_code == 400
    assert count(db, TicketAddon) == 0
    assert db.session.scalars(select(Order)).one().status is OrderStatus.RESERVED


def test_an_addon_not_offered_is_refused_at_checkout(client, db, summit, make_ticket_type):
    event, regular, dinner = summit
    student = make_ticket_type(event, "Student", price=50000)
    dinner.ticket_types = [student]
    db.session.commit()
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    assert 'name="addon-1"' not in client.get(checkout).get_data(as_text=True)
    response = checkout_with(client, checkout, ["Åsa"], {"addons-shown": "1", "addon-1": dinner.id})
    assert "erbjuds inte med den här biljetten" in response.get_data(as_text=True)
    assert count(db, TicketAddon) == 0


def test_the_dinner_added_from_the_order_page_is_paid_in_a_small_order(client, db, summit):
    event, regular, dinner = summit
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    checkout_with(client, checkout, ["Åsa Öberg-Lindqvist"], {})
    order = db.session.scalars(select(Order)).one()
    page_url = f"/events/summit2027/orders/{order.token}/"
    page = client.get(page_url).get_data(as_text=True)
    assert "Lägg till på dina biljetter" in page
    add = f"/events/summit2027/orders/{order.token}/addons"
    response = client.post(
        add,
        data={
            "csrf_token": csrf_token(client, page_url),
            "addons-shown": "1",
            "addon-1": dinner.id,
        },
    )
    assert response.status_code == 302
    follow_up = db.session.scalar(select(Order).where(Order.id != order.id))
    assert response.headers["Location"] == f"/events/summit2027/orders/{follow_up.token}/checkout"
    page = client.get(response.headers["Location"]).get_data(as_text=True).replace("\xa0", " ")
    assert "Konferensmiddag" in page and "672 kr" in page and "attendees-0-name" not in page
    data = dict(
        BUYER,
        method="invoice",
        org_number="232100-0255",
        invoice_address="Box 1",
        invoice_reference="Kst 1",
    )
    data["csrf_token"] = csrf_token(client, response.headers["Location"])
    done = client.post(response.headers["Location"], data=data)
    assert done.status_code == 302
    db.session.refresh(follow_up)
    assert follow_up.status is OrderStatus.INVOICED and follow_up.total == 67200
    page = client.get(page_url).get_data(as_text=True)
    assert follow_up.reference in page and "Lägg till på dina biljetter" not in page


@pytest.mark.parametrize(
    "garbage", [{"addon-1": "abc"}, {"addon-7": "1"}, {"addon-": "1"}, {"csrf_token": ""}]
)
def test_garbage_after_purchase_is_refused_and_stores_nothing(client, db, summit, garbage):
    event, regular, dinner = summit
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    checkout_with(client, checkout, ["Åsa"], {})
    order = db.session.scalars(select(Order)).one()
    page_url = f"/events/summit2027/orders/{order.token}/"
    data = {"csrf_token": csrf_token(client, page_url), "addons-shown": "1"} | garbage
    response = client.post(f"/events/summit2027/orders/{order.token}/addons", data=data)
    assert response.status_code == 400
    assert count(db, Order) == 1


def test_organizers_add_an_addon_and_see_sold_and_left(client, db, summit, make_user, grant, login):
    event, regular, dinner = summit
    login(grant(make_user("arr@example.org"), event, Role.ORGANIZER))
    new = f"{BASE}/addons/new"
    bad = {"csrf_token": csrf_token(client, new), "name_sv": "Studiebesök", "price": "tusen"}
    response = client.post(new, data=bad)
    assert response.status_code == 422 and count(db, Addon) == 1
    good = {
        "csrf_token": csrf_token(client, new),
        "name_sv": "Studiebesök",
        "name_en": "Study visit",
        "price": "0",
        "vat_percent": "25",
        "capacity": "30",
        "ticket_types": str(regular.id),
        "is_active": "y",
    }
    assert client.post(new, data=good).status_code == 302
    visit = db.session.scalar(select(Addon).where(Addon.name_sv == "Studiebesök"))
    assert visit.capacity == 30 and [t.name_sv for t in visit.ticket_types] == ["Ordinarie"]
    page = client.get(f"{BASE}/addons/").get_data(as_text=True)
    assert "Studiebesök" in page and "Konferensmiddag" in page
    foreign = dict(good, ticket_types="999999", csrf_token=csrf_token(client, new))
    assert client.post(new, data=foreign).status_code == 422
    assert count(db, Addon) == 2


def test_a_free_ticket_with_a_paid_dinner_is_paid_for(client, db, make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    free = make_ticket_type(event, "Deltagare", price=0, vat_percent=0)
    dinner = Addon(event=event, name_sv="Konferensmiddag", price=67200, vat_percent=12)
    db.session.add(dinner)
    db.session.commit()
    checkout = reserve(client, event, {free: 1}).headers["Location"]
    data = dict(BUYER, **attendees("Åsa Öberg-Lindqvist"), method="free")
    data |= {"addons-shown": "1", "addon-1": dinner.id, "csrf_token": csrf_token(client, checkout)}
    page = client.post(checkout, data=data).get_data(as_text=True)
    # Not registered for free: the ways to pay for the dinner are offered instead.
    assert "Välj ett av betalsätten som visas." in page and 'value="invoice"' in page
    order = db.session.scalars(select(Order)).one()
    assert order.status is OrderStatus.RESERVED and order.total == 67200
    response = checkout_with(
        client, checkout, ["Åsa Öberg-Lindqvist"], {"addons-shown": "1", "addon-1": dinner.id}
    )
    assert response.status_code == 302
    db.session.refresh(order)
    assert order.status is OrderStatus.INVOICED and order.total == 67200
