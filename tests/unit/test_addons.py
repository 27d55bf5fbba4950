"""Add-ons (issue 16.4): extras per attendee with their own capacity, sold with the
ticket or after it, in the totals, on receipts, and gone with a cancelled ticket."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from summit.models import (
    Addon,
    Order,
    OrderStatus,
    PaymentMethod,
    TicketAddon,
    TicketStatus,
    utcnow,
)
from summit.services.payments import core as payments
from summit.services.payments import refunds
from summit.services.tickets import addons, documents
from summit.services.tickets.addons import AddonError
from summit.services.tickets.ordering import AttendeeDetails, BuyerDetails, reserve_tickets
from tests import pdf

INVOICE = payments.InvoiceDetails(
    organisation="Region Skåne",
    org_number="232100-0255",
    address="Box 123, Kristianstad",
    reference="Kst 4410",
)


@pytest.fixture
def make_addon(db):
    def make(event, name="Konferensmiddag", price=67200, vat_percent=12, capacity=None, **kw):
        addon = Addon(
            event=event,
            name_sv=name,
            name_en=kw.pop("name_en", "Conference dinner"),
            price=price,
            vat_percent=vat_percent,
            capacity=capacity,
            **kw,
        )
        db.session.add(addon)
        db.session.commit()
        return addon

    return make


@pytest.fixture
def summit_sale(make_event, make_ticket_type, make_addon):
    event = make_event(slug="summit2027")
    ticket = make_ticket_type(event, "Ordinarie", price=150000, vat_percent=25)
    dinner = make_addon(event, capacity=2, badge_label="Middag")
    return event, ticket, dinner


def confirm(order: Order, names=("Åsa Öberg-Lindqvist",)) -> Order:
    """Pay the reservation by invoice with the attendees named, as checkout does."""
    details = (
        BuyerDetails("Åsa Öberg-Lindqvist", "asa@example.se", "Region Skåne"),
        [AttendeeDetails(name) for name in names],
    )
    payments.start_payment(order, PaymentMethod.INVOICE, INVOICE, details)
    return order


def places(db, addon) -> int:
    db.session.commit()
    return db.session.scalar(
        select(func.count())
        .select_from(TicketAddon)
        .where(TicketAddon.addon_id == addon.id, TicketAddon.status == TicketStatus.VALID)
    )


def test_dinner_chosen_at_checkout_is_in_the_total_and_never_oversold(db, summit_sale):
    event, ticket, dinner = summit_sale
    first = reserve_tickets(event, {ticket.id: 2})
    addons.choose_addons(first, {1: {dinner.id}, 2: {dinner.id}})
    db.session.refresh(first)
    assert first.total == 2 * 150000 + 2 * 67200

    second = reserve_tickets(event, {ticket.id: 1})
    with pytest.raises(AddonError) as refused:
        addons.choose_addons(second, {1: {dinner.id}})
    assert refused.value.reason == "addon_sold_out"
    assert "Konferensmiddag" in refused.value.message
    assert places(db, dinner) == 2

    # The first buyer changes their mind about one dinner: that place is free again.
    addons.choose_addons(first, {1: {dinner.id}})
    addons.choose_addons(second, {1: {dinner.id}})
    assert places(db, dinner) == 2
    db.session.refresh(second)
    assert second.total == 150000 + 67200


def test_an_expired_reservation_frees_its_dinner_places(db, summit_sale):
    event, ticket, dinner = summit_sale
    held = reserve_tickets(event, {ticket.id: 2})
    addons.choose_addons(held, {1: {dinner.id}, 2: {dinner.id}})
    later = held.expires_at + timedelta(seconds=1)
    after = reserve_tickets(event, {ticket.id: 1}, now=later)
    addons.choose_addons(after, {1: {dinner.id}}, now=later)
    assert addons.places_left(event, [dinner], later) == {dinner.id: 1}


def test_an_addon_for_other_ticket_types_or_off_sale_is_refused_and_nothing_changes(
    db, summit_sale, make_ticket_type, make_addon
):
    event, ticket, dinner = summit_sale
    student = make_ticket_type(event, "Student", price=50000)
    visit = make_addon(event, "Studiebesök", price=0, name_en="Study visit")
    visit.ticket_types = [student]
    closed = make_addon(event, "Frukost", sale_ends_at=utcnow() - timedelta(hours=1))
    db.session.commit()
    order = reserve_tickets(event, {ticket.id: 1})
    addons.choose_addons(order, {1: {dinner.id}})
    for bad in ({1: {visit.id}}, {1: {closed.id}}, {2: {dinner.id}}, {1: {99999}}):
        with pytest.raises(AddonError) as refused:
            addons.choose_addons(order, bad)
        assert refused.value.reason == "addon_not_offered"
    db.session.refresh(order)
    assert [a.addon.name_sv for a in order.addons] == ["Konferensmiddag"]


def test_an_addon_bought_after_the_ticket_is_a_small_order_of_its_own(db, summit_sale):
    event, ticket, dinner = summit_sale
    order = confirm(reserve_tickets(event, {ticket.id: 1}))
    assert order.status is OrderStatus.INVOICED
    assert [a.name_sv for a in addons.addable(order)[1]] == ["Konferensmiddag"]

    follow_up = addons.buy_addons_after(order, {1: {dinner.id}})
    assert follow_up.status is OrderStatus.RESERVED and follow_up.is_addon_order
    assert follow_up.total == 67200 and follow_up.buyer_email == "asa@example.se"
    assert addons.parent_order(follow_up).id == order.id
    # While it is unpaid it holds the place, and it cannot be ordered twice.
    assert addons.places_left(event, [dinner]) == {dinner.id: 1}
    assert addons.addable(order) == {}
    with pytest.raises(AddonError) as refused:
        addons.buy_addons_after(order, {1: {dinner.id}})
    assert refused.value.reason == "addon_already"

    payments.start_payment(
        follow_up,
        PaymentMethod.INVOICE,
        INVOICE,
        (BuyerDetails("Åsa Öberg-Lindqvist", "asa@example.se", "Region Skåne"), []),
    )
    db.session.refresh(follow_up)
    assert follow_up.status is OrderStatus.INVOICED
    attendee = order.tickets[0]
    assert addons.addon_words(attendee) == ["Middag"]
    assert [t.attendee_name for t in addons.tickets_with_addon(event, dinner)] == [
        "Åsa Öberg-Lindqvist"
    ]
    assert [o.reference for o in addons.follow_ups(order)] == [follow_up.reference]


def test_after_purchase_refusals_store_nothing(db, summit_sale):
    event, ticket, dinner = summit_sale
    unpaid = reserve_tickets(event, {ticket.id: 1})
    with pytest.raises(AddonError) as refused:
        addons.buy_addons_after(unpaid, {1: {dinner.id}})
    assert refused.value.reason == "addon_not_confirmed"
    order = confirm(reserve_tickets(event, {ticket.id: 1}))
    for bad, reason in (({}, "addon_nothing"), ({3: {dinner.id}}, "addon_not_offered")):
        with pytest.raises(AddonError) as refused:
            addons.buy_addons_after(order, bad)
        assert refused.value.reason == reason
    full = confirm(reserve_tickets(event, {ticket.id: 2}), names=("Mohammed Ali", "Lars Ängström"))
    addons.buy_addons_after(full, {1: {dinner.id}, 2: {dinner.id}})
    with pytest.raises(AddonError) as refused:
        addons.buy_addons_after(order, {1: {dinner.id}})
    assert refused.value.reason == "addon_sold_out"
    assert db.session.scalar(select(func.count()).select_from(Order)) == 4


def test_a_cancelled_ticket_takes_its_addons_along_and_frees_their_places(db, summit_sale):
    event, ticket, dinner = summit_sale
    order = reserve_tickets(event, {ticket.id: 2})
    addons.choose_addons(order, {1: {dinner.id}, 2: {dinner.id}})
    order = confirm(order, names=("Mohammed Ali", "Lars Ängström"))
    assert addons.places_left(event, [dinner]) == {dinner.id: 0}
    first = order.tickets[0]
    assert first.refundable == 150000 + 67200  # a refund of the ticket pays the dinner back
    refunds.cancel_tickets(order, [first])
    db.session.refresh(order)
    assert [a.status for a in order.addons] == [TicketStatus.CANCELLED, TicketStatus.VALID]
    assert addons.places_left(event, [dinner]) == {dinner.id: 1}
    assert [t.attendee_name for t in addons.tickets_with_addon(event, dinner)] == ["Lars Ängström"]


def test_receipt_lists_the_dinner_with_its_own_vat_rate(db, summit_sale):
    event, ticket, dinner = summit_sale
    order = reserve_tickets(event, {ticket.id: 1})
    addons.choose_addons(order, {1: {dinner.id}})
    order.tickets[0].attendee_name = "Åsa Öberg-Lindqvist"
    order.status, order.paid_at, order.confirmed_at = OrderStatus.PAID, utcnow(), utcnow()
    order.payment_method = PaymentMethod.DEV
    db.session.commit()

    text = pdf.text(documents.render_document(f"receipt:{order.id}"))
    # The dinner on a line of its own: 12 % VAT, 600 kr excluding VAT, 672 kr including.
    assert "Konferensmiddag" in text
    assert "12 % 600 kr 672 kr" in text
    # The VAT summary has a row per rate: the ticket's 25 % and the dinner's 12 %.
    assert "25 % 1 200 kr 300 kr 1 500 kr" in text
    assert "12 % 600 kr 72 kr 672 kr" in text
    assert "2 172 kr" in text


def test_the_badge_says_middag_for_a_dinner_that_is_paid(db, summit_sale):
    from summit.services.badges.printing import badges_for

    event, ticket, dinner = summit_sale
    order = confirm(reserve_tickets(event, {ticket.id: 2}), names=("Mohammed Ali", "Lars Ä"))
    follow_up = addons.buy_addons_after(order, {1: {dinner.id}})
    # Not paid yet: the badge does not say it.
    assert [b.role_label for b in badges_for(order.tickets, "sv")] == ["Deltagare", "Deltagare"]
    payments.start_payment(
        follow_up, PaymentMethod.INVOICE, INVOICE, (BuyerDetails("Mohammed Ali", "m@ex.se"), [])
    )
    assert [b.role_label for b in badges_for(order.tickets, "sv")] == [
        "Deltagare · Middag",
        "Deltagare",
    ]


def test_a_reservation_made_again_keeps_its_dinner_if_a_place_is_left(db, summit_sale):
    from summit.services.tickets import renewal

    event, ticket, dinner = summit_sale
    ended = reserve_tickets(event, {ticket.id: 2})
    addons.choose_addons(ended, {2: {dinner.id}})
    later = ended.expires_at + timedelta(seconds=1)
    names = [AttendeeDetails("Mohammed Ali"), AttendeeDetails("Lars Ängström")]
    buyer = BuyerDetails("Mohammed Ali", "m@example.se")
    again = renewal.renew_reservation(ended, buyer, names, now=later)
    assert [(a.ticket.attendee_name, a.addon.name_sv) for a in again.addons] == [
        ("Lars Ängström", "Konferensmiddag")
    ]
    assert again.total == 2 * 150000 + 67200

    # Made again once more after the dinner filled up: refused, nothing stored.
    later = again.expires_at + timedelta(seconds=1)
    others = reserve_tickets(event, {ticket.id: 2}, now=later)
    addons.choose_addons(others, {1: {dinner.id}, 2: {dinner.id}}, now=later)
    orders = db.session.scalar(select(func.count()).select_from(Order))
    with pytest.raises(AddonError) as refused:
        renewal.renew_reservation(again, buyer, names, now=later)
    assert refused.value.reason == "addon_sold_out"
    assert db.session.scalar(select(func.count()).select_from(Order)) == orders


def test_a_late_payment_does_not_take_a_dinner_place_someone_else_holds(db, summit_sale):
    event, ticket, dinner = summit_sale
    first = reserve_tickets(event, {ticket.id: 2})
    addons.choose_addons(first, {1: {dinner.id}, 2: {dinner.id}})
    later = first.expires_at + timedelta(seconds=1)
    assert payments._seats_still_free(first, later)
    other = reserve_tickets(event, {ticket.id: 1}, now=later)
    addons.choose_addons(other, {1: {dinner.id}}, now=later)
    # The seats are still free, one dinner place is not: the late payment is not kept.
    assert not payments._seats_still_free(first, later)
