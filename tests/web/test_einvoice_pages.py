"""The order pages offer each invoice and credit note as PDF and as e-invoice (issue
18.1): the buyer under the order's secret link (only that order's documents, by their
numbers), organizers on the order's page with how the sending goes, and nobody else."""

import re

import pytest
from lxml import etree

from summit.models import Role
from summit.services import billing
from summit.services.billing import delivery
from summit.services.tickets import self_service
from tests import einvoice_world, fake_access_point
from tests.conftest import csrf_token, sign_in
from tests.peppol import fatal_errors
from tests.web.test_order_trust import visible


@pytest.fixture
def event(make_event):
    return einvoice_world.summit(make_event)


@pytest.fixture
def order(db, event):
    """Bought on invoice, then one of its two tickets cancelled: an invoice (number 1)
    and a credit note (number 2)."""
    regular, _student, dinner = einvoice_world.sale(event)
    order = einvoice_world.bought_on_invoice(event, {regular: 2}, "ALLA10", ((1,), dinner))
    self_service.cancel_ticket(order.tickets[0], einvoice_world.BEFORE)
    assert [d.number for d in billing.documents_of(order)] == [1, 2]
    return order


@pytest.fixture
def organizer(make_user, grant, event):
    return grant(make_user("org@example.org"), event, Role.ORGANIZER)


def buyer_path(order, rest=""):
    return f"/events/summit2027/orders/{order.token}/{rest}"


def test_the_buyer_downloads_each_document_as_pdf_and_as_e_invoice(client, db, order):
    page = client.get(buyer_path(order))

    text = visible(page)
    assert "Fakturor och kreditfakturor" in text
    assert "Faktura 1" in text and "Kreditfaktura 2" in text and "Krediterar faktura 1" in text
    body = page.get_data(as_text=True)
    for number in (1, 2):
        assert f'href="{buyer_path(order, f"documents/{number}.xml")}"' in body
        assert f'href="{buyer_path(order, f"documents/{number}.pdf")}"' in body
    invoice = client.get(buyer_path(order, "documents/1.xml"))
    note = client.get(buyer_path(order, "documents/2.xml"))
    assert invoice.status_code == note.status_code == 200
    assert invoice.mimetype == "application/xml"
    assert invoice.headers["Content-Disposition"] == 'attachment; filename="faktura-1.xml"'
    assert note.headers["Content-Disposition"] == 'attachment; filename="kreditfaktura-2.xml"'
    assert etree.fromstring(note.data).tag.endswith("}CreditNote")
    assert fatal_errors(invoice.data) == fatal_errors(note.data) == []
    pdf = client.get(buyer_path(order, "documents/2.pdf"))
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "private, no-store"


def test_the_buyer_gets_only_their_own_orders_documents(client, db, event, order):
    other = einvoice_world.bought_on_invoice(event, {order.tickets[1].ticket_type: 1})
    other_number = billing.invoice_of(other).number

    for path in (
        buyer_path(order, f"documents/{other_number}.xml"),  # another order's number
        buyer_path(order, f"documents/{other_number}.pdf"),
        buyer_path(order, "documents/99.xml"),
        buyer_path(order, "documents/0.xml"),
        buyer_path(order, f"documents/{2**40}.xml"),
        buyer_path(order, "documents/-1.xml"),
        buyer_path(order, "documents/1x.xml"),
        f"/events/summit2027/orders/{'A' * 32}/documents/1.xml",
        f"/events/other/orders/{order.token}/documents/1.xml",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get(buyer_path(other, f"documents/{other_number}.xml")).status_code == 200


def manage_path(order, rest=""):
    return f"/manage/events/summit2027/orders/{order.reference}{rest}"


def test_organizers_only_get_the_documents(client, db, make_user, make_event, grant, order):
    paths = [manage_path(order, "/documents/1.xml"), manage_path(order, "/documents/2.pdf")]
    for path in paths:
        assert client.get(path).status_code == 302  # to sign in
    elsewhere = make_event(slug="elsewhere")
    sign_in(client, grant(make_user("other@example.org"), elsewhere, Role.ORGANIZER))
    for path in paths:
        assert client.get(path).status_code == 403
    # An order of this event looked for under another event is not there.
    assert (
        client.get(f"/manage/events/elsewhere/orders/{order.reference}/documents/1.xml").status_code
        == 404
    )


def test_the_organizer_sees_documents_and_how_their_sending_goes(app, client, db, organizer, order):
    sign_in(client, organizer)
    page = client.get(manage_path(order))
    text = visible(page)
    assert "Fakturor och kreditfakturor" in text and "E-faktura (Peppol)" in text
    assert text.count("I kö") == 2
    xml = client.get(manage_path(order, "/documents/2.xml"))
    assert xml.status_code == 200 and fatal_errors(xml.data) == []
    assert client.get(manage_path(order, "/documents/3.xml")).status_code == 404

    with fake_access_point.running(app) as fake:
        fake.refuse(400, "Receiver unknown on the Peppol network.")
        delivery.deliver_pending()
    text = visible(client.get(manage_path(order)))
    assert text.count("Misslyckades") == 2
    assert '400: {"error": "Receiver unknown on the Peppol network."}' in text

    again = manage_path(order, "/documents/1/send-again")
    assert client.post(again).status_code == 400  # no CSRF token
    response = client.post(again, data={"csrf_token": csrf_token(client, manage_path(order))})
    assert response.status_code == 302
    text = visible(client.get(response.headers["Location"]))
    assert "E-fakturan 1 skickas igen." in text
    assert text.count("Misslyckades") == 1 and "I kö" in text

    with fake_access_point.running(app) as fake:
        delivery.deliver_pending()
        assert len(fake.messages) == 1
    text = visible(client.get(manage_path(order)))
    assert re.search(r"Skickat \d", text) and "msg-1" in text
    # Sent, it cannot be sent again.
    token = csrf_token(client, manage_path(order))
    assert client.post(again, data={"csrf_token": token}).status_code == 404
