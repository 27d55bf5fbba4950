"""The buyer's way through Stripe Checkout: the checkout page sends them to the Checkout
Session, and the return page asks Stripe (never the browser) whether they paid."""

import pytest
from sqlalchemy import select

from summit.models import OrderStatus, OutboxMessage, PaymentStatus, ProviderEvent
from summit.services import billing
from tests import fakestripe
from tests.conftest import csrf_token
from tests.fakestripe import reserved_order, start_stripe, ticket_type


@pytest.fixture
def fake(app):
    with fakestripe.running(app) as running:
        yield running


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027")


def confirmations(db, to="kim@example.org") -> list[OutboxMessage]:
    """Confirmation emails: the ones that carry the tickets."""
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == to))
    return [
        m for m in messages if any((a.document or "").startswith("ticket:") for a in m.attachments)
    ]


def order_page(order) -> str:
    return f"/events/{order.event.slug}/orders/{order.token}/"


def return_page(order, session_id) -> str:
    return f"/payments/stripe/return/{order.token}?session_id={session_id}"


def test_the_buyer_pays_by_card_from_the_checkout_page(client, db, fake, event):
    from summit.services.tickets.ordering import reserve_tickets

    order = reserve_tickets(event, {ticket_type(db, event, "Ordinarie", 150000).id: 2})
    checkout = f"/events/summit2027/orders/{order.token}/checkout"
    page = client.get(checkout).get_data(as_text=True)
    assert 'value="stripe"' in page and 'value="dev"' not in page

    response = client.post(
        checkout,
        data={
            "csrf_token": csrf_token(client, checkout),
            "buyer_name": "Kim Köpare",
            "buyer_email": "Kim@Example.org",
            "attendees-0-name": "Ada Deltagare",
            "attendees-1-name": "Bo Deltagare",
            "method": "stripe",
        },
    )

    session = fake.session()
    assert response.status_code == 302
    assert response.location == session["url"]
    assert session["customer_email"] == "kim@example.org"
    assert session["amount_total"] == 300000
    db.session.expire_all()
    assert order.status is OrderStatus.RESERVED
    assert order.payments[0].provider_ref == session["id"]

    # The buyer pays on Stripe's page; Stripe sends them back to the return page.
    fake.pay()
    success_url = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
    assert success_url.startswith("http://summit.test/payments/stripe/return/")
    response = client.get(success_url.removeprefix("http://summit.test"))

    assert response.status_code == 302
    assert response.location == order_page(order)
    db.session.expire_all()
    assert order.status is OrderStatus.PAID
    assert order.payments[0].status is PaymentStatus.SUCCEEDED
    assert order.payments[0].provider_intent == fake.session()["payment_intent"]
    (mail,) = confirmations(db)
    assert [a.document for a in mail.attachments] == [
        *(f"ticket:{t.id}" for t in order.tickets),
    ]
    assert f"/orders/{order.token}/receipt.pdf" in mail.body_text
    page = client.get(order_page(order)).get_data(as_text=True)
    assert "flash-success" in page

    # The webhook that follows changes nothing: one payment, one email.
    fake.deliver(client, fake.event("checkout.session.completed", fake.session()))
    assert len(confirmations(db)) == 1


def test_the_return_page_alone_is_enough(client, db, fake, event):
    order = reserved_order(event, {ticket_type(db, event): 1})
    start_stripe(order)
    session = fake.pay()

    for _ in range(2):  # the buyer reloads the page
        response = client.get(return_page(order, session["id"]))
        assert response.status_code == 302

    db.session.expire_all()
    assert order.status is OrderStatus.PAID
    assert len(confirmations(db)) == 1
    assert db.session.scalars(select(ProviderEvent)).all() == []  # no webhook came


def test_coming_back_without_paying_does_not_pay(client, db, fake, event):
    order = reserved_order(event, {ticket_type(db, event): 1})
    start_stripe(order)
    session = fake.session()  # still open: the buyer typed the return address

    response = client.get(return_page(order, session["id"]))

    assert response.status_code == 302
    db.session.expire_all()
    assert order.status is OrderStatus.RESERVED
    assert order.payments[0].status is PaymentStatus.CREATED
    assert confirmations(db) == []
    assert "flash-error" in client.get(order_page(order)).get_data(as_text=True)


def test_a_payment_that_settles_later_waits_for_the_bank(client, db, fake, event):
    order = reserved_order(event, {ticket_type(db, event): 1})
    start_stripe(order)
    session = fake.pay(settles_later=True)

    client.get(return_page(order, session["id"]))

    db.session.expire_all()
    assert order.status is OrderStatus.PENDING
    assert order.payments[0].status is PaymentStatus.PENDING
    assert confirmations(db) == []


def test_the_return_page_only_knows_this_orders_own_session(client, db, fake, event):
    kind = ticket_type(db, event)
    mine = reserved_order(event, {kind: 1})
    theirs = reserved_order(event, {kind: 1}, email="other@example.org")
    start_stripe(mine)
    start_stripe(theirs)
    their_session = fake.pay()

    assert client.get(return_page(mine, their_session["id"])).status_code == 404
    assert client.get(return_page(mine, "cs_test_made_up")).status_code == 404
    assert client.get(f"/payments/stripe/return/{mine.token}").status_code == 404
    assert client.get(return_page(theirs, their_session["id"])[:-3]).status_code == 404
    assert (
        client.get(f"/payments/stripe/return/nope?session_id={their_session['id']}").status_code
        == 404
    )

    db.session.expire_all()
    assert mine.status is OrderStatus.RESERVED
    assert theirs.status is OrderStatus.RESERVED  # nothing asked Stripe about it yet


def test_when_stripe_cannot_be_asked_the_order_waits(client, db, fake, event):
    order = reserved_order(event, {ticket_type(db, event): 1})
    start_stripe(order)
    session = fake.pay()
    fake.fail_next("GET", "/v1/checkout/sessions/", 400, "Try again.")

    response = client.get(return_page(order, session["id"]))

    assert response.status_code == 302
    assert response.location == order_page(order)
    db.session.expire_all()
    assert order.status is OrderStatus.RESERVED
    assert "flash-info" in client.get(order_page(order)).get_data(as_text=True)
    # The next look (or the webhook) confirms it.
    client.get(return_page(order, session["id"]))
    db.session.expire_all()
    assert order.status is OrderStatus.PAID


def test_an_amount_under_stripes_minimum_is_refused_up_front(client, db, fake, event):
    """A fixed discount can leave 2 kr to pay: Stripe would refuse it (the minimum charge
    in SEK is 3 kr), so card is not offered and the buyer is told why; invoice is."""
    from summit.models import DiscountCode, DiscountKind, PaymentMethod
    from summit.services.payments import core

    kind = ticket_type(db, event, "Ordinarie", 150000)
    db.session.add(DiscountCode(event=event, code="NASTAN", kind=DiscountKind.FIXED, value=149800))
    db.session.commit()
    order = reserved_order(event, {kind: 1}, code="NASTAN")
    assert order.total == 200
    checkout = f"/events/summit2027/orders/{order.token}/checkout"

    page = client.get(checkout, headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert 'value="stripe"' not in page and 'value="invoice"' in page
    assert "at least 3 SEK" in page.replace("\xa0", " ")
    page = client.get(checkout, headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "minst 3 kr" in page.replace("\xa0", " ")
    with pytest.raises(core.OrderError) as refused:
        core.start_payment(order, PaymentMethod.STRIPE)
    assert refused.value.reason == "below_card_minimum"
    assert fake.created_sessions() == []  # Stripe was never asked
    assert core.payment_methods(order) == [PaymentMethod.INVOICE]


@pytest.mark.parametrize("paid_on_stripe", [False, True])
def test_back_from_stripe_the_buyer_chooses_invoice(client, db, fake, event, paid_on_stripe):
    """The buyer starts a card payment, comes back to the checkout and chooses invoice:
    the Checkout Session is ended, so the old tab cannot pay too. Had they paid there
    already, the card payment counts and no invoice is issued."""

    order = reserved_order(event, {ticket_type(db, event, "Ordinarie", 150000): 1})
    checkout = f"/events/summit2027/orders/{order.token}/checkout"
    base = {
        "buyer_name": "Kim Köpare",
        "buyer_email": "kim@example.org",
        "buyer_organisation": "Exempelföreningen",
        "attendees-0-name": "Ada Deltagare",
    }
    data = dict(base, method="stripe", csrf_token=csrf_token(client, checkout))
    assert client.post(checkout, data=data).location == fake.session()["url"]
    if paid_on_stripe:
        fake.pay()

    response = client.post(
        checkout,
        data=dict(
            base,
            method="invoice",
            org_number="212000-1124",
            invoice_address="Box 1, 111 11 Stockholm",
            invoice_reference="Kst 1",
            csrf_token=csrf_token(client, checkout),
        ),
    )

    db.session.expire_all()
    if paid_on_stripe:
        assert "nothing more is needed" in response.get_data(as_text=True) or (
            "inget mer behövs" in response.get_data(as_text=True)
        )
        assert order.status is OrderStatus.PAID
        assert billing.invoice_of(order) is None
    else:
        assert response.status_code == 302
        assert fake.session()["status"] == "expired"
        assert order.status is OrderStatus.INVOICED
        assert order.payments[0].status is PaymentStatus.CANCELLED
    assert len(confirmations(db)) == 1
