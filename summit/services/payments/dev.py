"""The development provider: a page of our own that pretends to be the bank.

Used when no Stripe keys are set, so the whole flow runs on a laptop; refused in
production (see base.dev_payments_allowed).
"""

import secrets

from ...models import Order, Payment, PaymentMethod
from ...urls import external_url
from .base import ProviderRefund


class DevProvider:
    method = PaymentMethod.DEV
    remote = False

    def start(self, order: Order, payment: Payment) -> str:
        payment.provider_ref = "dev_" + secrets.token_urlsafe(16)
        return external_url("payments.dev_pay", token=order.token, ref=payment.provider_ref)

    def cancel(self, payment: Payment) -> bool:
        return True

    def refund(self, payment: Payment, amount: int, idempotency_key: str) -> ProviderRefund:
        return ProviderRefund("dev_re_" + secrets.token_urlsafe(12), "succeeded")
