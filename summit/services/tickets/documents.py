"""PDF documents: tickets, receipts and invoices, rendered with WeasyPrint.

render_document(ref) turns "ticket:<ticket id>", "tickets:<order id>", "receipt:<order id>"
or "invoice:<order id>" into PDF bytes; anything else raises LookupError. It needs an app
context and nothing more, so web views and the outbox worker get the same document.

Documents are in the order's language. Everything they show is embedded (one parsed
stylesheet, QR codes as data: URIs), and the renderer fetches nothing else: no file, no
network, whatever a name typed into a form contains.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from babel.numbers import format_percent
from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from ...config import SELLER_DEFAULTS
from ...extensions import db
from ...i18n import format_date, format_datetime, format_time
from ...models import Invoice, Order, OrderStatus, PaymentStatus, Ticket, TicketStatus
from ..branding import brand_of
from ..name_type import fit_name
from ..pdf import data_uri, html_to_pdf, qr_png

_REF = re.compile(r"(ticket|tickets|receipt|invoice|billing):([1-9][0-9]{0,9})")
_MAX_ID = 2**31 - 1  # the integer column on PostgreSQL; a larger id exists nowhere
# The holder's name and organisation on a ticket: lines 91 mm wide (A6 less the
# margins), (largest, smallest) pt; set by name_type so that no word is broken.
TICKET_HOLDER = (91, 13.5, 12)
TICKET_HOLDER_ORG = (91, 10, 8.5)


def render_document(ref: str) -> bytes:
    """The PDF a document reference names. LookupError if it names nothing that exists."""
    match = _REF.fullmatch(ref) if isinstance(ref, str) else None
    if match is None or int(match[2]) > _MAX_ID:
        raise LookupError(f"no such document: {ref!r}")
    kind, key = match[1], int(match[2])
    if kind == "ticket":
        ticket = db.session.get(Ticket, key)
        if ticket is None:
            raise LookupError(f"no such ticket: {key}")
        return ticket_pdf(ticket)
    if kind == "billing":
        return billing_pdf(key)
    order = db.session.get(Order, key)
    if order is None:
        raise LookupError(f"no such order: {key}")
    return {"tickets": tickets_pdf, "receipt": receipt_pdf, "invoice": invoice_pdf}[kind](order)


def ticket_pdf(ticket: Ticket) -> bytes:
    """One ticket on one A6 page. A ticket that cannot be used at the door (cancelled,
    refunded, order not confirmed) says so and has no QR code."""
    return _tickets([ticket], ticket.order)


def tickets_pdf(order: Order) -> bytes:
    """Every valid ticket of the order, one per page, in order."""
    tickets = order.valid_tickets
    if not tickets:
        raise LookupError(f"order {order.id} has no valid tickets")
    return _tickets(tickets, order)


def receipt_pdf(order: Order) -> bytes:
    """The kvitto of a paid order: lines, VAT per rate, payment and any refunds."""
    payments = [p for p in order.payments if p.status is PaymentStatus.SUCCEEDED]
    if order.status not in (OrderStatus.PAID, OrderStatus.REFUNDED) and not payments:
        raise LookupError(f"order {order.id} is not paid")
    locale = _locale(order)
    with force_locale(locale):
        tz = order.event.tz
        paid_at = order.paid_at or (payments[0].settled_at if payments else None)
        paid_at = paid_at or order.confirmed_at or order.created_at
        refunds = [r for p in payments for r in p.refunds]
        method = order.payment_method or (payments[0].method if payments else None)
        sale = _sale(order)
        sale.update(
            paid=sum(p.amount for p in payments) if payments else sale["gross"],
            paid_on=day(paid_at.astimezone(tz).date()),
            paid_at=_moment(paid_at.astimezone(tz)),
            method=str(method.label) if method else "",
            refunds=[
                {"on": day(r.created_at.astimezone(tz).date()), "amount": r.amount} for r in refunds
            ],
            refunded=sum(r.amount for r in refunds),
        )
        html = _html("receipt.html", order, sale=sale)
    return html_to_pdf(html)


def invoice_pdf(order: Order) -> bytes:
    """The faktura of an order bought on invoice, as it was issued (services/billing)."""
    from ..billing import invoice_of
    from ..billing.pdf import document_pdf

    invoice = invoice_of(order)
    if invoice is None:
        raise LookupError(f"order {order.id} has no invoice")
    return document_pdf(invoice)


def billing_pdf(key: int) -> bytes:
    """An invoice or credit note by its own id."""
    from ..billing.pdf import document_pdf

    document = db.session.get(Invoice, key)
    if document is None:
        raise LookupError(f"no such invoice or credit note: {key}")
    return document_pdf(document)


# What was sold -----------------------------------------------------------------------


@dataclass(frozen=True)
class VatRow:
    """The tickets at one VAT rate: amount excluding VAT, the VAT, and including it (öre)."""

    percent: int
    net: int
    vat: int
    gross: int


def vat_summary(tickets) -> list[VatRow]:
    """VAT per rate, highest rate first. The VAT of a rate is the sum of its tickets' VAT,
    so the lines and the summary always add up to the same öre."""
    rates: dict[int, tuple[int, int]] = {}
    for ticket in tickets:
        gross, vat = rates.get(ticket.vat_percent, (0, 0))
        rates[ticket.vat_percent] = (gross + ticket.price, vat + ticket.vat_amount)
    return [
        VatRow(percent, gross - vat, vat, gross)
        for percent, (gross, vat) in sorted(rates.items(), reverse=True)
    ]


def discount_lines(tickets) -> list[VatRow]:
    """The discount as lines of their own, per code and VAT rate, as (code, VatRow):
    the tickets are listed at their list price, so the lines still add up to what was
    paid, and the VAT is the VAT on the price paid."""
    lines: dict[tuple[str, int], tuple[int, int]] = {}
    for ticket in tickets:
        if ticket.discount_amount:
            key = (ticket.discount_code.code if ticket.discount_code else "", ticket.vat_percent)
            gross, vat = lines.get(key, (0, 0))
            lines[key] = (
                gross + ticket.discount_amount,
                vat + ticket.list_vat_amount - ticket.vat_amount,
            )
    return [
        (code, VatRow(percent, gross - vat, vat, gross))
        for (code, percent), (gross, vat) in sorted(lines.items())
    ]


def _sale(order: Order) -> dict:
    # The tickets bought (refunded ones too: the refund is shown separately); cancelled
    # tickets were never paid for.
    tickets = [t for t in order.tickets if t.status is not TicketStatus.CANCELLED]
    addons = sorted(
        (a for a in order.addons if a.status is not TicketStatus.CANCELLED),
        key=lambda a: (a.ticket_id, a.addon.position, a.addon_id),
    )
    rows = vat_summary(tickets + addons)
    return {
        "tickets": tickets,
        "addons": addons,
        "discounts": discount_lines(tickets),
        "vat_rows": rows,
        "net": sum(r.net for r in rows),
        "vat": sum(r.vat for r in rows),
        "gross": sum(r.gross for r in rows),
    }


# Rendering ---------------------------------------------------------------------------


def _tickets(tickets: list[Ticket], order: Order) -> bytes:
    with force_locale(_locale(order)):
        event = order.event
        starts = ""
        if event.local_start.date() != event.local_end.date():
            # event_when gives only the days of a multi-day event; say when the first starts.
            starts = _("Starts at %(time)s", time=_clock(event.local_start))
        items = []
        for ticket in tickets:
            usable = ticket.status is TicketStatus.VALID and order.status.is_confirmed
            items.append(
                {
                    "ticket": ticket,
                    "starts": starts,
                    "qr": data_uri(qr_png(ticket.secret)) if usable else None,
                    "holder": fit_name(ticket.attendee_name or order.buyer_name, *TICKET_HOLDER),
                    "holder_org": fit_name(
                        ticket.attendee_organisation, *TICKET_HOLDER_ORG, bold=False
                    ),
                    "void_reason": (
                        str(ticket.status.label)
                        if ticket.status is not TicketStatus.VALID
                        else str(order.status.label)
                    ),
                }
            )
        html = _html("tickets.html", order, tickets=items, brand=brand_of(event))
    return html_to_pdf(html)


def _html(template: str, order: Order, **context) -> str:
    # Straight from the Jinja environment, as emails are: no request, no context processors.
    return current_app.jinja_env.get_template(f"documents/{template}").render(
        order=order,
        event=order.event,
        seller=seller_details(),
        lang=str(get_locale() or "sv"),
        percent=percent,
        **context,
    )


def seller_details() -> dict:
    """MSI as the seller on its documents: name, address lines, org. and VAT numbers."""
    config = current_app.config

    def get(key: str) -> str:
        return config.get(key) or SELLER_DEFAULTS[key]

    return {
        "name": get("SELLER_NAME"),
        "address_lines": [p.strip() for p in get("SELLER_ADDRESS").split(",") if p.strip()],
        "org_number": get("SELLER_ORG_NUMBER"),
        "vat_number": get("SELLER_VAT_NUMBER"),
        "bankgiro": get("SELLER_BANKGIRO"),
    }


def _locale(order: Order) -> str:
    languages = current_app.config.get("LANGUAGES", ["sv", "en"])
    return order.locale if order.locale in languages else "sv"


def day(value: date) -> str:
    # The site's named formats (summit/i18n.py), as on every page and in every mail.
    return format_date(value, "date")


def _moment(moment: datetime) -> str:
    return format_datetime(moment, "datetime")


def _clock(moment: datetime) -> str:
    return format_time(moment, "time")


def percent(value: int) -> str:
    return format_percent(value / 100, locale=str(get_locale() or "sv"))
