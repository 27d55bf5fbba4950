"""The organizer's sales figures, order search, attendee list and the rules for ticket
types and discount codes (services/tickets/sales.py), without HTTP."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from summit.models import (
    DiscountCode,
    DiscountKind,
    Order,
    OrderStatus,
    OutboxMessage,
    PaymentMethod,
    TicketStatus,
    TicketType,
    utcnow,
)
from summit.services.payments import core as payments
from summit.services.payments import refunds
from summit.services.payments.core import InvoiceDetails
from summit.services.tickets import sales
from summit.services.tickets.ordering import (
    AttendeeDetails,
    BuyerDetails,
    OrderError,
    reserve_tickets,
    save_details,
)
from summit.services.tickets.sales import DiscountCodeData, SalesError, TicketTypeData

INVOICE = InvoiceDetails("Malmö stad", "212000-1124", "Box 1\n205 80 Malmö", "Kst 4711")


def buy(event, quantities, how="invoice", buyer="Sara Lind", email=None, names=None, code=None):
    """An order made as the shop makes it: reserve, fill in details, then pay.

    how: "reserved" (stop after the details), "free", "invoice" (confirmed, invoice
    unpaid) or "paid" (an invoice marked paid: a real payment that can be refunded)."""
    order = reserve_tickets(event, {t.id: q for t, q in quantities.items()}, code=code)
    count = sum(quantities.values())
    names = names or [f"{buyer} {n}" if n else buyer for n in range(count)]
    email = email or buyer.lower().replace(" ", ".") + "@example.org"
    save_details(
        order,
        BuyerDetails(buyer, email, "Malmö stad"),
        [AttendeeDetails(name, organisation="Malmö stad") for name in names],
    )
    if how == "free":
        payments.start_payment(order, PaymentMethod.FREE)
    elif how in ("invoice", "paid"):
        payments.start_payment(order, PaymentMethod.INVOICE, INVOICE)
        if how == "paid":
            payments.mark_invoice_paid(order)
    return order


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def summit(db, make_event):
    event = make_event(slug="summit2027")
    regular = TicketType(event=event, name_sv="Ordinarie", price=150000, capacity=100)
    student = TicketType(event=event, name_sv="Student", price=50000, capacity=10, position=1)
    free = TicketType(event=event, name_sv="Talare", price=0, vat_percent=0, position=2)
    db.session.add_all([regular, student, free])
    db.session.commit()
    return event, regular, student, free


# Figures -------------------------------------------------------------------------------


def test_sales_overview_counts_from_the_orders(db, summit):
    event, regular, student, free = summit
    buy(event, {regular: 2}, how="paid", buyer="Anna Berg")  # sold, 3 000 kr in
    buy(event, {regular: 1, student: 1}, how="invoice", buyer="Björn Ek")  # sold, not paid
    buy(event, {student: 3}, how="reserved", buyer="Cecilia Dahl")  # reserved
    buy(event, {free: 1}, how="free", buyer="Dina Fors")  # sold, 0 kr
    expired = buy(event, {student: 2}, how="reserved", buyer="Erik Gran")
    expired.expires_at = utcnow() - timedelta(minutes=1)  # the reservation ran out
    pending = buy(event, {regular: 1}, how="reserved", buyer="Fia Holm")
    pending.status = OrderStatus.PENDING  # waiting for the bank
    db.session.commit()
    cancelled = buy(event, {regular: 4}, how="invoice", buyer="Gustav Ivarsson")
    refunds.cancel_order(cancelled)

    overview = sales.sales_overview(event)
    rows = {r.ticket_type.name_sv: r for r in overview.rows}
    assert list(rows) == ["Ordinarie", "Student", "Talare"]
    assert (rows["Ordinarie"].sold, rows["Ordinarie"].reserved) == (3, 1)
    assert (rows["Student"].sold, rows["Student"].reserved) == (1, 3)
    assert (rows["Talare"].sold, rows["Talare"].reserved) == (1, 0)
    assert rows["Ordinarie"].left == 100 - 3 - 1
    assert rows["Student"].left == 10 - 1 - 3
    assert rows["Talare"].left is None  # no limit of its own, none for the event
    assert rows["Ordinarie"].revenue == 300000  # only the paid order
    assert rows["Student"].revenue == 0  # the invoice is not paid yet
    assert (overview.sold, overview.reserved, overview.revenue) == (5, 4, 300000)
    assert overview.invoiced_unpaid == 200000
    assert overview.left is None and overview.capacity is None


def test_revenue_is_net_of_refunds_and_the_event_limit_caps_what_is_left(db, summit):
    event, regular, student, free = summit
    event.capacity = 20
    db.session.commit()
    order = buy(event, {regular: 2, student: 1}, how="paid")
    assert refunds.refund(order, order.tickets[0]) == 150000

    overview = sales.sales_overview(event)
    rows = {r.ticket_type.name_sv: r for r in overview.rows}
    assert rows["Ordinarie"].sold == 1  # the refunded ticket is no longer sold
    assert rows["Ordinarie"].revenue == 150000
    assert rows["Student"].revenue == 50000
    assert overview.revenue == 200000
    assert overview.capacity == 20
    assert overview.left == 20 - 2
    assert rows["Student"].left == 10 - 1
    assert rows["Talare"].left == 18  # only the event's limit applies


def test_left_over_all_types_when_each_has_its_own_limit(db, summit):
    event, regular, student, free = summit
    free.is_active = False  # not sold, so it does not count
    db.session.commit()
    buy(event, {student: 2}, how="invoice")
    assert sales.sales_overview(event).left == 100 + 8


# Orders --------------------------------------------------------------------------------


def test_search_finds_by_reference_buyer_email_and_attendee(db, summit, make_event):
    event, regular, student, free = summit
    sara = buy(event, {regular: 1}, buyer="Sara Lind", names=["Åsa Öberg"])
    ali = buy(event, {regular: 1}, how="reserved", buyer="Ali Hassan", email="ali@kommun.se")
    other_event = make_event(slug="annat")
    db.session.add(TicketType(event=other_event, name_sv="X", price=0))
    db.session.commit()

    def found(query="", status=None):
        return [o.reference for o in sales.search_orders(event, query, status).items]

    assert found() == [ali.reference, sara.reference]  # newest first
    assert found(sara.reference.lower()) == [sara.reference]
    assert found(sara.reference[:4]) == [sara.reference]
    assert found("lind") == [sara.reference]
    assert found("KOMMUN.SE") == [ali.reference]
    assert found("åsa") == [sara.reference]  # Swedish letters, any case
    assert found("ÖBERG") == [sara.reference]
    assert found("%") == [] and found("_") == []  # not wildcards
    assert found(status=OrderStatus.RESERVED) == [ali.reference]
    assert found("lind", OrderStatus.RESERVED) == []
    assert sales.find_order(event, f" {sara.reference.lower()} ") == sara
    assert sales.find_order(other_event, sara.reference) is None


def test_search_pages_through_many_orders(db, summit):
    event, regular, *_ = summit
    for n in range(5):
        db.session.add(
            Order(
                event=event,
                buyer_name=f"Köpare {n}",
                expires_at=utcnow(),
                created_at=datetime(2027, 1, 1, tzinfo=UTC) + timedelta(hours=n),
            )
        )
    db.session.commit()
    first = sales.search_orders(event, "köpare", per_page=2)
    assert first.total == 5 and first.pages == 3
    assert [o.buyer_name for o in first.items] == ["Köpare 4", "Köpare 3"]
    last = sales.search_orders(event, "köpare", page=3, per_page=2)
    assert [o.buyer_name for o in last.items] == ["Köpare 0"]
    assert sales.search_orders(event, "köpare", page=99, per_page=2).items == []


def test_refundable_amount_and_resending_the_confirmation(db, summit):
    event, regular, student, free = summit
    invoiced = buy(event, {regular: 1}, how="invoice")
    assert sales.refundable_amount(invoiced) is None  # nothing paid yet
    paid = buy(event, {regular: 1, student: 1}, how="paid")
    assert sales.refundable_amount(paid) == 200000
    assert sales.refundable_amount(paid, paid.tickets[1]) == 50000

    before = count(db, OutboxMessage)
    sales.resend_confirmation(paid)
    assert count(db, OutboxMessage) == before + 1
    reserved = buy(event, {regular: 1}, how="reserved")
    with pytest.raises(OrderError) as refused:
        sales.resend_confirmation(reserved)
    assert refused.value.reason == "not_confirmed"
    assert count(db, OutboxMessage) == before + 1


# Attendee list -------------------------------------------------------------------------


def test_attendee_rows_are_the_valid_tickets_of_confirmed_orders(db, summit):
    event, regular, student, free = summit
    paid = buy(event, {regular: 2}, how="paid", names=["Örjan Ås", "Bo Ek"])
    buy(event, {student: 1}, how="invoice", names=["Cai Lo"])
    buy(event, {student: 1}, how="reserved", names=["Inte Klar"])
    cancelled = buy(event, {regular: 1}, how="invoice", names=["Avbokad Person"])
    refunds.cancel_order(cancelled)
    refunds.refund(paid, paid.tickets[1])  # Bo Ek gets his money back

    rows = sales.attendee_rows(event)
    assert [(r[1], r[2]) for r in rows] == [("Ordinarie", "Örjan Ås"), ("Student", "Cai Lo")]
    assert rows[0][0] == paid.reference
    assert rows[0][9:] == ["Sara Lind", "sara.lind@example.org"]


def test_csv_for_excel_has_bom_semicolons_and_no_formulas():
    rows = [
        ['=HYPERLINK("http://evil")', "+46 70 123", "-2+3", "@SUM(A1)", 'Åsa; "Ö"', None],
        ["\tTAB", "ok", "a=b", "", "3", "7"],
    ]
    text = sales.csv_for_excel(["A", "B", "C", "D", "E", "F"], rows)
    assert text.startswith("\ufeffA;B;C;D;E;F\r\n")
    parsed = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert parsed[1] == [
        '\'=HYPERLINK("http://evil")',
        "'+46 70 123",
        "'-2+3",
        "'@SUM(A1)",
        'Åsa; "Ö"',
        "",
    ]
    assert parsed[2] == ["'\tTAB", "ok", "a=b", "", "3", "7"]


# Ticket types and discount codes -------------------------------------------------------


GOOD_TYPE = {"name_sv": "Ordinarie", "price": 150000}
BAD_TYPES = [
    ({"name_sv": "  "}, "name_sv"),
    ({"price": -1}, "price"),
    ({"price": 100_000_001}, "price"),
    ({"vat_percent": 7}, "vat_percent"),
    ({"capacity": -1}, "capacity"),
    ({"max_per_order": 0}, "max_per_order"),
    ({"max_per_order": 51}, "max_per_order"),
    (
        {
            "sale_starts_at": datetime(2027, 2, 1, tzinfo=UTC),
            "sale_ends_at": datetime(2027, 1, 1, tzinfo=UTC),
        },
        "sale_ends_at",
    ),
    ({"is_visible": False, "access_code": "vip-27"}, "access_code"),  # found by trying
    ({"is_visible": False, "access_code": "TALARE2027"}, "access_code"),  # a word and a year
    ({"access_code": "två ord"}, "access_code"),
]


@pytest.mark.parametrize(("change", "field"), BAD_TYPES)
def test_ticket_type_rules_refuse_and_store_nothing(db, make_event, change, field):
    event = make_event()
    with pytest.raises(SalesError) as refused:
        sales.save_ticket_type(event, TicketTypeData(**dict(GOOD_TYPE, **change)))
    assert refused.value.field == field
    db.session.rollback()
    assert count(db, TicketType) == 0


def test_ticket_types_go_last_and_are_deactivated_not_deleted_once_ordered(db, summit):
    event, regular, student, free = summit
    extra = sales.save_ticket_type(
        event,
        TicketTypeData(name_sv="Partner", price=0, is_visible=False, access_code="vip-k7pm-xq4r"),
    )
    assert extra.position == 3 and extra.access_code == "VIP-K7PM-XQ4R"
    sales.delete_ticket_type(extra)  # nobody ordered it
    buy(event, {regular: 1}, how="reserved")
    with pytest.raises(SalesError):
        sales.delete_ticket_type(regular)
    db.session.rollback()
    sales.deactivate_ticket_type(regular)
    assert [t.name_sv for t in sales.ticket_types(event)] == ["Ordinarie", "Student", "Talare"]
    assert not regular.is_active


def test_discount_codes_are_upper_case_unique_per_event_and_for_own_types(db, summit, make_event):
    event, regular, student, free = summit
    data = DiscountCodeData(
        code=" earlybird ", kind=DiscountKind.PERCENT, value=20, ticket_type_ids=[regular.id]
    )
    code = sales.save_discount_code(event, data)
    assert code.code == "EARLYBIRD" and code.ticket_types == [regular]
    with pytest.raises(SalesError) as taken:
        sales.save_discount_code(event, DiscountCodeData("EarlyBird", DiscountKind.FIXED, 100))
    assert (taken.value.field, taken.value.reason) == ("code", "taken")
    other = make_event(slug="annat")
    sales.save_discount_code(other, DiscountCodeData("EARLYBIRD", DiscountKind.FIXED, 100))
    foreign = TicketType(event=other, name_sv="Deras", price=100)
    db.session.add(foreign)
    db.session.commit()
    for bad, field in [
        (DiscountCodeData("NY-KOD", DiscountKind.PERCENT, 101), "value"),
        (DiscountCodeData("NY-KOD", DiscountKind.PERCENT, 0), "value"),
        (DiscountCodeData("NY-KOD", DiscountKind.FIXED, 0), "value"),
        (DiscountCodeData("NY-KOD", DiscountKind.FIXED, 100, max_uses=0), "max_uses"),
        (DiscountCodeData("NY KOD", DiscountKind.FIXED, 100), "code"),
        (
            DiscountCodeData("NY-KOD", DiscountKind.FIXED, 100, ticket_type_ids=[foreign.id]),
            "ticket_types",
        ),
    ]:
        with pytest.raises(SalesError) as refused:
            sales.save_discount_code(event, bad)
        assert refused.value.field == field
        db.session.rollback()
    assert count(db, DiscountCode) == 2

    order = buy(event, {regular: 2, student: 1}, how="invoice", code="earlybird")
    assert [t.price for t in order.tickets] == [120000, 120000, 50000]
    assert sales.discount_codes(event) == [(code, 2)]
    with pytest.raises(SalesError):
        sales.delete_discount_code(code)
    db.session.rollback()
    sales.deactivate_discount_code(code)
    assert not code.is_active
    assert all(t.status is TicketStatus.VALID for t in order.tickets)
