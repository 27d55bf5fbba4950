"""Disputes (chargebacks): the buyer's bank questions a payment. The order is flagged
and the organizers told; its tickets stay as they are until the organizers choose
(keep them valid, or cancel them); the bank's decision is recorded when it comes.

Like the rest of payments, every record_* function is idempotent: the same Stripe
event twice has the effect of once.
"""

from datetime import datetime

from ...database import unit_of_work
from ...extensions import db
from ...models import Order, OrderStatus, Payment, TicketStatus, utcnow
from ...models.payments import DisputeDecision
from .. import locks
from ..tickets import order_mail as notices
from ..tickets.order_states import transition
from ..tickets.ordering import OrderError

# Stripe's statuses of a dispute that has ended.
CLOSED = {"won", "lost", "warning_closed", "prevented"}


def record_dispute(
    payment: Payment,
    dispute_ref: str,
    status: str,
    amount: int,
    reason: str = "",
    now: datetime | None = None,
) -> bool:
    """The bank opened a dispute on this payment: flag it and tell the organizers (once).
    Later news of the same dispute only updates its status. Returns True the first
    time."""
    now = now or utcnow()
    with unit_of_work(locks.sales(payment.order.event_id)):
        db.session.refresh(payment)
        first = payment.dispute_ref != dispute_ref
        if first:
            payment.dispute_ref = dispute_ref
            payment.dispute_amount = amount
            payment.dispute_reason = reason[:60]
            payment.disputed_at = now
            payment.dispute_closed_at = None
            payment.dispute_decision = None
            notices.dispute_opened(payment.order, payment)
        if payment.dispute_closed_at is None:
            payment.dispute_status = status[:40]
        return first


def record_dispute_closed(
    payment: Payment, dispute_ref: str, status: str, now: datetime | None = None
) -> bool:
    """The bank decided (won, lost, ...): the outcome is recorded and the organizers
    told, once. A closing for a dispute not heard of before is recorded as opened too."""
    now = now or utcnow()
    with unit_of_work(locks.sales(payment.order.event_id)):
        db.session.refresh(payment)
        if payment.dispute_ref == dispute_ref and payment.dispute_closed_at is not None:
            return False
        if payment.dispute_ref != dispute_ref:
            payment.dispute_ref = dispute_ref
            payment.disputed_at = now
            payment.dispute_amount = payment.amount - payment.refunded_amount
        payment.dispute_status = status[:40]
        payment.dispute_closed_at = now
        notices.dispute_closed(payment.order, payment)
        return True


def disputed_payment(order: Order) -> Payment | None:
    """The order's payment with a dispute, if any (the latest)."""
    disputed = [p for p in order.payments if p.dispute_ref]
    return disputed[-1] if disputed else None


def decide_dispute(order: Order, decision: DisputeDecision) -> None:
    """The organizers' choice for the tickets of a disputed order: keep them valid, or
    cancel them (they no longer get anyone in). Cancelling is final."""
    with unit_of_work(locks.sales(order.event_id)):
        db.session.refresh(order)
        payment = disputed_payment(order)
        if payment is None:
            raise OrderError("not_disputed")
        if payment.dispute_decision is DisputeDecision.CANCEL and decision is DisputeDecision.KEEP:
            raise OrderError("dispute_tickets_cancelled")
        payment.dispute_decision = decision
        if decision is DisputeDecision.CANCEL:
            for ticket in order.tickets:
                if ticket.status is TicketStatus.VALID:
                    ticket.status = TicketStatus.CANCELLED
            if order.status.is_confirmed:
                transition(order, OrderStatus.CANCELLED)
                order.cancelled_at = order.cancelled_at or utcnow()
