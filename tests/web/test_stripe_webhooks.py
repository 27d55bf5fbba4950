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
    PaymentMethod,
    PaymentStatus,
    ProviderEvent,
    Refund,
    Role,
    TicketStatus,
    User,
    utcnow,
)
from summit.services import billing
from summit.services.payments import core, refunds
from summit.services.payments.stripe import StripeProvider
from summit.services.tickets import sales
from summit.services.tickets.ordering import OrderError, reserve_tickets
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
    assert len(mail.attachments) == 2  # two tickets; the receipt is a link
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


INVOICE = core.InvoiceDetails(
    "Föreningen Exempel", "802400-1235", "Box 1\n111 11 Stockholm", "Kst 7"
)


def test_choosing_invoice_after_starting_a_card_payment_ends_the_checkout_session(
    client, db, fake, paying
):
    core.start_payment(paying, PaymentMethod.INVOICE, INVOICE)

    assert fake.session()["status"] == "expired"  # the old tab can no longer pay
    db.session.expire_all()
    assert paying.status is OrderStatus.INVOICED
    assert paying.payments[0].status is PaymentStatus.CANCELLED
    with pytest.raises(AssertionError, match="cannot pay a expired session"):
        fake.pay()


def test_a_new_checkout_ends_the_one_the_buyer_left(client, db, fake, paying):
    first = fake.session()

    start_stripe(paying)  # the buyer went back from Checkout and started again

    assert fake.session(first["id"])["status"] == "expired"
    assert fake.session()["status"] == "open"
    db.session.expire_all()
    assert [p.status for p in paying.payments] == [PaymentStatus.CANCELLED, PaymentStatus.CREATED]


def test_a_session_paid_before_the_buyer_switched_to_invoice_counts(client, db, fake, paying):
    fake.pay()  # paid on Stripe's page; the webhook has not come yet

    with pytest.raises(OrderError) as refused:
        core.start_payment(paying, PaymentMethod.INVOICE, INVOICE)

    assert refused.value.reason == "paid_meanwhile"
    db.session.expire_all()
    assert paying.status is OrderStatus.PAID
    assert paying.payment_method is PaymentMethod.STRIPE
    assert billing.invoice_of(paying) is None
    assert fake.refunds == {}
    assert len(confirmations(db)) == 1


def test_a_superseded_session_paid_anyway_is_refunded_and_the_invoice_stands(
    client, db, fake, paying
):
    old = fake.session()
    fake.fail_next("POST", f"/v1/checkout/sessions/{old['id']}/expire", 400, "Not now.")
    core.start_payment(paying, PaymentMethod.INVOICE, INVOICE)
    assert fake.session(old["id"])["status"] == "open"  # Stripe did not end it
    session = fake.pay(old["id"])  # the forgotten tab pays
    completed = fake.event("checkout.session.completed", session)

    for delivery in (completed, completed):
        assert fake.deliver(client, delivery).status_code == 200

    (refund,) = fake.refunds_of(session["payment_intent"])
    assert refund["amount"] == 300000
    db.session.expire_all()
    assert paying.status is OrderStatus.INVOICED
    assert paying.payment_method is PaymentMethod.INVOICE
    assert billing.invoice_of(paying) is not None
    assert {t.status for t in paying.tickets} == {TicketStatus.VALID}
    assert paying.payments[0].refunded_amount == 300000
    assert count(db, Refund) == 1
    subjects = [m.subject for m in inbox(db, BUYER)]
    assert len(subjects) == 2  # the invoice, then the money back
    assert "har återbetalats till dig" in inbox(db, BUYER)[-1].body_text
    (told,) = inbox(db, ORGANIZER)
    assert paying.reference in told.subject


def test_a_superseded_payment_whose_refund_fails_is_flagged_for_the_organizers(
    client, db, fake, paying, login, make_user
):
    old = fake.session()
    fake.fail_next("POST", f"/v1/checkout/sessions/{old['id']}/expire", 400, "Not now.")
    core.start_payment(paying, PaymentMethod.INVOICE, INVOICE)
    session = fake.pay(old["id"])
    fake.fail_next("POST", "/v1/refunds", 400, "Refunds are paused.")

    fake.deliver(client, fake.event("checkout.session.completed", session))

    assert fake.refunds == {}
    db.session.expire_all()
    assert paying.status is OrderStatus.INVOICED
    assert paying.payments[0].refund_due
    (told,) = inbox(db, ORGANIZER)
    assert "Refunds are paused" in told.body_text
    login(db.session.scalars(select(User).where(User.email == ORGANIZER)).one())
    page = client.get(f"/manage/events/summit2027/orders/{paying.reference}").get_data(as_text=True)
    assert "refund-due" in page


def test_a_superseded_session_paid_before_the_new_one_is_refunded_the_new_one_counts(
    client, db, fake, paying
):
    first = fake.session()
    fake.fail_next("POST", f"/v1/checkout/sessions/{first['id']}/expire", 400, "Not now.")
    start_stripe(paying)  # the buyer went back and started again; the old one stayed open
    first = fake.pay(first["id"])
    second = fake.pay()

    fake.deliver(client, fake.event("checkout.session.completed", first))
    fake.deliver(client, fake.event("checkout.session.completed", second))

    (refund,) = fake.refunds_of(first["payment_intent"])
    assert refund["amount"] == 300000
    assert fake.refunds_of(second["payment_intent"]) == []
    db.session.expire_all()
    assert paying.status is OrderStatus.PAID
    assert {t.status for t in paying.tickets} == {TicketStatus.VALID}
    assert len(confirmations(db)) == 1
    fake.deliver(client, fake.event("charge.refunded", fake.charge(first["payment_intent"])))
    db.session.expire_all()
    assert {t.status for t in paying.tickets} == {TicketStatus.VALID}
    assert paying.status is OrderStatus.PAID
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
    refunded = fake.event("charge.refunded", fake.charge(intent))
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
    ref = StripeProvider().refund(payment, ticket.price, "refund-race").ref
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


def _organizer_page(client, db, login, order) -> str:
    login(db.session.scalars(select(User).where(User.email == ORGANIZER)).one())
    return client.get(f"/manage/events/summit2027/orders/{order.reference}").get_data(as_text=True)


def test_a_pending_refund_counts_only_when_stripe_says_it_succeeded(
    client, db, fake, paying, login
):
    intent = _paid(client, fake, db, paying)
    fake.refund_status = "pending"  # e.g. a bank method: Stripe answers "pending"

    refunds.refund(paying)

    db.session.expire_all()
    assert {t.status for t in paying.tickets} == {TicketStatus.VALID}
    assert paying.status is OrderStatus.PAID
    assert sales.refundable_amount(paying) is None  # nothing more to give back meanwhile
    assert "refund-pending" in _organizer_page(client, db, login, paying)

    (pending,) = fake.refunds_of(intent)
    succeeded = fake.update_refund(pending["id"], "succeeded")
    updated = fake.event("refund.updated", succeeded)
    for delivery in (updated, updated, fake.event("charge.refund.updated", succeeded)):
        assert fake.deliver(client, delivery).status_code == 200

    db.session.expire_all()
    assert {t.status for t in paying.tickets} == {TicketStatus.REFUNDED}
    assert paying.status is OrderStatus.REFUNDED
    assert paying.payments[0].refunded_amount == 300000
    assert count(db, Refund) == 1


@pytest.mark.parametrize("first", ["succeeded", "pending", "requires_action"])
@pytest.mark.parametrize("end", ["failed", "canceled"])
def test_a_refund_that_fails_reopens_the_order_and_tells_the_organizers(
    client, db, fake, paying, first, end
):
    intent = _paid(client, fake, db, paying)
    fake.refund_status = first
    refunds.refund(paying)
    (made,) = fake.refunds_of(intent)

    ended = fake.update_refund(made["id"], end)
    event_type = "refund.failed" if end == "failed" else "refund.updated"
    for delivery in (fake.event(event_type, ended), fake.event("charge.refund.updated", ended)):
        assert fake.deliver(client, delivery).status_code == 200

    db.session.expire_all()
    assert paying.payments[0].refunded_amount == 0  # the money never went back
    assert {t.status for t in paying.tickets} == {TicketStatus.VALID}
    assert paying.status is OrderStatus.PAID
    assert sales.refundable_amount(paying) == 300000  # it can be refunded again
    (told,) = [m for m in inbox(db, ORGANIZER) if paying.reference in m.subject]
    assert "3\xa0000\xa0kr" in told.body_text  # how much did not go back


def test_charge_refunded_records_a_pending_refund_as_pending(client, db, fake, paying):
    intent = _paid(client, fake, db, paying)
    fake.refund_status = "pending"
    fake.refund_in_dashboard(intent)

    fake.deliver(client, fake.event("charge.refunded", fake.charge(intent)))

    db.session.expire_all()
    assert count(db, Refund) == 1
    assert {t.status for t in paying.tickets} == {TicketStatus.VALID}
    assert paying.status is OrderStatus.PAID


def _decide(client, order, decision):
    from tests.conftest import csrf_token

    page = f"/manage/events/summit2027/orders/{order.reference}"
    return client.post(
        f"{page}/dispute", data={"csrf_token": csrf_token(client, page), decision: "1"}
    )


@pytest.mark.parametrize("decision, outcome", [("cancel", "lost"), ("keep", "won")])
def test_a_dispute_flags_the_order_the_organizers_choose_and_the_outcome_is_recorded(
    client, db, fake, paying, login, decision, outcome
):
    intent = _paid(client, fake, db, paying)
    dispute = fake.dispute(intent, reason="fraudulent")
    created = fake.event("charge.dispute.created", dispute)

    for delivery in (created, created):
        assert fake.deliver(client, delivery).status_code == 200

    (told,) = [m for m in inbox(db, ORGANIZER) if paying.reference in m.subject]
    assert "3\xa0000\xa0kr" in told.body_text
    db.session.expire_all()
    assert {t.status for t in paying.tickets} == {TicketStatus.VALID}  # until they choose
    page = _organizer_page(client, db, login, paying)
    assert "order-disputed" in page
    listing = client.get("/manage/events/summit2027/orders/").get_data(as_text=True)
    assert "badge-disputed" in listing

    assert _decide(client, paying, decision).status_code == 302

    db.session.expire_all()
    expected = TicketStatus.CANCELLED if decision == "cancel" else TicketStatus.VALID
    assert {t.status for t in paying.tickets} == {expected}
    closed = fake.close_dispute(dispute["id"], outcome)
    fake.deliver(client, fake.event("charge.dispute.closed", closed))
    db.session.expire_all()
    payment = paying.payments[0]
    assert (payment.dispute_ref, payment.dispute_status) == (dispute["id"], outcome)
    assert payment.dispute_closed_at is not None
    page = client.get(f"/manage/events/summit2027/orders/{paying.reference}").get_data(as_text=True)
    assert f"dispute-{outcome}" in page
    assert len([m for m in inbox(db, ORGANIZER) if paying.reference in m.subject]) == 2


def test_the_organizer_is_told_when_stripe_leaves_a_refund_pending(client, db, fake, paying, login):
    from tests.conftest import csrf_token

    _paid(client, fake, db, paying)
    fake.refund_status = "pending"
    page = _organizer_page(client, db, login, paying)  # signs the organizer in
    refund_page = f"/manage/events/summit2027/orders/{paying.reference}/refund"

    response = client.post(refund_page, data={"csrf_token": csrf_token(client, refund_page)})

    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "flash-info" in page and "refund-pending" in page
    db.session.expire_all()
    assert {t.status for t in paying.tickets} == {TicketStatus.VALID}


def test_a_disputed_payment_is_not_refunded_on_top(client, db, fake, paying, login):
    """While the bank holds the money (and after it gave it back), a refund would pay
    the buyer twice; Stripe refuses it, and summit says why before asking."""
    from tests.conftest import csrf_token

    intent = _paid(client, fake, db, paying)
    fake.deliver(client, fake.event("charge.dispute.created", fake.dispute(intent)))
    page = _organizer_page(client, db, login, paying)
    refund_page = f"/manage/events/summit2027/orders/{paying.reference}/refund"

    response = client.post(refund_page, data={"csrf_token": csrf_token(client, refund_page)})

    page = client.get(response.location).get_data(as_text=True)
    assert "flash-error" in page and "Vänta på bankens beslut" in page
    assert fake.refunds == {}
    with pytest.raises(OrderError) as refused:
        refunds.refund(paying)
    assert refused.value.reason == "disputed"
