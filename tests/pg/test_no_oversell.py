"""No overselling on PostgreSQL: 50 buyers on 50 connections race for 10 seats."""

from sqlalchemy import func, select

from summit.models import Ticket, TicketStatus
from tests.threads import in_threads, seat_buyer


def test_fifty_buyers_ten_seats_exactly_ten_reserved(app, db, make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    seats = make_ticket_type(event, capacity=10)

    type_id = seats.id

    buy = seat_buyer("summit2027", type_id)

    outcomes = in_threads(app, 50, buy)
    assert outcomes.count("ok") == 10
    assert outcomes.count("sold_out") == 40
    db.session.commit()
    sold = db.session.scalar(
        select(func.count()).select_from(Ticket).where(Ticket.status == TicketStatus.VALID)
    )
    assert sold == 10
