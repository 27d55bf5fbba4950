"""Tickets, receipts and invoices as PDFs, checked as people and scanners read them:
pages rendered to images and their QR codes decoded, and the text pulled out of them."""

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image

from summit.models import (
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    Ticket,
    TicketStatus,
    TicketType,
)
from summit.services.pdf import qr_png
from summit.services.tickets import documents
from tests import pdf
from tests.billing import numbered_invoice
from tests.conftest import STOCKHOLM

A6 = (105.0, 148.0)
A4 = (210.0, 297.0)
PAID_AT = datetime(2027, 3, 2, 13, 5, tzinfo=UTC)  # 14:05 in Stockholm


@pytest.fixture
def make_order(db, make_event):
    """An order as checkout leaves it, built row by row: `lines` are (price in öre,
    VAT percent, attendee name) for each ticket."""

    def make(
        lines=((150000, 25, "Anna Andersson"),),
        locale="sv",
        status=OrderStatus.PAID,
        event=None,
        paid=True,
        organisation="",
        **order_fields,
    ) -> Order:
        event = event or make_event(
            venue_name="Malmö Live",
            venue_address="Dag Hammarskjölds torg 4, Malmö",
            starts_at=datetime(2027, 5, 18, 9, 0, tzinfo=STOCKHOLM),
        )
        types = {}
        order = Order(
            event=event,
            status=status,
            locale=locale,
            expires_at=PAID_AT + timedelta(minutes=30),
            buyer_name=order_fields.pop("buyer_name", "Bertil Buyer"),
            buyer_email="bertil@example.org",
            payment_method=PaymentMethod.STRIPE if paid else None,
            paid_at=PAID_AT if paid else None,
            confirmed_at=PAID_AT,
            **order_fields,
        )
        for price, vat, name in lines:
            if (price, vat) not in types:
                types[price, vat] = TicketType(
                    event=event,
                    name_sv=f"Dagbiljett {vat}",
                    name_en=f"Day ticket {vat}",
                    price=price,
                    vat_percent=vat,
                )
            order.tickets.append(
                Ticket(
                    ticket_type=types[price, vat],
                    price=price,
                    vat_percent=vat,
                    attendee_name=name,
                    attendee_organisation=organisation,
                )
            )
        db.session.add(order)
        if paid:
            db.session.add(
                Payment(
                    order=order,
                    method=PaymentMethod.STRIPE,
                    status=PaymentStatus.SUCCEEDED,
                    amount=order.total,
                    settled_at=PAID_AT,
                )
            )
        db.session.commit()
        return order

    return make


@pytest.fixture
def invoiced_order(db, make_order):
    order = make_order(
        lines=[(150000, 25, "Anna Andersson"), (150000, 25, "Bo Berg")],
        status=OrderStatus.INVOICED,
        paid=False,
        buyer_organisation="Region Skåne",
        org_number="232100-0255",
        invoice_address="Region Skåne\nFakturaskanning\nBox 123\n291 89 Kristianstad",
        invoice_reference="Kst 4410 / Bertil",
        invoice_due_on=date(2027, 4, 1),
    )
    order.payment_method = PaymentMethod.INVOICE
    numbered_invoice(order, 1042, date(2027, 3, 2), date(2027, 4, 1))
    db.session.commit()
    return order


# Tickets -------------------------------------------------------------------------------


def test_each_page_of_an_orders_tickets_scans_as_that_ticket_in_order(make_order):
    order = make_order(
        lines=[(150000, 25, "Anna Andersson"), (150000, 25, "Bo Berg"), (150000, 25, "Cia Ceder")]
    )

    data = documents.render_document(f"tickets:{order.id}")

    assert data.startswith(b"%PDF")
    assert pdf.page_count(data) == 3
    assert pdf.page_qr_codes(data) == [[t.secret] for t in order.tickets]
    texts = pdf.page_texts(data)
    for text, ticket in zip(texts, order.tickets, strict=True):
        assert ticket.attendee_name in text


def test_a_ticket_pdf_is_one_a6_page_whose_qr_code_carries_only_the_secret(make_order):
    order = make_order(lines=[(150000, 25, "Anna Andersson"), (150000, 25, "Bo Berg")])
    ticket = order.tickets[1]

    data = documents.render_document(f"ticket:{ticket.id}")

    assert pdf.page_sizes_mm(data) == [A6]
    assert pdf.page_qr_codes(data) == [[ticket.secret]]
    # The secret is in the QR code only, not printed for anyone to copy.
    assert ticket.secret not in pdf.text(data)


def test_a_ticket_shows_event_time_place_attendee_type_price_and_reference(make_order):
    order = make_order(
        lines=[(150000, 25, "Anna Andersson")], organisation="Malmö stad", locale="en"
    )

    text = pdf.text(documents.render_document(f"ticket:{order.tickets[0].id}"))

    for expected in (
        "Test event",
        "18–20 May 2027",  # in Stockholm time
        "09:00",
        "Malmö Live",
        "Dag Hammarskjölds torg 4, Malmö",
        "Anna Andersson",
        "Malmö stad",
        "Day ticket 25",
        "1,500",
        order.reference,
    ):
        assert expected in text, expected


def test_a_free_ticket_says_free(make_order):
    order = make_order(lines=[(0, 25, "Anna Andersson")], locale="en")
    text = pdf.text(documents.render_document(f"ticket:{order.tickets[0].id}"))
    assert "Free" in text


def test_the_qr_code_is_a_tiny_png_drawn_sharp(make_order):
    order = make_order()
    ticket = order.tickets[0]

    png = qr_png(ticket.secret)

    image = Image.open(io.BytesIO(png))
    # One pixel per module: version 3 (29 modules) and a quiet zone of 4 on each side.
    assert image.size == (37, 37)
    assert pdf.qr_codes(image.convert("L").resize((370, 370), Image.NEAREST)) == [ticket.secret]
    data = documents.render_document(f"ticket:{ticket.id}")
    # Scaled up without smoothing (image-rendering: pixelated), and the PDF stays small.
    assert b"/Interpolate false" in data
    assert len(data) < 60_000


def test_an_orders_tickets_leave_out_cancelled_and_refunded_ones(db, make_order):
    order = make_order(
        lines=[(150000, 25, "Anna Andersson"), (150000, 25, "Bo Berg"), (150000, 25, "Cia Ceder")]
    )
    order.tickets[0].status = TicketStatus.CANCELLED
    order.tickets[2].status = TicketStatus.REFUNDED
    db.session.commit()

    data = documents.render_document(f"tickets:{order.id}")

    assert pdf.page_qr_codes(data) == [[order.tickets[1].secret]]


def test_a_refunded_ticket_says_it_is_not_valid_and_has_no_qr_code(db, make_order):
    order = make_order(locale="en")
    ticket = order.tickets[0]
    ticket.status = TicketStatus.REFUNDED
    db.session.commit()

    data = documents.render_document(f"ticket:{ticket.id}")

    assert pdf.page_qr_codes(data) == [[]]
    text = pdf.text(data)
    assert "Not valid" in text
    assert "Refunded" in text


def test_a_ticket_of_an_unpaid_order_has_no_qr_code(make_order):
    order = make_order(status=OrderStatus.RESERVED, paid=False, locale="en")

    data = documents.render_document(f"ticket:{order.tickets[0].id}")

    assert pdf.page_qr_codes(data) == [[]]
    assert "Not valid" in pdf.text(data)


def test_a_long_name_with_swedish_letters_fits_on_its_page(make_event, make_order):
    name = "Åsa-Märta Öberg-Ängström af Ödeshög och Västra Götalands län"
    assert len(name) == 60
    event = make_event(
        name_sv="Social Innovation Summit 2027 – Framtidens välfärd byggs tillsammans",
        venue_name="Malmö Live Konserthus",
        venue_address="Dag Hammarskjölds torg 4, 211 18 Malmö",
    )
    order = make_order(
        lines=[(150000, 25, name), (150000, 25, name), (31800, 6, name)],
        event=event,
        organisation="Malmö stad, Sektor för arbete och välfärd, Enheten för social innovation",
    )

    data = documents.render_document(f"tickets:{order.id}")

    assert pdf.page_count(data) == 3
    assert pdf.page_qr_codes(data) == [[t.secret] for t in order.tickets]
    for text in pdf.page_texts(data):
        assert name in text
        assert "Enheten för social innovation" in text
        assert order.reference in text
    for ref in (f"receipt:{order.id}", f"ticket:{order.tickets[0].id}"):
        assert pdf.page_count(documents.render_document(ref)) == 1


# Receipt -------------------------------------------------------------------------------


def test_receipt_adds_up_the_vat_of_each_rate(make_order):
    order = make_order(
        lines=[
            (150000, 25, "Anna Andersson"),
            (150000, 25, "Bo Berg"),
            (150000, 25, "Cia Ceder"),
            (31800, 6, "Anna Andersson"),
            (10000, 0, "Bo Berg"),
        ]
    )

    data = documents.render_document(f"receipt:{order.id}")

    assert pdf.page_sizes_mm(data) == [A4]
    text = pdf.text(data)
    # One line per ticket: VAT rate, amount excluding VAT, price including it.
    assert text.count("25 % 1 200 kr 1 500 kr") == 3
    assert "6 % 300 kr 318 kr" in text
    # Per rate: excluding VAT, VAT, including VAT. 3 × 1 500 kr at 25 % hold 900 kr VAT.
    assert "25 % 3 600 kr 900 kr 4 500 kr" in text
    assert "6 % 300 kr 18 kr 318 kr" in text
    assert "0 % 100 kr 0 kr 100 kr" in text
    # Totals: 4 000 kr + 918 kr VAT = 4 918 kr, and that is what was paid.
    assert "4 000 kr" in text
    assert "918 kr" in text
    assert text.count("4 918 kr") == 2


def test_receipt_names_seller_buyer_order_and_payment(make_order):
    order = make_order(locale="en", buyer_organisation="Region Skåne")

    text = pdf.text(documents.render_document(f"receipt:{order.id}"))

    for expected in (
        "Mötesplats Social Innovation",
        "c/o Malmö universitet",
        "205 06 Malmö",
        "202100-4607",
        "SE202100460701",
        "Receipt",
        order.reference,
        "Bertil Buyer",
        "Region Skåne",
        "Test event",
        "Day ticket 25",
        "Anna Andersson",
        "Card, Swish or Klarna",
        "2 Mar 2027, 14:05",  # the site's date and time format
    ):
        assert expected in text, expected


def test_receipt_shows_refunds(db, make_order):
    order = make_order(lines=[(150000, 25, "Anna Andersson"), (31800, 6, "Bo Berg")])
    payment = order.payments[0]
    payment.refunded_amount = 31800
    order.tickets[1].status = TicketStatus.REFUNDED
    db.session.add(
        Refund(payment=payment, amount=31800, created_at=datetime(2027, 4, 2, 10, tzinfo=UTC))
    )
    db.session.commit()

    text = pdf.text(documents.render_document(f"receipt:{order.id}"))

    assert "2 apr. 2027" in text
    assert "−318 kr" in text
    assert "1 500 kr" in text  # paid after the refund
    assert "1 818 kr" in text  # paid at first


def test_seller_details_come_from_the_configuration_as_it_was_when_issued(
    app, db, monkeypatch, make_order
):
    monkeypatch.setitem(app.config, "SELLER_NAME", "MSI Test AB")
    monkeypatch.setitem(app.config, "SELLER_BANKGIRO", "5555-1234")
    order = make_order(lines=[(150000, 25, "Bo Berg")], status=OrderStatus.INVOICED, paid=False)
    numbered_invoice(order, 7, date(2027, 3, 2), date(2027, 4, 1))
    db.session.commit()
    # The bankgiro changes after the invoice went out: the invoice says what it said.
    monkeypatch.setitem(app.config, "SELLER_BANKGIRO", "9999-0000")
    db.session.expire_all()

    text = pdf.text(documents.render_document(f"invoice:{order.id}"))

    assert "MSI Test AB" in text
    assert "5555-1234" in text
    assert "123-4567" not in text and "9999-0000" not in text


# Invoice -------------------------------------------------------------------------------


def test_invoice_has_what_a_swedish_invoice_needs(invoiced_order):
    order = invoiced_order

    data = documents.render_document(f"invoice:{order.id}")

    assert pdf.page_sizes_mm(data) == [A4]
    text = pdf.text(data)
    for expected in (
        "1042",  # invoice number
        "2 mars 2027",  # invoice date
        "1 apr. 2027",  # due date
        "Mötesplats Social Innovation",
        "205 06 Malmö",
        "202100-4607",
        "SE202100460701",
        "Godkänd för F-skatt",
        "Region Skåne",
        "232100-0255",  # buyer's org number
        "Fakturaskanning",
        "291 89 Kristianstad",
        "Kst 4410 / Bertil",  # their reference
        order.reference,  # ours
        "123-4567",  # bankgiro
        "OCR-nummer 104265",  # invoice 1042, its length and check digits
        "Anna Andersson",
        "Bo Berg",
        "25 % 2 400 kr 600 kr 3 000 kr",
    ):
        assert expected in text, expected
    assert text.count("3 000 kr") >= 2  # the total, and the amount to pay


def test_only_an_invoiced_order_has_an_invoice(make_order):
    order = make_order()
    with pytest.raises(LookupError):
        documents.render_document(f"invoice:{order.id}")


# Language and safety -------------------------------------------------------------------


def test_documents_are_in_the_orders_language(make_event, make_order):
    event = make_event()
    swedish = make_order(event=event, locale="sv")
    english = make_order(event=event, locale="en")

    for kind in ("tickets", "receipt"):
        sv = pdf.text(documents.render_document(f"{kind}:{swedish.id}"))
        en = pdf.text(documents.render_document(f"{kind}:{english.id}"))
        assert "Testevenemang" in sv and "Test event" not in sv
        assert "Test event" in en and "Testevenemang" not in en
        assert "maj 2027" in sv and "May" not in sv
        assert "May" in en and "maj" not in en
        assert "Dagbiljett 25" in sv and "Day ticket 25" in en


def test_swedish_documents_use_swedish_words(make_event, make_order, invoiced_order):
    event = make_event()
    swedish = make_order(event=event, locale="sv")
    english = make_order(event=event, locale="en")
    words = {"tickets": ("Biljett", "Ticket"), "receipt": ("Kvitto", "Receipt")}
    for kind, (sv_word, en_word) in words.items():
        sv = pdf.text(documents.render_document(f"{kind}:{swedish.id}"))
        en = pdf.text(documents.render_document(f"{kind}:{english.id}"))
        # Word by word, whatever the case: headings are set in capitals.
        assert re.search(rf"\b{sv_word}\b", sv, re.I) and not re.search(rf"\b{en_word}\b", sv, re.I)
        assert re.search(rf"\b{en_word}\b", en, re.I) and not re.search(rf"\b{sv_word}\b", en, re.I)
    invoice = pdf.text(documents.render_document(f"invoice:{invoiced_order.id}"))
    assert "Faktura" in invoice and "Moms" in invoice and "Invoice" not in invoice


def test_markup_in_names_is_printed_as_typed(db, make_event, make_order):
    event = make_event(
        name_sv="<i>Summit</i> & co",
        venue_name='<img src="http://127.0.0.1:9/x.png">',
    )
    name = '<b>Eve</b><script>alert("x")</script>'
    order = make_order(
        lines=[(150000, 25, name)],
        event=event,
        organisation="<style>*{display:none}</style>&amp;",
        buyer_organisation="<u>Org</u>",
        buyer_name=name,
    )

    for ref in (f"ticket:{order.tickets[0].id}", f"receipt:{order.id}"):
        text = pdf.text(documents.render_document(ref))
        assert name in text
        assert "<i>Summit</i> & co" in text
        assert '<img src="http://127.0.0.1:9/x.png">' in text
    ticket = pdf.text(documents.render_document(f"ticket:{order.tickets[0].id}"))
    assert "<style>*{display:none}</style>&amp;" in ticket


def test_documents_render_with_and_without_a_request(app, make_order):
    order = make_order()
    ref = f"tickets:{order.id}"
    without = documents.render_document(ref)  # as the outbox worker does
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        within = documents.render_document(ref)
    assert pdf.page_qr_codes(without) == pdf.page_qr_codes(within) == [[order.tickets[0].secret]]
    # The order's language, not the visitor's.
    assert "Testevenemang" in pdf.text(within)


def test_unknown_references_raise_lookup_error(db, make_order):
    order = make_order()
    unpaid = make_order(status=OrderStatus.RESERVED, paid=False)
    emptied = make_order()
    emptied.tickets[0].status = TicketStatus.CANCELLED
    db.session.commit()
    missing = order.id + unpaid.id + emptied.id + 1000
    refs = [
        "",
        "ticket",
        "ticket:",
        "ticket:abc",
        "ticket:0",
        "ticket:-1",
        "ticket:1.5",
        f" ticket:{order.tickets[0].id}",
        f"ticket:{order.tickets[0].id}\n",
        f"TICKET:{order.tickets[0].id}",
        f"badge:{order.tickets[0].id}",
        f"receipt:{order.id};invoice:{order.id}",
        "ticket:99999999999999999999",
        "ticket:2147483648",
        f"ticket:{missing}",
        f"tickets:{missing}",
        f"receipt:{missing}",
        f"invoice:{missing}",
        f"invoice:{order.id}",  # paid by card: no invoice
        f"receipt:{unpaid.id}",  # nothing paid: no receipt
        f"tickets:{emptied.id}",  # no valid ticket left
        None,
        42,
    ]
    for ref in refs:
        with pytest.raises(LookupError):
            documents.render_document(ref)
