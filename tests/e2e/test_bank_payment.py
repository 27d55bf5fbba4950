"""Acceptance 2 of issue 18 in a real Chromium: a municipality buys a ticket on invoice,
the OCR number is on the invoice PDF; a site admin reads in Bankgirot's BgMax file
paying it; the order shows paid; and when the due date and the reminder days have
passed and the worker runs, no reminder goes to the buyer, while an unpaid control
invoice gets one (both seen on a real SMTP server)."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from summit.models import Order, OrderStatus, utcnow
from summit.services.billing import invoice_of
from summit.services.worker import one_round
from tests.bank_world import bank_file, invoiced_order
from tests.bgmax_samples import payment
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in_with_password
from tests.e2e.test_purchase import choose_tickets, fill_attendee, fill_buyer
from tests.pdf import text
from tests.smtp import running_smtp

pytestmark = pytest.mark.e2e

BUYER = "asa.oberg-lindqvist@solvesborg.example.se"


@pytest.fixture
def summit(app, make_event, make_ticket_type):
    event = make_event(
        slug="summit2027",
        name_sv="Social Innovation Summit 2027",
        name_en="Social Innovation Summit 2027",
        invoice_reminder_days=10,
    )
    regular = make_ticket_type(event, "Ordinarie", name_en="Regular", price=150000, capacity=100)
    return event, regular


def fresh(db):
    db.session.commit()
    db.session.expire_all()


def buy_on_invoice(page, browsing, event, regular) -> None:
    """The shop in English (its labels are the source's), as test_purchase fills it."""
    choose_tickets(page, browsing, event, regular, 1)
    fill_buyer(page, "Åsa Öberg-Lindqvist", BUYER, "Sölvesborgs kommun")
    fill_attendee(page, 1, "Regular", Name="Åsa Öberg-Lindqvist")
    page.get_by_role("radio", name="Invoice (organisations)").check()
    page.get_by_label("Organisation number").fill("212000-1124")
    page.get_by_label("Invoice address").fill("Sölvesborgs kommun\nBox 1\n294 80 Sölvesborg")
    page.get_by_label("Your reference").fill("Åsa Öberg-Lindqvist")
    page.get_by_role("button", name="Place the order").click()
    expect(page.get_by_text("Confirmed, invoice sent", exact=True)).to_be_visible()


def test_an_invoice_paid_from_the_bank_file_is_never_reminded(
    app, browsing, summit, db, make_user, tmp_path, clock
):
    event, regular = summit
    control = invoiced_order(db, event, price=150000, email="kontroll@example.se")
    control_ref = control.reference
    make_user("kassor@example.org", "Kim Kassör", is_site_admin=True)

    buyer = browsing.new_page(locale="en-GB")
    buy_on_invoice(buyer, browsing, event, regular)
    order_page = buyer.url

    fresh(db)
    order = db.session.scalar(select(Order).where(Order.buyer_email == BUYER))
    invoice = invoice_of(order)
    ocr, amount, due_on = invoice.ocr, invoice.amount, invoice.due_on

    # The OCR number is on the invoice PDF the buyer downloads.
    link = buyer.get_by_role("link", name="Invoice (PDF)")
    pdf = buyer.request.get(link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert re.search(rf"OCR reference\s+{ocr}\b", text(pdf.body())), text(pdf.body())

    # The bank's file of the day: the municipality paid with the OCR.
    path = tmp_path / "BgMax_20270402.txt"
    path.write_bytes(
        bank_file(
            payment(
                ocr, amount, "000000004711", name="Sölvesborgs kommun", org_number="002120001124"
            ),
            paid_on=utcnow().astimezone(event.tz).date(),  # paid the day it was bought
        )
    )

    treasurer = browsing.new_page(locale="sv-SE")
    sign_in_with_password(treasurer, "kassor@example.org", PASSWORD)
    treasurer.goto("/manage/bank/")
    expect(treasurer.get_by_role("heading", level=1)).to_have_text("Bankinbetalningar")
    browsing.screenshot(treasurer, "bank-page-empty")
    treasurer.get_by_label("BgMax-fil från Bankgirot").set_input_files(str(path))
    treasurer.get_by_role("button", name="Läs in betalningarna").click()
    result = treasurer.get_by_role("status")
    expect(result).to_contain_text("Filen är inläst")
    expect(result.locator("div", has_text="Betalade fakturan").locator("dd")).to_have_text("1")
    browsing.screenshot(treasurer, "bank-file-read")

    # The order shows paid, to the organizer and to the buyer.
    treasurer.goto(f"/manage/events/summit2027/orders/{order.reference}")
    expect(treasurer.get_by_role("main")).to_contain_text("Från banken")
    expect(treasurer.get_by_role("main")).to_contain_text("Betald")
    browsing.screenshot(treasurer, "order-paid-from-the-bank")
    buyer.goto(order_page)
    expect(buyer.get_by_text("Paid", exact=True)).to_be_visible()

    # The same pages in English.
    english = browsing.new_page(locale="en-GB")
    sign_in_with_password(english, "kassor@example.org", PASSWORD)
    english.goto("/manage/bank/")
    expect(english.get_by_role("heading", level=1)).to_have_text("Bank payments")
    browsing.screenshot(english, "bank-page-english")

    fresh(db)
    assert db.session.get(Order, order.id).status is OrderStatus.PAID
    assert browsing.console_errors == []

    # Past the due date and the reminder days: the worker reminds only the control.
    with running_smtp(app) as smtp:
        clock.set(utcnow() + timedelta(days=(due_on - utcnow().date()).days + 11))
        one_round()
        reminded = [
            m
            for m in smtp.messages
            if "påminnelse" in m["Subject"].lower() or "reminder" in m["Subject"].lower()
        ]
    assert [m["To"] for m in reminded] == ["kontroll@example.se"]
    assert control_ref in reminded[0].get_body(("plain",)).get_content()
    assert any(m["To"] == BUYER for m in smtp.messages)  # the buyer's mail does go out
