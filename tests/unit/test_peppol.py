"""Peppol BIS Billing 3.0 e-invoices (issue 18.1): every invoice and credit note the
system issues, made through the real services (buying on invoice, cancelling a ticket,
cancelling an order, a refund), passes the official rules (tests/peppol.py), and says
what the document says, to the öre."""

import base64

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from summit.services import billing
from summit.services.billing import peppol
from summit.services.billing.pdf import document_pdf
from summit.services.payments import core as payments
from summit.services.payments import refunds
from summit.services.tickets import self_service
from tests import einvoice_world
from tests.einvoice_world import ADDRESS, BEFORE, bought_on_invoice
from tests.fakestripe import ticket_type
from tests.peppol import fatal_errors

NS = {
    "cbc": peppol.CBC,
    "cac": peppol.CAC,
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}


def parsed(xml: bytes):
    return etree.fromstring(xml)


def one(root, path: str) -> str:
    found = root.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {found}"
    return found[0] if isinstance(found[0], str) else found[0].text


def ore(text: str) -> int:
    """ "1234.50" -> 123450, exactly (no floats)."""
    whole, _, cents = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int(cents))


def checked(document) -> etree._Element:
    """The document's e-invoice: no fatal rule broken, and its sums are the document's."""
    xml = peppol.ubl(document)
    assert fatal_errors(xml) == [], document.number
    root = parsed(xml)
    assert ore(one(root, "cac:LegalMonetaryTotal/cbc:PayableAmount")) == document.amount
    assert ore(one(root, "cac:TaxTotal/cbc:TaxAmount")) == document.vat
    assert ore(one(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount")) == document.net
    rounding = root.xpath("cac:LegalMonetaryTotal/cbc:PayableRoundingAmount", namespaces=NS)
    assert sum(ore(r.text) for r in rounding) == document.rounding
    return root


@pytest.fixture
def event(make_event):
    return einvoice_world.summit(make_event)


@pytest.fixture
def sale(db, event):
    return einvoice_world.sale(event)


def test_an_invoice_with_three_rates_a_discount_and_an_addon_is_a_valid_e_invoice(db, event, sale):
    regular, student, dinner = sale
    order = bought_on_invoice(event, {regular: 2, student: 1}, "ALLA10", ((1,), dinner))
    invoice = billing.invoice_of(order)

    root = checked(invoice)

    assert root.tag == f"{{{NS['inv']}}}Invoice"
    assert one(root, "cbc:CustomizationID") == peppol.CUSTOMIZATION_ID
    assert one(root, "cbc:ProfileID") == peppol.PROFILE_ID
    assert one(root, "cbc:InvoiceTypeCode") == "380"
    assert one(root, "cbc:ID") == str(invoice.number)
    assert one(root, "cbc:DueDate") == invoice.due_on.isoformat()
    assert one(root, "cbc:BuyerReference") == "Kst 4410"
    assert one(root, "cac:OrderReference/cbc:SalesOrderID") == order.reference
    # Seller and buyer by organisation number, ten digits, on scheme 0007.
    seller = "cac:AccountingSupplierParty/cac:Party/"
    assert one(root, seller + "cbc:EndpointID[@schemeID='0007']") == "2021004607"
    assert one(root, seller + "cac:PartyLegalEntity/cbc:CompanyID") == "2021004607"
    vat = seller + "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"
    assert one(root, vat) == "SE202100460701"
    tax = seller + "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='TAX']/cbc:CompanyID"
    assert one(root, tax) == "Godkänd för F-skatt"
    buyer = "cac:AccountingCustomerParty/cac:Party/"
    assert one(root, buyer + "cbc:EndpointID[@schemeID='0007']") == "2321000255"
    assert one(root, buyer + "cac:PostalAddress/cbc:StreetName") == "Fakturaskanning"
    assert one(root, buyer + "cac:PostalAddress/cbc:AdditionalStreetName") == "Box 123"
    assert one(root, buyer + "cac:PostalAddress/cbc:PostalZone") == "291 89"
    assert one(root, buyer + "cac:PostalAddress/cbc:CityName") == "Kristianstad"
    assert one(root, buyer + "cac:Contact/cbc:ElectronicMail") == "kim@example.org"
    # Paid to the bankgiro with the OCR reference; delivered on the event's first day.
    assert one(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == "30"
    assert one(root, "cac:PaymentMeans/cbc:PaymentID") == invoice.ocr
    account = "cac:PaymentMeans/cac:PayeeFinancialAccount/"
    assert one(root, account + "cbc:ID") == "1234567"
    assert one(root, account + "cac:FinancialInstitutionBranch/cbc:ID") == "SE:BANKGIRO"
    assert one(root, "cac:Delivery/cbc:ActualDeliveryDate") == "2027-05-18"
    # One line per ticket type and add-on, net; the discount per rate as allowances.
    lines = root.xpath("cac:InvoiceLine", namespaces=NS)
    described = [
        (
            one(line, "cac:Item/cbc:Name"),
            one(line, "cbc:InvoicedQuantity"),
            ore(one(line, "cbc:LineExtensionAmount")),
            ore(one(line, "cac:Price/cbc:PriceAmount")),
            one(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"),
        )
        for line in lines
    ]
    assert described == [
        ("Ordinarie", "2", 240000, 120000, "25"),
        ("Student", "1", 47075, 47075, "6"),
        ("Middag", "1", 60045, 60045, "12"),
    ]
    allowances = {
        one(a, "cac:TaxCategory/cbc:Percent"): ore(one(a, "cbc:Amount"))
        for a in root.xpath("cac:AllowanceCharge[cbc:ChargeIndicator='false']", namespaces=NS)
    }
    assert allowances == {"25": 24000, "6": 4708}
    subtotals = {
        one(s, "cac:TaxCategory/cbc:Percent"): (
            ore(one(s, "cbc:TaxableAmount")),
            ore(one(s, "cbc:TaxAmount")),
        )
        for s in root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=NS)
    }
    assert subtotals == {
        str(r.percent): (r.net, r.vat) for r in billing.totals(invoice.lines).rates
    }
    assert invoice.amount == order.total == 2 * 135000 + 44910 + 67250
    # The öre the VAT per rate leaves over is the payable rounding, as on the PDF.
    assert invoice.rounding == 1
    assert one(root, "cac:LegalMonetaryTotal/cbc:PayableRoundingAmount") == "0.01"
    # The invoice PDF, as kept, travels inside.
    attachment = "cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject"
    embedded = root.xpath(attachment, namespaces=NS)[0]
    assert embedded.get("mimeCode") == "application/pdf"
    assert embedded.get("filename") == f"faktura-{invoice.number}.pdf"
    assert base64.b64decode(embedded.text) == document_pdf(invoice)


def test_without_their_reference_the_order_reference_stands_in(db, event, sale):
    # The shop requires "Er referens" now; an invoice issued before it did has none.
    regular, _, _ = sale
    order = bought_on_invoice(event, {regular: 1})
    invoice = billing.invoice_of(order)
    invoice.buyer_reference = ""
    db.session.commit()

    root = checked(invoice)

    assert root.xpath("cbc:BuyerReference", namespaces=NS) == []
    assert one(root, "cac:OrderReference/cbc:ID") == order.reference
    # And the rule that asks for one is there: without it the e-invoice is refused.
    for reference in root.xpath("cac:OrderReference", namespaces=NS):
        root.remove(reference)
    errors = fatal_errors(etree.tostring(root))
    assert [e.split(":")[0] for e in errors] == ["PEPPOL-EN16931-R003"]


def test_a_wrong_total_is_caught_by_the_rules(db, event, sale):
    """The check the other tests rely on sees a payable amount that does not add up."""
    regular, _, _ = sale
    root = checked(billing.invoice_of(bought_on_invoice(event, {regular: 1})))
    payable = root.xpath("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS)[0]
    payable.text = peppol.amount(ore(payable.text) + 1)
    assert "BR-CO-16" in {e.split(":")[0] for e in fatal_errors(etree.tostring(root))}


def test_a_cancelled_ticket_with_a_fee_is_a_valid_credit_note_on_its_invoice(db, event, sale):
    regular, student, dinner = sale
    order = bought_on_invoice(event, {regular: 2, student: 1}, "ALLA10", ((1,), dinner))

    self_service.cancel_ticket(order.tickets[0], BEFORE)

    invoice, note = billing.documents_of(order)
    assert note.is_credit_note and note.amount == 135000 + 67250 - 25000
    root = checked(note)
    assert root.tag == f"{{{NS['cn']}}}CreditNote"
    assert one(root, "cbc:CreditNoteTypeCode") == "381"
    reference = "cac:BillingReference/cac:InvoiceDocumentReference/"
    assert one(root, reference + "cbc:ID") == str(invoice.number)
    assert one(root, reference + "cbc:IssueDate") == invoice.issued_on.isoformat()
    assert root.xpath("cac:PaymentMeans", namespaces=NS) == []
    names = [
        one(line, "cac:Item/cbc:Name") for line in root.xpath("cac:CreditNoteLine", namespaces=NS)
    ]
    assert names == ["Avbokad: Ordinarie", "Avbokad: Middag"]
    # The fee kept is taken off as an allowance, at the ticket's rate.
    allowance = root.xpath("cac:AllowanceCharge", namespaces=NS)
    assert [
        (one(a, "cac:TaxCategory/cbc:Percent"), ore(one(a, "cbc:Amount"))) for a in allowance
    ] == [("25", 20000)]
    embedded = one(
        root,
        "cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject/@filename",
    )
    assert embedded == f"kreditfaktura-{note.number}.pdf"


def test_cancelling_the_rest_of_the_order_and_a_refund_are_valid_credit_notes(db, event, sale):
    regular, student, dinner = sale
    cancelled = bought_on_invoice(event, {regular: 1, student: 2}, "ALLA10", ((1, 2), dinner))
    self_service.cancel_ticket(cancelled.tickets[1], BEFORE)
    refunds.cancel_order(cancelled)
    refunded = bought_on_invoice(event, {regular: 2, student: 1}, dinners=((3,), dinner))
    payments.mark_invoice_paid(refunded)
    refunds.refund(refunded, refunded.tickets[2])

    documents = billing.documents_of(cancelled) + billing.documents_of(refunded)

    assert [d.kind.value for d in documents] == [
        "invoice",
        "credit_note",
        "credit_note",
        "invoice",
        "credit_note",
    ]
    for document in documents:
        checked(document)
    # The organizer's cancellation credits the rest, the fee kept before too.
    assert sum(d.amount for d in documents[1:3]) == documents[0].amount
    assert documents[4].amount == 49900 + 67250


@pytest.mark.parametrize(
    ("settings_", "code", "account", "branch"),
    [
        (
            {"SELLER_PAY_TO": "plusgiro", "SELLER_PLUSGIRO": "44 55 56-7"},
            "30",
            "4455567",
            "SE:PLUSGIRO",
        ),
        (
            {
                "SELLER_PAY_TO": "iban",
                "SELLER_IBAN": "SE45 5000 0000 0583 9825 7466",
                "SELLER_BIC": "ESSESESS",
            },
            "30",
            "SE4550000000058398257466",
            "ESSESESS",
        ),
    ],
)
def test_plusgiro_and_iban_as_the_organizer_sets_them(
    app, db, event, sale, monkeypatch, settings_, code, account, branch
):
    for key, value in settings_.items():
        monkeypatch.setitem(app.config, key, value)
    order = bought_on_invoice(event, {sale[0]: 1})

    root = checked(billing.invoice_of(order))

    assert one(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == code
    means = "cac:PaymentMeans/cac:PayeeFinancialAccount/"
    assert one(root, means + "cbc:ID") == account
    assert one(root, means + "cac:FinancialInstitutionBranch/cbc:ID") == branch


def test_a_vat_free_line_is_exempt_with_its_reason(db, event, sale):
    regular, _, _ = sale
    course = ticket_type(db, event, "Utbildningsdag", price=80000, vat_percent=0)

    root = checked(billing.invoice_of(bought_on_invoice(event, {regular: 1, course: 1})))

    exempt = root.xpath("cac:TaxTotal/cac:TaxSubtotal[cac:TaxCategory/cbc:ID='E']", namespaces=NS)
    assert len(exempt) == 1
    assert ore(one(exempt[0], "cbc:TaxableAmount")) == 80000
    assert one(exempt[0], "cac:TaxCategory/cbc:TaxExemptionReason")


@pytest.mark.parametrize(
    ("text", "lines", "zone", "city"),
    [
        (ADDRESS, ["Fakturaskanning", "Box 123"], "291 89", "Kristianstad"),
        ("Box 1, 111 11 Stockholm", ["Box 1"], "111 11", "Stockholm"),
        ("Storgatan 1\nSE-41104 Göteborg\nSverige", ["Storgatan 1"], "411 04", "Göteborg"),
        ("Box 1", ["Box 1"], "", ""),
        ("", [], "", ""),
        ("Region Skåne\nA\nB\nC\nD\n205 00 Malmö", ["A", "B", "C, D"], "205 00", "Malmö"),
    ],
)
def test_a_free_text_address_is_read_into_its_parts(text, lines, zone, city):
    parts = peppol.postal_address(text, "Region Skåne")
    assert (parts["lines"], parts["postal_zone"], parts["city"]) == (lines, zone, city)
    assert parts["country"] == "SE"


# Any order --------------------------------------------------------------------------


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(einvoice_world.any_order())
def test_every_document_of_any_order_is_a_valid_e_invoice_with_its_sums(db, make_event, bought):
    order = einvoice_world.buy_any(make_event, bought)

    documents = billing.documents_of(order)
    for document in documents:
        checked(document)
    # Credit notes never take off more than the invoice asked for.
    assert sum(d.amount for d in documents[1:]) <= documents[0].amount
