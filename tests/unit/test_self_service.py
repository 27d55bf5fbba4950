"""Attendees help themselves (issue 16.3): the policy's terms, cancelling through each
provider (Stripe through the fake, invoice credit, free), and transferring."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from summit.models import (
    CancelPolicy,
    InvoiceCredit,
    OrderEvent,
    OrderStatus,
    OutboxAttachment,
    OutboxMessage,
    Payment,
    PaymentMethod,
    Refund,
    RevokedSecret,
    TicketStatus,
)
from summit.services.checkin.decision import secret_hash
from summit.services.payments import core as payments
from summit.services.payments import stripe_webhooks
from summit.services.tickets import history, ordering
from summit.services.tickets import self_service as service
from summit.services.tickets.self_service import NewAttendee, SelfServiceError
from tests import fakestripe
from tests.conftest import STOCKHOLM
from tests.fakestripe import reserved_order, start_stripe, ticket_type

# The test summit starts 18 May 2027 (conftest make_event); the last day to cancel is
# 1 May 2027 at 23:59 in Stockholm.
DEADLINE = datetime(2027, 5, 1, 23, 59, tzinfo=STOCKHOLM)
BEFORE = DEADLINE - timedelta(days=10)


@pytest.fixture
def event(make_event):
    return make_event(
        slug="summit2027",
        cancel_policy=CancelPolicy.REFUND_MINUS_FEE,
        cancel_deadline=DEADLINE,
        cancel_fee=25000,
    )


def dev_paid(event, quantities):
    order = reserved_order(event, quantities)
    payments.start_payment(order, PaymentMethod.DEV)
    payment = order.payments[0]
    payments.record_payment(payment, payment.amount, payment.currency)
    assert order.status is OrderStatus.PAID
    return order


def invoiced(event, quantities):
    order = reserved_order(event, quantities)
    payments.start_payment(
        order,
        PaymentMethod.INVOICE,
        payments.InvoiceDetails("Ängström AB", "556677-8899", "Box 1, 111 11 Stockholm", "Kst 12"),
    )
    assert order.status is OrderStatus.INVOICED
    return order


def actions(db, order) -> list[str]:
    return [e.action for e in history.order_history(order)]


def mails_to(db, address) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        )
    )


# The policy's terms ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "fee", "price", "back", "kept", "cancel", "transfer"),
    [
        (CancelPolicy.FULL_REFUND, 0, 150000, 150000, 0, None, None),
        (CancelPolicy.REFUND_MINUS_FEE, 25000, 150000, 125000, 25000, None, None),
        # A fee larger than the price keeps the whole price, and never pays anything out.
        (CancelPolicy.REFUND_MINUS_FEE, 200000, 150000, 0, 150000, None, None),
        (CancelPolicy.TRANSFER_ONLY, 0, 150000, 150000, 0, "no_refund", None),
        (CancelPolicy.OFF, 0, 150000, 150000, 0, "off", "off"),
    ],
)
def test_what_each_policy_allows_and_gives_back(
    db, make_event, policy, fee, price, back, kept, cancel, transfer
):
    event = make_event(cancel_policy=policy, cancel_deadline=DEADLINE, cancel_fee=fee)
    order = dev_paid(event, {ticket_type(db, event, price=price): 1})
    terms = service.terms(order.tickets[0], BEFORE)
    assert (terms.refund, terms.fee) == (back, kept)
    assert (terms.refund + terms.fee) == price
    assert (terms.cancel_refused and terms.cancel_refused.reason) == cancel
    assert (terms.transfer_refused and terms.transfer_refused.reason) == transfer


def test_the_deadline_is_the_last_moment_and_transfers_may_run_longer(db, event):
    order = dev_paid(event, {ticket_type(db, event): 1})
    ticket = order.tickets[0]
    just_before = service.terms(ticket, DEADLINE - timedelta(microseconds=1))
    assert just_before.may_cancel and just_before.may_transfer
    at = service.terms(ticket, DEADLINE)
    assert at.cancel_refused.reason == at.transfer_refused.reason == "past_deadline"
    # A transfer deadline of its own (the morning the event starts) runs on past it.
    event.transfer_deadline = event.starts_at - timedelta(hours=1)
    db.session.commit()
    later = service.terms(ticket, DEADLINE + timedelta(days=5))
    assert later.cancel_refused.reason == "past_deadline" and later.may_transfer
    assert not service.terms(ticket, event.starts_at).may_transfer


def test_without_a_deadline_the_event_start_is_the_deadline(db, make_event):
    event = make_event(cancel_policy=CancelPolicy.FULL_REFUND)
    order = dev_paid(event, {ticket_type(db, event): 1})
    assert service.terms(order.tickets[0], event.starts_at - timedelta(seconds=1)).may_cancel
    assert not service.terms(order.tickets[0], event.starts_at).may_cancel


def test_a_refused_cancellation_changes_nothing(db, event, clock):
    kind = ticket_type(db, event, capacity=1)
    order = dev_paid(event, {kind: 1})
    before = actions(db, order)
    clock.set(DEADLINE + timedelta(minutes=1))
    with pytest.raises(SelfServiceError) as refused:
        service.cancel_ticket(order.tickets[0])
    assert refused.value.reason == "past_deadline"
    db.session.expire_all()
    assert order.tickets[0].status is TicketStatus.VALID and order.status is OrderStatus.PAID
    assert actions(db, order) == before
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 0


# Cancelling through each provider ---------------------------------------------------------


def test_stripe_refund_of_the_price_less_the_fee_frees_the_seat(app, db, event):
    kind = ticket_type(db, event, price=150000, capacity=2)
    with fakestripe.running(app) as fake:
        order = reserved_order(event, {kind: 2})
        start_stripe(order)
        fake.pay()
        assert stripe_webhooks.sync_session(order.payments[-1]) is OrderStatus.PAID
        assert ordering.availability(event, [kind]).left(kind) == 0

        given = service.cancel_ticket(order.tickets[1], BEFORE)

        assert (given.how, given.refund, given.fee) == ("refund", 125000, 25000)
        made = list(fake.refunds.values())
        assert [r["amount"] for r in made] == [125000]
    db.session.expire_all()
    cancelled, kept = order.tickets[1], order.tickets[0]
    assert cancelled.status is TicketStatus.REFUNDED and cancelled.refunded_amount == 125000
    assert kept.status is TicketStatus.VALID and order.status is OrderStatus.PAID
    refund = db.session.scalars(select(Refund)).one()
    assert (refund.amount, refund.ticket_id) == (125000, cancelled.id)
    assert ordering.availability(event, [kind]).left(kind) == 1  # free for the waiting list
    assert actions(db, order)[-2:] == ["refunded", "ticket_cancelled_by_attendee"]
    entry = history.order_history(order)[-1]
    assert entry.actor.value == "system"  # no request here; the web test sees "buyer"
    described = history.describe(entry)  # in the app's default language, Swedish
    assert "(Ordinarie, Deltagare 2): 1\xa0250\xa0kr" in described and "250\xa0kr" in described
    told = mails_to(db, "kim@example.org")[-1]
    assert "1\xa0250\xa0kr" in told.body_text and " 250\xa0kr" in told.body_text
    # Cancelling it again is refused: it is no longer valid.
    with pytest.raises(SelfServiceError) as again:
        service.cancel_ticket(cancelled, BEFORE)
    assert again.value.reason == "not_valid"


def test_a_refused_stripe_refund_leaves_the_ticket_valid(app, db, event):
    kind = ticket_type(db, event, price=150000)
    with fakestripe.running(app) as fake:
        order = reserved_order(event, {kind: 1})
        start_stripe(order)
        fake.pay()
        stripe_webhooks.sync_session(order.payments[-1])
        fake.fail_next("POST", "/v1/refunds", status=402, message="Refused (test).")
        with pytest.raises(SelfServiceError) as refused:
            service.cancel_ticket(order.tickets[0], BEFORE)
    assert refused.value.reason == "refund_refused"
    db.session.expire_all()
    assert order.tickets[0].status is TicketStatus.VALID and order.status is OrderStatus.PAID
    assert "ticket_cancelled_by_attendee" not in actions(db, order)


def test_an_unpaid_invoice_gets_a_credit_and_still_owes_the_fee(db, event):
    kind = ticket_type(db, event, price=150000, vat_percent=25)
    order = invoiced(event, {kind: 2})

    given = service.cancel_ticket(order.tickets[0], BEFORE)

    assert (given.how, given.refund, given.fee) == ("credit", 125000, 25000)
    credit = db.session.scalars(select(InvoiceCredit)).one()
    assert (credit.amount, credit.fee, credit.vat_percent) == (125000, 25000, 25)
    assert credit.ticket_id == order.tickets[0].id and credit.order_id == order.id
    assert order.tickets[0].status is TicketStatus.CANCELLED
    assert order.status is OrderStatus.INVOICED
    assert service.fees_owed(order) == 25000
    # What the organizer then marks paid is the ticket kept plus the fee.
    payments.mark_invoice_paid(order)
    paid = db.session.scalars(select(Payment).where(Payment.order_id == order.id)).one()
    assert paid.amount == 150000 + 25000


def test_cancelling_every_ticket_of_an_invoice_with_full_refund_cancels_the_order(db, make_event):
    event = make_event(cancel_policy=CancelPolicy.FULL_REFUND, cancel_deadline=DEADLINE)
    order = invoiced(event, {ticket_type(db, event, price=50000): 2})
    service.cancel_ticket(order.tickets[0], BEFORE)
    assert order.status is OrderStatus.INVOICED
    service.cancel_ticket(order.tickets[1], BEFORE)
    assert order.status is OrderStatus.CANCELLED and order.cancelled_at is not None
    assert [c.amount for c in service.credits_of(order)] == [50000, 50000]
    assert "status" in actions(db, order)


def test_a_paid_invoice_is_refunded_to_be_paid_back(db, event):
    order = invoiced(event, {ticket_type(db, event, price=150000): 1})
    payments.mark_invoice_paid(order)
    given = service.cancel_ticket(order.tickets[0], BEFORE)
    assert (given.how, given.refund) == ("refund", 125000)
    refund = db.session.scalars(select(Refund)).one()
    assert refund.amount == 125000 and refund.payment.method is PaymentMethod.INVOICE
    assert order.status is OrderStatus.REFUNDED


def test_a_free_ticket_simply_cancels_and_frees_its_seat(db, event):
    free = ticket_type(db, event, price=0, vat_percent=0, capacity=1)
    order = reserved_order(event, {free: 1})
    payments.start_payment(order, PaymentMethod.FREE)
    given = service.cancel_ticket(order.tickets[0], BEFORE)
    assert (given.how, given.refund, given.fee) == ("free", 0, 0)
    assert order.tickets[0].status is TicketStatus.CANCELLED
    assert order.status is OrderStatus.CANCELLED
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 0
    assert ordering.availability(event, [free]).left(free) == 1


def test_a_fee_as_large_as_the_price_cancels_without_a_refund(db, make_event):
    event = make_event(
        cancel_policy=CancelPolicy.REFUND_MINUS_FEE, cancel_deadline=DEADLINE, cancel_fee=900000
    )
    order = dev_paid(event, {ticket_type(db, event, price=150000): 1})
    given = service.cancel_ticket(order.tickets[0], BEFORE)
    assert (given.how, given.refund, given.fee) == ("nothing", 0, 150000)
    assert order.tickets[0].status is TicketStatus.CANCELLED
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 0


def test_a_checked_in_ticket_can_be_neither_cancelled_nor_transferred(db, event, clock):
    from summit.services.checkin import decision
    from tests.checkin_world import station

    order = dev_paid(event, {ticket_type(db, event): 1})
    ticket = order.tickets[0]
    clock.set(event.starts_at + timedelta(hours=1))
    door, _token = station(event)
    assert decision.check_in(door, ticket.secret).ok
    terms = service.terms(ticket, BEFORE)
    assert terms.cancel_refused.reason == terms.transfer_refused.reason == "checked_in"


# Transferring --------------------------------------------------------------------------


def test_a_transfer_gives_a_new_secret_mails_the_new_attendee_and_tells_the_buyer(db, event):
    order = dev_paid(event, {ticket_type(db, event): 2})
    ticket = order.tickets[0]
    ticket.dietary_needs = "Vegetarisk"
    db.session.commit()
    old_secret = ticket.secret
    before_mails = len(mails_to(db, "kim@example.org"))

    service.transfer_ticket(
        ticket,
        NewAttendee("Åsa Öberg-Lindqvist", " Asa.Oberg@Example.se ", "Malmö stad"),
        BEFORE,
    )

    db.session.expire_all()
    assert ticket.secret != old_secret and len(ticket.secret) >= 32
    assert (ticket.attendee_name, ticket.attendee_email, ticket.attendee_organisation) == (
        "Åsa Öberg-Lindqvist",
        "asa.oberg@example.se",
        "Malmö stad",
    )
    assert ticket.dietary_needs == ""  # the former attendee's, not hers
    revoked = db.session.scalars(select(RevokedSecret)).one()
    assert revoked.secret_hash == secret_hash(old_secret) and revoked.ticket_id == ticket.id
    assert service.revoked_secret(event.id, old_secret) == ticket
    entry = [e for e in history.order_history(order) if e.action == "ticket_transferred"][0]
    assert entry.details["before"] == "Deltagare 1"
    assert entry.details["after_email"] == "asa.oberg@example.se"
    recorded = str(entry.details)
    assert old_secret not in recorded and ticket.secret not in recorded
    new_mail = mails_to(db, "asa.oberg@example.se")
    assert len(new_mail) == 1 and "Åsa Öberg-Lindqvist" in new_mail[0].body_text
    attachment = db.session.scalars(
        select(OutboxAttachment).where(OutboxAttachment.message_id == new_mail[0].id)
    ).one()
    assert attachment.document == f"ticket:{ticket.id}"
    assert len(mails_to(db, "kim@example.org")) == before_mails + 1


def test_a_transfer_is_refused_past_its_deadline_or_to_the_same_person(db, event):
    order = dev_paid(event, {ticket_type(db, event): 1})
    ticket = order.tickets[0]
    ticket.attendee_email = "deltagare@example.org"
    db.session.commit()
    secret = ticket.secret
    with pytest.raises(SelfServiceError) as late:
        service.transfer_ticket(ticket, NewAttendee("Mohammed Ali", "mo@example.se"), DEADLINE)
    assert late.value.reason == "past_deadline"
    with pytest.raises(SelfServiceError) as same:
        service.transfer_ticket(ticket, NewAttendee("Deltagare 1", "DELTAGARE@example.org"), BEFORE)
    assert same.value.reason == "same_person"
    for bad in (NewAttendee("", "mo@example.se"), NewAttendee("Mo", "no-at-sign")):
        with pytest.raises(SelfServiceError):
            service.transfer_ticket(ticket, bad, BEFORE)
    db.session.expire_all()
    assert ticket.secret == secret
    assert db.session.scalar(select(func.count()).select_from(RevokedSecret)) == 0
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(OrderEvent)
            .where(OrderEvent.action == "ticket_transferred")
        )
        == 0
    )


def test_transfer_only_allows_a_transfer_but_no_cancellation(db, make_event):
    event = make_event(cancel_policy=CancelPolicy.TRANSFER_ONLY, cancel_deadline=DEADLINE)
    order = dev_paid(event, {ticket_type(db, event): 1})
    with pytest.raises(SelfServiceError) as refused:
        service.cancel_ticket(order.tickets[0], BEFORE)
    assert refused.value.reason == "no_refund"
    service.transfer_ticket(order.tickets[0], NewAttendee("Mohammed Ali", "mo@example.se"), BEFORE)
    assert order.tickets[0].attendee_name == "Mohammed Ali"


# The organizer's settings ------------------------------------------------------------------


def test_the_policy_settings_and_their_rules(db, make_event):
    event = make_event()
    assert event.cancel_policy is CancelPolicy.OFF
    with pytest.raises(SelfServiceError) as no_deadline:
        service.set_policy(event, CancelPolicy.FULL_REFUND, None, 0, None)
    assert no_deadline.value.field == "cancel_deadline"
    with pytest.raises(SelfServiceError) as no_fee:
        service.set_policy(event, CancelPolicy.REFUND_MINUS_FEE, DEADLINE, 0, None)
    assert no_fee.value.field == "cancel_fee"
    with pytest.raises(SelfServiceError):
        service.set_policy(
            event, CancelPolicy.FULL_REFUND, event.ends_at + timedelta(days=1), 0, None
        )
    with pytest.raises(SelfServiceError):
        service.set_policy(event, CancelPolicy.FULL_REFUND, DEADLINE, -1, None)
    db.session.expire_all()
    assert event.cancel_policy is CancelPolicy.OFF
    service.set_policy(event, CancelPolicy.REFUND_MINUS_FEE, DEADLINE, 25000, event.starts_at)
    db.session.expire_all()
    assert (event.cancel_policy, event.cancel_deadline, event.cancel_fee) == (
        CancelPolicy.REFUND_MINUS_FEE,
        DEADLINE,
        25000,
    )
    assert service.deadlines(event) == (DEADLINE, event.starts_at)
    # A full refund keeps no fee, whatever was typed.
    service.set_policy(event, CancelPolicy.FULL_REFUND, DEADLINE, 25000, None)
    assert event.cancel_fee == 0
