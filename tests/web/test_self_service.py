"""Attendees help themselves, through the pages (issue 16.3): the order page's and My
tickets' cancel and transfer buttons, each with its confirm page; refused when the
policy or the deadline does not allow it, for a wrong link or garbage (4xx, nothing
changed); the organizer's policy page."""

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from summit.models import (
    Actor,
    CancelPolicy,
    OrderEvent,
    OrderStatus,
    OutboxMessage,
    PaymentMethod,
    Refund,
    RevokedSecret,
    Role,
    TicketStatus,
)
from summit.services.payments import core as payments
from tests.conftest import STOCKHOLM, csrf_token, sign_in
from tests.fakestripe import reserved_order, ticket_type

DEADLINE = datetime(2027, 5, 1, 23, 59, tzinfo=STOCKHOLM)


@pytest.fixture
def event(make_event, clock):
    clock.set(DEADLINE - timedelta(days=30))
    return make_event(
        slug="summit2027",
        name_sv="Mötesplats Social Innovation 2027",
        cancel_policy=CancelPolicy.REFUND_MINUS_FEE,
        cancel_deadline=DEADLINE,
        cancel_fee=25000,
    )


@pytest.fixture
def order(db, event):
    made = reserved_order(event, {ticket_type(db, event, price=150000, capacity=2): 2})
    made.tickets[0].attendee_name = "Åsa Öberg-Lindqvist"
    made.tickets[0].attendee_email = "asa@example.se"
    db.session.commit()
    payments.start_payment(made, PaymentMethod.DEV)
    payment = made.payments[0]
    payments.record_payment(payment, payment.amount, payment.currency)
    assert made.status is OrderStatus.PAID
    return made


def page(order) -> str:
    return f"/events/{order.event.slug}/orders/{order.token}/"


def state(db, order) -> tuple:
    """Everything a refused request must leave as it was."""
    db.session.expire_all()
    return (
        order.status,
        [(t.status, t.secret, t.attendee_name, t.attendee_email) for t in order.tickets],
        db.session.scalar(select(func.count()).select_from(OrderEvent)),
        db.session.scalar(select(func.count()).select_from(Refund)),
        db.session.scalar(select(func.count()).select_from(OutboxMessage)),
        db.session.scalar(select(func.count()).select_from(RevokedSecret)),
    )


def test_the_order_page_offers_cancel_and_transfer_within_the_policy(
    client, db, event, order, clock
):
    html = client.get(page(order)).get_data(as_text=True)
    assert html.count("/tickets/1/cancel") == 1 and html.count("/tickets/2/transfer") == 1
    assert "Biljetter kan avbokas till och med" in html and "250\xa0kr per biljett" in html

    clock.set(DEADLINE + timedelta(minutes=1))
    late = client.get(page(order)).get_data(as_text=True)
    assert "/cancel" not in late and "/transfer" not in late

    event.cancel_policy = CancelPolicy.TRANSFER_ONLY
    event.transfer_deadline = event.starts_at
    db.session.commit()
    transfer_only = client.get(page(order)).get_data(as_text=True)
    assert "/cancel" not in transfer_only and "/tickets/1/transfer" in transfer_only

    event.cancel_policy = CancelPolicy.OFF
    db.session.commit()
    off = client.get(page(order)).get_data(as_text=True)
    assert "/cancel" not in off and "/transfer" not in off


def test_cancel_says_what_comes_back_then_cancels_on_confirm(client, db, event, order):
    url = page(order) + "tickets/2/cancel"
    shown = client.get(url)
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert "1\xa0250\xa0kr" in html  # 1 500 kr less the fee
    assert "Avbokningsavgift som behålls: 250\xa0kr" in html
    assert 'type="submit"' in html and "Ja, avboka biljetten" in html
    assert order.tickets[1].status is TicketStatus.VALID  # a GET changes nothing

    done = client.post(url, data={"csrf_token": csrf_token(client, url)})

    assert done.status_code == 302 and done.headers["Location"] == page(order)
    db.session.expire_all()
    assert order.tickets[1].status is TicketStatus.REFUNDED
    assert order.tickets[1].refunded_amount == 125000
    assert order.tickets[0].status is TicketStatus.VALID
    entry = db.session.scalars(
        select(OrderEvent).where(OrderEvent.action == "ticket_cancelled_by_attendee")
    ).one()
    assert entry.actor is Actor.BUYER and entry.details["amount"] == 125000
    subjects = db.session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.to_address == "kim@example.org")
    ).all()
    assert "Biljett avbokad: Mötesplats Social Innovation 2027" in subjects
    after = client.get(page(order)).get_data(as_text=True)
    assert "Återbetald" in after and "/tickets/2/cancel" not in after
    # The same POST again (a double click, the back button) is refused: nothing more.
    before = state(db, order)
    again = client.post(url, data={"csrf_token": csrf_token(client, page(order))})
    assert again.status_code == 409 and state(db, order) == before


def test_refused_posts_change_nothing(app, client, db, event, order, clock):
    url = page(order) + "tickets/1/cancel"
    token = csrf_token(client, url)
    before = state(db, order)
    # No CSRF token, a wrong order link, a ticket the order does not have.
    assert client.post(url).status_code == 400
    wrong = f"/events/{event.slug}/orders/{'x' * 32}/tickets/1/cancel"
    assert client.post(wrong, data={"csrf_token": token}).status_code == 404
    for number in (0, 3, 99999999999):
        bad = page(order) + f"tickets/{number}/cancel"
        assert client.post(bad, data={"csrf_token": token}).status_code == 404
    assert client.get(f"/events/annat/orders/{order.token}/tickets/1/cancel").status_code == 404
    # Past the deadline: the page says so, and the POST is refused.
    clock.set(DEADLINE)
    late = client.get(url)
    assert late.status_code == 409 and "har passerat" in late.get_data(as_text=True)
    assert client.post(url, data={"csrf_token": token}).status_code == 409
    transfer = page(order) + "tickets/1/transfer"
    posted = {"csrf_token": token, "name": "Mohammed Ali", "email": "mo@example.se"}
    assert client.post(transfer, data=posted).status_code == 409
    # "No refund" (transfer only): no cancel either.
    clock.set(DEADLINE - timedelta(days=1))
    event.cancel_policy = CancelPolicy.TRANSFER_ONLY
    db.session.commit()
    assert client.post(url, data={"csrf_token": token}).status_code == 409
    assert state(db, order) == before


def test_transfer_gives_the_ticket_to_a_colleague(client, db, event, order):
    url = page(order) + "tickets/1/transfer"
    old_secret = order.tickets[0].secret
    form = client.get(url).get_data(as_text=True)
    assert "Den nya deltagarens namn" in form and "slutar fungera direkt" in form

    done = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "name": "Mohammed Ängström",
            "email": "Mohammed@Example.se",
            "organisation": "Region Skåne",
        },
    )

    assert done.status_code == 302
    db.session.expire_all()
    ticket = order.tickets[0]
    assert (ticket.attendee_name, ticket.attendee_email, ticket.attendee_organisation) == (
        "Mohammed Ängström",
        "mohammed@example.se",
        "Region Skåne",
    )
    assert ticket.secret != old_secret and ticket.status is TicketStatus.VALID
    to = set(db.session.scalars(select(OutboxMessage.to_address)))
    assert {"mohammed@example.se", "kim@example.org", "asa@example.se"} <= to
    entry = db.session.scalars(
        select(OrderEvent).where(OrderEvent.action == "ticket_transferred")
    ).one()
    assert entry.actor is Actor.BUYER
    assert (entry.details["before"], entry.details["after"]) == (
        "Åsa Öberg-Lindqvist",
        "Mohammed Ängström",
    )
    assert old_secret not in str(entry.details) and ticket.secret not in str(entry.details)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"name": "", "email": "mo@example.se"},
        {"name": "Mohammed", "email": ""},
        {"name": "Mohammed", "email": "inte-en-adress"},
        {"name": "M" * 201, "email": "mo@example.se"},
        {"name": "Mohammed", "email": "mo@example.se", "organisation": "O" * 201},
        {"name": "Mohammed\x00", "email": "mo@example.se"},
    ],
)
def test_garbage_in_the_transfer_form_is_422_and_changes_nothing(client, db, order, fields):
    url = page(order) + "tickets/1/transfer"
    token = csrf_token(client, url)
    before = state(db, order)
    response = client.post(url, data={"csrf_token": token, **fields})
    assert response.status_code in (400, 422)
    assert state(db, order) == before


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(max_size=300),
    email=st.text(max_size=300),
    organisation=st.text(max_size=300),
)
def test_any_transfer_input_is_either_a_transfer_or_refused_unchanged(
    client, db, order, name, email, organisation
):
    url = page(order) + "tickets/2/transfer"
    before = state(db, order)
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "name": name,
            "email": email,
            "organisation": organisation,
        },
    )
    if response.status_code == 302:
        db.session.expire_all()
        assert order.tickets[1].attendee_email == email.strip().lower()
    else:
        assert response.status_code in (400, 409, 422)
        assert state(db, order) == before


def test_my_tickets_lets_an_attendee_who_did_not_buy_cancel_or_transfer(
    app, client, db, event, order, make_user
):
    asa = make_user("asa@example.se", name="Åsa Öberg-Lindqvist")
    sign_in(client, asa)
    mine = client.get("/my/tickets").get_data(as_text=True)
    ref = order.reference
    assert f"/my/tickets/{ref}/1/cancel" in mine and f"/my/tickets/{ref}/1/transfer" in mine
    assert f"/my/tickets/{ref}/2/" not in mine  # not hers
    # Not hers: 404, as for a ticket that does not exist.
    url2 = f"/my/tickets/{ref}/2/cancel"
    assert client.get(url2).status_code == 404
    assert (
        client.post(url2, data={"csrf_token": csrf_token(client, "/my/tickets")}).status_code == 404
    )

    url = f"/my/tickets/{ref}/1/cancel"
    assert "1\xa0250\xa0kr" in client.get(url).get_data(as_text=True)
    done = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert done.status_code == 302 and done.headers["Location"] == "/my/tickets"
    db.session.expire_all()
    assert order.tickets[0].status is TicketStatus.REFUNDED
    # The buyer is told, and so is she (the link to her tickets, not the buyer's page).
    to_her = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == "asa@example.se")
        .order_by(OutboxMessage.id)
    ).all()
    assert to_her and order.token not in to_her[-1].body_text


def test_an_invoiced_order_is_credited_on_its_page(client, db, event):
    made = reserved_order(event, {ticket_type(db, event, price=150000): 2})
    payments.start_payment(
        made,
        PaymentMethod.INVOICE,
        payments.InvoiceDetails("Ängström AB", "556677-8899", "Box 1, 111 11 Stockholm", "Kst 12"),
    )
    url = page(made) + "tickets/1/cancel"
    html = client.get(url).get_data(as_text=True)
    assert "Fakturan minskas med det här beloppet" in html and "1\xa0250\xa0kr" in html
    assert client.post(url, data={"csrf_token": csrf_token(client, url)}).status_code == 302
    shown = client.get(page(made)).get_data(as_text=True)
    assert "Avbokningsavgifter" in shown
    assert "1\xa0750\xa0kr" in shown  # the ticket kept and the fee


# The organizer's policy page ---------------------------------------------------------------


@pytest.fixture
def organizer(client, event, make_user, grant):
    sign_in(client, grant(make_user("karin@example.org"), event, Role.ORGANIZER))
    return client


POLICY = "/manage/events/summit2027/self-service"


def test_the_organizer_sets_the_policy_in_swedish_time(organizer, db, event):
    shown = organizer.get(POLICY)
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert 'value="2027-05-01T23:59"' in html and 'value="250"' in html
    saved = organizer.post(
        POLICY,
        data={
            "csrf_token": csrf_token(organizer, POLICY),
            "policy": "full_refund",
            "cancel_deadline": "2027-04-30T12:00",
            "cancel_fee": "",
            "transfer_deadline": "2027-05-18T08:00",
        },
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert event.cancel_policy is CancelPolicy.FULL_REFUND
    assert event.cancel_deadline == datetime(2027, 4, 30, 12, 0, tzinfo=STOCKHOLM)
    assert event.transfer_deadline == datetime(2027, 5, 18, 8, 0, tzinfo=STOCKHOLM)
    assert event.cancel_fee == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"policy": "bogus"},
        {"policy": "refund_minus_fee", "cancel_deadline": "2027-04-30T12:00", "cancel_fee": ""},
        {"policy": "refund_minus_fee", "cancel_deadline": "2027-04-30T12:00", "cancel_fee": "-5"},
        {
            "policy": "refund_minus_fee",
            "cancel_deadline": "2027-04-30T12:00",
            "cancel_fee": "9" * 12,
        },
        {"policy": "full_refund", "cancel_deadline": "igår"},
        {"policy": "full_refund", "cancel_deadline": "2030-01-01T00:00"},  # after the event
        {"policy": "full_refund", "cancel_deadline": "2027-03-28T02:30"},  # never happens
    ],
)
def test_garbage_policy_settings_are_422_and_change_nothing(organizer, db, event, fields):
    before = (event.cancel_policy, event.cancel_deadline, event.cancel_fee)
    response = organizer.post(POLICY, data={"csrf_token": csrf_token(organizer, POLICY), **fields})
    assert response.status_code in (400, 422)
    db.session.expire_all()
    assert (event.cancel_policy, event.cancel_deadline, event.cancel_fee) == before
