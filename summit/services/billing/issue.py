"""Issuing invoices and credit notes: numbered in one series, snapshotted, never changed.

Call these inside the unit of work that causes them (buying on invoice, cancelling or
refunding what was invoiced), so the document exists exactly when its cause does. The
number is taken under one lock (locks.invoice_numbers) as the highest so far plus one,
in the same transaction: a rollback gives the number back, so there are no gaps and no
repeats, however many buy at once.
"""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...config import SELLER_DEFAULTS
from ...extensions import db
from ...models import Order, Ticket, TicketStatus
from ...models.billing import DocumentKind, Invoice, InvoiceLine, LineKind
from .. import locks
from ..payments.ocr import ocr_reference
from .amounts import line_net, totals
from .mail import credit_note_issued


class BillingError(Exception):
    """A document that cannot be made (nothing to credit, more than was invoiced)."""


# Why a credit note is made, as it says on it.
REASONS = {
    "ticket_cancelled": _l("A ticket was cancelled."),
    "order_cancelled": _l("The order was cancelled."),
    "refunded": _l("Money was paid back."),
}


# Who sells -----------------------------------------------------------------------------

PAY_TO_SCHEMES = ("bankgiro", "plusgiro", "iban")


@dataclass(frozen=True)
class Seller:
    name: str
    address: str  # lines separated by newlines
    org_number: str
    vat_number: str
    pay_to_scheme: str
    pay_to_account: str
    pay_to_bic: str


def seller() -> Seller:
    """The seller as the configuration names it (SELLER_*), and where buyers pay: the
    bankgiro, or the plusgiro or IBAN when SELLER_PAY_TO says so."""
    config = current_app.config

    def get(key: str) -> str:
        return (config.get(key) or SELLER_DEFAULTS.get(key) or "").strip()

    scheme = get("SELLER_PAY_TO").lower() or "bankgiro"
    account = {
        "bankgiro": get("SELLER_BANKGIRO"),
        "plusgiro": get("SELLER_PLUSGIRO"),
        "iban": get("SELLER_IBAN").replace(" ", "").upper(),
    }.get(scheme, "")
    return Seller(
        name=get("SELLER_NAME"),
        address="\n".join(p.strip() for p in get("SELLER_ADDRESS").split(",") if p.strip()),
        org_number=get("SELLER_ORG_NUMBER"),
        vat_number=get("SELLER_VAT_NUMBER"),
        pay_to_scheme=scheme,
        pay_to_account=account,
        pay_to_bic=get("SELLER_BIC").upper() if scheme == "iban" else "",
    )


# Lines ---------------------------------------------------------------------------------


def _line(kind, description, quantity, unit_price, percent, note="", **sold) -> InvoiceLine:
    return InvoiceLine(
        kind=kind,
        description=description[:300],
        note=note,
        quantity=quantity,
        unit_price=unit_price,
        vat_percent=percent,
        net=line_net(quantity, unit_price, percent),
        **sold,
    )


def sale_lines(tickets: list[Ticket], addons: list) -> list[InvoiceLine]:
    """What an invoice lists: one line per ticket type and price (at the list price,
    with the attendees' names), one per add-on and price, and each discount code as an
    allowance line per VAT rate. In the current locale."""
    groups: dict[tuple, list] = {}
    for ticket in tickets:
        key = ("ticket", ticket.ticket_type_id, ticket.list_price, ticket.vat_percent)
        groups.setdefault(key, []).append(ticket)
    for row in addons:
        groups.setdefault(("addon", row.addon_id, row.price, row.vat_percent), []).append(row)
    lines = []
    for (what, sold_id, price, percent), rows in groups.items():
        if what == "ticket":
            names = ", ".join(t.attendee_name for t in rows if t.attendee_name)
            lines.append(
                _line(
                    LineKind.ITEM,
                    rows[0].ticket_type.name,
                    len(rows),
                    price,
                    percent,
                    note=names,
                    ticket_type_id=sold_id,
                )
            )
        else:
            lines.append(
                _line(
                    LineKind.ITEM, rows[0].addon.name, len(rows), price, percent, addon_id=sold_id
                )
            )
    discounts: dict[tuple[str, int], int] = {}
    for ticket in tickets:
        if ticket.discount_amount:
            code = ticket.discount_code.code if ticket.discount_code else ""
            if ticket.voucher is not None:
                code = ticket.voucher.display_code
            key = (code, ticket.vat_percent)
            discounts[key] = discounts.get(key, 0) + ticket.discount_amount
    for (code, percent), amount in sorted(discounts.items()):
        words = _("Discount (%(code)s)", code=code) if code else _("Discount")
        lines.append(_line(LineKind.ALLOWANCE, words, 1, amount, percent))
    return lines


def ticket_credit_lines(ticket: Ticket, amount: int, addons=None) -> list[InvoiceLine]:
    """A credit for one cancelled ticket: the ticket at the price paid and its add-ons,
    less what is kept (a cancellation fee, or what was given back before) as an
    allowance, taken off the ticket's own VAT rate first. Totals `amount`."""
    addons = ticket.valid_addons if addons is None else addons
    lines = [
        _line(
            LineKind.ITEM,
            _("Cancelled: %(ticket)s", ticket=ticket.ticket_type.name),
            1,
            ticket.price,
            ticket.vat_percent,
            note=ticket.attendee_name,
            ticket_type_id=ticket.ticket_type_id,
        )
    ]
    lines += [
        _line(
            LineKind.ITEM,
            _("Cancelled: %(ticket)s", ticket=row.addon.name),
            1,
            row.price,
            row.vat_percent,
            addon_id=row.addon_id,
        )
        for row in addons
    ]
    kept = sum(line.gross for line in lines) - amount
    if kept < 0:
        raise BillingError("credit_exceeds_ticket")
    for line in list(lines):
        if kept <= 0:
            break
        part = min(kept, line.gross)
        if part:
            lines.append(_line(LineKind.ALLOWANCE, _("Kept"), 1, part, line.vat_percent))
            kept -= part
    return lines


def fee_reversal_lines(fees: list[tuple[str, int, int]]) -> list[InvoiceLine]:
    """Cancellation fees kept earlier and no longer charged: (what, öre, VAT rate)."""
    return [
        _line(
            LineKind.ITEM, _("Cancellation fee no longer charged: %(what)s", what=what), 1, fee, p
        )
        for what, fee, p in fees
        if fee > 0
    ]


# Documents -----------------------------------------------------------------------------


def _next_number() -> int:
    locks.invoice_numbers().take()  # one sequence over all events, no gaps or repeats
    return (db.session.scalar(select(func.max(Invoice.number))) or 0) + 1


def _document(order: Order, kind: DocumentKind, lines: list, today: date, due_on: date) -> Invoice:
    sums = totals(lines)
    who = seller()
    for position, line in enumerate(lines, start=1):
        line.position = position
    number = _next_number()
    document = Invoice(
        number=number,
        kind=kind,
        order=order,
        amount=sums.amount,
        net=sums.net,
        vat=sums.vat,
        rounding=sums.rounding,
        currency=order.event.currency,
        issued_on=today,
        due_on=due_on,
        locale=order.locale or "sv",
        seller_name=who.name,
        seller_address=who.address,
        seller_org_number=who.org_number,
        seller_vat_number=who.vat_number,
        pay_to_scheme=who.pay_to_scheme,
        pay_to_account=who.pay_to_account,
        pay_to_bic=who.pay_to_bic,
        ocr=ocr_reference(number) if kind is DocumentKind.INVOICE else "",
        buyer_name=order.buyer_organisation or order.buyer_name,
        buyer_org_number=order.org_number,
        buyer_vat_number=getattr(order, "buyer_vat_number", "") or "",
        buyer_address=order.invoice_address,
        buyer_reference=order.invoice_reference,
        buyer_contact=order.buyer_name,
        buyer_email=order.buyer_email,
        lines=lines,
    )
    db.session.add(document)
    from .delivery import queue  # it builds on this module (the seller)

    queue(document)  # the e-invoice to the buyer's access point, with the document
    return document


def issue_invoice(order: Order, today: date, due_on: date) -> Invoice:
    """The faktura of an order bought on invoice, for what it holds now. Inside the
    caller's unit of work."""
    with force_locale(order.locale or "sv"):
        tickets = [t for t in order.tickets if t.status is not TicketStatus.CANCELLED]
        addons = [a for a in order.addons if a.status is not TicketStatus.CANCELLED]
        lines = sale_lines(tickets, addons)
    if not lines:
        raise BillingError("nothing_to_invoice")
    return _document(order, DocumentKind.INVOICE, lines, today, due_on)


def invoice_of(order: Order) -> Invoice | None:
    """The order's invoice (not its credit notes)."""
    return db.session.scalar(
        select(Invoice).where(Invoice.order_id == order.id, Invoice.kind == DocumentKind.INVOICE)
    )


def documents_of(order: Order) -> list[Invoice]:
    """The order's invoice and credit notes, in the order they were issued."""
    return list(
        db.session.scalars(
            select(Invoice).where(Invoice.order_id == order.id).order_by(Invoice.number)
        )
    )


def document_of(order: Order, number: int) -> Invoice | None:
    """The order's invoice or credit note numbered `number`; None for a number that is
    another order's, or nobody's."""
    if not 0 < number < 2**31:  # the integer column; a larger number is nobody's
        return None
    return db.session.scalar(
        select(Invoice).where(Invoice.order_id == order.id, Invoice.number == number)
    )


def credited(invoice: Invoice) -> int:
    """What credit notes took off `invoice` (öre)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(Invoice.amount), 0)).where(Invoice.credits_id == invoice.id)
    )


def invoiced_balance(order: Order) -> int:
    """What the order's invoice still asks for after its credit notes (öre); 0 without an
    invoice. Payments are not taken off here."""
    invoice = invoice_of(order)
    return invoice.amount - credited(invoice) if invoice is not None else 0


def credit(order: Order, build, reason: str, today: date) -> Invoice | None:
    """A credit note on the order's invoice, its lines made by `build()` in the order's
    language; None when there is no invoice or nothing to credit. Never for more than
    the invoice still asks for. Inside the caller's unit of work."""
    invoice = invoice_of(order)
    if invoice is None:
        return None
    with force_locale(invoice.locale or "sv"):
        lines = build()
        why = str(REASONS[reason])
    amount = totals(lines).amount
    if amount <= 0:
        return None
    if amount > invoice.amount - credited(invoice):
        raise BillingError("credit_exceeds_invoice")
    document = _document(order, DocumentKind.CREDIT_NOTE, lines, today, today)
    document.credits = invoice
    document.reason = why[:300]
    db.session.flush()
    from ..tickets import history  # tickets builds on billing

    history.record(
        order, "credit_note", number=document.number, invoice=invoice.number, amount=amount
    )
    credit_note_issued(document)
    return document


def credit_everything(order: Order, reason: str, today: date) -> Invoice | None:
    """A credit note for all the invoice still asks for: the order is cancelled, or all
    of it given back. The invoice's own lines when nothing was credited before;
    otherwise each ticket still valid, the add-ons, and the fees kept earlier."""
    invoice = invoice_of(order)
    if invoice is None:
        return None
    left = invoice.amount - credited(invoice)
    if left <= 0:
        return None

    def build():
        if left == invoice.amount:
            return [
                _line(
                    line.kind,
                    line.description,
                    line.quantity,
                    line.unit_price,
                    line.vat_percent,
                    note=line.note,
                    ticket_type_id=line.ticket_type_id,
                    addon_id=line.addon_id,
                )
                for line in invoice.lines
            ]
        lines = []
        for ticket in order.tickets:
            if ticket.status is TicketStatus.VALID:
                lines += ticket_credit_lines(ticket, ticket.refundable)
        from ..tickets.self_service import credits_of  # tickets builds on billing

        lines += fee_reversal_lines(
            [
                (c.ticket.ticket_type.name if c.ticket else "", c.fee, c.vat_percent)
                for c in credits_of(order)
            ]
        )
        return _adjusted(lines, left, invoice)

    return credit(order, build, reason, today)


def _adjusted(lines: list[InvoiceLine], amount: int, invoice: Invoice) -> list[InvoiceLine]:
    """`lines`, and an adjustment line at the invoice's highest rate for whatever else
    makes them total `amount`."""
    gap = amount - totals(lines).amount
    if gap:
        percent = max((line.vat_percent for line in invoice.lines), default=25)
        kind = LineKind.ITEM if gap > 0 else LineKind.ALLOWANCE
        lines.append(_line(kind, _("Adjustment"), 1, abs(gap), percent))
    return lines


def credit_refund(order: Order, tickets: list | None, amount: int, today: date) -> Invoice | None:
    """A credit note for money given back on an invoiced order: one ticket's credit, all
    the invoice still asks for, or (several tickets) their lines made to add up to
    `amount`. Never more than the invoice still asks for: money paid beyond it is
    given back without a credit note."""
    invoice = invoice_of(order)
    if invoice is None:
        return None
    amount = min(amount, invoice.amount - credited(invoice))
    if amount <= 0:
        return None
    if tickets and len(tickets) == 1:
        ticket = tickets[0]
        addons = list(ticket.valid_addons)
        if amount <= ticket.price + sum(a.price for a in addons):
            return credit(
                order, lambda: ticket_credit_lines(ticket, amount, addons), "refunded", today
            )
    if amount == invoice.amount - credited(invoice):
        return credit_everything(order, "refunded", today)

    def build():
        lines = []
        for ticket in tickets or []:
            lines += ticket_credit_lines(ticket, ticket.refundable)
        return _adjusted(lines, amount, invoice)

    return credit(order, build, "refunded", today)


def forget_people(order: Order, keep_buyer: bool) -> None:
    """The attendees named on the order's documents go (the lines' notes; the kept PDF,
    made again from what is left when asked for): the sums, what was sold and to which
    organisation stay for the books. Unless `keep_buyer`, the buyer goes too."""
    for document in documents_of(order):
        for line in document.lines:
            line.note = ""
        document.pdf = None
        if not keep_buyer:
            document.buyer_name = document.buyer_org_number = document.buyer_vat_number = ""
            document.buyer_address = document.buyer_reference = ""
            document.buyer_contact = document.buyer_email = ""
    if not keep_buyer:
        from .delivery import forget_receivers  # it builds on this module

        forget_receivers(order)
