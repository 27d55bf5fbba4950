"""One voucher, many buyers at once on PostgreSQL: exactly one gets it (the event's and
the voucher's row locks), and the rest are told it is taken."""

from sqlalchemy import func, select

from summit.models import Ticket, TicketStatus
from summit.services.events import get_event
from summit.services.tickets import vouchers
from summit.services.tickets.ordering import OrderError, reserve_tickets
from tests.threads import in_threads, seat_buyer


def test_twenty_buyers_one_voucher_exactly_one_ticket(app, db, make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    speaker = make_ticket_type(
        event, "Talare", price=0, is_visible=False, access_code="TALARE-K7PM-XQ4R"
    )
    (voucher,) = vouchers.generate_vouchers(event, speaker, 1, free=True)
    code, type_id, voucher_id = voucher.display_code, speaker.id, voucher.id

    buy = seat_buyer("summit2027", type_id, code=code)

    outcomes = in_threads(app, 20, buy)
    assert outcomes.count("ok") == 1
    assert outcomes.count("voucher_held") == 19
    db.session.commit()
    held = db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.voucher_id == voucher_id, Ticket.status == TicketStatus.VALID)
    )
    assert held == 1


def test_one_address_racing_for_seats_stays_under_the_cap(app, db, make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    seats = make_ticket_type(event, capacity=100, max_per_order=10)
    type_id = seats.id
    app.config["RESERVATION_SEATS_PER_ADDRESS"] = 20

    def hoard():
        try:
            reserve_tickets(get_event("summit2027"), {type_id: 10}, address="203.0.113.9")
            return "ok"
        except OrderError as error:
            return error.reason

    outcomes = in_threads(app, 10, hoard)
    assert outcomes.count("ok") == 2
    assert outcomes.count("too_many_held") == 8
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 20
