"""The vouchers (verifikationer) of what was sold and paid, as the books want them: one
per card sale, invoice, credit note, invoice payment and refund, each balancing to the
öre. Amounts in öre, debit positive, credit negative (as SIE has them).

The amounts are the ones the buyer holds:
- a card or Swish sale (series K): the receipt's items (tickets and add-ons at the
  price paid) and its VAT per rate (each item's VAT, summed, as
  tickets/documents.vat_summary does), the money on the card clearing account, dated
  the day the payment settled;
- an invoice (series F): the document's lines at their net on the account of what
  they sold, its VAT per rate (billing.totals), its öresavrundning and its amount on
  receivables, dated the day it was issued; a credit note the same, reversed;
- an invoice paid (series B): bank against receivables, dated the day it was paid;
- a refund that went through (series R): a card sale's is the sale reversed for what
  it gave back: one ticket's refund gives back the ticket and its add-ons (a fee kept
  is kept of the ticket first, as on a credit note), any other its share of each item
  still not given back; an invoiced order's refund is money out of the bank against
  receivables (its credit note, series F, says what was given back);
- money that bought nothing (paid twice, on a checkout left for another, after the
  seats were gone): card clearing against advances from customers, and back.
Free orders move no money and make none. What Stripe keeps as its fee is not known
here (it is on Stripe's payouts), so no fee is booked.

Each voucher is numbered by where it comes from (the invoice's number, the payment's
or refund's row), so the same voucher has the same number in every export.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    Addon,
    Event,
    Order,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Ticket,
    TicketAddon,
    TicketStatus,
    TicketType,
    vat_part,
)
from ...models.billing import Invoice
from ...models.payments import Refund, RefundStatus
from ..billing.amounts import totals
from .accounts import BAS_NAMES, ROLES, Accounts, BookkeepingError, accounts_of

CARD_METHODS = (PaymentMethod.STRIPE, PaymentMethod.DEV)
SERIES = {"F": "Fakturor", "K": "Kortbetalningar", "B": "Bankinbetalningar", "R": "Återbetalningar"}


@dataclass
class Voucher:
    series: str
    number: int
    date: date
    text: str
    event: Event
    lines: list[tuple[str, int]]  # (account, öre)

    @property
    def balance(self) -> int:
        return sum(amount for _account, amount in self.lines)


@dataclass
class Book:
    """The vouchers of some events dated in [first, last], and a name for every
    account they use."""

    events: list[Event]
    first: date
    last: date
    vouchers: list[Voucher]
    names: dict[str, str]


class _Entry:
    """A voucher's amounts by account, as they are added."""

    def __init__(self):
        self.amounts: dict[str, int] = {}

    def debit(self, account: str, amount: int) -> None:
        self.amounts[account] = self.amounts.get(account, 0) + amount

    def credit(self, account: str, amount: int) -> None:
        self.debit(account, -amount)

    def lines(self) -> list[tuple[str, int]]:
        return [(account, amount) for account, amount in self.amounts.items() if amount]


def _day(moment: datetime, event: Event) -> date:
    return moment.astimezone(event.tz).date()


# Card sales and their refunds ----------------------------------------------------------


@dataclass
class _Item:
    """One item of a card sale: what it brought in, VAT included, and its VAT, less
    what refunds have given back of it so far."""

    ticket_id: int
    account: str
    percent: int
    gross: int
    vat: int


def _items(tickets: list[Ticket], addons: list[TicketAddon], accounts: Accounts) -> list[_Item]:
    """Each ticket and add-on, on its own sales account or the event's for its rate."""
    rows = [(t.id, t.ticket_type, t) for t in tickets] + [(a.ticket_id, a.addon, a) for a in addons]
    return [
        _Item(
            ticket_id,
            accounts.sales(row.vat_percent, sold.sales_account),
            row.vat_percent,
            row.price,
            row.vat_amount,
        )
        for ticket_id, sold, row in rows
    ]


def _sold(order: Order, paid: int, accounts: Accounts) -> list[_Item]:
    """What the payment of `paid` bought: the receipt's items (none cancelled), or, when
    items were cancelled after it was paid (a dispute, an add-on bought afterwards for
    a ticket since refunded), every item of the order."""
    live = (
        [t for t in order.tickets if t.status is not TicketStatus.CANCELLED],
        [a for a in order.addons if a.status is not TicketStatus.CANCELLED],
    )
    for tickets, addons in (live, (list(order.tickets), list(order.addons))):
        if sum(t.price for t in tickets) + sum(a.price for a in addons) == paid:
            return _items(tickets, addons, accounts)
    raise BookkeepingError(
        "unclear_sale",
        reference=order.reference,
        detail=f"order {order.reference}: the payment is not what it bought",
    )


def _shares(items: list[_Item], amount: int, reference: str) -> list[tuple[_Item, int]]:
    """`amount` taken off the items in proportion to what is left of each (largest
    remainders get the odd öre)."""
    left = [item for item in items if item.gross > 0]
    total = sum(item.gross for item in left)
    if amount > total:
        raise BookkeepingError(
            "refund_exceeds_sale",
            reference=reference,
            detail=f"order {reference}: {amount} öre back of {total} öre",
        )
    if amount == total:
        return [(item, item.gross) for item in left]
    parts = [divmod(amount * item.gross, total) for item in left]
    odd = amount - sum(whole for whole, _rest in parts)
    ranked = sorted(range(len(left)), key=lambda i: -parts[i][1])[:odd]
    return [
        (item, whole + (i in ranked))
        for i, (item, (whole, _rest)) in enumerate(zip(left, parts, strict=True))
    ]


def _given_back(items: list[_Item], refund: Refund, reference: str) -> list[tuple[_Item, int]]:
    """What of each item a refund gave back. One ticket's refund: the ticket and its
    add-ons, less what is kept, kept of the ticket first."""
    own = [item for item in items if item.ticket_id == refund.ticket_id and item.gross > 0]
    if refund.ticket_id is None or not own:
        return _shares(items, refund.amount, reference)
    kept = max(0, sum(item.gross for item in own) - refund.amount)
    pieces = []
    for item in own:  # the ticket first, then its add-ons
        keep = min(kept, item.gross)
        kept -= keep
        pieces.append((item, item.gross - keep))
    rest = refund.amount - sum(part for _item, part in pieces)
    others = [item for item in items if item not in own]
    return pieces + (_shares(others, rest, reference) if rest else [])


def _take(items: list[tuple[_Item, int]]) -> list[tuple[_Item, int, int]]:
    """(item, gross, VAT) given back, taken off the items: the last öre of an item takes
    what is left of its VAT, so a whole refund reverses the sale exactly."""
    taken = []
    for item, gross in items:
        if gross <= 0:
            continue
        vat = item.vat if gross == item.gross else min(item.vat, vat_part(gross, item.percent))
        item.gross -= gross
        item.vat -= vat
        taken.append((item, gross, vat))
    return taken


def _book_items(entry: _Entry, pieces, accounts: Accounts, sign: int) -> None:
    """Credit (sign 1) or debit (sign -1) the items' net and their VAT per rate."""
    vat: dict[int, int] = {}
    for item, gross, item_vat in pieces:
        entry.credit(item.account, sign * (gross - item_vat))
        vat[item.percent] = vat.get(item.percent, 0) + item_vat
    for percent, amount in sorted(vat.items(), reverse=True):
        if amount:
            entry.credit(accounts.vat(percent), sign * amount)


def _sale_payment(order: Order) -> Payment | None:
    """The card payment that paid for the order: the one that settled when the order
    was paid (the others bought nothing)."""
    if order.payment_method not in CARD_METHODS or order.paid_at is None:
        return None
    paid = [p for p in order.payments if _card_money(p)]
    if not paid:
        return None
    return min(paid, key=lambda p: (abs((p.settled_at or p.created_at) - order.paid_at), p.id))


def _card_money(payment: Payment) -> bool:
    return payment.method in CARD_METHODS and payment.status is PaymentStatus.SUCCEEDED


def _refunds(payment: Payment) -> list[Refund]:
    return [r for r in payment.refunds if r.status is RefundStatus.SUCCEEDED and r.amount > 0]


def _card_vouchers(order: Order, accounts: Accounts) -> list[Voucher]:
    event, made = order.event, []
    sale = _sale_payment(order)
    for payment in order.payments:
        if not _card_money(payment) or payment.amount <= 0:
            continue
        settled = _day(payment.settled_at or payment.created_at, event)
        entry = _Entry()
        entry.debit(accounts["card_clearing"], payment.amount)
        if payment is sale:
            items = _sold(order, payment.amount, accounts)
            _book_items(entry, [(i, i.gross, i.vat) for i in items], accounts, 1)
            text = f"Försäljning order {order.reference}, kort"
        else:
            entry.credit(accounts["advances"], payment.amount)
            text = f"Betalning utan köp, order {order.reference}"
        made.append(Voucher("K", payment.id, settled, text, event, entry.lines()))
        for refund in _refunds(payment):
            entry = _Entry()
            entry.credit(accounts["card_clearing"], refund.amount)
            if payment is sale:
                _book_items(entry, _take(_given_back(items, refund, order.reference)), accounts, -1)
                text = f"Återbetalning order {order.reference}, kort"
            else:
                entry.debit(accounts["advances"], refund.amount)
                text = f"Återbetalning utan köp, order {order.reference}"
            made.append(
                Voucher("R", refund.id, _day(refund.created_at, event), text, event, entry.lines())
            )
    return made


# Invoices, credit notes and what was paid on them ---------------------------------------


def _document_voucher(document: Invoice, event: Event, accounts: Accounts, own) -> Voucher:
    """An invoice (or, reversed, a credit note) with exactly the document's sums."""
    sums = totals(document.lines)
    if (sums.amount, sums.vat, sums.rounding) != (document.amount, document.vat, document.rounding):
        raise BookkeepingError(
            "document_sums",
            number=document.number,
            detail=f"document {document.number}: its lines do not add up to its sums",
        )
    sign = -1 if document.is_credit_note else 1
    entry = _Entry()
    entry.debit(accounts["receivables"], sign * document.amount)
    for line in document.lines:
        account = accounts.sales(line.vat_percent, own.get((line.ticket_type_id, line.addon_id)))
        entry.credit(account, sign * line.signed_net)
    for rate in sums.rates:
        if rate.vat:
            entry.credit(accounts.vat(rate.percent), sign * rate.vat)
    entry.credit(accounts["rounding"], sign * document.rounding)
    if document.is_credit_note:
        text = f"Kreditfaktura {document.number} på faktura {document.credits.number}"
    else:
        text = f"Faktura {document.number}"
    text = f"{text} {document.buyer_name}".strip()
    return Voucher("F", document.number, document.issued_on, text, event, entry.lines())


def _bank_vouchers(order: Order, accounts: Accounts, invoice: Invoice | None) -> list[Voucher]:
    event, made = order.event, []
    what = f"faktura {invoice.number}" if invoice is not None else f"order {order.reference}"
    for payment in order.payments:
        if payment.method is not PaymentMethod.INVOICE:
            continue
        if payment.status is PaymentStatus.SUCCEEDED and payment.amount > 0:
            entry = _Entry()
            entry.debit(accounts["bank"], payment.amount)
            entry.credit(accounts["receivables"], payment.amount)
            settled = _day(payment.settled_at or payment.created_at, event)
            made.append(
                Voucher("B", payment.id, settled, f"Inbetalning {what}", event, entry.lines())
            )
        for refund in _refunds(payment):
            entry = _Entry()
            entry.debit(accounts["receivables"], refund.amount)
            entry.credit(accounts["bank"], refund.amount)
            made.append(
                Voucher(
                    "R",
                    refund.id,
                    _day(refund.created_at, event),
                    f"Återbetalning {what}",
                    event,
                    entry.lines(),
                )
            )
    return made


# The book ------------------------------------------------------------------------------


def _own_accounts(events: list[Event]) -> tuple[dict[tuple, str], dict[str, str]]:
    """The ticket types' and add-ons' own sales accounts, by what an invoice line names
    ((ticket type id, None) or (None, add-on id)), and a name for each."""
    ids = [e.id for e in events]
    own, names = {}, {}
    for model, key in ((TicketType, lambda t: (t.id, None)), (Addon, lambda a: (None, a.id))):
        for item in db.session.scalars(
            select(model).where(model.event_id.in_(ids), model.sales_account.is_not(None))
        ):
            own[key(item)] = item.sales_account
            names.setdefault(item.sales_account, f"Försäljning {item.name_sv}")
    return own, names


def _names(events: list[Event], used: set[str], items: dict[str, str]) -> dict[str, str]:
    """A name for each account used: BAS's, else the name of what it books."""
    names = dict(items)
    for event in events:
        accounts = accounts_of(event)
        for key, role in ROLES.items():
            names.setdefault(accounts[key], role.bas_name)
    return {account: BAS_NAMES.get(account) or names[account] for account in sorted(used)}


def check_period(first: date, last: date) -> None:
    """A period is at least a day and at most two years (a file has the #RAR of each
    calendar year it touches)."""
    if last < first:
        raise BookkeepingError("period_order", "last")
    try:
        limit = first.replace(year=first.year + 2)
    except ValueError:  # 29 February
        limit = first.replace(year=first.year + 2, day=28) + timedelta(days=1)
    if last >= limit:
        raise BookkeepingError("period_long", "last")


def book(events: list[Event], first: date, last: date) -> Book:
    """The vouchers of `events` dated from `first` to `last` (both included, each event's
    own time zone), in date order. Refunds are counted against everything before them,
    whenever it was. BookkeepingError when something cannot be booked (an account
    missing for a VAT rate, a document whose sums do not add up)."""
    check_period(first, last)
    by_id = {e.id: e for e in events}
    accounts = {e.id: accounts_of(e) for e in events}
    own, item_names = _own_accounts(events)
    orders = db.session.scalars(
        select(Order)
        .where(Order.event_id.in_(by_id), Order.id.in_(select(Payment.order_id)))
        .options(
            selectinload(Order.payments).selectinload(Payment.refunds),
            selectinload(Order.tickets).selectinload(Ticket.ticket_type),
            selectinload(Order.addons).selectinload(TicketAddon.addon),
        )
        .order_by(Order.id)
    ).all()
    documents = db.session.scalars(
        select(Invoice)
        .join(Order, Order.id == Invoice.order_id)
        .where(Order.event_id.in_(by_id))
        .options(
            selectinload(Invoice.lines),
            selectinload(Invoice.order),
            selectinload(Invoice.credits),
        )
        .order_by(Invoice.number)
    ).all()
    invoices = {d.order_id: d for d in documents if not d.is_credit_note}
    made: list[Voucher] = []
    for document in documents:
        if first <= document.issued_on <= last:
            event = by_id[document.order.event_id]
            made.append(_document_voucher(document, event, accounts[event.id], own))
    for order in orders:
        chart = accounts[order.event_id]
        made += _card_vouchers(order, chart)
        made += _bank_vouchers(order, chart, invoices.get(order.id))
    made = [v for v in made if first <= v.date <= last and v.lines]
    made.sort(key=lambda v: (v.date, "FKBR".index(v.series), v.number))
    used = {account for v in made for account, _amount in v.lines}
    return Book(events, first, last, made, _names(events, used, item_names))
