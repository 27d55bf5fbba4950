"""E-invoices sent through an access point (issue 18.1): queued with the document,
delivered once by the worker, retried after a failure like mail, given up on a refusal;
with a local fake access point over real HTTP (tests/fake_access_point.py)."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from summit.models import DeliveryState, EinvoiceDelivery, Order, PaymentMethod, utcnow
from summit.services import billing
from summit.services.billing import access_point, delivery, peppol
from summit.services.payments import core as payments
from summit.services.tickets import self_service
from summit.services.worker import one_round
from tests import fake_access_point
from tests.einvoice_world import BEFORE, bought_on_invoice, summit
from tests.fakestripe import reserved_order, ticket_type
from tests.peppol import fatal_errors


@pytest.fixture
def event(make_event):
    return summit(make_event)


@pytest.fixture
def regular(db, event):
    return ticket_type(db, event, "Ordinarie", price=150000, vat_percent=25)


@pytest.fixture
def fake(app):
    with fake_access_point.running(app) as running:
        yield running


def deliveries(db) -> list[EinvoiceDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(EinvoiceDelivery).order_by(EinvoiceDelivery.id)))


def test_an_invoice_to_an_organisation_is_queued_with_it_and_a_card_order_is_not(
    db,
    event,
    regular,
):
    order = bought_on_invoice(event, {regular: 1})
    card = reserved_order(event, {regular: 1})
    payments.start_payment(card, PaymentMethod.DEV)

    [queued] = deliveries(db)

    assert queued.invoice_id == billing.invoice_of(order).id
    assert queued.receiver == "0007:2321000255"
    assert queued.state is DeliveryState.QUEUED and queued.attempts == 0


def test_the_worker_delivers_each_e_invoice_once(db, event, regular, fake):
    order = bought_on_invoice(event, {regular: 2})
    self_service.cancel_ticket(order.tickets[0], BEFORE)

    order_id = order.id

    one_round()
    one_round()

    invoice, note = billing.documents_of(db.session.get(Order, order_id))  # a new session
    assert [(m.receiver, m.sender) for m in fake.messages] == [
        ("0007:2321000255", "0007:2021004607")
    ] * 2
    assert fake.requests == 2
    assert [m.body for m in fake.messages] == [peppol.ubl(invoice), peppol.ubl(note)]
    assert all(fatal_errors(m.body) == [] for m in fake.messages)
    sent = deliveries(db)
    assert [(d.state, d.attempts, d.reference) for d in sent] == [
        (DeliveryState.SENT, 1, "msg-1"),
        (DeliveryState.SENT, 1, "msg-2"),
    ]
    assert all(d.sent_at is not None and d.last_error is None for d in sent)


def test_a_failed_delivery_is_retried_later_as_the_same_message(
    db,
    event,
    regular,
    fake,
    clock,
):
    bought_on_invoice(event, {regular: 1})
    fake.fail_next(2, status=503)

    first = delivery.deliver_pending()
    [waiting] = deliveries(db)
    assert (first.sent, first.retried) == (0, 1)
    assert waiting.state is DeliveryState.QUEUED and waiting.attempts == 1
    assert "503" in waiting.last_error and waiting.next_attempt_at > utcnow()
    # Not due yet: nothing is tried.
    assert delivery.deliver_pending().retried == 0 and fake.requests == 1

    clock.set(utcnow() + timedelta(minutes=1))
    assert delivery.deliver_pending().retried == 1
    clock.set(utcnow() + timedelta(minutes=5))
    assert delivery.deliver_pending().sent == 1

    [sent] = deliveries(db)
    assert (sent.state, sent.attempts, sent.last_error) == (DeliveryState.SENT, 3, None)
    assert fake.requests == 3 and len(fake.messages) == 1


def test_a_refusal_is_permanent_and_an_unreachable_point_is_not(
    app,
    db,
    event,
    regular,
    fake,
):
    bought_on_invoice(event, {regular: 1})
    fake.refuse(400, "Receiver 0007:2321000255 is not on the network.")

    assert delivery.deliver_pending().failed == 1
    [refused] = deliveries(db)
    assert refused.state is DeliveryState.FAILED and refused.attempts == 1
    assert "400" in refused.last_error and "not on the network" in refused.last_error
    assert delivery.deliver_pending().failed == 0 and fake.requests == 1  # not tried again

    bought_on_invoice(event, {regular: 1})
    fake.stop()  # nobody answers at its address now
    report = delivery.deliver_pending()
    later = deliveries(db)[1]
    assert (report.retried, report.failed) == (1, 0)
    assert later.state is DeliveryState.QUEUED and "unreachable" in later.last_error


def test_the_attempts_run_out(app, db, event, regular, fake, clock, monkeypatch):
    monkeypatch.setitem(app.config, "EINVOICE_MAX_ATTEMPTS", 2)
    bought_on_invoice(event, {regular: 1})
    fake.fail_next(5, status=500)
    delivery.deliver_pending()
    clock.set(utcnow() + timedelta(hours=1))
    delivery.deliver_pending()
    [given_up] = deliveries(db)
    assert (given_up.state, given_up.attempts) == (DeliveryState.FAILED, 2)
    # An organizer sends it again: a fresh round.
    delivery.send_again(given_up)
    fake._failures.clear()
    assert delivery.deliver_pending().sent == 1
    assert deliveries(db)[0].state is DeliveryState.SENT


def test_one_delivery_is_claimed_by_one_worker(db, event, regular):
    bought_on_invoice(event, {regular: 1})
    bought_on_invoice(event, {regular: 1})

    first = delivery.claim_batch(limit=1)
    second = delivery.claim_batch(limit=5)
    third = delivery.claim_batch(limit=5)

    assert len(first) == len(second) == 1 and third == []
    assert first[0][0] != second[0][0]


def test_the_directory_drop_writes_each_document_whole(app, db, event, regular, tmp_path):
    order = bought_on_invoice(event, {regular: 1})
    invoice = billing.invoice_of(order)

    report = delivery.deliver_pending(access_point.DirectoryDrop(tmp_path / "out"))

    [written] = list((tmp_path / "out").iterdir())
    assert report.sent == 1 and written.name == f"{invoice.number}-0007-2321000255.xml"
    assert written.read_bytes() == peppol.ubl(invoice)
    assert deliveries(db)[0].reference == str(written)


def test_without_an_access_point_url_the_directory_drop_is_used(app):
    point = access_point.configured()
    assert isinstance(point, access_point.DirectoryDrop)
    assert point.directory == Path(app.config["ACCESS_POINT_DIR"])


def test_forgetting_the_buyer_stops_what_was_not_sent(db, event, regular):
    order = bought_on_invoice(event, {regular: 1})
    from summit.database import unit_of_work

    with unit_of_work():
        billing.forget_people(order, keep_buyer=False)
    [stopped] = deliveries(db)
    assert stopped.receiver == "" and stopped.state is DeliveryState.FAILED
