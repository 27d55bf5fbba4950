"""Money going back and orders ending: refunds (by an organizer, automatic, or reported
by the provider), cancellations, and the refunds the worker must catch up on.

Like payments.core, every record_* function is idempotent (a refund by its provider
reference), and the provider is never called inside a write transaction.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from ...database import begin_write
from ...extensions import db
from ...models import (
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    TicketStatus,
    utcnow,
)
from .. import order_mail as notices
from ..ordering import OrderError, lock_sales
from .base import PaymentError, get_provider

log = logging.getLogger(__name__)


def auto_refund(payment: Payment, reason: str, retry: bool = False) -> None:
    """Give back a payment we cannot keep, and tell buyer and organizers (once: the
    provider's idempotency key and record_refund make a retry a no-op)."""
    order = payment.order
    try:
        ref = get_provider(payment.method).refund(
            payment, payment.amount - payment.refunded_amount, f"auto-{payment.id}"
        )
    except PaymentError as error:
        log.error("Automatic refund of payment %s failed: %s", payment.id, error)
        if not retry:  # the worker keeps trying; people are told the first time
            begin_write()
            notices.refund_failed(order, payment, str(error))
            db.session.commit()
        return
    if record_refund(payment, payment.amount - payment.refunded_amount, ref, reason=reason):
        begin_write()
        notices.payment_refunded_automatically(order, payment, reason)
        db.session.commit()


def retry_due_refunds(now: datetime | None = None, grace: timedelta = timedelta(minutes=2)) -> int:
    """Refunds decided but not recorded (a crash, the provider away): try them again."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Payment).where(
            Payment.refund_due.is_(True),
            Payment.status == PaymentStatus.SUCCEEDED,
            Payment.settled_at < now - grace,
        )
    ).all()
    for payment in due:
        auto_refund(payment, reason="retry", retry=True)
    return len(due)


def record_refund(
    payment: Payment,
    amount: int,
    provider_ref: str | None,
    tickets: list | None = None,
    reason: str = "",
) -> bool:
    """Money went back to the buyer. Idempotent by provider_ref. Tickets named are
    refunded; when the whole payment is refunded, every ticket is, unless another
    payment of the order still pays for them (a second payment given back). Returns
    False if this refund was recorded before."""
    lock_sales(payment.order.event_id)
    db.session.refresh(payment)
    known = bool(provider_ref) and (
        db.session.scalar(select(Refund.id).where(Refund.provider_ref == provider_ref)) is not None
    )
    if known and not tickets:
        db.session.commit()
        return False
    order = payment.order
    if not known:  # else the provider's webhook recorded it first; the tickets still go
        amount = min(amount, payment.amount - payment.refunded_amount)
        payment.refunded_amount += amount
        if payment.refunded_amount >= payment.amount:
            payment.refund_due = False
        db.session.add(
            Refund(
                payment=payment,
                amount=amount,
                provider_ref=provider_ref,
                reason=reason[:200],
                ticket_id=tickets[0].id if tickets and len(tickets) == 1 else None,
            )
        )
    if tickets is None:
        still_paid_by_another = any(
            other.id != payment.id
            and other.status is PaymentStatus.SUCCEEDED
            and other.refunded_amount < other.amount
            for other in order.payments
        )
        whole = payment.refunded_amount >= payment.amount and not still_paid_by_another
        tickets = order.valid_tickets if whole else []
    for ticket in tickets:
        ticket.status = TicketStatus.REFUNDED
        ticket.refunded_amount = ticket.price
    if not order.valid_tickets:
        order.status = OrderStatus.REFUNDED if payment.refunded_amount else OrderStatus.CANCELLED
        order.cancelled_at = order.cancelled_at or utcnow()
    db.session.commit()
    return not known


def refund(order: Order, ticket=None, reason: str = "organizer") -> int:
    """An organizer refunds the whole order or one ticket through its payment provider.
    Returns the amount refunded (öre)."""
    payment = next(
        (
            p
            for p in order.payments
            if p.status is PaymentStatus.SUCCEEDED and p.refunded_amount < p.amount
        ),
        None,
    )
    if payment is None:
        raise OrderError("nothing_to_refund")
    if ticket is not None:
        if ticket.order_id != order.id or ticket.status is not TicketStatus.VALID:
            raise OrderError("nothing_to_refund")
        amount, tickets = ticket.price - ticket.refunded_amount, [ticket]
    else:
        amount, tickets = payment.amount - payment.refunded_amount, list(order.valid_tickets)
    if amount <= 0:
        # A free ticket: nothing to pay back, the ticket is simply cancelled.
        cancel_tickets(order, tickets)
        return 0
    key = f"refund-{payment.id}-{ticket.id if ticket else 'all'}-{payment.refunded_amount}"
    if payment.method in (PaymentMethod.INVOICE,):
        ref = None  # paid back by bank transfer outside summit
    else:
        ref = get_provider(payment.method).refund(payment, amount, key)
    record_refund(payment, amount, ref, tickets=tickets, reason=reason)
    begin_write()
    notices.order_refunded(order, amount)
    db.session.commit()
    return amount


def cancel_tickets(order: Order, tickets: list) -> None:
    lock_sales(order.event_id)
    for ticket in tickets:
        ticket.status = TicketStatus.CANCELLED
    if not order.valid_tickets:
        order.status = OrderStatus.CANCELLED
        order.cancelled_at = utcnow()
    db.session.commit()


def can_cancel(order: Order) -> bool:
    """Cancelling is for orders nobody has paid money for; the others are refunded."""
    paid_money = any(
        p.status is PaymentStatus.SUCCEEDED and p.amount > p.refunded_amount for p in order.payments
    )
    return order.status not in (OrderStatus.REFUNDED, OrderStatus.CANCELLED) and not paid_money


def cancel_order(order: Order) -> None:
    """An organizer cancels an order nobody has paid money for (reserved, pending,
    invoiced, or a free registration): its seats are freed and the buyer is told.
    Orders paid with money are refunded instead."""
    if not can_cancel(order):
        raise OrderError("cannot_cancel")
    for payment in order.payments:
        if payment.status is PaymentStatus.CREATED and payment.method is not PaymentMethod.INVOICE:
            try:
                get_provider(payment.method).cancel(payment)
            except PaymentError as error:
                log.warning("Cancelling payment %s at the provider failed: %s", payment.id, error)
    lock_sales(order.event_id)
    was_confirmed = order.status.is_confirmed
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = utcnow()
    for ticket in order.tickets:
        if ticket.status is TicketStatus.VALID:
            ticket.status = TicketStatus.CANCELLED
    for payment in order.payments:
        if payment.status in (PaymentStatus.CREATED, PaymentStatus.PENDING):
            payment.status = PaymentStatus.CANCELLED
    if was_confirmed or order.buyer_email:
        notices.order_cancelled(order)
    db.session.commit()
