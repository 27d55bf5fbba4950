"""Attendees cancelling at once on PostgreSQL: the same ticket cancelled from several
tabs gets one credit and one history row; the last two tickets of an invoice cancelled
at the same moment leave the order cancelled (each sees what the other committed)."""

from datetime import datetime

from sqlalchemy import func, select

from summit.extensions import db as _db
from summit.models import (
    CancelPolicy,
    InvoiceCredit,
    OrderEvent,
    OrderStatus,
    PaymentMethod,
    Ticket,
    TicketStatus,
)
from summit.services.payments import core as payments
from summit.services.tickets import self_service
from summit.services.tickets.self_service import SelfServiceError
from tests.conftest import STOCKHOLM
from tests.fakestripe import reserved_order, ticket_type
from tests.threads import in_threads

DEADLINE = datetime(2027, 5, 1, 23, 59, tzinfo=STOCKHOLM)
BEFORE = datetime(2027, 4, 1, 12, 0, tzinfo=STOCKHOLM)


def invoiced(db, make_event, count):
    event = make_event(
        slug="summit2027", cancel_policy=CancelPolicy.FULL_REFUND, cancel_deadline=DEADLINE
    )
    order = reserved_order(event, {ticket_type(db, event, price=150000): count})
    payments.start_payment(
        order,
        PaymentMethod.INVOICE,
        payments.InvoiceDetails("Ängström AB", "556677-8899", "Box 1, 111 11 Stockholm", "Kst 12"),
    )
    return order


def canceller(ticket_id):
    def cancel() -> str:
        try:
            self_service.cancel_ticket(_db.session.get(Ticket, ticket_id), BEFORE)
            return "ok"
        except SelfServiceError as refused:
            return refused.reason

    return cancel


def test_one_ticket_cancelled_from_ten_tabs_at_once_is_credited_once(app, db, make_event):
    order = invoiced(db, make_event, 2)
    ticket_id = order.tickets[0].id

    outcomes = in_threads(app, 10, canceller(ticket_id))

    assert outcomes.count("ok") == 1 and outcomes.count("not_valid") == 9
    db.session.commit()
    credits = db.session.scalars(select(InvoiceCredit)).all()
    assert [(c.ticket_id, c.amount) for c in credits] == [(ticket_id, 150000)]
    rows = db.session.scalar(
        select(func.count())
        .select_from(OrderEvent)
        .where(OrderEvent.action == "ticket_cancelled_by_attendee")
    )
    assert rows == 1
    assert db.session.get(Ticket, ticket_id).status is TicketStatus.CANCELLED


def test_the_last_two_tickets_cancelled_at_once_cancel_the_order(app, db, make_event):
    order = invoiced(db, make_event, 2)
    ids, order_id = [t.id for t in order.tickets], order.id
    chosen = [canceller(ids[0]), canceller(ids[1])]

    def one_of_them() -> str:
        return chosen.pop()()  # list.pop is atomic: each thread takes one ticket

    assert in_threads(app, 2, one_of_them) == ["ok", "ok"]
    db.session.commit()
    db.session.expire_all()
    found = db.session.get(type(order), order_id)
    assert found.status is OrderStatus.CANCELLED
    assert [t.status for t in found.tickets] == [TicketStatus.CANCELLED] * 2
