"""The interface every payment provider offers, and the registry of providers."""

from typing import NamedTuple, Protocol

from flask import current_app
from flask_babel import gettext as _

from ...models import Order, Payment, PaymentMethod
from ..refusal import Refusal


class PaymentError(Refusal):
    """The provider refused or could not be reached: `reason` says which
    (provider_unreachable, provider_misconfigured, provider_refused, dev_refused),
    `detail` what happened, for the log."""

    messages = dict.fromkeys(
        ("provider_unreachable", "provider_misconfigured", "provider_refused", "dev_refused"),
        lambda p: _("The payment could not be started. Please try again in a moment."),
    )

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason, detail=detail)
        self.detail = detail


class ProviderRefund(NamedTuple):
    """A refund as the provider made it: its reference and status (pending,
    requires_action, succeeded, failed or canceled, as Stripe says)."""

    ref: str
    status: str


class Provider(Protocol):
    """A way to pay that sends the buyer elsewhere (Stripe Checkout, the dev page)."""

    method: PaymentMethod
    remote: bool  # True: start() calls a service over the network

    def start(self, order: Order, payment: Payment) -> str:
        """Prepare the payment (set payment.provider_ref) and return the URL to send the
        buyer to. May move order.expires_at later when the provider needs it."""

    def cancel(self, payment: Payment) -> bool:
        """Stop a payment that has not been made (e.g. expire a Checkout Session). True
        when it can no longer be paid; False when the buyer completed it meanwhile."""

    def refund(self, payment: Payment, amount: int, idempotency_key: str) -> ProviderRefund:
        """Pay `amount` öre back; returns the provider's refund reference and status."""


def stripe_configured() -> bool:
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def dev_payments_allowed() -> bool:
    """The development provider runs only without Stripe keys, and never in production."""
    return not stripe_configured() and current_app.config.get("SUMMIT_ENV") != "production"


def get_provider(method: PaymentMethod) -> Provider:
    if method is PaymentMethod.STRIPE:
        from .stripe import StripeProvider

        return StripeProvider()
    if method is PaymentMethod.DEV:
        if not dev_payments_allowed():
            raise PaymentError("dev_refused")
        from .dev import DevProvider

        return DevProvider()
    raise ValueError(f"{method} does not send the buyer anywhere")
