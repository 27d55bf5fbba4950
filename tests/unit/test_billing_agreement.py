"""The sums agree to the öre everywhere (issue 18.7): for any order bought on invoice
(mixed VAT rates, a discount code, add-ons, a ticket cancelled with a fee kept, the rest
cancelled) and then paid, each invoice and credit note says the same amount and VAT in
its PDF, its e-invoice, the bookkeeping export and on the buyer's order page; the
export's vouchers balance and the receivable comes back to nothing."""

import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from lxml import etree

from summit.models import OrderStatus
from summit.services import billing, bookkeeping
from summit.services.billing import peppol
from summit.services.payments import core as payments
from summit.services.tickets.documents import render_document
from tests import einvoice_world, pdf, sie_reader
from tests.peppol import fatal_errors

NS = {"cbc": peppol.CBC, "cac": peppol.CAC}
MONEY = r"(-?[\d  ]+(?:,\d\d)?) kr"


def ore(text: str) -> int:
    """ "1 234,50" (as the Swedish pages and PDFs show money) in öre."""
    kronor, _, decimals = text.replace("\xa0", "").replace(" ", "").partition(",")
    return int(kronor) * 100 + (int(decimals) if decimals else 0) * (-1 if "-" in kronor else 1)


def pdf_sums(document) -> tuple[int, int]:
    text = pdf.text(render_document(f"billing:{document.id}"))
    total = "Summa krediterat" if document.is_credit_note else "Att betala"
    amount = re.search(rf"{total} {MONEY}", text)
    vat = re.search(rf"Summa moms {MONEY}", text)
    assert amount and vat, text
    return ore(amount[1]), ore(vat[1])


def ubl_sums(document) -> tuple[int, int]:
    xml = peppol.ubl(document)
    assert fatal_errors(xml) == []
    root = etree.fromstring(xml)
    payable = root.xpath("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS)[0].text
    vat = root.xpath("cac:TaxTotal/cbc:TaxAmount", namespaces=NS)[0].text
    return round(float(payable) * 100), round(float(vat) * 100)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(einvoice_world.any_order())
def test_every_document_says_the_same_sums_in_every_form(db, app, make_event, bought):
    order = einvoice_world.buy_any(make_event, bought)
    if order.status is OrderStatus.INVOICED:
        payments.mark_invoice_paid(order)  # the rest arrives: a payment voucher too
    documents = billing.documents_of(order)
    event = order.event
    data = bookkeeping.export_sie([event], date(2026, 1, 1), date(2027, 12, 31), date(2027, 1, 1))
    sie = sie_reader.read(data)
    page = app.test_client().get(f"/events/{event.slug}/orders/{order.token}/")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)))

    assert all(ver.balance == 0 for ver in sie.vouchers)
    assert sie.totals().get("1510", 0) == 0  # invoiced, credited and paid: nothing owed
    for document in documents:
        sign = -1 if document.is_credit_note else 1
        (ver,) = [v for v in sie.vouchers if v.series == "F" and v.number == str(document.number)]
        booked_vat = -sum(t.amount for t in ver.trans if t.account.startswith("26"))
        receivable = sum(t.amount for t in ver.trans if t.account == "1510")
        assert pdf_sums(document) == ubl_sums(document) == (document.amount, document.vat)
        assert (receivable, booked_vat) == (sign * document.amount, sign * document.vat)
        kind = "Kreditfaktura" if document.is_credit_note else "Faktura"
        shown = re.search(rf"{kind} {document.number} · {MONEY}", text)
        assert shown and ore(shown[1]) == document.amount, text
    invoice, *credits = documents
    assert invoice.amount - sum(c.amount for c in credits) == sum(p.amount for p in order.payments)
