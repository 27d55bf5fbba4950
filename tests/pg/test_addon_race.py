"""No add-on oversold on PostgreSQL: 30 buyers on 30 connections race for the 8 last
places at the dinner, 20 choosing it at checkout and 10 adding it to a paid ticket."""

import threading

from sqlalchemy import func, select

from summit.models import Addon, OrderStatus, Ticket, TicketAddon, TicketStatus
from summit.services.events import get_event
from summit.services.tickets import addons, ordering
from summit.services.tickets.addons import AddonError
from tests.threads import in_threads


def test_thirty_buyers_eight_dinner_places_exactly_eight_taken(
    app, db, make_event, make_ticket_type
):
    event = make_event(slug="summit2027")
    seats = make_ticket_type(event, capacity=100)
    dinner = Addon(event=event, name_sv="Konferensmiddag", price=67200, vat_percent=12, capacity=8)
    db.session.add(dinner)
    db.session.commit()
    dinner_id = dinner.id
    reserved = [ordering.reserve_tickets(event, {seats.id: 1}).token for _ in range(20)]
    paid = []
    for _ in range(10):
        order = ordering.reserve_tickets(event, {seats.id: 1})
        order.status = OrderStatus.PAID
        paid.append(order.token)
    db.session.commit()
    tokens = iter(reserved + paid)
    lock = threading.Lock()

    def buy() -> str:
        with lock:
            token = next(tokens)
        order = ordering.get_order(token)
        try:
            if order.status is OrderStatus.RESERVED:
                addons.choose_addons(order, {1: {dinner_id}})
            else:
                addons.buy_addons_after(order, {1: {dinner_id}})
            return "ok"
        except AddonError as error:
            return error.reason

    outcomes = in_threads(app, 30, buy)
    assert outcomes.count("ok") == 8
    assert outcomes.count("addon_sold_out") == 22
    db.session.commit()
    taken = db.session.scalar(
        select(func.count())
        .select_from(TicketAddon)
        .join(Ticket, Ticket.id == TicketAddon.ticket_id)
        .where(TicketAddon.status == TicketStatus.VALID, Ticket.status == TicketStatus.VALID)
    )
    assert taken == 8
    assert addons.places_left(get_event("summit2027"), [db.session.get(Addon, dinner_id)]) == {
        dinner_id: 0
    }
