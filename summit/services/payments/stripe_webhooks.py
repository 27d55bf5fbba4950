"""What Stripe tells us: signed webhook events, and Checkout Sessions retrieved by the
server when the buyer comes back. Either is enough to mark an order paid; the
browser's redirect alone never is.

Each Stripe event is applied once. The effect and the record of the event
(ProviderEvent) are two units of work on purpose: every record_* function takes its
own lock and commits, and is idempotent, so
- a crash after the effect and before the record makes Stripe deliver the event
  again, and applying it again changes nothing;
- a crash before the effect leaves no record, so the redelivery applies it.
The record only spares the work (and the provider calls) of a repeated delivery.
"""

import logging

import stripe
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...database import end_reads, unit_of_work
from ...extensions import db
from ...models import Actor, OrderStatus, Payment, PaymentMethod, PaymentStatus, ProviderEvent
from ..tickets import history
from . import core, disputes
from .base import PaymentError
from .refunds import record_refund
from .stripe import StripeProvider

log = logging.getLogger(__name__)

PROVIDER = "stripe"


class BadWebhook(Exception):
    """Not a genuine, well-formed Stripe event: refused, and nothing changes."""


def verify(payload: bytes, signature: str | None) -> dict:
    """The event, if the Stripe-Signature header proves Stripe sent this very body
    recently (stripe.Webhook checks the HMAC and a 5-minute tolerance)."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET") or ""
    if not secret:
        log.error("A Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set")
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret).to_dict()
    except stripe.SignatureVerificationError as error:
        raise BadWebhook(f"signature: {error}") from error
    except (ValueError, TypeError, AttributeError, KeyError) as error:
        raise BadWebhook(f"body: {error}") from error
    data = event.get("data")
    if (
        not isinstance(event.get("id"), str)
        or not isinstance(event.get("type"), str)
        or not isinstance(data, dict)
        or not isinstance(data.get("object"), dict)
    ):
        raise BadWebhook("not an event")
    return event


def handle_event(event: dict) -> str:
    """Apply a verified event once. Returns what happened, for the log. The orders'
    history names Stripe as who changed them."""
    with history.acting(Actor.STRIPE):
        return _handle_event(event)


def _handle_event(event: dict) -> str:
    handler = HANDLERS.get(event["type"])
    if handler is None:
        return "ignored"
    if _seen(event["id"]):
        return "duplicate"
    outcome = handler(event["data"]["object"])
    _remember(event["id"], event["type"])
    return outcome


def _seen(event_id: str) -> bool:
    seen = db.session.scalar(select(ProviderEvent.id).where(ProviderEvent.event_id == event_id))
    end_reads()  # each record_* opens its own unit of work
    return seen is not None


def _remember(event_id: str, event_type: str) -> None:
    try:
        with unit_of_work():
            core.already_handled(PROVIDER, event_id, event_type)
    except IntegrityError:
        pass  # the same event, delivered twice at once, was recorded by the other delivery


def _payment(session: dict) -> Payment | None:
    session_id = session.get("id")
    if not isinstance(session_id, str):
        return None
    return core.find_payment(PaymentMethod.STRIPE, session_id)


def _record_paid(payment: Payment, session: dict) -> str:
    status = core.record_payment(
        payment,
        int(session.get("amount_total") or 0),
        str(session.get("currency") or ""),
        intent=session.get("payment_intent") or None,
    )
    return status.value


def apply_session(payment: Payment, session: dict) -> str:
    """Bring the payment in line with its Checkout Session: paid, waiting for the bank
    (completed with a method that settles later), expired, or still open."""
    if session.get("payment_status") in ("paid", "no_payment_required"):
        # (Nothing to pay cannot happen for an order that costs money; record_payment
        # then finds the amount wrong and tells the organizers.)
        return _record_paid(payment, session)
    status = session.get("status")
    if status == "complete":
        core.record_payment_pending(payment)
        return "pending"
    if status == "expired":
        core.record_payment_cancelled(payment)
        return "cancelled"
    return "open"


def sync_session(payment: Payment) -> OrderStatus:
    """Retrieve the payment's Checkout Session from Stripe and apply it (the return
    page). Raises PaymentError when Stripe cannot be asked."""
    session = StripeProvider().retrieve_session(payment.provider_ref)
    if session.get("id") != payment.provider_ref:
        raise PaymentError("provider_refused", "Stripe returned another session")
    apply_session(payment, session)
    db.session.refresh(payment.order)
    return payment.order.status


def abandon_session(payment: Payment) -> OrderStatus:
    """The buyer left Stripe's page without paying (its cancel link): the Checkout
    Session is expired at Stripe, so a forgotten tab cannot pay later, and then applied
    as Stripe has it (paid, should the buyer have paid after all). Raises PaymentError
    when Stripe cannot be asked."""
    if payment.status is PaymentStatus.CREATED:
        StripeProvider().cancel(payment)
    return sync_session(payment)


def _on_session(apply):
    def handle(session: dict) -> str:
        payment = _payment(session)
        if payment is None:
            return "unknown session"
        return apply(payment, session)

    return handle


def _async_failed(payment: Payment, _session: dict) -> str:
    core.record_payment_failed(payment)
    return "failed"


def _expired(payment: Payment, _session: dict) -> str:
    core.record_payment_cancelled(payment)
    return "cancelled"


def _payment_of_intent(intent) -> Payment | None:
    if not isinstance(intent, str):
        return None
    return db.session.scalar(
        select(Payment).where(
            Payment.method == PaymentMethod.STRIPE, Payment.provider_intent == intent
        )
    )


def _apply_refund(payment: Payment, refund: dict) -> bool:
    """One refund as Stripe has it now: recorded once by its id, then following its
    status (pending, requires_action, succeeded, failed, canceled)."""
    if not isinstance(refund.get("id"), str):
        return False
    return record_refund(
        payment,
        int(refund.get("amount") or 0),
        refund["id"],
        reason="stripe",
        status=str(refund.get("status") or "pending"),
    )


def _charge_refunded(charge: dict) -> str:
    """Refunds made anywhere (our refund(), or the Stripe dashboard), each recorded once
    by its id. Since API version 2022-11-15 a charge no longer carries its refunds, so
    they are asked for when the event has none."""
    intent = charge.get("payment_intent")
    payment = _payment_of_intent(intent)
    if payment is None:
        return "unknown payment"
    listed = charge.get("refunds")
    if isinstance(listed, dict) and not listed.get("has_more"):
        refunds = listed.get("data") or []
    else:
        refunds = StripeProvider().list_refunds(intent)
    recorded = 0
    for refund in sorted(refunds, key=lambda r: (r.get("created") or 0, r.get("id") or "")):
        if _apply_refund(payment, refund):
            recorded += 1
    return f"{recorded} refunds recorded"


def _refund_changed(refund: dict) -> str:
    """refund.created / refund.updated / refund.failed and charge.refund.updated: the
    Refund object itself, e.g. a pending refund that succeeded, or one that failed."""
    payment = _payment_of_intent(refund.get("payment_intent"))
    if payment is None:
        return "unknown payment"
    _apply_refund(payment, refund)
    return f"refund {refund.get('status')}"


def _dispute_payment(dispute: dict) -> Payment | None:
    if not isinstance(dispute.get("id"), str):
        return None
    return _payment_of_intent(dispute.get("payment_intent"))


def _dispute_opened(dispute: dict) -> str:
    """charge.dispute.created (and .updated): the order is flagged, organizers told."""
    payment = _dispute_payment(dispute)
    if payment is None:
        return "unknown payment"
    disputes.record_dispute(
        payment,
        dispute["id"],
        str(dispute.get("status") or "needs_response"),
        int(dispute.get("amount") or 0),
        str(dispute.get("reason") or ""),
    )
    return f"dispute {dispute.get('status')}"


def _dispute_closed(dispute: dict) -> str:
    payment = _dispute_payment(dispute)
    if payment is None:
        return "unknown payment"
    disputes.record_dispute_closed(payment, dispute["id"], str(dispute.get("status") or ""))
    return f"dispute closed {dispute.get('status')}"


HANDLERS = {
    "checkout.session.completed": _on_session(apply_session),
    "checkout.session.async_payment_succeeded": _on_session(_record_paid),
    "checkout.session.async_payment_failed": _on_session(_async_failed),
    "checkout.session.expired": _on_session(_expired),
    "charge.refunded": _charge_refunded,
    "charge.refund.updated": _refund_changed,
    "refund.created": _refund_changed,
    "refund.updated": _refund_changed,
    "refund.failed": _refund_changed,
    "charge.dispute.created": _dispute_opened,
    "charge.dispute.updated": _dispute_opened,
    "charge.dispute.closed": _dispute_closed,
}
