"""The waiting list: joining a full type, offers in line order that hold seats, offers
that run out and pass on, leaving, the organizer's hand, and the shop keeping freed
seats for the line (tests/pg/test_waitlist_race.py races it on PostgreSQL)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from summit.models import (
    Order,
    OrderStatus,
    OutboxMessage,
    PaymentMethod,
    WaitingListEntry,
    WaitingStatus,
    utcnow,
)
from summit.services.payments import core as payments
from summit.services.tickets import waitlist
from summit.services.tickets.ordering import (
    AttendeeDetails,
    BuyerDetails,
    OrderError,
    availability,
    reserve_tickets,
)
from summit.services.tickets.renewal import renew_reservation
from summit.services.tickets.waitlist import WaitingListError


@pytest.fixture
def full(db, make_event, make_ticket_type):
    """A published event whose one free ticket type (two seats) is taken by a
    reservation, which runs out at .expires_at."""
    event = make_event(slug="summit2027")
    seats = make_ticket_type(event, "Ordinarie", price=0, capacity=2)
    taken = reserve_tickets(event, {seats.id: 2})
    return event, seats, taken


def mails_to(db, address: str) -> list[OutboxMessage]:
    db.session.commit()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        )
    )


def buy(order: Order) -> None:
    buyer = BuyerDetails(order.buyer_name or "Köpare", order.buyer_email or "k@example.se")
    attendees = [AttendeeDetails(name=f"Deltagare {n}") for n in range(len(order.tickets))]
    payments.start_payment(order, PaymentMethod.FREE, None, (buyer, attendees))


def test_one_joins_a_full_type_and_gets_their_link(db, full):
    event, seats, _taken = full
    entry = waitlist.join(event, seats.id, " Åsa Öberg-Lindqvist ", "Asa@Example.se ", 2)
    assert (entry.name, entry.email, entry.quantity) == ("Åsa Öberg-Lindqvist", "asa@example.se", 2)
    assert entry.status is WaitingStatus.WAITING and waitlist.place_in_line(entry) == 1
    [mail] = mails_to(db, "asa@example.se")
    assert "väntelistan" in mail.subject.lower() or "waiting list" in mail.subject.lower()
    assert f"/waiting-list/{entry.token}" in mail.body_text


def test_joining_twice_keeps_one_place_and_sends_the_link_again(db, full):
    event, seats, _taken = full
    first = waitlist.join(event, seats.id, "Mohammed", "mohammed@example.se", 1)
    again = waitlist.join(event, seats.id, "Mohammed A", "MOHAMMED@example.se", 3)
    assert again.id == first.id and again.quantity == 1
    assert db.session.scalar(select(func.count()).select_from(WaitingListEntry)) == 1
    assert len(mails_to(db, "mohammed@example.se")) == 2


@pytest.mark.parametrize(
    ("quantity", "reason"), [(0, "quantity"), (11, "quantity"), (-1, "quantity")]
)
def test_a_bad_quantity_is_refused_and_nothing_stored(db, full, quantity, reason):
    event, seats, _taken = full
    with pytest.raises(WaitingListError) as refused:
        waitlist.join(event, seats.id, "Ängström", "a@example.se", quantity)
    assert refused.value.reason == reason and refused.value.field == "quantity"
    assert db.session.scalar(select(func.count()).select_from(WaitingListEntry)) == 0
    assert mails_to(db, "a@example.se") == []


def test_a_type_with_seats_left_or_of_another_event_has_no_list(
    db, full, make_event, make_ticket_type
):
    event, seats, _taken = full
    roomy = make_ticket_type(event, "Student", price=0, capacity=5)
    other = make_ticket_type(make_event(slug="other"), "Annan", capacity=0)
    hidden = make_ticket_type(event, "Dold", capacity=0, is_visible=False)
    for type_id, reason in (
        (roomy.id, "not_full"),
        (other.id, "unknown_type"),
        (hidden.id, "unknown_type"),
        (999_999, "unknown_type"),
    ):
        with pytest.raises(WaitingListError) as refused:
            waitlist.join(event, type_id, "Åsa", "asa@example.se", 1)
        assert refused.value.reason == reason
    assert db.session.scalar(select(func.count()).select_from(WaitingListEntry)) == 0
    assert [t.name for t in waitlist.full_types(event)] == ["Ordinarie"]


def test_freed_seats_go_to_the_line_not_the_shop(db, full):
    event, seats, taken = full
    entry = waitlist.join(event, seats.id, "Åsa", "asa@example.se", 1)
    later = taken.expires_at + timedelta(seconds=1)
    # The reservation ran out: two seats are free, one is the line's.
    assert availability(event, [seats], later).left(seats) == 1
    assert availability(event, [seats], later, waiting=False).left(seats) == 2
    reserve_tickets(event, {seats.id: 1}, now=later)  # the one left for anyone
    with pytest.raises(OrderError) as refused:
        reserve_tickets(event, {seats.id: 1}, now=later)
    assert refused.value.reason == "sold_out"

    assert waitlist.offer_free_seats(event, later) == 1
    db.session.refresh(entry)
    offer = entry.order
    assert entry.status is WaitingStatus.OFFERED and entry.offered_at == later
    assert offer.status is OrderStatus.RESERVED
    assert offer.expires_at == later + timedelta(hours=48)
    assert (offer.buyer_name, offer.buyer_email, len(offer.tickets)) == ("Åsa", "asa@example.se", 1)
    offer_mail = mails_to(db, "asa@example.se")[-1]
    assert f"/orders/{offer.token}/checkout" in offer_mail.body_text
    # Held: the seat counts as taken, for the shop and for the line.
    assert availability(event, [seats], later, waiting=False).left(seats) == 0
    assert waitlist.offer_free_seats(event, later) == 0


def test_an_unused_offer_passes_to_the_next_who_buys(db, full):
    event, seats, taken = full
    first = waitlist.join(event, seats.id, "Åsa", "asa@example.se", 2)
    second = waitlist.join(event, seats.id, "Mohammed", "mohammed@example.se", 2)
    freed = taken.expires_at + timedelta(seconds=1)
    waitlist.offer_free_seats(event, freed)
    db.session.refresh(first)
    lapses = first.order.expires_at + timedelta(seconds=1)
    assert waitlist.offer_free_seats(event, lapses) == 1
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.status is WaitingStatus.LAPSED and first.ended_at == lapses
    assert second.status is WaitingStatus.OFFERED
    assert "ran out" in mails_to(db, "asa@example.se")[-1].body_text or "gick" in (
        mails_to(db, "asa@example.se")[-1].body_text
    )
    buy(second.order)
    waitlist.offer_free_seats(event, lapses)
    db.session.refresh(second)
    assert second.status is WaitingStatus.BOUGHT
    assert second.order.status is OrderStatus.PAID


def test_the_line_is_kept_in_order_and_a_big_group_waits_for_enough_seats(db, full):
    event, seats, taken = full
    group = waitlist.join(event, seats.id, "Gruppen", "grupp@example.se", 2)
    single = waitlist.join(event, seats.id, "Ängström", "angstrom@example.se", 1)
    # One seat freed (capacity raised by one): not enough for the group ahead.
    seats.capacity = 3
    db.session.commit()
    assert waitlist.offer_free_seats(event) == 0
    assert availability(event, [seats]).left(seats) == 0  # kept for the line
    assert waitlist.place_in_line(single) == 2
    # The organizer may offer by hand, out of order, what is free.
    offer = waitlist.offer_by_hand(single, user=None)
    assert offer.tickets and single.status is WaitingStatus.OFFERED
    with pytest.raises(WaitingListError) as refused:
        waitlist.offer_by_hand(group, user=None)
    assert refused.value.reason == "no_seats"
    seats.capacity = 5
    db.session.commit()
    assert waitlist.offer_free_seats(event) == 1
    db.session.refresh(group)
    assert group.status is WaitingStatus.OFFERED and len(group.order.tickets) == 2


def test_leaving_with_an_offer_gives_it_to_the_next_at_once(db, full):
    event, seats, taken = full
    first = waitlist.join(event, seats.id, "Åsa", "asa@example.se", 2)
    second = waitlist.join(event, seats.id, "Mohammed", "mohammed@example.se", 2)
    now = taken.expires_at + timedelta(seconds=1)
    waitlist.offer_free_seats(event, now)
    db.session.refresh(first)
    held = first.order
    waitlist.leave(first, now)
    db.session.refresh(held)
    db.session.refresh(second)
    assert first.status is WaitingStatus.LEFT and held.status is OrderStatus.CANCELLED
    assert second.status is WaitingStatus.OFFERED
    with pytest.raises(WaitingListError):
        waitlist.leave(first, now)


def test_removed_by_an_organizer_are_not_offered(db, full):
    event, seats, taken = full
    entry = waitlist.join(event, seats.id, "Åsa", "asa@example.se", 1)
    waitlist.remove(entry)
    assert entry.status is WaitingStatus.REMOVED
    assert waitlist.offer_free_seats(event, taken.expires_at + timedelta(seconds=1)) == 0
    assert availability(event, [seats], taken.expires_at + timedelta(seconds=1)).left(seats) == 2


def test_a_type_full_by_its_own_capacity_keeps_no_event_seats(db, make_event, make_ticket_type):
    event = make_event(slug="summit2027", capacity=10)
    small = make_ticket_type(event, "Workshop", price=0, capacity=1)
    big = make_ticket_type(event, "Ordinarie", price=0)
    reserve_tickets(event, {small.id: 1})
    waitlist.join(event, small.id, "Åsa", "asa@example.se", 3)
    # The three in line can be offered nothing until the workshop frees a seat: the
    # event's other nine seats stay on sale.
    assert availability(event, [small, big]).left(big) == 9


def test_a_lapsed_offer_cannot_be_renewed_past_the_line(db, full):
    event, seats, taken = full
    first = waitlist.join(event, seats.id, "Åsa", "asa@example.se", 2)
    waitlist.join(event, seats.id, "Mohammed", "mohammed@example.se", 2)
    waitlist.offer_free_seats(event, taken.expires_at + timedelta(seconds=1))
    db.session.refresh(first)
    ended = first.order.expires_at + timedelta(seconds=1)
    waitlist.offer_free_seats(event, ended)  # now Mohammed's
    buyer = BuyerDetails("Åsa", "asa@example.se")
    with pytest.raises(OrderError) as refused:
        renew_reservation(
            first.order, buyer, [AttendeeDetails("Åsa"), AttendeeDetails("B")], now=ended
        )
    assert refused.value.reason == "sold_out"


def test_offer_hours_are_the_organizers_within_reason(db, full):
    event, _seats, _taken = full
    waitlist.set_offer_hours(event, 24)
    assert event.offer_hours == 24
    for bad in (0, 14 * 24 + 1, -5):
        with pytest.raises(WaitingListError):
            waitlist.set_offer_hours(event, bad)
    db.session.refresh(event)
    assert event.offer_hours == 24


def test_the_worker_offers_in_each_round(app, db, full):
    from summit.services import worker

    event, seats, taken = full
    entry_id = waitlist.join(event, seats.id, "Åsa", "asa@example.se", 1).id
    reserve_id = taken.id
    db.session.execute(
        Order.__table__.update()
        .where(Order.id == reserve_id)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    worker.one_round()  # its session is ended after each part
    assert db.session.get(WaitingListEntry, entry_id).status is WaitingStatus.OFFERED
