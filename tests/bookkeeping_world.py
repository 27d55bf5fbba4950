"""Sales for the bookkeeping tests, made through the shop's own services (reserve, add-ons,
pay by card or invoice, refund, cancel, credit), and what the books must say about them
worked out from the tables without the export's code."""

from dataclasses import dataclass, field

from sqlalchemy import select

from summit.models import (
    Addon,
    DiscountCode,
    DiscountKind,
    Order,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    TicketStatus,
)
from summit.models.billing import DocumentKind, Invoice, LineKind
from summit.models.payments import RefundStatus
from summit.services.payments import core as payments
from summit.services.payments import refunds
from summit.services.payments.base import PaymentError
from summit.services.refusal import Refusal
from summit.services.tickets import addons as addon_service
from summit.services.tickets import self_service
from summit.services.tickets.documents import vat_summary
from summit.services.tickets.errors import OrderError
from tests.fakestripe import reserved_order

CARD = (PaymentMethod.STRIPE, PaymentMethod.DEV)
VAT_ACCOUNTS = {25: "2611", 12: "2621", 6: "2631"}


def addon(db, event, name, price, vat_percent, **kwargs) -> Addon:
    made = Addon(
        event=event, name_sv=name, name_en=name, price=price, vat_percent=vat_percent, **kwargs
    )
    db.session.add(made)
    db.session.commit()
    return made


def discount(db, event, kind: DiscountKind, value: int, types=(), code="RABATT") -> DiscountCode:
    made = DiscountCode(event=event, code=code, kind=kind, value=value, ticket_types=list(types))
    db.session.add(made)
    db.session.commit()
    return made


def buy(
    event,
    quantities: dict,
    extras: dict | None = None,
    code: str | None = None,
    invoice: str | None = None,
    email: str = "kim@example.org",
) -> Order:
    """An order paid by card (the development provider), or bought on invoice by the
    organisation `invoice` (also when the card's minimum is not reached); `extras` maps
    a ticket's number to the add-ons it gets. Free: confirmed without a payment."""
    order = reserved_order(event, quantities, email=email, code=code)
    if extras:
        addon_service.choose_addons(
            order, {n: {a.id for a in chosen} for n, chosen in extras.items()}
        )
    if order.total == 0:
        payments.start_payment(order, PaymentMethod.FREE)
        return order
    if payments.card_minimum(order) is not None:
        invoice = invoice or "Kortminimum AB"
    if invoice is not None:
        payments.start_payment(
            order,
            PaymentMethod.INVOICE,
            payments.InvoiceDetails(invoice, "556677-8899", "Box 1\n111 11 Stockholm", "Kst 1"),
        )
        assert order.status is OrderStatus.INVOICED
        return order
    payments.start_payment(order, PaymentMethod.DEV)
    payment = order.payments[-1]
    payments.record_payment(payment, payment.amount, payment.currency)
    assert order.status is OrderStatus.PAID
    return order


def attempt(action) -> bool:
    """Do what a person would try; a refusal (which changes nothing) is an answer too."""
    try:
        action()
    except (OrderError, PaymentError, Refusal):
        return False
    return True


def act(order: Order, action: tuple) -> bool:
    """One of the things people do to an order after buying: ("cancel", ticket number),
    ("refund", ticket number, öre kept), ("refund_all",), ("provider", share),
    ("pay",) or ("cancel_order",). False when it was refused (nothing changed)."""
    name, *args = action
    do = {
        "cancel": cancel_ticket,
        "refund": refund_ticket,
        "refund_all": lambda o: refunds.refund(o, notify=False),
        "provider": provider_refund,
        "pay": payments.mark_invoice_paid,
        "cancel_order": refunds.cancel_order,
    }[name]
    return attempt(lambda: do(order, *args))


def provider_refund(order: Order, share: float) -> None:
    """Stripe reports a refund made in its dashboard, of part of the card payment and
    for no ticket in particular."""
    payment = next((p for p in order.payments if p.method in CARD), None)
    if payment is None:
        raise OrderError("nothing_to_refund")
    left = payment.amount - payment.refunded_amount
    amount = int(left * share)
    if amount > 0:
        refunds.record_refund(
            payment, amount, f"re_dash_{payment.id}_{len(payment.refunds)}", reason="stripe"
        )


def cancel_ticket(order: Order, number: int) -> None:
    """The attendee cancels ticket `number` under the event's policy (a refund less the
    fee when paid, a credit note when invoiced)."""
    ticket = order.tickets[(number - 1) % len(order.tickets)]
    self_service.cancel_ticket(ticket)


def refund_ticket(order: Order, number: int, keep: int) -> None:
    """An organizer refunds ticket `number`, keeping `keep` öre of it."""
    ticket = order.tickets[(number - 1) % len(order.tickets)]
    if ticket.status is not TicketStatus.VALID:
        raise OrderError("nothing_to_refund")
    refunds.refund(order, ticket, amount=max(0, ticket.refundable - keep), notify=False)


# What the books must say, from the tables ---------------------------------------------


@dataclass
class Expected:
    """Account totals (öre, debit positive) the tables call for."""

    money: dict[str, int] = field(default_factory=dict)
    documents: dict[int, Invoice] = field(default_factory=dict)
    receipts: dict[str, list] = field(default_factory=dict)  # order reference -> VAT rows
    fully_refunded: set[str] = field(default_factory=set)  # card orders given all back


def expected(db, event) -> Expected:
    out = Expected(money={"1510": 0, "1580": 0, "1930": 0})
    orders = db.session.scalars(
        select(Order).where(Order.event_id == event.id).order_by(Order.id)
    ).all()
    for order in orders:
        for payment in order.payments:
            back = sum(
                r.amount
                for r in payment.refunds
                if r.status is RefundStatus.SUCCEEDED and r.amount > 0
            )
            if payment.status is not PaymentStatus.SUCCEEDED:
                continue
            if payment.method in CARD:
                out.money["1580"] += payment.amount - back
                if payment.settled_at == order.paid_at:  # the payment that bought it
                    # The receipt's items; when some were cancelled after the payment
                    # with nothing given back, all it paid for.
                    sold = [t for t in order.tickets if t.status is not TicketStatus.CANCELLED]
                    sold += [a for a in order.addons if a.status is not TicketStatus.CANCELLED]
                    if sum(item.price for item in sold) != payment.amount:
                        sold = [*order.tickets, *order.addons]
                    out.receipts[order.reference] = vat_summary(sold)
                    if back == payment.amount:
                        out.fully_refunded.add(order.reference)
            elif payment.method is PaymentMethod.INVOICE:
                out.money["1930"] += payment.amount - back
                out.money["1510"] += back - payment.amount
    documents = db.session.scalars(
        select(Invoice).join(Order).where(Order.event_id == event.id).order_by(Invoice.number)
    ).all()
    for document in documents:
        out.documents[document.number] = document
        sign = -1 if document.kind is DocumentKind.CREDIT_NOTE else 1
        out.money["1510"] += sign * document.amount
    return out


def vat_by_rate(document: Invoice) -> dict[int, int]:
    """The VAT of each rate on a document, worked out here: the net of the rate's lines
    (allowances taken off), and its VAT rounded to the öre, half away from zero."""
    nets: dict[int, int] = {}
    for line in document.lines:
        sign = -1 if line.kind is LineKind.ALLOWANCE else 1
        nets[line.vat_percent] = nets.get(line.vat_percent, 0) + sign * line.net
    return {
        rate: (1 if net >= 0 else -1) * round_half_up(abs(net) * rate, 100)
        for rate, net in nets.items()
    }


def round_half_up(numerator: int, denominator: int) -> int:
    whole, rest = divmod(numerator, denominator)
    return whole + (2 * rest >= denominator)
