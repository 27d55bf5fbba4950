"""Payment rules that need no provider: refunds the worker must catch up on."""

from datetime import timedelta

from sqlalchemy import func, select

from summit.models import (
    OrderStatus,
    OutboxMessage,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    utcnow,
)
from summit.services.payments import core as payments
from summit.services.payments import refunds
from summit.services.tickets import ordering


def paid_order(event, ticket_type):
    order = ordering.reserve_tickets(event, {ticket_type.id: 1})
    ordering.save_details(
        order,
        ordering.BuyerDetails("Eva Ek", "eva@example.org"),
        [ordering.AttendeeDetails("Eva Ek")],
    )
    payments.start_payment(order, PaymentMethod.DEV)
    payment = order.payments[0]
    payments.record_payment(payment, payment.amount, payment.currency)
    return order


def test_a_refund_decided_but_never_made_is_made_by_the_worker_once(
    db, make_event, make_ticket_type
):
    event = make_event(slug="summit2027")
    order = paid_order(event, make_ticket_type(event, price=50000))
    assert order.status is OrderStatus.PAID
    # A second payment the buyer made, whose refund was decided just before a crash.
    second = Payment(
        order=order,
        method=PaymentMethod.DEV,
        status=PaymentStatus.SUCCEEDED,
        amount=50000,
        provider_ref="dev_second",
        settled_at=utcnow() - timedelta(minutes=5),
        refund_due=True,
    )
    db.session.add(second)
    db.session.commit()

    assert refunds.retry_due_refunds() == 1
    db.session.refresh(second)
    assert (second.refunded_amount, second.refund_due) == (50000, False)
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 1
    assert order.status is OrderStatus.PAID  # the first payment still pays the ticket
    told = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.to_address == "eva@example.org")
    )
    assert told == 2  # the confirmation, and the refund notice
    assert refunds.retry_due_refunds() == 0


def test_a_free_registration_can_be_cancelled_and_frees_its_seat(db, make_event, make_ticket_type):
    event = make_event(slug="seminarium", days=1)
    free = make_ticket_type(event, price=0, vat_percent=0, capacity=1)
    order = ordering.reserve_tickets(event, {free.id: 1})
    ordering.save_details(
        order,
        ordering.BuyerDetails("Eva Ek", "eva@example.org"),
        [ordering.AttendeeDetails("Eva Ek")],
    )
    payments.start_payment(order, PaymentMethod.FREE)
    assert order.status is OrderStatus.PAID
    refunds.cancel_order(order)
    assert order.status is OrderStatus.CANCELLED
    assert ordering.reserve_tickets(event, {free.id: 1}).status is OrderStatus.RESERVED


def test_a_paid_order_is_refunded_not_cancelled_and_a_ticket_refund_names_its_ticket(
    db, make_event, make_ticket_type
):
    import pytest

    from summit.services.tickets.ordering import OrderError

    event = make_event(slug="summit2027")
    regular = make_ticket_type(event, price=50000)
    order = ordering.reserve_tickets(event, {regular.id: 2})
    ordering.save_details(
        order,
        ordering.BuyerDetails("Eva Ek", "eva@example.org"),
        [ordering.AttendeeDetails("Eva Ek"), ordering.AttendeeDetails("Ali Ek")],
    )
    payments.start_payment(order, PaymentMethod.DEV)
    payment = order.payments[0]
    payments.record_payment(payment, payment.amount, payment.currency)
    with pytest.raises(OrderError):
        refunds.cancel_order(order)
    assert refunds.refund(order, ticket=order.tickets[1]) == 50000
    refund = db.session.scalars(select(Refund)).one()
    assert refund.ticket_id == order.tickets[1].id
    assert order.status is OrderStatus.PAID and len(order.valid_tickets) == 1
