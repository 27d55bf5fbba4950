"""The waiting list on PostgreSQL: seats are freed (tickets cancelled, the capacity
raised), offers are made by several workers at once, people leave the line, and buyers
in the shop try to snatch the freed seats, all at the same moment. Ten rounds.

Held: never more seats held than the capacity, every freed seat offered to the line
and none sold in the shop while people wait, each person offered once at most, and
the offers going to the first in line."""

import pytest
from sqlalchemy import func, select

from summit.database import unit_of_work
from summit.models import (
    Order,
    OrderStatus,
    PaymentMethod,
    Ticket,
    TicketStatus,
    TicketType,
    WaitingListEntry,
    WaitingStatus,
    utcnow,
)
from summit.services.events import get_event
from summit.services.payments.refunds import cancel_order
from summit.services.tickets import waitlist
from summit.services.tickets.ordering import holding_condition
from tests.threads import in_threads, seat_buyer

CAPACITY, IN_LINE, CANCELLED, RAISED, LEAVING = 10, 15, 6, 2, 2


@pytest.mark.parametrize("round_", range(10))
def test_offers_and_freed_seats_race_without_overselling(
    app, db, make_event, make_ticket_type, round_
):
    event = make_event(slug="summit2027")
    seats = make_ticket_type(event, "Workshopdag", price=0, capacity=CAPACITY)
    paid = []
    for n in range(CAPACITY):
        order = Order(
            event=event,
            status=OrderStatus.PAID,
            expires_at=utcnow(),
            payment_method=PaymentMethod.FREE,
            buyer_name=f"Köpare {n}",
            buyer_email=f"kopare{n}@example.se",
        )
        order.tickets.append(Ticket(ticket_type=seats, price=0, vat_percent=25))
        db.session.add(order)
        paid.append(order)
    db.session.commit()
    line = [
        waitlist.join(event, seats.id, f"Väntande {n}", f"vantande{n}@example.se", 1).id
        for n in range(IN_LINE)
    ]
    cancel_ids = [o.id for o in paid[:CANCELLED]]
    leave_ids = line[3 : 3 + LEAVING]  # two near the front leave, offered or not
    type_id = seats.id
    buyer = seat_buyer("summit2027", type_id)
    jobs = []

    def canceller(order_id):
        return lambda: cancel_order(db.session.get(Order, order_id)) or "cancelled"

    def raise_capacity():
        with unit_of_work():
            db.session.get(TicketType, type_id).capacity += RAISED
        return "raised"

    def sweeper():
        return f"offered {waitlist.offer_free_seats(get_event('summit2027'))}"

    def leaver(entry_id):
        return lambda: waitlist.leave(db.session.get(WaitingListEntry, entry_id)) or "left"

    jobs += [canceller(i) for i in cancel_ids]
    jobs += [raise_capacity]
    jobs += [sweeper] * 10
    jobs += [leaver(i) for i in leave_ids]
    jobs += [buyer] * 12
    queue = list(jobs)

    def work():
        return queue.pop()()

    outcomes = in_threads(app, len(jobs), work)
    db.session.commit()  # the next round reads afresh, as the worker's next round does
    waitlist.offer_free_seats(get_event("summit2027"))  # what freed after the last sweep

    # The shop sold nothing while people waited for every freed seat.
    assert outcomes.count("ok") == 0
    assert outcomes.count("sold_out") == 12
    db.session.commit()
    held = db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .join(Order, Order.id == Ticket.order_id)
        .where(
            Order.event_id == event.id,
            Ticket.status == TicketStatus.VALID,
            holding_condition(utcnow()),
        )
    )
    capacity = CAPACITY + RAISED
    assert held == capacity  # every seat taken: none lost, none oversold
    entries = db.session.scalars(
        select(WaitingListEntry).order_by(WaitingListEntry.created_at, WaitingListEntry.id)
    ).all()
    offered = [e for e in entries if e.status is WaitingStatus.OFFERED]
    assert len(offered) == CANCELLED + RAISED
    assert all(len(e.order.tickets) == 1 for e in offered)
    # Each offer its own order; a leaver's offer (if they had one) was cancelled.
    offer_orders = db.session.scalar(
        select(func.count())
        .select_from(Order)
        .where(Order.event_id == event.id, Order.status == OrderStatus.RESERVED)
    )
    assert offer_orders == len(offered)
    # In line order: those offered are the first of those who stayed.
    stayed = [e for e in entries if e.status is not WaitingStatus.LEFT]
    assert offered == stayed[: len(offered)]
    assert all(e.status is WaitingStatus.WAITING for e in stayed[len(offered) :])
