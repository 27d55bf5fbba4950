"""The Stripe provider through the real `stripe` library, against the local fake of the
Stripe API: the Checkout Session it makes, expiring sessions, refunds, and errors."""

import socket
import time
from datetime import timedelta

import pytest
import stripe
from sqlalchemy import func, select

from summit.models import (
    DiscountCode,
    DiscountKind,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    TicketStatus,
    utcnow,
)
from summit.services.payments import core, refunds, stripe_webhooks
from summit.services.payments.base import PaymentError
from summit.services.payments.stripe import StripeProvider
from tests import fakestripe
from tests.fakestripe import reserved_order, start_stripe, ticket_type
from tests.threads import in_threads


@pytest.fixture
def fake(app):
    with fakestripe.running(app) as running:
        yield running


@pytest.fixture
def event(make_event):
    return make_event(name_sv="Toppmötet 2027", name_en="Summit 2027")


def _paid(fake, order):
    """The buyer pays on Stripe's page and summit asks Stripe about it (return page)."""
    start_stripe(order)
    fake.pay()
    payment = order.payments[-1]
    assert stripe_webhooks.sync_session(payment) is OrderStatus.PAID
    return payment


def test_the_checkout_session_is_made_as_stripe_expects(db, fake, event):
    standard = ticket_type(db, event, "Ordinarie", 150000, name_en="Standard", position=1)
    student = ticket_type(db, event, "Student", 50000, position=2)
    order = reserved_order(event, {student: 1, standard: 2}, locale="en")

    url = start_stripe(order)

    session = fake.session()
    payment = db.session.scalars(select(Payment)).one()
    assert url == session["url"] == payment.checkout_url
    assert payment.provider_ref == session["id"]
    assert payment.status is PaymentStatus.CREATED
    assert session["amount_total"] == 350000 == payment.amount
    assert session["currency"] == "sek"
    request = fake.created_sessions()[-1]
    assert request["headers"]["authorization"] == f"Bearer {fakestripe.SECRET_KEY}"
    assert request["headers"]["idempotency-key"].startswith(f"checkout-{payment.id}-")
    params = request["params"]
    assert params["mode"] == "payment"
    assert params["line_items"] == [
        {
            "quantity": "2",
            "price_data": {
                "currency": "sek",
                "unit_amount": "150000",
                "product_data": {"name": "Standard", "description": "Summit 2027"},
            },
        },
        {
            "quantity": "1",
            "price_data": {
                "currency": "sek",
                "unit_amount": "50000",
                "product_data": {"name": "Student", "description": "Summit 2027"},
            },
        },
    ]
    # No payment_method_types: Stripe offers card plus the account's local methods.
    assert "payment_method_types" not in params
    assert params["locale"] == "en"
    assert params["customer_email"] == "kim@example.org"
    assert params["client_reference_id"] == order.reference
    assert params["metadata"] == {"order_reference": order.reference, "payment_id": str(payment.id)}
    assert params["success_url"] == (
        f"http://summit.test/payments/stripe/return/{order.token}"
        "?session_id={CHECKOUT_SESSION_ID}"
    )
    assert params["cancel_url"] == f"http://summit.test/payments/stripe/cancel/{order.token}"


def test_a_swedish_order_gets_swedish_checkout_and_discounted_lines(db, fake, event):
    standard = ticket_type(db, event, "Ordinarie", 150000, name_en="Standard")
    code = DiscountCode(event=event, code="HALV", kind=DiscountKind.PERCENT, value=50, max_uses=1)
    db.session.add(code)
    db.session.commit()
    order = reserved_order(event, {standard: 3}, code="halv")

    start_stripe(order)

    params = fake.created_sessions()[-1]["params"]
    assert params["locale"] == "sv"
    lines = [
        (line["quantity"], line["price_data"]["unit_amount"], line["price_data"]["product_data"])
        for line in params["line_items"]
    ]
    assert lines == [
        ("2", "150000", {"name": "Ordinarie", "description": "Toppmötet 2027"}),
        ("1", "75000", {"name": "Ordinarie", "description": "Toppmötet 2027"}),
    ]
    assert fake.session()["amount_total"] == 375000 == order.total


def test_a_reservation_shorter_than_stripes_30_minutes_is_extended(db, fake, make_event):
    event = make_event(reservation_minutes=10)
    order = reserved_order(event, {ticket_type(db, event): 1})
    assert order.expires_at < utcnow() + timedelta(minutes=11)

    start_stripe(order)

    db.session.expire_all()
    now = utcnow()
    assert now + timedelta(minutes=30) < order.expires_at <= now + timedelta(minutes=31)
    assert fake.session()["expires_at"] == int(order.expires_at.timestamp())


def test_a_long_reservation_is_kept_and_ends_the_session(db, fake, make_event):
    event = make_event(reservation_minutes=120)
    order = reserved_order(event, {ticket_type(db, event): 1})
    reserved_until = order.expires_at

    start_stripe(order)

    db.session.expire_all()
    assert order.expires_at == reserved_until
    assert fake.session()["expires_at"] == int(reserved_until.timestamp())


def test_when_stripe_refuses_nothing_is_stored(db, fake, make_event):
    event = make_event(reservation_minutes=10)
    order = reserved_order(event, {ticket_type(db, event): 1})
    reserved_until = order.expires_at
    fake.fail_next("POST", "/v1/checkout/sessions", 400, "Your account cannot take SEK.")

    with pytest.raises(PaymentError) as failure:
        start_stripe(order)

    assert failure.value.reason == "provider_refused"
    assert "cannot take SEK" in failure.value.detail
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0
    assert order.status is OrderStatus.RESERVED
    assert order.expires_at == reserved_until  # the extension went with the rollback
    assert order.payment_method is None
    # The buyer tries again: a new attempt, a new idempotency key, a session.
    assert start_stripe(order) == fake.session()["url"]


def test_a_wrong_secret_key_is_a_payment_error(app, db, fake, event):
    order = reserved_order(event, {ticket_type(db, event): 1})
    app.config["STRIPE_SECRET_KEY"] = "sk_test_not_the_right_one"

    with pytest.raises(PaymentError) as failure:
        start_stripe(order)

    assert failure.value.reason == "provider_misconfigured"
    assert not fake.sessions


def test_stripe_out_of_reach_is_a_payment_error(app, db, fake, event):
    order = reserved_order(event, {ticket_type(db, event): 1})
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{closed.getsockname()[1]}"

    with pytest.raises(PaymentError) as failure:
        start_stripe(order)  # tried three times (two retries), then given up

    assert failure.value.reason == "provider_unreachable"
    db.session.expire_all()
    assert order.payments == []
    assert order.status is OrderStatus.RESERVED


@pytest.mark.parametrize(
    "change, error",
    [
        ({"expires_at": 10 * 60}, "between 30 minutes and 24 hours"),
        ({"expires_at": 25 * 3600}, "between 30 minutes and 24 hours"),
        ({"unit_amount": -100}, "greater than or equal to 0"),
        ({"unit_amount": 299}, "amount_too_small"),
        ({"unit_amount": 0}, "amount_too_small"),
        ({"payment_method_types": ["card"]}, "unknown parameter"),
        ({"quantity": 0}, "greater than or equal to 1"),
        ({"line_items": []}, "line_items"),
        ({"payment_method_typo": ["card"]}, "unknown parameter"),
    ],
)
def test_the_fake_refuses_what_stripe_refuses(fake, change, error):
    """The tests above trust the fake to check like Stripe; this checks the fake."""
    client = stripe.StripeClient(fakestripe.SECRET_KEY, base_addresses={"api": fake.url})
    line = {
        "quantity": change.pop("quantity", 1),
        "price_data": {
            "currency": "sek",
            "unit_amount": change.pop("unit_amount", 10000),
            "product_data": {"name": "Biljett"},
        },
    }
    params = {
        "mode": "payment",
        "line_items": [line],
        "success_url": "http://summit.test/ok",
        "expires_at": int(time.time()) + 3600,
    }
    if "expires_at" in change:
        change["expires_at"] += int(time.time())
    params.update(change)

    with pytest.raises(stripe.InvalidRequestError) as failure:
        client.v1.checkout.sessions.create(params)

    assert error in str(failure.value) or error == failure.value.code
    assert failure.value.http_status == 400
    assert not fake.sessions


def test_the_fake_speaks_the_pinned_api_version(fake):
    """stripe==16.1.0 sends its own API version; the fake answers as that version does:
    a free line (unit_amount 0) is fine when the session reaches the minimum charge,
    payment methods are filtered with allowed_payment_method_types."""
    assert stripe.api_version == fakestripe.API_VERSION
    client = stripe.StripeClient(fakestripe.SECRET_KEY, base_addresses={"api": fake.url})
    free = {"currency": "sek", "unit_amount": 0, "product_data": {"name": "Fri"}}
    paid = {"currency": "sek", "unit_amount": 300, "product_data": {"name": "Biljett"}}

    session = client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "line_items": [
                {"quantity": 1, "price_data": free},
                {"quantity": 1, "price_data": paid},
            ],
            "success_url": "http://summit.test/ok",
            "allowed_payment_method_types": ["card", "swish"],
        }
    )

    assert session.amount_total == 300
    assert session.allowed_payment_method_types == ["card", "swish"]
    assert session.payment_method_types == ["card", "swish"]
    request = fake.created_sessions()[-1]
    assert request["headers"]["stripe-version"] == stripe.api_version


def test_expire_reservations_expires_the_checkout_session(db, fake, event):
    order = reserved_order(event, {ticket_type(db, event): 1})
    start_stripe(order)
    order.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert core.expire_reservations() == 1

    assert fake.session()["status"] == "expired"
    db.session.expire_all()
    assert order.status is OrderStatus.EXPIRED
    assert order.payments[0].status is PaymentStatus.CANCELLED


def test_an_ended_reservation_is_tidied_by_one_worker_only(app, db, fake, event):
    """Workers racing over the same ended reservations: each order is claimed by one,
    so Stripe is asked once per session; a claim left by a dead worker passes on."""
    kind = ticket_type(db, event)
    orders = [reserved_order(event, {kind: 1}) for _ in range(6)]
    for order in orders:
        start_stripe(order)
        order.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    tidied = in_threads(app, 4, core.expire_reservations)
    assert sum(tidied) == 6
    expiries = [r["path"] for r in fake.requests if r["path"].endswith("/expire")]
    assert len(expiries) == len(set(expiries)) == 6
    db.session.expire_all()
    assert {o.status for o in orders} == {OrderStatus.EXPIRED}

    late = reserved_order(event, {kind: 1})
    late.expires_at = utcnow() - timedelta(seconds=1)
    late.expiring_until = utcnow() + core.EXPIRING_LEASE  # a worker died holding it
    db.session.commit()
    assert core.expire_reservations() == 0
    assert core.expire_reservations(now=utcnow() + core.EXPIRING_LEASE) == 1
    db.session.expire_all()
    assert late.status is OrderStatus.EXPIRED


@pytest.mark.parametrize("session_end", ["expired", "paid"])
def test_cancelling_a_session_that_already_ended_is_quiet(db, fake, event, session_end):
    order = reserved_order(event, {ticket_type(db, event): 1})
    start_stripe(order)
    if session_end == "expired":
        fake.expire()
    else:
        fake.pay()

    StripeProvider().cancel(order.payments[0])

    assert fake.session()["status"] == ("expired" if session_end == "expired" else "complete")


def test_cancelling_an_open_session_that_stripe_refuses_is_an_error(db, fake, event):
    order = reserved_order(event, {ticket_type(db, event): 1})
    start_stripe(order)
    fake.fail_next("POST", "/v1/checkout/sessions/", 400, "Something else is wrong.")

    with pytest.raises(PaymentError):
        StripeProvider().cancel(order.payments[0])

    assert fake.session()["status"] == "open"


def test_an_organizer_cancelling_an_order_expires_its_session(db, fake, event):
    order = reserved_order(event, {ticket_type(db, event): 2})
    start_stripe(order)

    refunds.cancel_order(order)

    assert fake.session()["status"] == "expired"
    db.session.expire_all()
    assert order.status is OrderStatus.CANCELLED
    assert order.payments[0].status is PaymentStatus.CANCELLED
    assert {t.status for t in order.tickets} == {TicketStatus.CANCELLED}


def test_an_organizer_refunds_one_ticket_then_the_rest(db, fake, event):
    standard = ticket_type(db, event, "Ordinarie", 150000)
    student = ticket_type(db, event, "Student", 50000)
    order = reserved_order(event, {standard: 1, student: 1})
    payment = _paid(fake, order)
    intent = payment.provider_intent
    student_ticket = next(t for t in order.tickets if t.ticket_type_id == student.id)

    assert refunds.refund(order, student_ticket) == 50000

    (first,) = fake.refunds_of(intent)
    assert first["amount"] == 50000
    assert first["metadata"] == {"order_reference": order.reference, "payment_id": str(payment.id)}
    db.session.expire_all()
    assert student_ticket.status is TicketStatus.REFUNDED
    assert order.status is OrderStatus.PAID
    assert payment.refunded_amount == 50000

    assert refunds.refund(order) == 150000

    assert sorted(r["amount"] for r in fake.refunds_of(intent)) == [50000, 150000]
    assert fake.intents[intent]["amount_refunded"] == 200000
    db.session.expire_all()
    assert {t.status for t in order.tickets} == {TicketStatus.REFUNDED}
    assert order.status is OrderStatus.REFUNDED
    recorded = db.session.scalars(select(Refund.provider_ref).order_by(Refund.id)).all()
    assert set(recorded) == {r["id"] for r in fake.refunds_of(intent)}


def test_a_refund_stripe_refuses_records_nothing(db, fake, event):
    order = reserved_order(event, {ticket_type(db, event, price=100000): 2})
    payment = _paid(fake, order)
    fake.refund_in_dashboard(payment.provider_intent, 50000)  # summit has not heard yet

    with pytest.raises(PaymentError) as failure:
        refunds.refund(order)  # all 200000: more than Stripe has left

    assert "greater than unrefunded amount" in failure.value.detail
    db.session.expire_all()
    assert payment.refunded_amount == 0
    assert order.status is OrderStatus.PAID
    assert {t.status for t in order.tickets} == {TicketStatus.VALID}


def test_a_retried_refund_is_made_once(db, fake, event):
    order = reserved_order(event, {ticket_type(db, event): 1})
    payment = _paid(fake, order)
    provider = StripeProvider()

    first = provider.refund(payment, 1000, "refund-try")
    again = provider.refund(payment, 1000, "refund-try")

    assert first == again
    assert [r["id"] for r in fake.refunds_of(payment.provider_intent)] == [first.ref]


def test_a_refund_without_a_payment_intent_is_refused(db, fake, event):
    order = reserved_order(event, {ticket_type(db, event): 1})
    start_stripe(order)

    with pytest.raises(PaymentError):
        StripeProvider().refund(order.payments[0], 1000, "k")

    assert not fake.refunds


def test_an_organizer_cannot_cancel_an_order_paid_on_stripe_meanwhile(db, fake, event):
    """The buyer paid on Stripe's page a moment ago; the webhook has not come yet. The
    organizer's cancel finds the session complete: the payment counts, no cancel."""
    order = reserved_order(event, {ticket_type(db, event): 1})
    start_stripe(order)
    fake.pay()

    with pytest.raises(core.OrderError) as refused:
        refunds.cancel_order(order)

    assert refused.value.reason == "cannot_cancel"
    db.session.expire_all()
    assert order.status is OrderStatus.PAID
    assert {t.status for t in order.tickets} == {TicketStatus.VALID}
    assert fake.refunds == {}
