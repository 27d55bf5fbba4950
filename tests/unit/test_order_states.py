"""The order status table: every allowed move, every refused one, and the named sets.

Written from what happens to an order (README and the module docstring of
services/order_states.py), not read from its table: a reservation is paid, invoiced,
left pending at the provider, runs out or is given back; a pending payment settles,
fails (back to the reservation, or expired) or the order is cancelled; an invoice is
marked paid, or the order cancelled or refunded; a paid order is refunded or
cancelled; a payment may still arrive for an expired or cancelled order (kept if seats
are left, else cancelled and refunded); a refund that failed makes the order paid
again, and an organizer may cancel what a refund left. An application for a ticket
type that needs approval is approved (a reservation) or declined, which is final.
"""

import pytest

from summit.extensions import db
from summit.models import Actor, Order, OrderEvent, OrderStatus
from summit.services.tickets.order_states import OrderTransitionError, transition

S = OrderStatus

ALLOWED = {
    (S.APPLIED, S.RESERVED),  # approved: the seats are held for the payment link
    (S.APPLIED, S.DECLINED),
    (S.APPLIED, S.CANCELLED),
    (S.RESERVED, S.PENDING),
    (S.RESERVED, S.PAID),
    (S.RESERVED, S.INVOICED),
    (S.RESERVED, S.EXPIRED),
    (S.RESERVED, S.CANCELLED),
    (S.PENDING, S.RESERVED),
    (S.PENDING, S.PAID),
    (S.PENDING, S.EXPIRED),
    (S.PENDING, S.CANCELLED),
    (S.INVOICED, S.PAID),
    (S.INVOICED, S.CANCELLED),
    (S.INVOICED, S.REFUNDED),
    (S.PAID, S.CANCELLED),
    (S.PAID, S.REFUNDED),
    (S.EXPIRED, S.PAID),
    (S.EXPIRED, S.CANCELLED),
    (S.CANCELLED, S.PAID),
    (S.CANCELLED, S.REFUNDED),
    (S.REFUNDED, S.PAID),
    (S.REFUNDED, S.CANCELLED),
}
PAIRS = [(current, to) for current in OrderStatus for to in OrderStatus]


@pytest.mark.parametrize(("current", "to"), PAIRS, ids=lambda s: s.value)
def test_every_pair_of_statuses(app, current, to):
    """Allowed moves change the status and are written in the order's history (who: the
    system, outside a request); refused ones change nothing."""
    order = Order(status=current)
    if current is to or (current, to) in ALLOWED:
        assert transition(order, to) is current
        assert order.status is to
        recorded = [e for e in db.session.new if isinstance(e, OrderEvent)]
        moved = [] if current is to else [("status", current.value, to.value, Actor.SYSTEM)]
        assert [(e.action, e.details["before"], e.details["after"], e.actor) for e in recorded] == (
            moved
        )
        db.session.rollback()
    else:
        with pytest.raises(OrderTransitionError):
            transition(order, to)
        assert order.status is current  # refused: nothing changed


def test_what_can_never_happen(app):
    """Spelled out, the refusals that matter most."""
    refused = [
        (S.PAID, S.RESERVED),  # money taken: the seats are the buyer's
        (S.PAID, S.EXPIRED),  # a paid order never runs out
        (S.INVOICED, S.EXPIRED),
        (S.RESERVED, S.REFUNDED),  # nothing was paid
        (S.EXPIRED, S.RESERVED),  # a reservation that ran out is not held again
        (S.CANCELLED, S.RESERVED),
        (S.APPLIED, S.PAID),  # an application is paid only through its approved reservation
        (S.DECLINED, S.RESERVED),  # declined is final
    ]
    for current, to in refused:
        assert (current, to) not in ALLOWED
        with pytest.raises(OrderTransitionError):
            transition(Order(status=current), to)


def test_named_sets():
    assert set(S.CONFIRMED) == {S.PAID, S.INVOICED}
    assert set(S.HOLDING) == {S.PENDING, S.INVOICED, S.PAID}
    assert set(S.UNPAID) == {S.RESERVED, S.PENDING}
    assert [s for s in OrderStatus if s.is_confirmed] == [S.INVOICED, S.PAID]
    # The sets are not statuses of their own.
    assert len(list(OrderStatus)) == 9
