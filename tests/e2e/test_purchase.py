"""Buying tickets in a real browser: a phone buyer pays two tickets with the development
provider and gets them by email, as PDFs whose QR codes scan; an organisation pays by
invoice and downloads the invoice.

The pages are English (the buyer's browser asks for it), so the test finds fields by
their source labels while the Swedish catalogue grows.
"""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from summit.models import Order, OrderStatus, TicketStatus
from summit.services.outbox import deliver_pending
from tests.pdf import page_qr_codes, text
from tests.smtp import app_config, running_smtp

pytestmark = pytest.mark.e2e

LOCALE = "en-GB"


def qr_codes(pdf: bytes) -> list[str]:
    """What the QR codes in a PDF say, page after page, as a door scanner reads them."""
    assert pdf.startswith(b"%PDF"), pdf[:40]
    return [code for page in page_qr_codes(pdf) for code in page]


@pytest.fixture
def summit(app, make_event, make_ticket_type):
    event = make_event(
        slug="summit2027",
        name_sv="Social Innovation Summit 2027",
        name_en="Social Innovation Summit 2027",
        venue_name="Malmö Live",
    )
    regular = make_ticket_type(event, "Ordinarie", name_en="Regular", price=150000, capacity=100)
    make_ticket_type(event, "Student", price=50000, capacity=20, position=1)
    return event, regular


@pytest.fixture
def payment_links_to_live_server(app, live_server):
    """The development provider sends the buyer to BASE_URL/payments/dev/...: here that is
    the live server the browser talks to."""
    with app_config(app, BASE_URL=live_server):
        yield live_server


def fresh(db):
    """End the test's read transaction so it sees what the server committed."""
    db.session.commit()
    db.session.expire_all()


def choose_tickets(page, browsing, event, ticket_type, quantity: int) -> None:
    page.goto(f"/events/{event.slug}/tickets/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tickets")
    page.get_by_label(f"Number {ticket_type.name_en}").select_option(str(quantity))
    browsing.screenshot(page, "shop")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(rf"/events/{event.slug}/orders/[\w-]+/checkout$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")


def fill_buyer(page, name: str, email: str, organisation: str) -> None:
    buyer = page.get_by_role("group", name="You who order")
    buyer.get_by_label("Your name").fill(name)
    buyer.get_by_label("Your email").fill(email)
    buyer.get_by_label("Organisation").fill(organisation)


def fill_attendee(page, number: int, type_name: str, **details) -> None:
    attendee = page.get_by_role("group", name=f"Ticket {number}: {type_name}")
    for label, value in details.items():
        attendee.get_by_label(label, exact=True).fill(value)


@pytest.mark.parametrize("browsing", ["phone"], indirect=True)
def test_phone_buyer_pays_two_tickets_and_gets_them_by_email(
    browsing, summit, payment_links_to_live_server, app, db
):
    event, regular = summit
    page = browsing.new_page(locale=LOCALE)

    choose_tickets(page, browsing, event, regular, 2)
    lines = page.get_by_role("region", name="Your order")
    expect(lines).to_contain_text("3,000")  # 2 × 1,500 kr
    fill_buyer(page, "Sara Lind", "sara@example.org", "Malmö stad")
    fill_attendee(
        page,
        1,
        "Regular",
        Name="Sara Lind",
        Email="sara@example.org",
        Organisation="Malmö stad",
        **{"Dietary needs": "Vegetarian", "Accessibility needs": ""},
    )
    fill_attendee(
        page,
        2,
        "Regular",
        Name="Ali Hassan",
        Email="ali@example.org",
        Organisation="Malmö stad",
        **{"Dietary needs": "", "Accessibility needs": "Hearing loop"},
    )
    dev = page.get_by_role("radio", name="Test payment (development only)")
    dev.check()
    expect(dev).to_be_checked()
    expect(page.get_by_text("Development mode: no money moves.")).to_be_visible()
    # The invoice fields are for invoices only.
    expect(page.get_by_label("Organisation number")).to_be_hidden()
    browsing.screenshot(page, "checkout")
    page.get_by_role("button", name="Continue to payment").click()

    # The development provider's page stands in for the bank, and says so.
    expect(page).to_have_url(re.compile(r"/payments/dev/[\w-]+/dev_[\w-]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Test payment")
    expect(page.get_by_text("development mode, no money moves")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("3,000")
    browsing.screenshot(page, "dev-payment")
    page.get_by_role("button", name="Pay (test)").click()

    # The order page: paid, both attendees, a ticket for each.
    expect(page).to_have_url(re.compile(rf"/events/{event.slug}/orders/[\w-]+/$"))
    expect(page.get_by_text("Paid", exact=True)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Sara Lind")
    expect(page.get_by_role("main")).to_contain_text("Ali Hassan")
    ticket_links = page.get_by_role("link", name=re.compile(r"^Ticket \(PDF\)"))
    expect(ticket_links).to_have_count(2)
    browsing.screenshot(page, "order-paid")

    fresh(db)
    order = db.session.scalars(select(Order)).one()
    assert order.status is OrderStatus.PAID
    assert page.url.endswith(f"/orders/{order.token}/")
    assert [t.attendee_name for t in order.tickets] == ["Sara Lind", "Ali Hassan"]
    assert [t.dietary_needs for t in order.tickets] == ["Vegetarian", ""]
    assert [t.accessibility_needs for t in order.tickets] == ["", "Hearing loop"]
    assert all(t.status is TicketStatus.VALID for t in order.tickets)
    secrets = [t.secret for t in order.tickets]

    # The worker sends the confirmation to a real SMTP server, PDFs rendered on the way.
    with running_smtp(app) as smtp:
        report = deliver_pending()
    assert (report.sent, report.failed, report.errors) == (1, 0, [])
    (mail,) = smtp.messages
    assert mail["To"] == "sara@example.org"
    assert order.reference in mail.get_body(("plain",)).get_content()
    attachments = {a.get_filename(): a for a in mail.iter_attachments()}
    tickets = [f"biljett-{order.reference}-1.pdf", f"biljett-{order.reference}-2.pdf"]
    assert sorted(attachments) == tickets
    assert {a.get_content_type() for a in attachments.values()} == {"application/pdf"}
    # Each ticket scans as its own ticket's secret, and nothing else.
    assert [qr_codes(attachments[name].get_content()) for name in tickets] == [
        [secrets[0]],
        [secrets[1]],
    ]
    # The receipt is a link in the mail to its PDF.
    receipt_link = re.search(r"http://\S+/receipt\.pdf", mail.get_body(("plain",)).get_content())
    receipt = page.request.get(receipt_link[0])
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf"
    receipt_text = text(receipt.body())
    assert order.reference in receipt_text
    assert qr_codes(receipt.body()) == []

    # Later the buyer fetches the tickets again from the order page.
    fetched = []
    for link in ticket_links.all():
        response = page.request.get(link.get_attribute("href"))
        assert response.ok, response.status
        assert response.headers["content-type"] == "application/pdf"
        fetched += qr_codes(response.body())
    assert fetched == secrets

    assert browsing.console_errors == []


def test_organisation_pays_by_invoice(browsing, summit, payment_links_to_live_server, db):
    event, regular = summit
    page = browsing.new_page(locale=LOCALE)

    choose_tickets(page, browsing, event, regular, 1)
    fill_buyer(page, "Karin Ek", "karin.ek@example.org", "Malmö stad")
    fill_attendee(page, 1, "Regular", Name="Johan Berg", Organisation="Malmö stad")
    page.get_by_role("radio", name="Invoice (organisations)").check()
    page.get_by_label("Organisation number").fill("212000-1124")
    page.get_by_label("Invoice address").fill("Malmö stad\nFakturaskanning\nBox 123\n205 80 Malmö")
    page.get_by_label("Your reference").fill("Projekt 4711")
    browsing.screenshot(page, "checkout-invoice")
    # Nothing is paid now: the button says so once invoice is chosen.
    page.get_by_role("button", name="Place the order").click()

    # Straight to the order page: confirmed, invoice on its way.
    expect(page).to_have_url(re.compile(rf"/events/{event.slug}/orders/[\w-]+/$"))
    expect(page.get_by_text("Confirmed, invoice sent", exact=True)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Please pay the invoice by")
    expect(page.get_by_role("main")).to_contain_text("Johan Berg")
    browsing.screenshot(page, "order-invoiced")

    fresh(db)
    order = db.session.scalars(select(Order)).one()
    assert order.status is OrderStatus.INVOICED
    assert (order.org_number, order.invoice_reference) == ("212000-1124", "Projekt 4711")

    invoice = page.get_by_role("link", name="Invoice (PDF)")
    response = page.request.get(invoice.get_attribute("href"))
    assert response.ok, response.status
    assert response.headers["content-type"] == "application/pdf"
    invoice_text = text(response.body())
    for expected in ("212000-1124", "Projekt 4711", order.reference, "Box 123"):
        assert expected in invoice_text

    # An invoiced order is confirmed: its ticket is there already.
    ticket = page.get_by_role("link", name=re.compile(r"^Ticket \(PDF\)"))
    response = page.request.get(ticket.get_attribute("href"))
    assert response.ok and qr_codes(response.body()) == [order.tickets[0].secret]

    assert browsing.console_errors == []
