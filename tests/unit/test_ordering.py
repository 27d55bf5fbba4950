"""Reserving seats: capacity per type and per event, discount codes, sale windows, and
no overselling when buyers race (threads on SQLite here; tests/pg on PostgreSQL)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from summit.models import DiscountCode, DiscountKind, Order, Ticket, TicketStatus, utcnow
from summit.services.events import get_event
from summit.services.tickets.ordering import OrderError, availability, reserve_tickets
from tests.threads import in_threads


def valid_tickets(db) -> int:
    db.session.commit()
    return db.session.scalar(
        select(func.count()).select_from(Ticket).where(Ticket.status == TicketStatus.VALID)
    )


def race(app, slug: str, type_id: int, buyers: int) -> list[str]:
    """`buyers` threads each try to reserve one seat at the same moment, each on its own
    connection with its own copy of the event, as separate requests would."""

    def buy():
        try:
            reserve_tickets(get_event(slug), {type_id: 1})
            return "ok"
        except OrderError as error:
            return error.reason

    return in_threads(app, buyers, buy)


def test_racing_buyers_never_oversell_on_sqlite(app, db, make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    seats = make_ticket_type(event, capacity=3)
    outcomes = race(app, event.slug, seats.id, 12)
    assert outcomes.count("ok") == 3
    assert outcomes.count("sold_out") == 9
    assert valid_tickets(db) == 3


def test_event_capacity_limits_all_types_together(db, make_event, make_ticket_type):
    event = make_event(slug="summit2027", capacity=3)
    a, b = make_ticket_type(event, "A"), make_ticket_type(event, "B", capacity=10)
    reserve_tickets(event, {a.id: 2})
    with pytest.raises(OrderError) as refused:
        reserve_tickets(event, {b.id: 2})
    assert refused.value.reason == "event_sold_out" and refused.value.params == {"left": 1}
    reserve_tickets(event, {b.id: 1})
    assert availability(event, [a, b]).left(b) == 0


def test_expired_reservations_free_their_seats(db, make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    seats = make_ticket_type(event, capacity=1)
    order = reserve_tickets(event, {seats.id: 1})
    with pytest.raises(OrderError):
        reserve_tickets(event, {seats.id: 1})
    later = order.expires_at + timedelta(seconds=1)
    assert reserve_tickets(event, {seats.id: 1}, now=later).status.value == "reserved"


def test_sale_window_and_inactive_types(db, make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    now = utcnow()
    early = make_ticket_type(event, "Early", sale_ends_at=now - timedelta(minutes=1))
    later = make_ticket_type(event, "Later", sale_starts_at=now + timedelta(days=1))
    off = make_ticket_type(event, "Off", is_active=False)
    for ticket_type, reason in (
        (early, "not_on_sale"),
        (later, "not_on_sale"),
        (off, "unknown_type"),
    ):
        with pytest.raises(OrderError) as refused:
            reserve_tickets(event, {ticket_type.id: 1})
        assert refused.value.reason == reason
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


@pytest.mark.parametrize(
    ("quantities", "reason"),
    [
        ("none", "nothing_chosen"),
        ("zero", "nothing_chosen"),
        ("negative", "bad_quantity"),
        ("huge", "bad_quantity"),
        ("over_max", "too_many_of_type"),
    ],
)
def test_bad_quantities(db, make_event, make_ticket_type, quantities, reason):
    event = make_event(slug="summit2027")
    seats = make_ticket_type(event, max_per_order=4)
    given = {
        "zero": {seats.id: 0},
        "negative": {seats.id: -1},
        "huge": {seats.id: 10**9},
        "over_max": {seats.id: 5},
        "none": {},
    }[quantities]
    with pytest.raises(OrderError) as refused:
        reserve_tickets(event, given)
    assert refused.value.reason == reason


def test_discount_code_prices_and_use_limit(db, make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    regular = make_ticket_type(event, "Ordinarie", price=150000)
    student = make_ticket_type(event, "Student", price=50000)
    code = DiscountCode(
        event=event,
        code="IDEELL25",
        kind=DiscountKind.PERCENT,
        value=25,
        max_uses=2,
        ticket_types=[regular],
    )
    db.session.add(code)
    db.session.commit()
    order = reserve_tickets(event, {regular.id: 1, student.id: 1}, code="ideell25")
    assert sorted(t.price for t in order.tickets) == [50000, 112500]
    reserve_tickets(event, {regular.id: 1}, code="IDEELL25")
    with pytest.raises(OrderError) as refused:
        reserve_tickets(event, {regular.id: 1}, code="IDEELL25")
    assert refused.value.reason == "code_used_up"
    with pytest.raises(OrderError) as refused:
        reserve_tickets(event, {regular.id: 1}, code="FINNSINTE")
    assert refused.value.reason == "unknown_code"
    # A use comes back when its reservation ends.
    order.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert reserve_tickets(event, {regular.id: 1}, code="IDEELL25").tickets[0].price == 112500


def test_fixed_discount_never_goes_below_zero(db, make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    cheap = make_ticket_type(event, price=10000)
    db.session.add(DiscountCode(event=event, code="GRATIS", kind=DiscountKind.FIXED, value=50000))
    db.session.commit()
    assert reserve_tickets(event, {cheap.id: 1}, code="gratis").tickets[0].price == 0
