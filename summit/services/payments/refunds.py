"""Money going back and orders ending: refunds (by an organizer, automatic, or reported
by the provider), cancellations, and the refunds the worker must catch up on.

Like payments.core, every record_* function is idempotent (a refund by its provider
reference), and the provider is never called inside a write transaction.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from ...database import unit_of_work
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
from ...models.payments import RefundStatus
from .. import billing, locks
from ..tickets import history
from ..tickets import order_mail as notices
from ..tickets.order_states import transition
from ..tickets.ordering import OrderError
from .base import PaymentError, get_provider

log = logging.getLogger(__name__)


def _today(order: Order):
    return utcnow().astimezone(order.event.tz).date()


def auto_refund(payment: Payment, reason: str, retry: bool = False) -> None:
    """Give back a payment we cannot keep, and tell buyer and organizers (once: the
    provider's idempotency key and record_refund make a retry a no-op)."""
    order = payment.order
    try:
        made = get_provider(payment.method).refund(
            payment, payment.amount - payment.refunded_amount, f"auto-{payment.id}"
        )
    except PaymentError as error:
        log.error("Automatic refund of payment %s failed: %s", payment.id, error)
        if not retry:  # the worker keeps trying; people are told the first time
            with unit_of_work():
                notices.refund_failed(order, payment, str(error))
        return
    if record_refund(
        payment,
        payment.amount - payment.refunded_amount,
        made.ref,
        reason=reason,
        status=made.status,
    ):
        with unit_of_work():
            notices.payment_refunded_automatically(order, payment, reason)


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


def _status(value) -> RefundStatus:
    """The provider's word for a refund's state; one we do not know is taken as pending
    (never as final, either way)."""
    try:
        return RefundStatus(value)
    except ValueError:
        return RefundStatus.PENDING


def _succeeded_amount(payment: Payment) -> int:
    return sum(r.amount for r in payment.refunds if r.status is RefundStatus.SUCCEEDED)


def record_refund(
    payment: Payment,
    amount: int,
    provider_ref: str | None,
    tickets: list | None = None,
    reason: str = "",
    status: RefundStatus | str = RefundStatus.SUCCEEDED,
) -> bool:
    """Money is going back to the buyer, or its state changed (pending, succeeded,
    failed...). Idempotent by provider_ref: a refund is recorded once and then follows
    its status.

    The tickets and the order reflect only a succeeded refund: the tickets named are
    refunded; when the whole payment is, every ticket is, unless another payment of the
    order still pays for them (a second payment given back). A pending refund keeps its
    amount from being refunded twice; a failed or canceled one counts as never made,
    reopens what it had refunded, and the organizers are told. Returns False if this
    refund was recorded before."""
    status = _status(status.value if isinstance(status, RefundStatus) else status)
    with unit_of_work(locks.sales(payment.order.event_id)):
        db.session.refresh(payment)
        order = payment.order
        # Money we decided to give back (paid twice, or on a superseded checkout) never paid
        # for the tickets, so giving it back leaves them as they are; the same for a card
        # payment refunded while an invoice settles the order.
        extra = (
            payment.refund_due and order.status is not OrderStatus.CANCELLED
        ) or order.status is OrderStatus.INVOICED
        known = (
            db.session.scalar(select(Refund).where(Refund.provider_ref == provider_ref))
            if provider_ref
            else None
        )
        single = tickets[0].id if tickets and len(tickets) == 1 else None
        if known is None:
            if status.counts:
                amount = min(amount, payment.amount - payment.refunded_amount)
                if payment.method is PaymentMethod.INVOICE:
                    _credit_invoice(order, tickets, amount)
                payment.refunded_amount += amount
                if payment.refunded_amount >= payment.amount:
                    payment.refund_due = False
            refund = Refund(
                payment=payment,
                amount=amount,
                provider_ref=provider_ref,
                reason=reason[:200],
                ticket_id=single,
                status=status,
            )
            db.session.add(refund)
            history.record(order, _REFUND_ACTIONS.get(status, "refund_requested"), amount=amount)
        else:  # known: e.g. the provider's webhook recorded it first, or its status moved
            refund = known
            if single and refund.ticket_id is None:
                refund.ticket_id = single
            if refund.status is not status and refund.status.counts:
                was = refund.status
                refund.status = status
                action = _REFUND_ACTIONS.get(status, "refund_requested")
                history.record(order, action, amount=refund.amount)
                if not status.counts:
                    _reopen(payment, refund, was)
        if refund.status is RefundStatus.SUCCEEDED:
            db.session.flush()
            if tickets is None:
                if refund.ticket_id is not None:
                    tickets = [t for t in order.tickets if t.id == refund.ticket_id]
                else:
                    still_paid_by_another = any(
                        other.id != payment.id
                        and other.status is PaymentStatus.SUCCEEDED
                        and other.refunded_amount < other.amount
                        for other in order.payments
                    )
                    whole = (
                        _succeeded_amount(payment) >= payment.amount
                        and not still_paid_by_another
                        and not extra
                    )
                    tickets = order.valid_tickets if whole else []
            for ticket in tickets:
                if ticket.status is TicketStatus.VALID:
                    ticket.status = TicketStatus.REFUNDED
                    # One ticket's refund may be less than its price (a cancellation fee).
                    ticket.refunded_amount = (
                        min(ticket.price, ticket.refunded_amount + refund.amount)
                        if refund.ticket_id == ticket.id
                        else ticket.price
                    )
            if not order.valid_tickets:
                transition(
                    order,
                    OrderStatus.REFUNDED if payment.refunded_amount else OrderStatus.CANCELLED,
                )
                order.cancelled_at = order.cancelled_at or utcnow()
        return known is None


def _credit_invoice(order: Order, tickets: list | None, amount: int) -> None:
    """Money back on an invoice: a kreditfaktura says what it is for. The whole order
    given back before the invoice was paid in full (a part payment returned) ends what
    the invoice still asks for too."""
    whole = tickets is not None and set(tickets) >= set(order.valid_tickets)
    if order.status is OrderStatus.INVOICED and whole:
        billing.credit_everything(order, "refunded", _today(order))
    else:
        billing.credit_refund(order, tickets, amount, _today(order))


def _reopen(payment: Payment, refund: Refund, was: RefundStatus) -> None:
    """A refund failed (or was canceled): its money counts as never given back, the
    tickets it had refunded are valid again, and the organizers are told, so they can
    refund again, or cancel the tickets."""
    order = payment.order
    payment.refunded_amount = max(0, payment.refunded_amount - refund.amount)
    if was is RefundStatus.SUCCEEDED:
        named_elsewhere = {
            r.ticket_id
            for p in order.payments
            for r in p.refunds
            if r is not refund and r.status is RefundStatus.SUCCEEDED and r.ticket_id
        }
        if refund.ticket_id is not None:
            reopened = [t for t in order.tickets if t.id == refund.ticket_id]
        elif order.status is not OrderStatus.INVOICED:
            reopened = [
                t
                for t in order.tickets
                if t.status is TicketStatus.REFUNDED and t.id not in named_elsewhere
            ]
        else:
            reopened = []
        for ticket in reopened:
            if ticket.status is TicketStatus.REFUNDED:
                ticket.status = TicketStatus.VALID
                ticket.refunded_amount = 0
        if order.valid_tickets and order.status in (OrderStatus.REFUNDED, OrderStatus.CANCELLED):
            transition(order, OrderStatus.PAID)
            order.cancelled_at = None
    notices.refund_reversed(order, payment, refund.amount)


_REFUND_ACTIONS = {
    RefundStatus.SUCCEEDED: "refunded",
    RefundStatus.FAILED: "refund_failed",
    RefundStatus.CANCELED: "refund_failed",
}


def refund(
    order: Order,
    ticket=None,
    reason: str = "organizer",
    amount: int | None = None,
    notify: bool = True,
) -> int:
    """An organizer refunds the whole order or one ticket through its payment provider
    (an attendee cancelling refunds their ticket this way too: `amount` then is the
    price less the policy's fee, and they are told by their own confirmation, not
    `notify`'s). Returns the amount refunded (öre)."""
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
    if payment.dispute_ref and payment.dispute_status not in ("won", "warning_closed"):
        # The bank holds the money (or gave it back): a refund would pay the buyer twice,
        # and Stripe refuses it.
        raise OrderError("disputed")
    if ticket is not None:
        if ticket.order_id != order.id or ticket.status is not TicketStatus.VALID:
            raise OrderError("nothing_to_refund")
        left = ticket.refundable
        amount, tickets = left if amount is None else min(amount, left), [ticket]
    else:
        amount, tickets = payment.amount - payment.refunded_amount, list(order.valid_tickets)
    if amount <= 0:
        # A free ticket: nothing to pay back, the ticket is simply cancelled.
        cancel_tickets(order, tickets)
        return 0
    # The same key for a repeated click; a new one after a refund failed (its amount is
    # refundable again, and Stripe would answer the old key with the failed refund).
    key = (
        f"refund-{payment.id}-{ticket.id if ticket else 'all'}-{payment.refunded_amount}"
        f"-{len(payment.refunds)}"
    )
    if payment.method in (PaymentMethod.INVOICE,):
        ref, status = None, RefundStatus.SUCCEEDED  # paid back by bank transfer outside summit
    else:
        ref, status = get_provider(payment.method).refund(payment, amount, key)
    record_refund(payment, amount, ref, tickets=tickets, reason=reason, status=status)
    if notify:
        with unit_of_work():
            notices.order_refunded(order, amount)
    return amount


def pending_amount(order: Order) -> int:
    """What is on its way back to the buyer and not yet confirmed by the provider (öre):
    refunds pending or waiting for an action at the provider."""
    return sum(
        r.amount
        for p in order.payments
        for r in p.refunds
        if r.status in (RefundStatus.PENDING, RefundStatus.REQUIRES_ACTION)
    )


def cancel_tickets(order: Order, tickets: list) -> None:
    with unit_of_work(locks.sales(order.event_id)):
        for ticket in tickets:
            ticket.status = TicketStatus.CANCELLED
        history.record(order, "tickets_cancelled", count=len(tickets))
        if not order.valid_tickets:
            transition(order, OrderStatus.CANCELLED)
            order.cancelled_at = utcnow()


def can_cancel(order: Order) -> bool:
    """Cancelling is for orders nobody has paid money for; the others are refunded."""
    paid_money = any(
        p.status is PaymentStatus.SUCCEEDED and p.amount > p.refunded_amount for p in order.payments
    )
    return order.status not in (OrderStatus.REFUNDED, OrderStatus.CANCELLED) and not paid_money


def cancel_ticket(order: Order, ticket) -> None:
    """An organizer cancels one ticket (and its add-ons) of an order nobody has paid
    money for, e.g. one of a municipality's three people cannot come: the seat is free
    at once, and an invoice gets a credit note for the ticket. The last ticket cancels
    the order (cancel_order)."""
    if not can_cancel(order) or ticket.order_id != order.id:
        raise OrderError("cannot_cancel")
    with unit_of_work(locks.sales(order.event_id)):
        db.session.refresh(order)
        db.session.refresh(ticket)
        if not can_cancel(order) or ticket.status is not TicketStatus.VALID:
            raise OrderError("cannot_cancel")
        if len(order.valid_tickets) < 2:
            raise OrderError("last_ticket")
        addons = list(ticket.valid_addons)
        billing.credit(
            order,
            lambda: billing.ticket_credit_lines(
                ticket, ticket.price + sum(a.price for a in addons), addons
            ),
            "ticket_cancelled",
            _today(order),
        )
        ticket.status = TicketStatus.CANCELLED
        history.record(order, "tickets_cancelled", count=1)


def cancel_order(order: Order) -> None:
    """An organizer cancels an order nobody has paid money for (reserved, pending,
    invoiced, or a free registration): its seats are freed and the buyer is told.
    Orders paid with money are refunded instead."""
    if not can_cancel(order):
        raise OrderError("cannot_cancel")
    went_through = False
    for payment in order.payments:
        if payment.status is PaymentStatus.CREATED and payment.method is not PaymentMethod.INVOICE:
            try:
                if not get_provider(payment.method).cancel(payment):
                    # The buyer completed it a moment ago: apply it as the provider has it.
                    if payment.method is PaymentMethod.STRIPE:
                        from .stripe_webhooks import sync_session

                        sync_session(payment)
                    went_through = True
            except PaymentError as error:
                db.session.rollback()
                log.warning("Cancelling payment %s at the provider failed: %s", payment.id, error)
    with unit_of_work(locks.sales(order.event_id)):
        if went_through:
            db.session.refresh(order)
            if not can_cancel(order):
                raise OrderError("cannot_cancel")
        was_confirmed = order.status.is_confirmed
        billing.credit_everything(order, "order_cancelled", _today(order))
        transition(order, OrderStatus.CANCELLED)
        order.cancelled_at = utcnow()
        for ticket in order.tickets:
            if ticket.status is TicketStatus.VALID:
                ticket.status = TicketStatus.CANCELLED
        for payment in order.payments:
            if payment.status in (PaymentStatus.CREATED, PaymentStatus.PENDING):
                payment.status = PaymentStatus.CANCELLED
        if was_confirmed or order.buyer_email:
            notices.order_cancelled(order)
