"""One-use vouchers and codes that cannot be guessed: made in bulk, one ticket each, held
while reserved, used when confirmed, freed when the reservation runs out; and one
browser, one address, cannot hoard the seats."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from summit.models import (
    DiscountKind,
    Order,
    OrderStatus,
    OutboxMessage,
    PaymentMethod,
    ProposalState,
    Ticket,
    TicketStatus,
    Voucher,
    utcnow,
)
from summit.services.payments import core as payments
from summit.services.tickets import sales, vouchers
from summit.services.tickets.codes import ALPHABET, is_guessable, random_code
from summit.services.tickets.ordering import (
    AttendeeDetails,
    BuyerDetails,
    OrderError,
    availability,
    describe_code,
    release_reservation,
    reserve_tickets,
    ticket_types_for_sale,
)
from summit.services.tickets.renewal import renew_reservation
from summit.services.tickets.sales import DiscountCodeData, SalesError, TicketTypeData
from summit.services.tickets.vouchers import VoucherError, VoucherState
from tests.threads import in_threads, seat_buyer


@pytest.fixture
def summit(make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    regular = make_ticket_type(event, "Ordinarie", price=150000, capacity=100)
    speaker = make_ticket_type(
        event, "Talare", price=90000, is_visible=False, access_code="TALARE-K7PM-XQ4R"
    )
    return event, regular, speaker


def state_of(event, voucher) -> VoucherState:
    return next(r.state for r in vouchers.vouchers_of(event) if r.voucher.id == voucher.id)


def confirm_free(order):
    payments.start_payment(order, PaymentMethod.FREE)


# Codes ---------------------------------------------------------------------------------


def test_generated_codes_are_long_random_and_unambiguous():
    codes = {random_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 12 and set(c) <= set(ALPHABET) for c in codes)
    assert not set("0O1IL") & set(ALPHABET)
    assert not any(is_guessable(c) for c in codes)


@pytest.mark.parametrize(
    "code", ["TALARE2027", "TALARE-2027", "SPEAKER_27", "VIP27", "ABC", "AAAAAAAAAA", "ABABABAB"]
)
def test_short_or_word_and_year_codes_are_guessable(code):
    assert is_guessable(code)


@pytest.mark.parametrize("code", ["INBJUDEN", "PARTNER-K7PM", "TALARE-K7PM-XQ4R", "K7PMXQ4R9TZA"])
def test_long_mixed_codes_are_not_guessable(code):
    assert not is_guessable(code)


# Vouchers ------------------------------------------------------------------------------


def test_a_voucher_gives_one_hidden_ticket_at_its_price_once(db, summit):
    event, regular, speaker = summit
    (voucher,) = vouchers.generate_vouchers(event, speaker, 1, free=True, note="Partner AB")
    assert len(voucher.code) == 12 and voucher.price == 0
    # The voucher shows the hidden type (and nothing else hidden), typed with its dashes.
    types = ticket_types_for_sale(event, voucher.display_code.lower())
    assert [t.name_sv for t in types] == ["Ordinarie", "Talare"]
    assert describe_code(event, voucher.code).reason == "code_voucher"

    with pytest.raises(OrderError) as refused:
        reserve_tickets(event, {speaker.id: 2}, code=voucher.code)
    assert refused.value.reason == "too_many_of_type"
    with pytest.raises(OrderError) as refused:
        reserve_tickets(event, {regular.id: 1}, code=voucher.code)
    assert refused.value.reason == "voucher_not_chosen"

    order = reserve_tickets(event, {speaker.id: 1, regular.id: 1}, code=voucher.display_code)
    by_type = {t.ticket_type_id: t for t in order.tickets}
    assert by_type[speaker.id].price == 0 and by_type[speaker.id].discount_amount == 90000
    assert by_type[speaker.id].voucher_id == voucher.id
    assert by_type[regular.id].price == 150000 and by_type[regular.id].voucher_id is None
    assert state_of(event, voucher) is VoucherState.HELD
    assert describe_code(event, voucher.code).reason == "voucher_held"

    # Held: nobody else gets it meanwhile.
    with pytest.raises(OrderError) as refused:
        reserve_tickets(event, {speaker.id: 1}, code=voucher.code)
    assert refused.value.reason == "voucher_held"

    # Used up when the order is confirmed.
    order = reserve_tickets(event, {speaker.id: 1}, code=voucher.code, replaces=order.token)
    confirm_free(order)
    assert order.status is OrderStatus.PAID and order.total == 0
    assert state_of(event, voucher) is VoucherState.USED
    with pytest.raises(OrderError) as refused:
        reserve_tickets(event, {speaker.id: 1}, code=voucher.code)
    assert refused.value.reason == "voucher_used"
    assert describe_code(event, voucher.code).reason == "voucher_used"


def test_a_voucher_at_the_types_price_is_not_a_discount(db, summit):
    event, _regular, speaker = summit
    (voucher,) = vouchers.generate_vouchers(event, speaker, 1, free=False)
    order = reserve_tickets(event, {speaker.id: 1}, code=voucher.code)
    assert order.total == 90000 and order.discounts == []


def test_an_expired_reservation_frees_its_voucher(db, summit):
    event, _regular, speaker = summit
    (voucher,) = vouchers.generate_vouchers(event, speaker, 1, free=True)
    first = reserve_tickets(event, {speaker.id: 1}, code=voucher.code)
    later = first.expires_at + timedelta(seconds=1)
    second = reserve_tickets(event, {speaker.id: 1}, code=voucher.code, now=later)
    assert second.tickets[0].voucher_id == voucher.id
    # The first buyer cannot make theirs again now, nor pay for it late.
    with pytest.raises(OrderError) as refused:
        renew_reservation(first, *details(1), now=later)
    assert refused.value.reason == "voucher_held"


def details(n):
    return BuyerDetails("Sara Lind", "sara@example.org"), [AttendeeDetails("Sara Lind")] * n


def test_renewal_takes_the_voucher_along(db, summit):
    event, _regular, speaker = summit
    (voucher,) = vouchers.generate_vouchers(event, speaker, 1, free=True)
    first = reserve_tickets(event, {speaker.id: 1}, code=voucher.code)
    later = first.expires_at + timedelta(seconds=1)
    again = renew_reservation(first, *details(1), now=later)
    assert again.tickets[0].voucher_id == voucher.id and again.total == 0


def test_a_withdrawn_voucher_opens_nothing_and_a_used_one_cannot_be_withdrawn(db, summit):
    event, _regular, speaker = summit
    unused, used = vouchers.generate_vouchers(event, speaker, 2, free=True)
    vouchers.revoke_voucher(unused)
    assert state_of(event, unused) is VoucherState.REVOKED
    assert [t.name_sv for t in ticket_types_for_sale(event, unused.code)] == ["Ordinarie"]
    with pytest.raises(OrderError) as refused:
        reserve_tickets(event, {speaker.id: 1}, code=unused.code)
    assert refused.value.reason == "code_not_valid"

    confirm_free(reserve_tickets(event, {speaker.id: 1}, code=used.code))
    with pytest.raises(VoucherError) as refused:
        vouchers.revoke_voucher(used)
    assert refused.value.reason == "used"
    assert db.session.get(Voucher, used.id).revoked_at is None


def test_vouchers_in_bulk_are_distinct_and_bounded(db, summit):
    event, _regular, speaker = summit
    made = vouchers.generate_vouchers(event, speaker, 50)
    assert len({v.code for v in made}) == 50
    for count in (0, 501):
        with pytest.raises(VoucherError):
            vouchers.generate_vouchers(event, speaker, count)
    assert all(r.state is VoucherState.FREE for r in vouchers.vouchers_of(event))
    assert db.session.scalar(select(func.count()).select_from(Voucher)) == 50


def test_one_voucher_per_confirmed_speaker_emailed_once(
    db, summit, make_call, make_proposal, make_user
):
    event, _regular, speaker = summit
    call = make_call(event)
    anna, bo, cleo = (
        make_user("anna@example.org", name="Anna Berg"),
        make_user("bo@example.org", name="Bo Ek"),
        make_user("cleo@example.org", name="Cleo Holm"),
    )
    make_proposal(call, anna, state=ProposalState.CONFIRMED, co_speakers=[bo])
    make_proposal(call, cleo, state=ProposalState.SUBMITTED)  # not (yet) a speaker

    made = vouchers.generate_for_speakers(event, speaker)
    assert sorted(v.recipient_email for v in made) == ["anna@example.org", "bo@example.org"]
    mails = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.to_address)).all()
    assert [m.to_address for m in mails] == ["anna@example.org", "bo@example.org"]
    anna_voucher = next(v for v in made if v.user_id == anna.id)
    assert f"?voucher={anna_voucher.code}" in mails[0].body_text
    assert anna_voucher.display_code in mails[0].body_text

    # Again: nobody gets a second one; a withdrawn one is replaced.
    assert vouchers.generate_for_speakers(event, speaker) == []
    vouchers.revoke_voucher(anna_voucher)
    (new,) = vouchers.generate_for_speakers(event, speaker)
    assert new.user_id == anna.id and new.code != anna_voucher.code


def test_racing_buyers_with_one_voucher_on_sqlite(app, db, summit):
    event, _regular, speaker = summit
    (voucher,) = vouchers.generate_vouchers(event, speaker, 1, free=True)
    code, type_id = voucher.code, speaker.id

    buy = seat_buyer("summit2027", type_id, code=code)

    outcomes = in_threads(app, 8, buy)
    assert outcomes.count("ok") == 1
    assert outcomes.count("voucher_held") == 7
    db.session.commit()
    held = db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.voucher_id == voucher.id, Ticket.status == TicketStatus.VALID)
    )
    assert held == 1


def test_a_late_payment_does_not_take_a_voucher_someone_else_holds(db, summit):
    event, _regular, speaker = summit
    (voucher,) = vouchers.generate_vouchers(event, speaker, 1, free=False)
    first = reserve_tickets(event, {speaker.id: 1}, code=voucher.code)
    later = first.expires_at + timedelta(seconds=1)
    reserve_tickets(event, {speaker.id: 1}, code=voucher.code, now=later)
    assert not payments._seats_still_free(first, later)


# Hoarding ------------------------------------------------------------------------------


def test_a_new_reservation_replaces_the_browsers_previous_one(db, summit):
    event, regular, _speaker = summit
    first = reserve_tickets(event, {regular.id: 10})
    second = reserve_tickets(event, {regular.id: 3}, replaces=first.token)
    db.session.refresh(first)
    assert first.status is OrderStatus.CANCELLED
    assert second.status is OrderStatus.RESERVED
    assert availability(event, [regular]).left(regular) == 97


def test_one_address_holds_at_most_the_cap_in_unpaid_seats(app, db, summit):
    event, regular, _speaker = summit
    app.config["RESERVATION_SEATS_PER_ADDRESS"] = 20
    for _ in range(2):  # two browsers (no cookies) from one address
        reserve_tickets(event, {regular.id: 10}, address="203.0.113.7")
    with pytest.raises(OrderError) as refused:
        reserve_tickets(event, {regular.id: 1}, address="203.0.113.7")
    assert refused.value.reason == "too_many_held"
    assert refused.value.params == {"n": 20, "held": 20}
    # Another address is not held back; nor is this one once a reservation is paid.
    reserve_tickets(event, {regular.id: 10}, address="198.51.100.2")
    orders = db.session.scalars(
        select(Order).where(Order.holder_key.is_not(None)).order_by(Order.id)
    ).all()
    assert "203.0.113.7" not in {o.holder_key for o in orders}  # a keyed hash, not the address
    orders[0].status = OrderStatus.PAID
    db.session.commit()
    reserve_tickets(event, {regular.id: 10}, address="203.0.113.7")


def test_releasing_gives_the_seats_back_at_once(db, summit):
    event, regular, _speaker = summit
    order = reserve_tickets(event, {regular.id: 4})
    assert release_reservation(event, order.token)
    assert availability(event, [regular]).left(regular) == 100
    assert not release_reservation(event, order.token)  # once
    assert order.tickets[0].status is TicketStatus.VALID  # a late payment still finds them
    assert utcnow() < order.expires_at


def test_a_hidden_type_without_a_code_gets_a_random_one(db, summit):
    event, _regular, speaker = summit
    data = TicketTypeData(name_sv="Partner", price=0, is_visible=False)
    partner = sales.save_ticket_type(event, data)
    assert len(partner.access_code) == 12 and not is_guessable(partner.access_code)
    # A code saved before the rule stays while it is not changed.
    speaker.access_code = "TALARE2027"
    db.session.commit()
    same = TicketTypeData(name_sv="Talare", price=0, is_visible=False, access_code="talare2027")
    assert sales.save_ticket_type(event, same, speaker).access_code == "TALARE2027"
    with pytest.raises(SalesError) as refused:
        sales.save_ticket_type(event, replace(same, access_code="TALARE2028"), speaker)
    assert refused.value.reason == "guessable"


def test_a_free_discount_code_must_not_be_guessable(db, summit):
    event, _regular, _speaker = summit
    free = DiscountCodeData(code="GRATIS27", kind=DiscountKind.PERCENT, value=100)
    with pytest.raises(SalesError) as refused:
        sales.save_discount_code(event, free)
    assert refused.value.reason == "guessable_free"
    db.session.rollback()
    sales.save_discount_code(event, DiscountCodeData("EARLY27", DiscountKind.PERCENT, 20))
    sales.save_discount_code(event, DiscountCodeData(random_code(), DiscountKind.PERCENT, 100))
