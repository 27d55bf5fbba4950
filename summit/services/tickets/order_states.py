"""The one place that changes an order's status: which moves are allowed.

    applied ──approved──▶ reserved (seats held for the type's hold time)
      └─declined─▶ declined
    reserved ──pay──▶ paid ──refund──▶ refunded
      │  │ └─invoice─▶ invoiced ──mark paid──▶ paid
      │  └─payment pending─▶ pending ──paid / failed (back to reserved, or expired)
      └─runs out─▶ expired ──paid late, seats left──▶ paid
    cancelled: by the buyer (a reservation given back), an organizer, a dispute, or a
    late payment with no seat left; its money may still come (paid) or go back
    (refunded). A refund that failed makes a refunded or cancelled order paid again.

The table (MOVES) says where each status may go; staying where it is is always allowed
(an idempotent write). Anything else is a bug in the caller and raises
OrderTransitionError. transition() neither locks nor commits: callers change an order's
status under the event's sales lock (locks.sales), or its own row lock (locks.order),
in their unit of work, and set the time stamps that go with the change.
"""

from ...models import Order, OrderStatus
from . import history

S = OrderStatus

MOVES: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.APPLIED: frozenset({S.RESERVED, S.DECLINED, S.CANCELLED}),
    S.DECLINED: frozenset(),
    S.RESERVED: frozenset({S.PENDING, S.PAID, S.INVOICED, S.EXPIRED, S.CANCELLED}),
    S.PENDING: frozenset({S.RESERVED, S.PAID, S.EXPIRED, S.CANCELLED}),
    S.INVOICED: frozenset({S.PAID, S.CANCELLED, S.REFUNDED}),
    S.PAID: frozenset({S.CANCELLED, S.REFUNDED}),
    S.EXPIRED: frozenset({S.PAID, S.CANCELLED}),
    S.CANCELLED: frozenset({S.PAID, S.REFUNDED}),
    S.REFUNDED: frozenset({S.PAID, S.CANCELLED}),
}


class OrderTransitionError(RuntimeError):
    """A status change the table does not allow: a bug in the caller, never the buyer's."""

    def __init__(self, current: OrderStatus, to: OrderStatus):
        super().__init__(f"order status {current.value} -> {to.value} is not allowed")
        self.current, self.to = current, to


def may_move(current: OrderStatus, to: OrderStatus) -> bool:
    return to is current or to in MOVES[current]


def transition(order: Order, to: OrderStatus) -> OrderStatus:
    """Set the order's status to `to` if the table allows it; returns the one before."""
    current = order.status
    if not may_move(current, to):
        raise OrderTransitionError(current, to)
    order.status = to
    if to is not current:
        history.record(order, "status", before=current, after=to)
    return current
