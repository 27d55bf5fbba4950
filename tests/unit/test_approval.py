"""Ticket types that need approval (issue 16.4): the buyer applies without paying or
holding a seat; organizers approve (a reservation held for the type's hold time, made
under the sales lock, all or none) or decline, with the buyer told by mail and every
step in the order's history."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from summit.models import Actor, Order, OrderStatus, OutboxMessage, utcnow
from summit.services.tickets import approval, history
from summit.services.tickets.approval import ApprovalError
from summit.services.tickets.errors import OrderError
from summit.services.tickets.ordering import (
    AttendeeDetails,
    BuyerDetails,
    availability,
    reserve_tickets,
)


@pytest.fixture
def seminar(make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    reduced = make_ticket_type(
        event,
        "Reducerat pris – ideell förening",
        price=60000,
        capacity=2,
        requires_approval=True,
        approval_hold_hours=48,
    )
    return event, reduced


def apply(event, ticket_type, name="Åsa Öberg-Lindqvist", attendees=1, motivation=""):
    return approval.apply(
        event,
        ticket_type,
        BuyerDetails(name, f"{name.split()[0].lower()}@forening.se", "Föreningen Ängen"),
        [AttendeeDetails(f"{name} {n}") for n in range(attendees)],
        motivation=motivation,
    )


def mails_to(db, address):
    db.session.commit()
    to = OutboxMessage.to_address == address
    return list(db.session.scalars(select(OutboxMessage).where(to).order_by(OutboxMessage.id)))


def test_an_application_holds_no_seat_and_the_shop_does_not_sell_the_type(db, seminar):
    event, reduced = seminar
    first = apply(event, reduced, motivation="Vi är en liten ideell förening i Malmö.")
    apply(event, reduced, "Mohammed Ali", attendees=2)
    assert first.status is OrderStatus.APPLIED and first.total == 60000
    assert availability(event, [reduced]).left(reduced) == 2  # nothing held
    with pytest.raises(OrderError) as refused:
        reserve_tickets(event, {reduced.id: 1})
    assert refused.value.reason == "needs_approval"
    assert [m.subject for m in mails_to(db, "åsa@forening.se")] == [
        "Vi har tagit emot din ansökan: Testevenemang"
    ]
    assert [e.action for e in history.order_history(first)] == ["applied"]


def test_approval_holds_the_seats_for_the_hold_time_and_mails_the_payment_link(
    db, seminar, make_user
):
    event, reduced = seminar
    order = apply(event, reduced)
    organizer = make_user("arr@example.org", name="Karin Arrangör")
    now = utcnow()
    with history.acting(Actor.ORGANIZER, organizer):
        approval.approve(event, [order.reference], now=now)
    db.session.refresh(order)
    assert order.status is OrderStatus.RESERVED
    assert order.expires_at == now + timedelta(hours=48)
    assert availability(event, [reduced], now).left(reduced) == 1
    # After the hold time the seat is free again.
    assert availability(event, [reduced], order.expires_at).left(reduced) == 2
    mail = mails_to(db, order.buyer_email)[-1]
    assert "godkänd" in mail.subject
    assert f"/orders/{order.token}/checkout" in mail.body_text
    approved = history.order_history(order)[-1]
    assert approved.action == "approved" and approved.user_id == organizer.id


def test_bulk_approval_with_too_few_seats_approves_nothing(db, seminar):
    event, reduced = seminar
    apps = [apply(event, reduced, name) for name in ("Åsa Ö", "Mohammed A", "Lars Ängström")]
    refs = [a.reference for a in apps]
    with pytest.raises(ApprovalError) as refused:
        approval.approve(event, refs)
    assert refused.value.reason == "too_few_seats"
    assert refused.value.params["left"] == 2 and refused.value.params["wanted"] == 3
    assert "Only 2 seats" in refused.value.message or "2 platser" in refused.value.message
    db.session.expire_all()
    assert {a.status for a in apps} == {OrderStatus.APPLIED}
    approval.approve(event, refs[:2])
    # Nobody else can take a held seat: the third is refused while the two hold theirs.
    with pytest.raises(ApprovalError) as refused:
        approval.approve(event, refs[2:])
    assert refused.value.params["left"] == 0
    assert [a.status for a in approval.applications(event)] == [OrderStatus.APPLIED]


def test_decline_mails_a_polite_no_with_the_message_and_is_final(db, seminar):
    event, reduced = seminar
    order = apply(event, reduced)
    approval.decline(event, [order.reference], "Platserna gick till medlemsföreningar.")
    db.session.refresh(order)
    assert order.status is OrderStatus.DECLINED
    mail = mails_to(db, order.buyer_email)[-1]
    assert "Platserna gick till medlemsföreningar." in mail.body_text
    for decide in (approval.approve, approval.decline):
        with pytest.raises(ApprovalError) as refused:
            decide(event, [order.reference])
        assert refused.value.reason == "not_applied"
    assert history.order_history(order)[-1].details["message"] == (
        "Platserna gick till medlemsföreningar."
    )


def test_unknown_or_foreign_references_refuse_the_whole_batch(db, seminar, make_event):
    event, reduced = seminar
    order = apply(event, reduced)
    other = make_event(slug="annat")
    for refs in ([order.reference, "ZZZZZZZZ"], [], ["X" * 8] * 600):
        with pytest.raises(ApprovalError):
            approval.approve(event, refs)
    with pytest.raises(ApprovalError):
        approval.approve(other, [order.reference])
    db.session.refresh(order)
    assert order.status is OrderStatus.APPLIED
    assert db.session.scalar(select(Order).where(Order.status == OrderStatus.RESERVED)) is None


def test_only_approval_types_on_sale_can_be_applied_for(db, seminar, make_ticket_type):
    event, reduced = seminar
    regular = make_ticket_type(event, "Ordinarie")
    with pytest.raises(ApprovalError):
        apply(event, regular)
    with pytest.raises(OrderError) as refused:
        apply(event, reduced, attendees=11)
    assert refused.value.reason == "too_many_of_type"
    assert db.session.scalar(select(Order)) is None
