"""Stripe Checkout: the buyer pays on Stripe's page, by card or one of the local methods
enabled on the account (Swish, Klarna, ...); Stripe tells us by webhook.

Everything goes through the official library's StripeClient, with network retries and
idempotency keys, so a retried request never creates a second session or refund.
STRIPE_API_BASE points it elsewhere (the tests' fake of the Stripe API).
"""

import secrets
from collections import Counter
from datetime import datetime, timedelta

import stripe
from flask import current_app
from flask_babel import force_locale

from ...models import Order, Payment, PaymentMethod, TicketStatus, utcnow
from ...urls import external_url
from .base import PaymentError, ProviderRefund

# Stripe accepts a Checkout Session's expires_at from 30 minutes to 24 hours after it
# is created; the margin covers the time the request takes.
SESSION_MIN = timedelta(minutes=30)
SESSION_MAX = timedelta(hours=24)
MARGIN = timedelta(minutes=1)
CHECKOUT_LOCALES = {"sv", "en"}
# Seconds to connect and to wait for an answer (the library's default is 80): a buyer
# waits on the checkout page meanwhile.
TIMEOUT = (5, 20)


def make_client() -> stripe.StripeClient:
    config = current_app.config
    base = (config.get("STRIPE_API_BASE") or "").rstrip("/")
    return stripe.StripeClient(
        config["STRIPE_SECRET_KEY"],
        base_addresses={"api": base} if base else None,
        max_network_retries=2,
        http_client=stripe.RequestsClient(timeout=TIMEOUT),
    )


def payment_error(error: stripe.StripeError) -> PaymentError:
    """A Stripe failure as the PaymentError the rest of summit understands."""
    if isinstance(error, stripe.APIConnectionError):
        reason = "provider_unreachable"
    elif isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        reason = "provider_misconfigured"
    else:
        reason = "provider_refused"
    message = getattr(error, "user_message", None) or str(error)
    return PaymentError(reason, f"Stripe {type(error).__name__}: {message}")


def session_expiry(order: Order, now: datetime) -> datetime:
    """When the Checkout Session should end: with the reservation, which is moved later
    when it ends sooner than Stripe allows. Returns the session's end."""
    earliest = now + SESSION_MIN + MARGIN
    if order.expires_at < earliest:
        order.expires_at = earliest.replace(microsecond=0)
    return min(order.expires_at, now + SESSION_MAX - MARGIN)


def line_items(order: Order) -> list[dict]:
    """One line per ticket type and price (a discount code may lower some of them), in
    the buyer's language. Free tickets are not charged and not listed."""
    counts = Counter(
        (ticket.ticket_type, ticket.price)
        for ticket in order.tickets
        if ticket.status is TicketStatus.VALID and ticket.price > 0
    )
    currency = order.event.currency.lower()
    with force_locale(order.locale):
        event_name = order.event.name
        return [
            {
                "quantity": quantity,
                "price_data": {
                    "currency": currency,
                    "unit_amount": price,
                    "product_data": {"name": ticket_type.name, "description": event_name},
                },
            }
            for (ticket_type, price), quantity in sorted(
                counts.items(), key=lambda item: (item[0][0].position, item[0][0].id, -item[0][1])
            )
        ]


class StripeProvider:
    method = PaymentMethod.STRIPE
    remote = True

    def __init__(self, client: stripe.StripeClient | None = None):
        self._client = client

    @property
    def client(self) -> stripe.StripeClient:
        if self._client is None:
            self._client = make_client()
        return self._client

    def start(self, order: Order, payment: Payment) -> str:
        expires_at = session_expiry(order, utcnow())
        metadata = {"order_reference": order.reference, "payment_id": str(payment.id)}
        # Leaving Stripe's page without paying ends this session (payments.stripe_cancel).
        cancel_page = external_url("payments.stripe_cancel", token=order.token)
        params = {
            "mode": "payment",
            # No payment_method_types: Stripe offers card and every local method the
            # account has enabled for SEK (Swish, Klarna, ...).
            "line_items": line_items(order),
            "client_reference_id": order.reference,
            "metadata": metadata,
            "payment_intent_data": {
                "description": f"{order.event.slug} {order.reference}",
                "metadata": metadata,
            },
            "locale": order.locale if order.locale in CHECKOUT_LOCALES else "auto",
            "expires_at": int(expires_at.timestamp()),
            "success_url": external_url("payments.stripe_return", token=order.token)
            + "?session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": cancel_page,
        }
        if order.buyer_email:
            params["customer_email"] = order.buyer_email
        # A fresh key for each attempt: the library's own retries of this request reuse
        # it, while a new attempt (after an error) gets a new session.
        key = f"checkout-{payment.id}-{secrets.token_hex(8)}"
        try:
            session = self.client.v1.checkout.sessions.create(
                params, options={"idempotency_key": key}
            )
        except stripe.StripeError as error:
            raise payment_error(error) from error
        payment.provider_ref = session.id
        return session.url

    def cancel(self, payment: Payment) -> bool:
        """Expire the Checkout Session so it cannot be paid any more. True when it can no
        longer be paid (expired now or before), False when the buyer completed it (paid,
        or waiting for the bank): then there was nothing left to stop."""
        if not payment.provider_ref:
            return True
        try:
            self.client.v1.checkout.sessions.expire(payment.provider_ref)
        except stripe.InvalidRequestError as error:
            # Stripe refuses to expire a session that is not open; whether that is the
            # reason is read from the session itself, not from the error's wording.
            status = self.retrieve_session(payment.provider_ref).get("status")
            if status == "open":
                raise payment_error(error) from error
            return status != "complete"
        except stripe.StripeError as error:
            raise payment_error(error) from error
        return True

    def refund(self, payment: Payment, amount: int, idempotency_key: str) -> ProviderRefund:
        if not payment.provider_intent:
            raise PaymentError("provider_refused", f"payment {payment.id} has no PaymentIntent")
        try:
            refund = self.client.v1.refunds.create(
                {
                    "payment_intent": payment.provider_intent,
                    "amount": amount,
                    "metadata": {
                        "order_reference": payment.order.reference,
                        "payment_id": str(payment.id),
                    },
                },
                # The session id makes the caller's key unique across databases too.
                options={"idempotency_key": f"{idempotency_key}-{payment.provider_ref}"},
            )
        except stripe.StripeError as error:
            raise payment_error(error) from error
        # Not every refund is final at once: Stripe may answer pending or requires_action.
        return ProviderRefund(refund.id, refund.status or "pending")

    def retrieve_session(self, session_id: str) -> dict:
        """The Checkout Session as Stripe has it now (a plain dict)."""
        try:
            return self.client.v1.checkout.sessions.retrieve(session_id).to_dict()
        except stripe.StripeError as error:
            raise payment_error(error) from error

    def list_refunds(self, payment_intent: str) -> list[dict]:
        """Every refund of a PaymentIntent (plain dicts)."""
        try:
            page = self.client.v1.refunds.list({"payment_intent": payment_intent, "limit": 100})
            return [refund.to_dict() for refund in page.auto_paging_iter()]
        except stripe.StripeError as error:
            raise payment_error(error) from error
