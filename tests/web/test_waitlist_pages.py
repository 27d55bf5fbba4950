"""The waiting list's pages: the shop points a sold-out ticket to its list, joining
(garbage refused, nothing stored), one's own place and leaving it, and the organizer's
list with its offers and removals."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from summit.models import (
    Order,
    OrderStatus,
    OutboxMessage,
    Role,
    WaitingListEntry,
    WaitingStatus,
    utcnow,
)
from summit.services.tickets import waitlist
from summit.services.tickets.ordering import reserve_tickets
from tests.conftest import csrf_token


@pytest.fixture
def sold_out(db, make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    seats = make_ticket_type(event, "Ordinarie", price=0, capacity=1)
    reserve_tickets(event, {seats.id: 1})
    return event, seats


def entries(db) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(WaitingListEntry))


def test_the_shop_points_a_sold_out_ticket_to_its_waiting_list(client, sold_out):
    html = client.get("/events/summit2027/tickets/").get_data(as_text=True)
    assert "Ställ dig på väntelistan" in html and "/events/summit2027/waiting-list/" in html
    page = client.get("/events/summit2027/waiting-list/")
    assert page.status_code == 200
    assert "Ordinarie" in page.get_data(as_text=True)


def test_joining_stores_one_entry_and_says_to_look_in_the_mail(client, db, sold_out):
    _event, seats = sold_out
    form = {
        "csrf_token": csrf_token(client, "/events/summit2027/waiting-list/"),
        "ticket_type": seats.id,
        "name": "Åsa Öberg-Lindqvist",
        "email": "asa@example.se",
        "quantity": "2",
    }
    response = client.post("/events/summit2027/waiting-list/", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "asa@example.se" in html
    entry = db.session.scalar(select(WaitingListEntry))
    assert (entry.name, entry.quantity, entry.locale) == ("Åsa Öberg-Lindqvist", 2, "sv")
    # The page never shows the entry's own link: that goes by mail only.
    assert entry.token not in html
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == entry.email))
    assert entry.token in mail.body_text


def test_a_ticket_with_seats_left_sends_people_to_the_shop(client, db, make_ticket_type, sold_out):
    event, _seats = sold_out
    roomy = make_ticket_type(event, "Student", price=0, capacity=5)
    form = {
        "csrf_token": csrf_token(client, "/events/summit2027/waiting-list/"),
        "ticket_type": roomy.id,
        "name": "Mohammed",
        "email": "m@example.se",
        "quantity": "1",
    }
    response = client.post("/events/summit2027/waiting-list/", data=form)
    assert response.status_code == 422
    assert "Student" in response.get_data(as_text=True)
    assert entries(db) == 0


def test_without_its_csrf_token_nothing_is_stored(client, db, sold_out):
    _event, seats = sold_out
    form = {"ticket_type": seats.id, "name": "Å", "email": "a@example.se", "quantity": "1"}
    assert client.post("/events/summit2027/waiting-list/", data=form).status_code == 400
    assert entries(db) == 0


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    ticket_type=st.one_of(st.text(max_size=12), st.integers(-(2**40), 2**40).map(str)),
    name=st.text(max_size=300),
    email=st.text(max_size=300),
    quantity=st.one_of(st.text(max_size=8), st.integers(-(2**40), 2**40).map(str)),
)
def test_garbage_is_answered_4xx_and_changes_nothing(
    client, db, sold_out, ticket_type, name, email, quantity
):
    _event, seats = sold_out
    counts = {str(n) for n in range(1, 11)}
    if ticket_type == str(seats.id) and "@" in email and quantity.strip() in counts:
        return  # a well-formed request, perhaps
    form = {
        "csrf_token": csrf_token(client, "/events/summit2027/waiting-list/"),
        "ticket_type": ticket_type,
        "name": name,
        "email": email,
        "quantity": quantity,
    }
    response = client.post("/events/summit2027/waiting-list/", data=form)
    assert 400 <= response.status_code < 500
    assert entries(db) == 0


def test_ones_own_place_and_leaving_it(client, db, sold_out):
    event, seats = sold_out
    waitlist.join(event, seats.id, "Ängström", "angstrom@example.se", 1)
    second = waitlist.join(event, seats.id, "Mohammed", "m@example.se", 1)
    path = f"/events/summit2027/waiting-list/{second.token}"
    page = client.get(path).get_data(as_text=True)
    assert "nummer 2 i kön" in page
    assert client.post(path + "/leave").status_code == 400  # no CSRF token
    response = client.post(path + "/leave", data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 302
    db.session.refresh(second)
    assert second.status is WaitingStatus.LEFT
    assert client.get("/events/summit2027/waiting-list/not-a-token").status_code == 404


def test_an_offer_is_shown_on_ones_place_and_leads_to_checkout(client, db, sold_out):
    event, seats = sold_out
    entry = waitlist.join(event, seats.id, "Åsa", "asa@example.se", 1)
    seats.capacity = 2
    db.session.commit()
    waitlist.offer_free_seats(event)
    db.session.refresh(entry)
    page = client.get(f"/events/summit2027/waiting-list/{entry.token}").get_data(as_text=True)
    checkout = f"/events/summit2027/orders/{entry.order.token}/checkout"
    assert checkout in page
    form = client.get(checkout)
    assert form.status_code == 200 and "Åsa" in form.get_data(as_text=True)


def test_the_organizer_sees_the_line_offers_by_hand_and_removes(
    client, db, sold_out, make_user, grant, login
):
    event, seats = sold_out
    first = waitlist.join(event, seats.id, "Åsa Öberg-Lindqvist", "asa@example.se", 1)
    second = waitlist.join(event, seats.id, "Mohammed", "m@example.se", 1)
    login(grant(make_user("org@example.se"), event, Role.ORGANIZER))
    path = "/manage/events/summit2027/waiting-list/"
    html = client.get(path).get_data(as_text=True)
    assert "Åsa Öberg-Lindqvist" in html and "Mohammed" in html
    token = csrf_token(client, path)
    # No seat is free: the offer by hand is refused, and nothing changes.
    client.post(f"{path}{second.id}/offer", data={"csrf_token": token})
    db.session.refresh(second)
    assert second.status is WaitingStatus.WAITING
    seats.capacity = 2
    db.session.commit()
    assert client.post(f"{path}{second.id}/offer", data={"csrf_token": token}).status_code == 302
    db.session.refresh(second)
    assert second.status is WaitingStatus.OFFERED and second.offered_by_id is not None
    client.post(f"{path}{first.id}/remove", data={"csrf_token": token})
    db.session.refresh(first)
    assert first.status is WaitingStatus.REMOVED
    # Hours an offer holds: in range only.
    response = client.post(f"{path}offer-hours", data={"csrf_token": token, "offer_hours": "0"})
    assert response.status_code == 422
    response = client.post(f"{path}offer-hours", data={"csrf_token": token, "offer_hours": "24"})
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.offer_hours == 24


def test_an_entry_of_another_event_is_not_the_organizers(
    client, db, sold_out, make_event, make_ticket_type, make_user, grant, login
):
    event, seats = sold_out
    other = make_event(slug="other")
    login(grant(make_user("org@example.se"), other, Role.ORGANIZER))
    entry = waitlist.join(event, seats.id, "Åsa", "asa@example.se", 1)
    token = csrf_token(client, "/manage/events/other/waiting-list/")
    response = client.post(
        f"/manage/events/other/waiting-list/{entry.id}/remove", data={"csrf_token": token}
    )
    assert response.status_code == 404
    db.session.refresh(entry)
    assert entry.status is WaitingStatus.WAITING


def test_an_expired_offer_order_is_not_held(db, sold_out):
    event, seats = sold_out
    entry = waitlist.join(event, seats.id, "Åsa", "asa@example.se", 1)
    seats.capacity = 2
    db.session.commit()
    waitlist.offer_free_seats(event)
    db.session.refresh(entry)
    later = entry.order.expires_at + timedelta(seconds=1)
    assert not entry.order.holds_seats(later)
    waitlist.offer_free_seats(event, later)
    db.session.refresh(entry)
    assert entry.status is WaitingStatus.LAPSED
    assert db.session.get(Order, entry.order_id).status is OrderStatus.RESERVED
    assert entry.ended_at == later and later > utcnow()
