"""Organizer ticketing pages: ticket types, discount codes, sales, orders and their
actions, and the attendee CSV."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from summit.models import (
    DiscountCode,
    DiscountKind,
    Invoice,
    Order,
    OrderStatus,
    OutboxMessage,
    Payment,
    Role,
    TicketStatus,
    TicketType,
    utcnow,
)
from tests.conftest import csrf_token
from tests.unit.test_sales import buy

BASE = "/manage/events/summit2027"


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post(client, path, data=None, page=None):
    token = csrf_token(client, page or path)
    return client.post(path, data=dict(data or {}, csrf_token=token))


def flashes(response) -> str:
    return " ".join(re.findall(r'<p class="flash flash-\w+">(.*?)</p>', response.text))


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027")


@pytest.fixture
def organizer(client, event, make_user, grant, login):
    # English pages: the messages checked here are the source texts.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = grant(make_user("omar@example.org"), event, Role.ORGANIZER)
    login(user)
    return user


@pytest.fixture
def types(db, event):
    regular = TicketType(event=event, name_sv="Ordinarie", price=150000, capacity=100)
    student = TicketType(event=event, name_sv="Student", price=50000, capacity=10, position=1)
    db.session.add_all([regular, student])
    db.session.commit()
    return regular, student


# Ticket types --------------------------------------------------------------------------

GOOD_TYPE = {
    "name_sv": "Ordinarie",
    "name_en": "Regular",
    "description_sv": "Alla tre dagarna.",
    "description_en": "",
    "price": "1 500,50",
    "vat_percent": "12",
    "capacity": "",
    "max_per_order": "8",
    "sale_starts_at": "2027-01-10T09:00",
    "sale_ends_at": "2027-05-17T18:00",
    "is_visible": "y",
    "is_active": "y",
    "access_code": "",
    "position": "",
}


def test_organizer_creates_and_edits_a_ticket_type(client, db, event, organizer):
    response = post(client, f"{BASE}/tickets/new", GOOD_TYPE)
    assert response.status_code == 302
    ticket_type = db.session.scalars(select(TicketType)).one()
    assert ticket_type.price == 150050  # öre
    assert ticket_type.vat_percent == 12
    assert ticket_type.capacity is None
    assert ticket_type.max_per_order == 8
    # 09:00 in Stockholm in January (UTC+1) is 08:00 UTC; 18:00 in May (UTC+2) is 16:00.
    assert ticket_type.sale_starts_at == datetime(2027, 1, 10, 8, 0, tzinfo=UTC)
    assert ticket_type.sale_ends_at == datetime(2027, 5, 17, 16, 0, tzinfo=UTC)

    page = client.get(f"{BASE}/tickets/").text
    assert "Regular" in page and "No limit" in page
    edit = f"{BASE}/tickets/{ticket_type.id}/"
    form = client.get(edit).text
    assert 'value="1500.50"' in form  # kronor again, as typed
    assert 'value="2027-01-10T09:00"' in form  # Stockholm time
    assert '<option selected value="12">' in form or 'value="12" selected' in form

    hidden = dict(GOOD_TYPE, price="0", capacity="40", access_code="talare-k7pm-xq4r")
    del hidden["is_visible"]  # an unticked box is not sent
    assert post(client, edit, hidden).status_code == 302
    db.session.refresh(ticket_type)
    assert (ticket_type.price, ticket_type.capacity) == (0, 40)
    assert not ticket_type.is_visible and ticket_type.access_code == "TALARE-K7PM-XQ4R"


GARBAGE_TYPES = [
    ({"name_sv": ""}, "name_sv"),
    ({"name_sv": "n" * 121}, "name_sv"),
    ({"price": ""}, "price"),
    ({"price": "-100"}, "price"),
    ({"price": "abc"}, "price"),
    ({"price": "1e5"}, "price"),
    ({"price": "12,345"}, "price"),  # three decimals
    ({"price": "99999999999"}, "price"),
    ({"price": "1000001"}, "price"),
    ({"vat_percent": "7"}, "vat_percent"),
    ({"vat_percent": "abc"}, "vat_percent"),
    ({"capacity": "-1"}, "capacity"),
    ({"capacity": "abc"}, "capacity"),
    ({"capacity": "99999999999999999999"}, "capacity"),
    ({"capacity": "2.5"}, "capacity"),
    ({"max_per_order": "0"}, "max_per_order"),
    ({"max_per_order": "51"}, "max_per_order"),
    ({"max_per_order": ""}, "max_per_order"),
    ({"max_per_order": "x"}, "max_per_order"),
    ({"sale_starts_at": "tomorrow"}, "sale_starts_at"),
    ({"sale_starts_at": "2027-13-45T25:99"}, "sale_starts_at"),
    ({"sale_starts_at": "0001-01-01T00:00"}, "sale_starts_at"),
    ({"sale_ends_at": "2027-01-09T09:00"}, "sale_ends_at"),  # before the start
    ({"sale_ends_at": "2027-01-10T09:00"}, "sale_ends_at"),  # at the start
    # 02:30 on 28 March 2027 does not exist in Stockholm (clocks go 02:00 → 03:00).
    ({"sale_ends_at": "2027-03-28T02:30"}, "sale_ends_at"),
    ({"sale_starts_at": "2027-03-28T02:30"}, "sale_starts_at"),
    ({"access_code": "två ord"}, "access_code"),
    ({"access_code": "<b>"}, "access_code"),
    ({"is_visible": "", "access_code": "talare-27"}, "access_code"),  # found by trying
    ({"position": "-3"}, "position"),
]


@pytest.mark.parametrize(("change", "field"), GARBAGE_TYPES)
def test_garbage_in_the_ticket_type_form_is_refused_and_stores_nothing(
    client, db, event, organizer, change, field
):
    data = {k: v for k, v in dict(GOOD_TYPE, **change).items() if v != "" or k != "is_visible"}
    response = post(client, f"{BASE}/tickets/new", data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text, f"no error shown at {field}"
    assert 'aria-invalid="true"' in response.text or field == "is_visible"
    assert "Please correct the following" in response.text
    assert count(db, TicketType) == 0


def test_garbage_in_the_edit_form_changes_nothing(client, db, event, organizer, types):
    regular, _student = types
    response = post(client, f"{BASE}/tickets/{regular.id}/", dict(GOOD_TYPE, price="-5"))
    assert response.status_code == 422
    db.session.refresh(regular)
    assert (regular.name_sv, regular.price) == ("Ordinarie", 150000)


def test_names_are_shown_escaped(client, db, event, organizer):
    script = "<script>alert(1)</script>"
    post(client, f"{BASE}/tickets/new", dict(GOOD_TYPE, name_sv=script, name_en=""))
    assert count(db, TicketType) == 1
    for path in (f"{BASE}/tickets/", f"{BASE}/sales", f"{BASE}/discounts/new"):
        body = client.get(path).text
        assert script not in body, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, path
    refused = post(client, f"{BASE}/tickets/new", dict(GOOD_TYPE, name_sv=script, price="x"))
    assert refused.status_code == 422 and script not in refused.text


def test_deactivate_and_delete_ticket_types(client, db, event, organizer, types):
    regular, student = types
    buy(event, {regular: 1}, how="invoice")
    response = post(client, f"{BASE}/tickets/{regular.id}/deactivate", page=f"{BASE}/tickets/")
    assert response.status_code == 302
    db.session.refresh(regular)
    assert not regular.is_active

    refused = post(client, f"{BASE}/tickets/{regular.id}/delete", page=f"{BASE}/tickets/")
    assert "cannot be deleted" in flashes(client.get(refused.headers["Location"]))
    assert db.session.get(TicketType, regular.id) is not None

    post(client, f"{BASE}/tickets/{student.id}/delete", page=f"{BASE}/tickets/")
    assert db.session.scalars(select(TicketType.name_sv)).all() == ["Ordinarie"]


def test_another_events_ticket_type_is_not_found(client, db, organizer, make_event):
    other = make_event(slug="annat")
    theirs = TicketType(event=other, name_sv="Deras", price=100)
    db.session.add(theirs)
    db.session.commit()
    assert client.get(f"{BASE}/tickets/{theirs.id}/").status_code == 404
    response = post(client, f"{BASE}/tickets/{theirs.id}/deactivate", page=f"{BASE}/tickets/")
    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.is_active


# Discount codes ------------------------------------------------------------------------

GOOD_CODE = {
    "code": "earlybird",
    "kind": "percent",
    "percent": "20",
    "amount": "",
    "max_uses": "50",
    "valid_from": "2027-01-01T00:00",
    "valid_until": "2027-03-01T00:00",
    "is_active": "y",
}


def test_organizer_creates_a_discount_code_and_sees_its_uses(client, db, event, organizer, types):
    regular, student = types
    data = dict(GOOD_CODE, ticket_types=[str(regular.id)])
    assert post(client, f"{BASE}/discounts/new", data).status_code == 302
    code = db.session.scalars(select(DiscountCode)).one()
    assert code.code == "EARLYBIRD" and code.value == 20 and code.ticket_types == [regular]
    assert code.valid_from == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    edit = client.get(f"{BASE}/discounts/{code.id}/").text
    assert 'value="EARLYBIRD"' in edit and 'value="2027-03-01T00:00"' in edit
    assert re.search(rf'value="{regular.id}"[^>]* checked|checked[^>]* value="{regular.id}"', edit)
    code.valid_from = None  # valid now, so it can be used
    code.valid_until = None
    db.session.commit()
    buy(event, {regular: 2, student: 1}, how="invoice", code="EarlyBird")

    page = client.get(f"{BASE}/discounts/").text
    assert "EARLYBIRD" in page
    assert re.search(
        r'data-label="Uses" class="num"><div class="nowrap">2 <span class="muted">/ 50', page
    )
    edit = client.get(f"{BASE}/discounts/{code.id}/").text
    assert "Used 2 times so far." in edit

    fixed = dict(GOOD_CODE, kind="fixed", percent="", amount="250,50", max_uses="")
    assert post(client, f"{BASE}/discounts/{code.id}/", fixed).status_code == 302
    db.session.refresh(code)
    assert (code.kind, code.value, code.max_uses) == (DiscountKind.FIXED, 25050, None)
    assert code.ticket_types == []  # none ticked: every type

    post(client, f"{BASE}/discounts/{code.id}/deactivate", page=f"{BASE}/discounts/")
    db.session.refresh(code)
    assert not code.is_active
    refused = post(client, f"{BASE}/discounts/{code.id}/delete", page=f"{BASE}/discounts/")
    assert "cannot be deleted" in flashes(client.get(refused.headers["Location"]))
    assert count(db, DiscountCode) == 1


GARBAGE_CODES = [
    ({"code": ""}, "code"),
    ({"code": "ab"}, "code"),
    ({"code": "TWO WORDS"}, "code"),
    ({"code": "<script>"}, "code"),
    ({"code": "x" * 65}, "code"),
    ({"code": "taken"}, "code"),  # another code of this event
    ({"code": "Taken"}, "code"),
    ({"kind": "bogus"}, "kind"),
    ({"percent": "0"}, "percent"),
    ({"percent": "101"}, "percent"),
    ({"percent": "-5"}, "percent"),
    ({"percent": "abc"}, "percent"),
    ({"percent": ""}, "percent"),
    ({"kind": "fixed", "percent": "", "amount": ""}, "amount"),
    ({"kind": "fixed", "percent": "", "amount": "0"}, "amount"),
    ({"kind": "fixed", "percent": "", "amount": "-5"}, "amount"),
    ({"kind": "fixed", "percent": "", "amount": "tio"}, "amount"),
    ({"kind": "fixed", "percent": "", "amount": "99999999999"}, "amount"),
    ({"max_uses": "0"}, "max_uses"),
    ({"max_uses": "-1"}, "max_uses"),
    ({"max_uses": "many"}, "max_uses"),
    ({"valid_from": "yesterday"}, "valid_from"),
    ({"valid_until": "2026-12-31T00:00"}, "valid_until"),  # before valid_from
    # An hour that never happens in Stockholm (28 March 2027, 02:00 → 03:00).
    ({"valid_from": "2027-03-28T02:30"}, "valid_from"),
    ({"valid_until": "2027-03-28T02:15"}, "valid_until"),
    ({"ticket_types": "abc"}, "ticket_types"),
    ({"ticket_types": "999999"}, "ticket_types"),
]


@pytest.mark.parametrize(("change", "field"), GARBAGE_CODES)
def test_garbage_in_the_discount_form_is_refused_and_stores_nothing(
    client, db, event, organizer, make_event, change, field
):
    db.session.add(DiscountCode(event=event, code="TAKEN", kind=DiscountKind.PERCENT, value=5))
    db.session.commit()
    response = post(client, f"{BASE}/discounts/new", dict(GOOD_CODE, **change))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text, f"no error shown at {field}"
    assert "Please correct the following" in response.text
    assert count(db, DiscountCode) == 1


def test_a_code_cannot_name_another_events_ticket_type(client, db, event, organizer, make_event):
    other = make_event(slug="annat")
    theirs = TicketType(event=other, name_sv="Deras", price=100)
    db.session.add(theirs)
    db.session.commit()
    data = dict(GOOD_CODE, ticket_types=[str(theirs.id)])
    response = post(client, f"{BASE}/discounts/new", data)
    assert response.status_code == 422 and 'id="ticket_types-error"' in response.text
    assert count(db, DiscountCode) == 0


def test_the_same_code_may_exist_in_another_event(client, db, event, organizer, make_event):
    other = make_event(slug="annat")
    db.session.add(DiscountCode(event=other, code="EARLYBIRD", kind=DiscountKind.FIXED, value=9))
    db.session.commit()
    assert post(client, f"{BASE}/discounts/new", GOOD_CODE).status_code == 302
    assert count(db, DiscountCode) == 2


# Sales ---------------------------------------------------------------------------------


def test_sales_page_shows_figures_per_type_and_totals(client, db, event, organizer, types):
    regular, student = types
    event.capacity = 50
    db.session.commit()
    buy(event, {regular: 2}, how="paid")
    buy(event, {student: 1}, how="invoice")
    buy(event, {student: 3}, how="reserved")
    page = client.get(f"{BASE}/sales").text.replace("\xa0", " ")

    def cells(label):
        return re.findall(rf'data-label="{label}" class="num"><div>([^<]*)<', page)

    assert cells("Sold") == ["2", "1", "3"]
    assert cells("Reserved") == ["0", "3", "3"]
    assert cells("Left") == ["44", "6", "44"]
    assert cells("Revenue") == ["3,000 SEK", "0 SEK", "3,000 SEK"]
    assert "at most 50 people" in page
    assert "Invoiced and not yet paid: 500 SEK." in page


# Orders --------------------------------------------------------------------------------


def test_order_search_by_reference_name_email_attendee_and_status(
    client, db, event, organizer, types
):
    regular, _student = types
    sara = buy(event, {regular: 1}, buyer="Sara Lind", names=["Åsa Öberg"])
    ali = buy(event, {regular: 1}, how="reserved", buyer="Ali Hassan", email="ali@kommun.se")

    def listed(**query):
        page = client.get(f"{BASE}/orders/", query_string=query).text
        return re.findall(r"<code>([A-Z0-9]{8})</code>", page)

    assert listed() == [ali.reference, sara.reference]
    assert "-error" not in client.get(f"{BASE}/orders/").text
    assert listed(q="lind") == [sara.reference]
    assert listed(q="kommun.se") == [ali.reference]
    assert listed(q="åsa") == [sara.reference]
    assert listed(q=sara.reference[:5].lower()) == [sara.reference]
    assert listed(status="reserved") == [ali.reference]
    assert listed(status="nonsense") == [ali.reference, sara.reference]
    assert listed(q="nobody-at-all") == []
    # The whole reference, as read out on the phone, opens the order.
    response = client.get(f"{BASE}/orders/", query_string={"q": sara.reference.lower()})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{BASE}/orders/{sara.reference}"


def test_order_list_is_paginated(client, db, event, organizer):
    for n in range(55):
        db.session.add(Order(event=event, buyer_name=f"Köpare {n}", expires_at=utcnow()))
    db.session.commit()
    first = client.get(f"{BASE}/orders/", query_string={"q": "köpare"}).text
    assert first.count("<code>") == 50 and "Page 1 of 2" in first
    assert "page=2" in first and "q=k%C3%B6pare" in first
    second = client.get(f"{BASE}/orders/", query_string={"q": "köpare", "page": 2}).text
    assert second.count("<code>") == 5


def test_order_detail_shows_buyer_tickets_payments_and_invoice(client, db, event, organizer, types):
    regular, student = types
    order = buy(event, {regular: 1, student: 1}, how="paid", names=["Åsa Öberg", "Bo Ek"])
    order.tickets[0].dietary_needs = "Vegan"
    db.session.commit()
    page = client.get(f"{BASE}/orders/{order.reference}").text
    for text in ("Sara Lind", "Åsa Öberg", "Bo Ek", "Vegan", "Student", "212000-1124", "Kst 4711"):
        assert text in page, text
    assert "Invoice (organisations)" in page  # the payment's method
    assert f"{BASE}/orders/{order.reference}/refund?ticket=2" in page
    lower = client.get(f"{BASE}/orders/{order.reference.lower()}")
    assert lower.status_code == 200


def test_an_order_of_another_event_is_not_found(client, db, organizer, make_event):
    other = make_event(slug="annat")
    db.session.add(TicketType(event=other, name_sv="Deras", price=0))
    db.session.commit()
    theirs = buy(other, {db.session.scalars(select(TicketType)).one(): 1}, how="free")
    assert client.get(f"{BASE}/orders/{theirs.reference}").status_code == 404
    response = post(client, f"{BASE}/orders/{theirs.reference}/cancel", page=f"{BASE}/orders/")
    assert response.status_code == 404
    assert client.get(f"{BASE}/orders/NOSUCH99").status_code == 404


def test_resend_the_confirmation(client, db, event, organizer, types):
    regular, _student = types
    order = buy(event, {regular: 1}, how="invoice")
    detail = f"{BASE}/orders/{order.reference}"
    before = count(db, OutboxMessage)
    response = post(client, f"{detail}/resend", page=detail)
    assert response.headers["Location"] == detail
    assert "sent again to sara.lind@example.org" in flashes(client.get(detail))
    mails = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert len(mails) == before + 1 and mails[-1].to_address == "sara.lind@example.org"

    reserved = buy(event, {regular: 1}, how="reserved")
    page = f"{BASE}/orders/{reserved.reference}"
    post(client, f"{page}/resend", page=detail)
    assert "not confirmed" in flashes(client.get(page))
    assert count(db, OutboxMessage) == before + 1


def test_cancel_an_unpaid_order_but_not_a_paid_one(client, db, event, organizer, types):
    regular, _student = types
    invoiced = buy(event, {regular: 2}, how="invoice")
    detail = f"{BASE}/orders/{invoiced.reference}"
    confirm = client.get(f"{detail}/cancel").text
    assert f"Yes, cancel order {invoiced.reference}" in confirm
    response = post(client, f"{detail}/cancel", page=f"{detail}/cancel")
    assert response.headers["Location"] == detail
    db.session.refresh(invoiced)
    assert invoiced.status is OrderStatus.CANCELLED
    assert all(t.status is TicketStatus.CANCELLED for t in invoiced.tickets)

    paid = buy(event, {regular: 1}, how="paid")
    page = f"{BASE}/orders/{paid.reference}"
    assert client.get(f"{page}/cancel").status_code == 302  # no confirm step offered
    post(client, f"{page}/cancel", page=page)
    assert "Paid orders are refunded instead" in flashes(client.get(page))
    db.session.refresh(paid)
    assert paid.status is OrderStatus.PAID
    assert all(t.status is TicketStatus.VALID for t in paid.tickets)


def test_cancel_one_ticket_of_an_unpaid_invoice_makes_a_credit_note(
    client, db, event, organizer, types
):
    regular, student = types
    order = buy(event, {regular: 2, student: 1}, how="invoice", names=["Åsa Öberg", "Bo Ek", "Li"])
    detail = f"{BASE}/orders/{order.reference}"
    assert "Cancel this ticket…" in client.get(detail).text
    confirm = client.get(f"{detail}/cancel", query_string={"ticket": 3}).text
    assert "Cancel ticket 3 (Li)?" in confirm and "a credit note for the ticket" in confirm
    # Garbage and another order's numbers change nothing.
    for bad in ("x", "2147483648"):
        assert post(client, f"{detail}/cancel", {"ticket": bad}, page=detail).status_code == 400
    for missing in ("9", "0", "-1"):
        assert post(client, f"{detail}/cancel", {"ticket": missing}, page=detail).status_code == 404
    assert count(db, Invoice) == 1

    post(client, f"{detail}/cancel", {"ticket": "3"}, page=detail)

    db.session.expire_all()
    assert "Ticket 3 is cancelled." in flashes(client.get(detail))
    assert [t.status for t in order.tickets] == [
        TicketStatus.VALID,
        TicketStatus.VALID,
        TicketStatus.CANCELLED,
    ]
    invoice, credit = db.session.scalars(select(Invoice).order_by(Invoice.number)).all()
    assert (invoice.amount, credit.amount, credit.credits_id) == (350000, 50000, invoice.id)
    assert order.status is OrderStatus.INVOICED
    # The last but one: then only the whole order can be cancelled.
    post(client, f"{detail}/cancel", {"ticket": "2"}, page=detail)
    response = post(client, f"{detail}/cancel", {"ticket": "1"}, page=detail)
    assert "cancel the whole order instead" in flashes(client.get(response.headers["Location"]))
    assert count(db, Invoice) == 3


def test_refund_one_ticket_then_the_rest(client, db, event, organizer, types):
    regular, student = types
    order = buy(event, {regular: 1, student: 1}, how="paid", names=["Åsa Öberg", "Bo Ek"])
    detail = f"{BASE}/orders/{order.reference}"
    confirm = client.get(f"{detail}/refund", query_string={"ticket": 2}).text
    assert "Refund ticket 2 (Bo Ek)?" in confirm
    assert "Yes, refund 500 SEK" in confirm.replace("\xa0", " ")
    post(client, f"{detail}/refund", {"ticket": "2"}, page=detail)
    page = client.get(detail)
    assert "Refunded 500" in flashes(page)
    assert "By an organizer" in page.text  # the refund, listed with its reason
    db.session.refresh(order)
    assert [t.status for t in order.tickets] == [TicketStatus.VALID, TicketStatus.REFUNDED]
    assert order.status is OrderStatus.PAID

    assert "Yes, refund 1,500 SEK" in client.get(f"{detail}/refund").text.replace("\xa0", " ")
    post(client, f"{detail}/refund", page=detail)
    db.session.refresh(order)
    assert order.status is OrderStatus.REFUNDED
    assert sum(p.refunded_amount for p in order.payments) == 200000
    # Nothing is left to refund: the second try is refused and changes nothing.
    post(client, f"{detail}/refund", page=detail)
    assert "no payment left to refund" in flashes(client.get(detail))
    assert sum(p.refunded_amount for p in order.payments) == 200000


def test_refund_is_refused_for_an_unpaid_order(client, db, event, organizer, types):
    regular, _student = types
    order = buy(event, {regular: 1}, how="invoice")
    detail = f"{BASE}/orders/{order.reference}"
    assert client.get(f"{detail}/refund").headers["Location"] == detail
    post(client, f"{detail}/refund", page=detail)
    assert "no payment left to refund" in flashes(client.get(detail))
    db.session.refresh(order)
    assert order.status is OrderStatus.INVOICED and count(db, Payment) == 0
    assert client.get(f"{detail}/refund", query_string={"ticket": 9}).status_code == 404


def test_mark_an_invoice_paid_once(client, db, event, organizer, types):
    regular, _student = types
    order = buy(event, {regular: 2}, how="invoice")
    detail = f"{BASE}/orders/{order.reference}"
    assert "The invoice is paid: record 3,000" in client.get(detail).text.replace("\xa0", " ")
    post(client, f"{detail}/invoice-paid", page=detail)
    assert "marked paid" in flashes(client.get(detail))
    db.session.refresh(order)
    assert order.status is OrderStatus.PAID and order.paid_at is not None
    post(client, f"{detail}/invoice-paid", page=detail)
    assert "Only an order with an unpaid invoice" in flashes(client.get(detail))
    assert count(db, Payment) == 1


def test_actions_without_the_form_token_change_nothing(client, db, event, organizer, types):
    regular, _student = types
    order = buy(event, {regular: 1}, how="invoice")
    detail = f"{BASE}/orders/{order.reference}"
    for action in ("cancel", "invoice-paid", "resend", "refund"):
        assert client.post(f"{detail}/{action}").status_code == 400, action
    assert client.post(f"{BASE}/tickets/{regular.id}/deactivate").status_code == 400
    db.session.refresh(order)
    db.session.refresh(regular)
    assert order.status is OrderStatus.INVOICED and regular.is_active


# Attendee CSV --------------------------------------------------------------------------


def test_attendee_csv_opens_in_swedish_excel_and_runs_no_formulas(
    client, db, event, organizer, types
):
    regular, student = types
    paid = buy(event, {regular: 1}, how="paid", buyer="Åke Öst", names=['=HYPERLINK("x")'])
    paid.tickets[0].dietary_needs = "@SUM(A1)"
    paid.tickets[0].accessibility_needs = "Rullstol; ramp"
    db.session.commit()
    buy(event, {student: 1}, how="invoice", buyer="Märta Ärlig", names=["Märta Ärlig"])
    buy(event, {student: 1}, how="reserved", names=["Inte Betalt"])

    response = client.get(f"{BASE}/attendees.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'attachment; filename="deltagare-summit2027.csv"' in response.headers["Content-Disposition"]
    )
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "Order",
        "Ticket type",
        "Name",
        "Email",
        "Organisation",
        "Dietary needs",
        "Accessibility needs",
        "Add-ons",
        "Order status",
        "Buyer",
        "Buyer's email",
    ]
    assert len(rows) == 3  # the reserved order is not on the list
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Order"] == paid.reference
    assert first["Name"] == '\'=HYPERLINK("x")'
    assert first["Dietary needs"] == "'@SUM(A1)"
    assert first["Accessibility needs"] == "Rullstol; ramp"
    assert first["Buyer"] == "Åke Öst" and first["Order status"] == "Paid"
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["Name"] == "Märta Ärlig" and second["Ticket type"] == "Student"
    assert second["Order status"] == "Confirmed, invoice sent"
    assert text.splitlines()[0].count(";") == 10


@pytest.mark.parametrize(
    "page, item", [("tickets/", "Tickets"), ("sales", "Tickets"), ("orders/", "Orders")]
)
def test_the_ticketing_pages_are_in_the_manage_section(client, event, organizer, page, item):
    # The organizer pages live in the tickets blueprint; the header still shows them
    # under Manage, and the event's menu marks their item.
    html = client.get(f"/manage/events/summit2027/{page}").text
    assert re.search(r'<a href="/manage/" aria-current="page">Manage</a>', html)
    assert re.search(rf'aria-current="page">{item}</a>', html)
