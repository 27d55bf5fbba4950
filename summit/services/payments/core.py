"""The rules of paying: starting a payment, recording what providers report, refunds,
cancellations, invoices and expired reservations.

An order is paid only when the server has verified it (a signed webhook, a
server-side retrieval of the Checkout Session, an organizer marking an invoice
paid); every record_* function is idempotent, so a provider's retries change
nothing. No paid order is ever silently lost: a payment that arrives after its
reservation expired keeps the order if the seats are still there, otherwise it is
refunded and buyer and organizers are told.
"""

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    Event,
    EventRole,
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    ProviderEvent,
    Role,
    User,
    utcnow,
)
from .. import billing, locks
from ..refusal import Refusal
from ..tickets import addons, history
from ..tickets import order_mail as notices
from ..tickets.order_states import transition
from ..tickets.ordering import (
    AttendeeDetails,
    BuyerDetails,
    OrderError,
    availability,
    fill_details,
    vouchers_still_free,
)
from .base import PaymentError, dev_payments_allowed, get_provider, stripe_configured
from .refunds import auto_refund

log = logging.getLogger(__name__)


@dataclass
class InvoiceDetails:
    organisation: str
    org_number: str
    address: str
    reference: str = ""


class InvoiceRefused(Refusal):
    messages = {
        "org_number_format": lambda p: _("Enter the organisation number as NNNNNN-NNNN."),
        "org_number_invalid": lambda p: _(
            "This organisation number is not valid; please check it."
        ),
        "reference_missing": lambda p: _(
            "Enter your reference (Er referens): the invoice must name it."
        ),
    }


def clean_org_number(raw: str) -> str:
    """The organisationsnummer (or a sole trader's personnummer) as NNNNNN-NNNN: ten
    digits (twelve with the century), spaces and hyphens aside, passing the Luhn check
    every Swedish number carries; or InvoiceRefused. An invoice is only issued to one."""
    digits = re.sub(r"[\s-]", "", raw or "")
    if len(digits) == 12 and digits.startswith(("16", "19", "20")):
        digits = digits[2:]
    if not (digits.isascii() and re.fullmatch(r"\d{10}", digits)):
        raise InvoiceRefused("org_number_format", "org_number")
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    if total % 10:
        raise InvoiceRefused("org_number_invalid", "org_number")
    return f"{digits[:6]}-{digits[6:]}"


# The least Stripe charges per currency (öre/cents; docs.stripe.com/currencies). Under it
# Stripe refuses the Checkout Session, however often the buyer tries again.
CARD_MINIMUM = {"SEK": 300, "NOK": 300, "DKK": 250, "EUR": 50, "USD": 50}
CARD_METHODS = (PaymentMethod.STRIPE, PaymentMethod.DEV)


def card_minimum(order: Order) -> int | None:
    """The card minimum (öre) when this order costs something but less than that (a
    fixed discount can do it), else None. The development provider follows the same
    rule, so the flow on a laptop is the flow for real."""
    minimum = CARD_MINIMUM.get(order.event.currency.upper(), 50)
    return minimum if 0 < order.total < minimum else None


def payment_methods(order: Order) -> list[PaymentMethod]:
    """How this order can be paid: free orders need nothing; otherwise card (Stripe, or
    the development provider where allowed; not under Stripe's minimum charge) and
    invoice."""
    if order.total == 0:
        return [PaymentMethod.FREE]
    methods = []
    if card_minimum(order) is not None:
        pass
    elif stripe_configured():
        methods.append(PaymentMethod.STRIPE)
    elif dev_payments_allowed():
        methods.append(PaymentMethod.DEV)
    methods.append(PaymentMethod.INVOICE)
    return methods


def start_payment(
    order: Order,
    method: PaymentMethod,
    invoice: InvoiceDetails | None = None,
    details: tuple[BuyerDetails, list[AttendeeDetails]] | None = None,
) -> str | None:
    """Start paying a reserved order, with the buyer's and attendees' `details` if given
    (saved in the same unit of work). Returns the URL to send the buyer to, or None when
    the order is confirmed at once (free, invoice). Refused: nothing is stored."""
    if method in CARD_METHODS and card_minimum(order) is not None:
        raise OrderError("below_card_minimum", minimum=card_minimum(order))
    if method not in payment_methods(order):
        raise OrderError("bad_method")
    if order.status is OrderStatus.RESERVED and _end_open_payments(order):
        db.session.refresh(order)
        if order.status is not OrderStatus.RESERVED:
            raise OrderError("paid_meanwhile")
    provider = (
        None if method in (PaymentMethod.FREE, PaymentMethod.INVOICE) else get_provider(method)
    )
    now = utcnow()
    # Free and invoice orders are confirmed at once: check the reservation under the lock.
    with unit_of_work(*([locks.sales(order.event_id)] if provider is None else [])) as unit:
        unit.reread(order)
        if details is not None:
            fill_details(order, *details)
        if order.status is not OrderStatus.RESERVED or not order.holds_seats(now):
            raise OrderError(
                "expired"
                if order.status in (OrderStatus.RESERVED, OrderStatus.EXPIRED)
                else "not_reserved"
            )
        if method is PaymentMethod.INVOICE and invoice is None:
            raise OrderError("invoice_details")
        history.record(order, "payment_started", method=method)
        if method is PaymentMethod.FREE:
            _confirm(order, OrderStatus.PAID, now)
            return None
        if method is PaymentMethod.INVOICE:
            _issue_invoice(order, invoice, now)
            return None
        payment = Payment(
            order=order, method=method, amount=order.total, currency=order.event.currency
        )
        db.session.add(payment)
        if not provider.remote:
            # A provider of our own (the test payment page) needs no network: one unit.
            db.session.flush()
            payment.checkout_url = provider.start(order, payment)
            order.payment_method = method
            return payment.checkout_url
    # The provider is called with no transaction open: on SQLite a write transaction
    # would hold the database's single write lock for the whole network call.
    try:
        with db.session.no_autoflush:
            url = provider.start(order, payment)
    except PaymentError:
        db.session.rollback()  # also undoes a moved reservation end
        with unit_of_work():
            db.session.delete(payment)  # nothing was started: nothing to keep
        raise
    # What the provider set is written in a unit of its own (on SQLite a write after the
    # reads above would have to upgrade a stale snapshot, which SQLite refuses).
    ref, expires_at = payment.provider_ref, order.expires_at
    db.session.rollback()
    with unit_of_work():
        payment.provider_ref, order.expires_at = ref, expires_at
        payment.checkout_url = url
        order.payment_method = method
    return url


def _end_open_payments(order: Order) -> bool:
    """Before another payment starts (or an invoice is issued): end the payments the
    buyer left open, so a forgotten Checkout Session tab cannot pay any more. One that
    went through meanwhile is applied as the provider has it. Returns True if one did.

    One the provider could not end stays open; should it be paid after all, the money
    goes back (record_payment: a superseded payment)."""
    went_through = False
    for payment in list(order.payments):
        if payment.status is not PaymentStatus.CREATED or payment.method not in CARD_METHODS:
            continue
        try:
            provider = get_provider(payment.method)
            if provider.cancel(payment):
                record_payment_cancelled(payment)
                continue
            if payment.method is PaymentMethod.STRIPE:
                from .stripe_webhooks import sync_session  # it builds on this module

                sync_session(payment)
                went_through = True
        except PaymentError as error:
            db.session.rollback()
            log.warning("Ending payment %s before a new one failed: %s", payment.id, error)
    return went_through


def _confirm(order: Order, status: OrderStatus, now: datetime) -> None:
    """The buyer has their tickets: status, time stamps and the confirmation email."""
    transition(order, status)
    order.confirmed_at = order.confirmed_at or now
    if status is OrderStatus.PAID:
        order.paid_at = now
    notices.order_confirmed(order)


def _issue_invoice(order: Order, details: InvoiceDetails, now: datetime) -> None:
    order.payment_method = PaymentMethod.INVOICE
    order.buyer_organisation = details.organisation.strip() or order.buyer_organisation
    order.org_number = clean_org_number(details.org_number)
    order.invoice_address = details.address.strip()
    order.invoice_reference = details.reference.strip()
    if not order.invoice_reference:  # e-invoices to the public sector must carry it
        raise InvoiceRefused("reference_missing", "invoice_reference")
    today = now.astimezone(order.event.tz).date()
    order.invoice_due_on = today + timedelta(days=order.event.invoice_due_days)
    billing.issue_invoice(order, today, order.invoice_due_on)
    _confirm(order, OrderStatus.INVOICED, now)


def find_payment(method: PaymentMethod, provider_ref: str) -> Payment | None:
    return db.session.scalar(
        select(Payment).where(Payment.method == method, Payment.provider_ref == provider_ref)
    )


def already_handled(provider: str, event_id: str, event_type: str) -> bool:
    """Record a provider event as handled; True if it was handled before. Call inside the
    unit of work that handles it, so both commit together."""
    seen = db.session.scalar(select(ProviderEvent.id).where(ProviderEvent.event_id == event_id))
    if seen is not None:
        return True
    db.session.add(ProviderEvent(provider=provider, event_id=event_id, event_type=event_type))
    return False


def record_payment(
    payment: Payment,
    amount: int,
    currency: str,
    intent: str | None = None,
    now: datetime | None = None,
) -> OrderStatus:
    """The provider says the money arrived. Idempotent. Returns the order's new status."""
    now = now or utcnow()
    order = payment.order
    with unit_of_work(locks.sales(order.event_id)):
        db.session.refresh(payment)
        db.session.refresh(order)
        if payment.status is PaymentStatus.SUCCEEDED:
            return order.status
        if amount != payment.amount or currency.upper() != payment.currency.upper():
            # Never mark paid on a mismatch; people must look at it (told once, though the
            # webhook and the return page may both report it).
            if payment.status is not PaymentStatus.FAILED:
                payment.status = PaymentStatus.FAILED
                notices.payment_mismatch(order, payment, amount, currency)
            return order.status
        # A payment the buyer left for a newer one (or for an invoice), paid all the same
        # from a forgotten tab: the order is settled by the newer way, never twice.
        superseded = order.status is OrderStatus.INVOICED or any(
            other.id > payment.id for other in order.payments
        )
        payment.status = PaymentStatus.SUCCEEDED
        payment.settled_at = now
        payment.provider_intent = intent or payment.provider_intent

        refund = None  # why this money goes back, once the unit has committed
        if order.status is OrderStatus.PAID or order.status is OrderStatus.REFUNDED or superseded:
            # Paid twice (after being paid or refunded, or on a superseded session): give
            # this money back.
            paid_before = order.status in (OrderStatus.PAID, OrderStatus.REFUNDED)
            refund = "paid_twice" if paid_before else "superseded"
        else:
            order.payment_method = payment.method
            if order.holds_seats(now) or order.status is OrderStatus.PENDING:
                _confirm(order, OrderStatus.PAID, now)
            elif _seats_still_free(order, now):
                # Paid after the reservation ended (expired or cancelled): kept, as seats
                # remain.
                _confirm(order, OrderStatus.PAID, now)
                notices.late_payment_kept(order)
            else:
                transition(order, OrderStatus.CANCELLED)
                order.cancelled_at = now
                refund = "sold_out_after_expiry"
        if refund is not None:
            payment.refund_due = True
        status = order.status
    if refund is not None:
        auto_refund(payment, reason=refund)
    return status


def _seats_still_free(order: Order, now: datetime) -> bool:
    wanted: dict = {}
    for ticket in order.valid_tickets:
        wanted[ticket.ticket_type] = wanted.get(ticket.ticket_type, 0) + 1
    left = availability(order.event, list(wanted), now)
    if left.event_left is not None and sum(wanted.values()) > left.event_left:
        return False
    if not vouchers_still_free(order, now):
        return False
    if not addons.places_still_free(order, now):
        return False
    return all(left.by_type.get(t.id) is None or q <= left.by_type[t.id] for t, q in wanted.items())


def record_payment_pending(payment: Payment, now: datetime | None = None) -> None:
    """The buyer paid with a method that settles later: keep the seats meanwhile, if
    they are still the buyer's (when the news comes after the reservation ended and the
    seats went to someone else, the payment, should it succeed, is a late one)."""
    now = now or utcnow()
    with unit_of_work(locks.sales(payment.order.event_id)):
        db.session.refresh(payment)
        order = payment.order
        db.session.refresh(order)
        if payment.status is PaymentStatus.CREATED:
            payment.status = PaymentStatus.PENDING
            if order.status is OrderStatus.RESERVED and (
                order.holds_seats(now) or _seats_still_free(order, now)
            ):
                transition(order, OrderStatus.PENDING)


def record_payment_failed(payment: Payment, now: datetime | None = None) -> None:
    """A payment that was pending failed: the order goes back to its reservation (or
    expires) and the buyer is told how to try again."""
    now = now or utcnow()
    with unit_of_work(locks.sales(payment.order.event_id)):
        db.session.refresh(payment)
        order = payment.order
        db.session.refresh(order)
        if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.FAILED):
            return
        payment.status = PaymentStatus.FAILED
        if order.status is OrderStatus.PENDING:
            transition(
                order, OrderStatus.RESERVED if order.expires_at > now else OrderStatus.EXPIRED
            )
            notices.payment_failed(order)


def record_payment_cancelled(payment: Payment, now: datetime | None = None) -> None:
    """The provider ended an unpaid payment (e.g. a Checkout Session expired)."""
    now = now or utcnow()
    with unit_of_work(locks.sales(payment.order.event_id)):
        db.session.refresh(payment)
        order = payment.order
        db.session.refresh(order)
        if payment.status is PaymentStatus.CREATED:
            payment.status = PaymentStatus.CANCELLED
            if order.status is OrderStatus.RESERVED and order.expires_at <= now:
                transition(order, OrderStatus.EXPIRED)


def still_owed(order: Order) -> int:
    """What the order's invoice still asks for (öre): the invoice less its credit notes
    and less the money received on it; 0 without an invoice or when all is paid."""
    received = sum(
        p.amount - (p.refunded_amount or 0)
        for p in order.payments
        if p.method is PaymentMethod.INVOICE and p.status is PaymentStatus.SUCCEEDED
    )
    return max(0, billing.invoiced_balance(order) - received)


def record_invoice_payment(order: Order, amount: int, paid_at: datetime) -> Payment:
    """Money received on the order's invoice (`amount` öre, at most what it still asks
    for), inside the caller's unit of work under the event's sales lock. The order is
    paid once nothing is owed; less than that leaves it invoiced, the rest still owed."""
    payment = Payment(
        order=order,
        method=PaymentMethod.INVOICE,
        status=PaymentStatus.SUCCEEDED,
        amount=amount,
        refunded_amount=0,
        currency=order.event.currency,
        settled_at=paid_at,
    )
    db.session.add(payment)
    invoice = billing.invoice_of(order)
    history.record(order, "invoice_paid", amount=amount, number=invoice.number if invoice else "")
    if order.status is OrderStatus.INVOICED and still_owed(order) <= 0:
        transition(order, OrderStatus.PAID)
        order.paid_at = paid_at
    return payment


def mark_invoice_paid(order: Order, paid_on: date | None = None) -> None:
    """An organizer saw the invoice's money arrive: what it still asks for (after its
    credit notes, the fees kept of tickets cancelled on it included, and any part
    payments from the bank) is recorded as paid."""
    with unit_of_work(locks.sales(order.event_id)):
        db.session.refresh(order)
        if order.status is not OrderStatus.INVOICED:
            raise OrderError("not_invoiced")
        record_invoice_payment(order, still_owed(order), utcnow())


def expire_reservations(now: datetime | None = None, limit: int = 200) -> int:
    """Mark ended reservations expired and stop their open payments at the provider.

    Seats are free the moment expires_at passes, whether this runs or not; this only
    tidies up (the worker runs it) so a Checkout Session cannot be paid later. Each
    order is first claimed for EXPIRING_LEASE (one conditional UPDATE), so of several
    workers only one asks the provider to stop its payment."""
    now = now or utcnow()
    orders = _claim_ended(now, limit)
    for order in orders:
        for payment in order.payments:
            if payment.status is PaymentStatus.CREATED:
                try:
                    get_provider(payment.method).cancel(payment)
                except PaymentError as error:
                    log.warning("Expiring payment %s failed: %s", payment.id, error)
                    continue
                record_payment_cancelled(payment, now)
        # The order's row lock: a payment recorded meanwhile is waited for and seen.
        with unit_of_work() as unit:
            order = unit.lock(locks.order(order.id))
            if order.status is OrderStatus.RESERVED and order.expires_at <= now:
                transition(order, OrderStatus.EXPIRED)
    return len(orders)


EXPIRING_LEASE = timedelta(minutes=2)


def _claim_ended(now: datetime, limit: int) -> list[Order]:
    """Ended reservations no other worker is tidying up, claimed by this one: the rows
    are locked (PostgreSQL: others skip them; SQLite: one writer at a time) until the
    claim is committed, after which others see it."""
    ended = (
        Order.status == OrderStatus.RESERVED,
        Order.expires_at <= now,
        or_(Order.expiring_until.is_(None), Order.expiring_until < now),
    )
    with unit_of_work():
        ids = db.session.scalars(
            select(Order.id)
            .where(*ended)
            .order_by(Order.expires_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if ids:
            db.session.execute(
                update(Order)
                .where(Order.id.in_(ids), *ended)
                .values(expiring_until=now + EXPIRING_LEASE)
                .execution_options(synchronize_session=False)
            )
    if not ids:
        return []
    return db.session.scalars(
        select(Order).where(Order.id.in_(ids)).order_by(Order.expires_at)
    ).all()


def organizer_emails(event: Event) -> list[str]:
    return list(
        db.session.scalars(
            select(User.email)
            .join(EventRole, EventRole.user_id == User.id)
            .where(EventRole.event_id == event.id, EventRole.role == Role.ORGANIZER)
            .order_by(User.email)
        )
    )


def payment_did_not_go_through(order: Order) -> bool:
    """The buyer set off to pay and the order is still unpaid: its last payment failed
    or was stopped (declined, abandoned at the provider, the session expired)."""
    if order.status not in (OrderStatus.RESERVED, OrderStatus.EXPIRED) or not order.payments:
        return False
    return order.payments[-1].status in (PaymentStatus.FAILED, PaymentStatus.CANCELLED)
