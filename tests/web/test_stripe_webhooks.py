"""Stripe's webhooks, signed as Stripe signs them and posted to summit as Stripe posts
them; Stripe's side (payments, refunds) is the local fake of its API."""

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from summit.models import (
    OrderStatus,
    OutboxMessage,
    PaymentStatus,
    ProviderEvent,
    Refund,
    Role,
    TicketStatus,
    utcnow,
)
from summit.services.ordering import reserve_tickets
from summit.services.payments import refunds
from summit.services.payments.stripe import StripeProvider
from tests import fakestripe
from tests.fakestripe import reserved_order, start_stripe, ticket_type

BUYER = "kim@example.org"
ORGANIZER = "arrangor@example.org"


@pytest.fixture
def fake(app):
    with fakestripe.running(app) as running:
        yield running


@pytest.fixture
def event(db, make_event, make_user, grant):
    event = make_event(slug="summit2027")
    grant(make_user(ORGANIZER), event, Role.ORGANIZER)
    db.session.execute(delete(OutboxMessage))  # the organizer's welcome is not under test
    db.session.commit()
    return event


def inbox(db, to) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == to).order_by(OutboxMessage.id)
    ).all()


def confirmations(db, to=BUYER) -> list[OutboxMessage]:
    """Confirmation emails: the ones that carry the tickets."""
    return [
        m
        for m in inbox(db, to)
        if any((a.document or "").startswith("ticket:") for a in m.attachments)
    ]


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def expire(db, order):
    """The reservation ends (time passes)."""
    order.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


@pytest.fixture
def paying(db, fake, event):
    """An order of two tickets whose Checkout Session is open."""
    order = reserved_order(event, {ticket_type(db, event, "Ordinarie", 150000): 2})
    start_stripe(order)
    return order


def test_paid_by_webhook(client, db, fake, paying):
    session = fake.pay()

    response = fake.deliver(client, fake.event("checkout.session.completed", session))

    assert response.status_code == 200
    db.session.expire_all()
    assert paying.status is OrderStatus.PAID
    payment = paying.payments[0]
    assert payment.status is PaymentStatus.SUCCEEDED
    assert payment.provider_intent == session["payment_intent"]
    (mail,) = confirmations(db)
    assert len(mail.attachments) == 3  # two tickets and the receipt
    assert db.session.scalars(select(ProviderEvent.event_type)).all() == [
        "checkout.session.completed"
    ]


def test_the_same_event_delivered_twice_has_its_effect_once(client, db, fake, paying):
    completed = fake.event("checkout.session.completed", fake.pay())

    assert fake.deliver(client, completed).status_code == 200
    assert fake.deliver(client, completed).status_code == 200
    # Another event about the same payment (e.g. a replay from the dashboard).
    assert fake.deliver(client, dict(completed, id="evt_test_other")).status_code == 200

    db.session.expire_all()
    assert paying.status is OrderStatus.PAID
    assert len(confirmations(db)) == 1
    assert len(inbox(db, BUYER)) == 1
    assert count(db, ProviderEvent) == 2


def test_a_payment_that_settles_later(client, db, fake, paying):
    session = fake.pay(settles_later=True)

    fake.deliver(client, fake.event("checkout.session.completed", session))

    db.session.expire_all()
    assert paying.status is OrderStatus.PENDING
    assert paying.holds_seats(utcnow() + timedelta(days=7))
    assert confirmations(db) == []

    settled = fake.settle()
    fake.deliver(client, fake.event("checkout.session.async_payment_succeeded", settled))

    db.session.expire_all()
    assert paying.status is OrderStatus.PAID
    assert paying.payments[0].status is PaymentStatus.SUCCEEDED
    assert len(confirmations(db)) == 1


@pytest.mark.parametrize("sold_meanwhile", [False, True])
def test_a_payment_that_settles_later_reported_after_the_reservation_ended(
    client, db, fake, event, sold_meanwhile
):
    last_seat = ticket_type(db, event, "Ordinarie", 150000, capacity=1)
    order = reserved_order(event, {last_seat: 1})
    start_stripe(order)
    session = fake.pay(settles_later=True)
    expire(db, order)  # the webhook comes after the reservation ended
    if sold_meanwhile:
        other = reserve_tickets(event, {last_seat.id: 1})

    fake.deliver(client, fake.event("checkout.session.completed", session))

    db.session.expire_all()
    assert order.payments[0].status is PaymentStatus.PENDING
    # The seat is held for the bank only if nobody else has it: never two holders.
    assert order.holds_seats(utcnow()) is not sold_meanwhile
    fake.deliver(client, fake.event("checkout.session.async_payment_succeeded", fake.settle()))
    db.session.expire_all()
    if sold_meanwhile:
        assert order.status is OrderStatus.REFUNDED
        assert len(fake.refunds_of(session["payment_intent"])) == 1
        assert other.holds_seats(utcnow())
    else:
        assert order.status is OrderStatus.PAID
        assert fake.refunds == {}


@pytest.mark.parametrize("reservation_left", [True, False])
def test_a_payment_that_fails_later(client, db, fake, paying, reservation_left):
    fake.deliver(client, fake.event("checkout.session.completed", fake.pay(settles_later=True)))
    if not reservation_left:
        expire(db, paying)

    failed = fake.settle(succeeded=False)
    response = fake.deliver(client, fake.event("checkout.session.async_payment_failed", failed))

    assert response.status_code == 200
    db.session.expire_all()
    assert paying.status is (OrderStatus.RESERVED if reservation_left else OrderStatus.EXPIRED)
    assert paying.payments[0].status is PaymentStatus.FAILED
    (told,) = inbox(db, BUYER)
    assert paying.token in told.body_text  # a link back to the order to try again
    assert confirmations(db) == []


@pytest.mark.parametrize("reservation_left", [True, False])
def test_an_expired_session(client, db, fake, paying, reservation_left):
    if not reservation_left:
        expire(db, paying)

    response = fake.deliver(client, fake.event("checkout.session.expired", fake.expire()))

    assert response.status_code == 200
    db.session.expire_all()
    assert paying.payments[0].status is PaymentStatus.CANCELLED
    assert paying.status is (OrderStatus.RESERVED if reservation_left else OrderStatus.EXPIRED)


def _post(client, payload: str, header: str | None):
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["Stripe-Signature"] = header
    return client.post("/payments/stripe/webhook", data=payload, headers=headers)


@pytest.mark.parametrize(
    "forgery",
    [
        "tampered body",
        "wrong secret",
        "stale timestamp",
        "no header",
        "header without v1",
        "garbage header",
        "signed garbage body",
        "signed non-event",
        "secret not configured",
    ],
)
def test_a_webhook_stripe_did_not_sign_is_refused(app, client, db, fake, paying, forgery):
    payload = json.dumps(fake.event("checkout.session.completed", fake.pay()))
    header = fake.sign(payload)
    if forgery == "tampered body":
        payload = payload.replace('"amount_total": 300000', '"amount_total": 300001')
    elif forgery == "wrong secret":
        header = fake.sign(payload, secret="whsec_someone_else")
    elif forgery == "stale timestamp":
        header = fake.sign(payload, timestamp=int(time.time()) - 600)
    elif forgery == "no header":
        header = None
    elif forgery == "header without v1":
        header = header.replace("v1=", "v0=")
    elif forgery == "garbage header":
        header = "lorem ipsum"
    elif forgery == "signed garbage body":
        payload = "{not json"
        header = fake.sign(payload)
    elif forgery == "signed non-event":
        payload = json.dumps({"object": "event", "id": "evt_1", "type": "x", "data": []})
        header = fake.sign(payload)
    elif forgery == "secret not configured":
        app.config["STRIPE_WEBHOOK_SECRET"] = ""

    response = _post(client, payload, header)

    assert response.status_code == 400
    db.session.expire_all()
    assert paying.status is OrderStatus.RESERVED
    assert paying.payments[0].status is PaymentStatus.CREATED
    assert count(db, ProviderEvent) == 0
    assert count(db, OutboxMessage) == 0


def test_a_payment_of_the_wrong_amount_is_not_accepted(client, db, fake, paying):
    session = fake.pay(amount_total=1000)

    fake.deliver(client, fake.event("checkout.session.completed", session))
    client.get(f"/payments/stripe/return/{paying.token}?session_id={session['id']}")

    db.session.expire_all()
    assert paying.status is OrderStatus.RESERVED
    assert paying.payments[0].status is PaymentStatus.FAILED
    assert confirmations(db) == []
    (notice,) = inbox(db, ORGANIZER)  # once, though both webhook and return page saw it
    assert paying.reference in notice.subject


def test_a_payment_in_the_wrong_currency_is_not_accepted(client, db, fake, paying):
    fake.deliver(client, fake.event("checkout.session.completed", fake.pay(currency="eur")))

    db.session.expire_all()
    assert paying.status is OrderStatus.RESERVED
    assert len(inbox(db, ORGANIZER)) == 1


def test_a_late_payment_is_kept_while_seats_remain(client, db, fake, event):
    order = reserved_order(event, {ticket_type(db, event, capacity=5): 2})
    start_stripe(order)
    session = fake.pay()
    expire(db, order)  # the webhook arrives after the reservation ended

    fake.deliver(client, fake.event("checkout.session.completed", session))

    db.session.expire_all()
    assert order.status is OrderStatus.PAID
    assert len(confirmations(db)) == 1
    assert len(inbox(db, ORGANIZER)) == 1  # told that a late payment was kept
    assert fake.refunds == {}


def test_a_late_payment_when_sold_out_is_refunded(client, db, fake, event):
    last_seat = ticket_type(db, event, "Ordinarie", 150000, capacity=1)
    late = reserved_order(event, {last_seat: 1})
    start_stripe(late)
    session = fake.pay()
    expire(db, late)
    other = reserve_tickets(event, {last_seat.id: 1})  # the freed seat is sold again

    response = fake.deliver(client, fake.event("checkout.session.completed", session))

    assert response.status_code == 200
    (refund,) = fake.refunds_of(session["payment_intent"])
    assert refund["amount"] == 150000
    db.session.expire_all()
    assert late.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED)
    assert late.tickets[0].status is not TicketStatus.VALID
    assert late.payments[0].refunded_amount == 150000
    assert db.session.scalars(select(Refund.provider_ref)).all() == [refund["id"]]
    assert confirmations(db) == []
    assert len(inbox(db, BUYER)) == 1  # told the money went back
    assert len(inbox(db, ORGANIZER)) == 1
    assert other.holds_seats(utcnow())

    # Stripe then reports the refund; it is already known.
    fake.deliver(client, fake.event("charge.refunded", fake.charge(session["payment_intent"])))
    assert count(db, Refund) == 1
    assert len(inbox(db, BUYER)) == 1


def test_paying_twice_refunds_the_second_payment_only(client, db, fake, paying):
    # The buyer went back from Checkout and started again; both sessions got paid.
    first = fake.pay()
    start_stripe(paying)
    second = fake.pay()

    fake.deliver(client, fake.event("checkout.session.completed", first))
    fake.deliver(client, fake.event("checkout.session.completed", second))

    assert fake.refunds_of(first["payment_intent"]) == []
    (refund,) = fake.refunds_of(second["payment_intent"])
    assert refund["amount"] == 300000
    db.session.expire_all()
    assert paying.status is OrderStatus.PAID
    assert {t.status for t in paying.tickets} == {TicketStatus.VALID}
    assert len(confirmations(db)) == 1
    fake.deliver(client, fake.event("charge.refunded", fake.charge(second["payment_intent"])))
    db.session.expire_all()
    assert {t.status for t in paying.tickets} == {TicketStatus.VALID}
    assert count(db, Refund) == 1


def _paid(client, fake, db, order):
    session = fake.pay()
    fake.deliver(client, fake.event("checkout.session.completed", session))
    db.session.expire_all()
    assert order.status is OrderStatus.PAID
    return session["payment_intent"]


def test_a_refund_in_the_stripe_dashboard_is_recorded_once(client, db, fake, paying):
    intent = _paid(client, fake, db, paying)
    refund = fake.refund_in_dashboard(intent)
    refunded = fake.event("charge.refunded", fake.charge(intent))

    for delivery in (refunded, refunded, dict(refunded, id="evt_test_again")):
        assert fake.deliver(client, delivery).status_code == 200

    db.session.expire_all()
    assert db.session.scalars(select(Refund.provider_ref)).all() == [refund["id"]]
    assert paying.payments[0].refunded_amount == 300000
    assert paying.status is OrderStatus.REFUNDED
    assert {t.status for t in paying.tickets} == {TicketStatus.REFUNDED}


def test_partial_refunds_in_the_dashboard_add_up(client, db, fake, paying):
    intent = _paid(client, fake, db, paying)
    fake.refund_in_dashboard(intent, 10000)
    fake.deliver(client, fake.event("charge.refunded", fake.charge(intent)))
    fake.refund_in_dashboard(intent, 20000)
    # This charge lists both refunds; the first is known already.
    fake.deliver(client, fake.event("charge.refunded", fake.charge(intent)))

    db.session.expire_all()
    assert count(db, Refund) == 2
    assert paying.payments[0].refunded_amount == 30000
    assert paying.status is OrderStatus.PAID
    assert {t.status for t in paying.tickets} == {TicketStatus.VALID}


def test_a_charge_without_its_refunds_makes_summit_ask_stripe(client, db, fake, paying):
    """Since API version 2022-11-15 Stripe leaves charge.refunds out of the event."""
    intent = _paid(client, fake, db, paying)
    refund = fake.refund_in_dashboard(intent)
    refunded = fake.event("charge.refunded", fake.charge(intent, with_refunds=False))
    fake.fail_next("GET", "/v1/refunds", 400, "Not now.")

    assert fake.deliver(client, refunded).status_code == 503  # Stripe will deliver again
    assert count(db, ProviderEvent) == 1  # only checkout.session.completed
    assert fake.deliver(client, refunded).status_code == 200

    db.session.expire_all()
    assert db.session.scalars(select(Refund.provider_ref)).all() == [refund["id"]]
    assert paying.status is OrderStatus.REFUNDED


def test_an_organizers_refund_reported_back_is_not_doubled(client, db, fake, paying):
    intent = _paid(client, fake, db, paying)
    ticket = paying.tickets[0]

    refunds.refund(paying, ticket)
    fake.deliver(client, fake.event("charge.refunded", fake.charge(intent)))

    db.session.expire_all()
    assert count(db, Refund) == 1
    assert paying.payments[0].refunded_amount == 150000
    assert [t.status for t in paying.tickets] == [TicketStatus.REFUNDED, TicketStatus.VALID]
    assert paying.status is OrderStatus.PAID


def test_the_refund_webhook_may_arrive_before_the_organizers_refund_is_recorded(
    client, db, fake, paying
):
    """refunds.refund() asks Stripe, then records; Stripe's webhook can come in between."""
    intent = _paid(client, fake, db, paying)
    payment, ticket = paying.payments[0], paying.tickets[0]
    ref = StripeProvider().refund(payment, ticket.price, "refund-race")
    fake.deliver(client, fake.event("charge.refunded", fake.charge(intent)))

    refunds.record_refund(payment, ticket.price, ref, tickets=[ticket])  # refund() goes on

    db.session.expire_all()
    assert count(db, Refund) == 1
    assert payment.refunded_amount == 150000
    assert [t.status for t in paying.tickets] == [TicketStatus.REFUNDED, TicketStatus.VALID]


def test_events_summit_does_not_handle_are_acknowledged(client, db, fake, paying):
    for unwanted in (
        fake.event("customer.created", {"id": "cus_test_1", "object": "customer"}),
        fake.event("checkout.session.completed", dict(fake.pay(), id="cs_test_not_ours")),
    ):
        assert fake.deliver(client, unwanted).status_code == 200

    db.session.expire_all()
    assert paying.status is OrderStatus.RESERVED
    assert count(db, OutboxMessage) == 0
