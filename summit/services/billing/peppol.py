"""An invoice or credit note as a Peppol BIS Billing 3.0 e-invoice (UBL 2.1): what a
public-sector buyer's system reads without anyone typing it in again.

Made from the document's snapshot only, so the e-invoice says what the PDF says, to the
öre: the lines and the VAT per rate are those of amounts.totals(), discounts are
document-level allowances, the öresavrundning is the payable rounding amount. The
frozen PDF travels inside as an embedded attachment. Elements are written in the order
the UBL 2.1 schemas require; the rules it must pass are in tests/peppol.py.
"""

import base64
import re

from flask_babel import force_locale
from flask_babel import gettext as _
from lxml import etree

from ...i18n import money
from ...models.billing import Invoice, LineKind
from .amounts import totals
from .pdf import _seller, document_pdf

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
UBL = "urn:oasis:names:specification:ubl:schema:xsd:"
CAC = UBL + "CommonAggregateComponents-2"
CBC = UBL + "CommonBasicComponents-2"
SWEDISH_ORG = "0007"  # the Peppol scheme of Swedish organisation numbers (ISO 6523 ICD)
COUNTRY = "SE"
INVOICE_TYPE = "380"  # commercial invoice
CREDIT_NOTE_TYPE = "381"
CREDIT_TRANSFER = "30"
SEPA_CREDIT_TRANSFER = "58"  # an IBAN in euro; a transfer in kronor is a credit transfer
UNIT = "EA"  # each (UN/ECE recommendation 20): a ticket, an add-on
POSTAL_LINE = re.compile(r"^(?:SE[- ]?)?(\d{3}) ?(\d{2})\s+(\S.*)$", re.IGNORECASE)
COUNTRY_LINES = {"sverige", "sweden", "se"}


def ubl(document: Invoice) -> bytes:
    """The document as a UBL Invoice (type 380) or CreditNote (type 381) by Peppol BIS
    Billing 3.0, UTF-8. Renders and keeps the PDF if it was not made yet."""
    attachment = document_pdf(document)
    with force_locale(document.locale or "sv"):
        root = _Document(document, attachment).build()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def filename(document: Invoice) -> str:
    """faktura-<number>.xml or kreditfaktura-<number>.xml."""
    kind = "kreditfaktura" if document.is_credit_note else "faktura"
    return f"{kind}-{document.number}.xml"


def participant(org_number: str) -> str:
    """The Peppol participant id of a Swedish organisation: "0007:NNNNNNNNNN"; "" for
    anything that is not ten digits."""
    digits = _digits(org_number)
    return f"{SWEDISH_ORG}:{digits}" if len(digits) == 10 else ""


def amount(ore: int) -> str:
    """Öre as the decimal the e-invoice carries: 150000 -> "1500.00", -5 -> "-0.05"."""
    sign = "-" if ore < 0 else ""
    whole, cents = divmod(abs(ore), 100)
    return f"{sign}{whole}.{cents:02d}"


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def tax_category(percent: int) -> str:
    """S (standard rated) for 25, 12 and 6 %; E (exempt from VAT) for 0 %."""
    return "S" if percent else "E"


def postal_address(text: str, name: str = "") -> dict:
    """A free-text Swedish address as the e-invoice's parts: up to three address lines,
    the postal code as "NNN NN" and the city from the last line that has them, and the
    country. A first line that only repeats the name, and a last "Sverige", are left out."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) == 1 and "," in lines[0]:
        lines = [part.strip() for part in lines[0].split(",") if part.strip()]
    if lines and lines[0].casefold() == (name or "").strip().casefold():
        lines = lines[1:]
    if lines and lines[-1].casefold() in COUNTRY_LINES:
        lines = lines[:-1]
    zone = city = ""
    if lines and (match := POSTAL_LINE.match(lines[-1])):
        zone, city = f"{match[1]} {match[2]}", match[3].strip()
        lines = lines[:-1]
    if len(lines) > 3:
        lines = [*lines[:2], ", ".join(lines[2:])]
    return {"lines": lines, "postal_zone": zone, "city": city, "country": COUNTRY}


class _Document:
    """One e-invoice being written: `el` adds an element, leaving out empty ones (an
    empty element breaks PEPPOL-EN16931-R008)."""

    def __init__(self, document: Invoice, pdf: bytes):
        self.document = document
        self.pdf = pdf
        self.credit_note = document.is_credit_note
        self.currency = document.currency
        self.sums = totals(document.lines)

    @staticmethod
    def el(parent, tag: str, text=None, **attributes):
        prefix, _colon, name = tag.partition(":")
        element = etree.SubElement(parent, f"{{{CAC if prefix == 'cac' else CBC}}}{name}")
        if text is not None:
            element.text = str(text)
        for key, value in attributes.items():
            element.set(key, value)
        return element

    def money(self, parent, tag: str, ore: int):
        return self.el(parent, tag, amount(ore), currencyID=self.currency)

    def text(self, parent, tag: str, value: str):
        """An optional element: only when there is something to say."""
        if value and value.strip():
            self.el(parent, tag, value.strip())

    def build(self):
        document = self.document
        kind = "CreditNote" if self.credit_note else "Invoice"
        root = etree.Element(
            f"{{{UBL}{kind}-2}}{kind}", nsmap={None: f"{UBL}{kind}-2", "cac": CAC, "cbc": CBC}
        )
        self.el(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
        self.el(root, "cbc:ProfileID", PROFILE_ID)
        self.el(root, "cbc:ID", document.number)
        self.el(root, "cbc:IssueDate", document.issued_on.isoformat())
        if self.credit_note:
            self.el(root, "cbc:CreditNoteTypeCode", CREDIT_NOTE_TYPE)
        else:
            self.el(root, "cbc:DueDate", document.due_on.isoformat())
            self.el(root, "cbc:InvoiceTypeCode", INVOICE_TYPE)
        self.text(root, "cbc:Note", document.reason if self.credit_note else self._event_name())
        self.el(root, "cbc:DocumentCurrencyCode", self.currency)
        self.text(root, "cbc:BuyerReference", document.buyer_reference)
        self._order_reference(root)
        if self.credit_note and document.credits is not None:
            reference = self.el(
                self.el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference"
            )
            self.el(reference, "cbc:ID", document.credits.number)
            self.el(reference, "cbc:IssueDate", document.credits.issued_on.isoformat())
        self._attachment(root)
        self._seller(root)
        self._buyer(root)
        self._delivery(root)
        if not self.credit_note:
            self._payment_means(root)
        self.el(self.el(root, "cac:PaymentTerms"), "cbc:Note", self._terms())
        for line in document.lines:
            if line.kind is LineKind.ALLOWANCE:
                self._allowance(root, line)
        self._tax_total(root)
        self._monetary_total(root)
        items = [line for line in document.lines if line.kind is LineKind.ITEM]
        for number, line in enumerate(items, start=1):
            self._line(root, number, line)
        return root

    # The parts, in the schema's order ------------------------------------------------

    def _event_name(self) -> str:
        return self.document.order.event.name  # in the document's language

    def _order_reference(self, root):
        """Our order reference as the sales order reference. The buyer's reference is
        mandatory (PEPPOL-EN16931-R003: a buyer reference or an order reference): when
        they gave none, our order reference stands in as the order reference, which
        otherwise is "NA" as Peppol asks for a sales order reference alone."""
        order = self.el(root, "cac:OrderReference")
        reference = self.document.order.reference
        self.el(order, "cbc:ID", "NA" if self.document.buyer_reference.strip() else reference)
        self.el(order, "cbc:SalesOrderID", reference)

    def _attachment(self, root):
        document = self.document
        reference = self.el(root, "cac:AdditionalDocumentReference")
        self.el(reference, "cbc:ID", document.number)
        title = _("Credit note") if self.credit_note else _("Invoice")
        self.el(reference, "cbc:DocumentDescription", f"{title} {document.number}")
        self.el(
            self.el(reference, "cac:Attachment"),
            "cbc:EmbeddedDocumentBinaryObject",
            base64.b64encode(self.pdf).decode("ascii"),
            mimeCode="application/pdf",
            filename=filename(document).removesuffix(".xml") + ".pdf",
        )

    def _party(self, parent, name: str, org_number: str, address: str):
        party = self.el(parent, "cac:Party")
        org = _digits(org_number)
        if org:
            self.el(party, "cbc:EndpointID", org, schemeID=SWEDISH_ORG)
        self.el(self.el(party, "cac:PartyName"), "cbc:Name", name or "–")
        parts = postal_address(address, name)
        postal = self.el(party, "cac:PostalAddress")
        for tag, line in zip(
            ("cbc:StreetName", "cbc:AdditionalStreetName"), parts["lines"][:2], strict=False
        ):
            self.el(postal, tag, line)
        self.text(postal, "cbc:CityName", parts["city"])
        self.text(postal, "cbc:PostalZone", parts["postal_zone"])
        if len(parts["lines"]) > 2:
            self.el(self.el(postal, "cac:AddressLine"), "cbc:Line", parts["lines"][2])
        self.el(self.el(postal, "cac:Country"), "cbc:IdentificationCode", parts["country"])
        return party, org

    def _tax_scheme(self, party, company_id: str, scheme: str):
        tax = self.el(party, "cac:PartyTaxScheme")
        self.el(tax, "cbc:CompanyID", company_id)
        self.el(self.el(tax, "cac:TaxScheme"), "cbc:ID", scheme)

    def _legal_entity(self, party, name: str, org: str):
        legal = self.el(party, "cac:PartyLegalEntity")
        self.el(legal, "cbc:RegistrationName", name or "–")
        if org:
            self.el(legal, "cbc:CompanyID", org, schemeID=SWEDISH_ORG)

    def _seller(self, root):
        seller = _seller(self.document)
        address = "\n".join(seller["address_lines"])
        party, org = self._party(
            self.el(root, "cac:AccountingSupplierParty"),
            seller["name"],
            seller["org_number"],
            address,
        )
        vat = re.sub(r"\s", "", seller["vat_number"]).upper()
        if vat:
            self._tax_scheme(party, vat, "VAT")
        # The Swedish F-tax approval (SE-R-005 wants these words).
        self._tax_scheme(party, "Godkänd för F-skatt", "TAX")
        self._legal_entity(party, seller["name"], org)

    def _buyer(self, root):
        document = self.document
        party, org = self._party(
            self.el(root, "cac:AccountingCustomerParty"),
            document.buyer_name,
            document.buyer_org_number,
            document.buyer_address,
        )
        vat = re.sub(r"\s", "", document.buyer_vat_number).upper()
        if re.fullmatch(r"[A-Z]{2}[0-9A-Z]+", vat):
            self._tax_scheme(party, vat, "VAT")
        self._legal_entity(party, document.buyer_name, org)
        if document.buyer_contact.strip() or document.buyer_email.strip():
            contact = self.el(party, "cac:Contact")
            self.text(contact, "cbc:Name", document.buyer_contact)
            self.text(contact, "cbc:ElectronicMail", document.buyer_email)

    def _delivery(self, root):
        """The tickets are delivered on the event's first day."""
        event = self.document.order.event
        first_day = event.local_start.date()
        self.el(self.el(root, "cac:Delivery"), "cbc:ActualDeliveryDate", first_day.isoformat())

    def _payment_means(self, root):
        document = self.document
        seller = _seller(document)
        scheme = document.pay_to_scheme or "bankgiro"
        euro_iban = scheme == "iban" and self.currency == "EUR"
        means = self.el(root, "cac:PaymentMeans")
        self.el(
            means, "cbc:PaymentMeansCode", SEPA_CREDIT_TRANSFER if euro_iban else CREDIT_TRANSFER
        )
        self.text(means, "cbc:PaymentID", document.ocr)
        account = self.el(means, "cac:PayeeFinancialAccount")
        if scheme == "iban":
            self.el(account, "cbc:ID", re.sub(r"\s", "", seller["bankgiro"]).upper())
            if seller["bic"]:
                self.el(self.el(account, "cac:FinancialInstitutionBranch"), "cbc:ID", seller["bic"])
        else:
            self.el(account, "cbc:ID", _digits(seller["bankgiro"]))
            branch = "SE:PLUSGIRO" if scheme == "plusgiro" else "SE:BANKGIRO"
            self.el(self.el(account, "cac:FinancialInstitutionBranch"), "cbc:ID", branch)

    def _terms(self) -> str:
        document = self.document
        if self.credit_note:
            credited = document.credits.number if document.credits is not None else ""
            return _(
                "This credit note lowers what invoice %(number)s asks for by %(amount)s. If "
                "you have paid the invoice already, we pay the difference back.",
                number=credited,
                amount=money(document.amount, self.currency),
            )
        seller = _seller(document)
        days = max((document.due_on - document.issued_on).days, 0)
        return " ".join(
            [
                _("%(days)s days net", days=days) + ".",
                f"{seller['pay_label']} {seller['bankgiro']},",
                f"{_('OCR reference')} {document.ocr}.",
                _("Pay with the OCR reference, so that your payment is matched to this invoice."),
            ]
        )

    def _category(self, parent, tag: str, percent: int, reason: bool = False):
        category = self.el(parent, tag)
        self.el(category, "cbc:ID", tax_category(percent))
        self.el(category, "cbc:Percent", percent)
        if reason and not percent:
            self.el(category, "cbc:TaxExemptionReason", _("Exempt from VAT"))
        self.el(self.el(category, "cac:TaxScheme"), "cbc:ID", "VAT")

    def _allowance(self, root, line):
        """A discount, or what is kept on a credit: off the document, net, at the VAT
        rate of what it is taken off."""
        allowance = self.el(root, "cac:AllowanceCharge")
        self.el(allowance, "cbc:ChargeIndicator", "false")
        self.el(allowance, "cbc:AllowanceChargeReason", line.description.strip() or "–")
        self.money(allowance, "cbc:Amount", line.net)
        self._category(allowance, "cac:TaxCategory", line.vat_percent)

    def _tax_total(self, root):
        tax = self.el(root, "cac:TaxTotal")
        self.money(tax, "cbc:TaxAmount", self.sums.vat)
        for rate in self.sums.rates:
            subtotal = self.el(tax, "cac:TaxSubtotal")
            self.money(subtotal, "cbc:TaxableAmount", rate.net)
            self.money(subtotal, "cbc:TaxAmount", rate.vat)
            self._category(subtotal, "cac:TaxCategory", rate.percent, reason=True)

    def _monetary_total(self, root):
        sums = self.sums
        total = self.el(root, "cac:LegalMonetaryTotal")
        self.money(total, "cbc:LineExtensionAmount", sums.lines_net)
        self.money(total, "cbc:TaxExclusiveAmount", sums.net)
        self.money(total, "cbc:TaxInclusiveAmount", sums.net + sums.vat)
        if sums.allowances_net:
            self.money(total, "cbc:AllowanceTotalAmount", sums.allowances_net)
        if sums.rounding:
            self.money(total, "cbc:PayableRoundingAmount", sums.rounding)
        self.money(total, "cbc:PayableAmount", self.document.amount)

    def _line(self, root, number: int, line):
        kind = "CreditNote" if self.credit_note else "Invoice"
        row = self.el(root, f"cac:{kind}Line")
        self.el(row, "cbc:ID", number)
        self.text(row, "cbc:Note", line.note)
        quantity = "cbc:CreditedQuantity" if self.credit_note else "cbc:InvoicedQuantity"
        self.el(row, quantity, line.quantity, unitCode=UNIT)
        self.money(row, "cbc:LineExtensionAmount", line.net)
        item = self.el(row, "cac:Item")
        self.el(item, "cbc:Name", line.description.strip() or "–")
        self._category(item, "cac:ClassifiedTaxCategory", line.vat_percent)
        self.money(self.el(row, "cac:Price"), "cbc:PriceAmount", line.unit_net)
