"""The development payment provider's page: a stand-in for the bank, clearly labelled,
refused in production and whenever Stripe keys are set."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...access import public
from ...models import PaymentMethod, PaymentStatus
from ...services.payments import core as payments
from ...services.payments.base import dev_payments_allowed
from ...services.tickets import ordering
from .forms import DevPaymentForm


@public
def dev_pay(token, ref):
    if not dev_payments_allowed():
        abort(404)
    order = ordering.get_order(token)
    payment = payments.find_payment(PaymentMethod.DEV, ref)
    if order is None or payment is None or payment.order_id != order.id:
        abort(404)
    form = DevPaymentForm()
    if form.validate_on_submit() and payment.status is PaymentStatus.CREATED:
        if form.fail.data:
            payments.record_payment_pending(payment)
            payments.record_payment_failed(payment)
            # The checkout says the payment did not go through, and lets the buyer retry.
            return redirect(url_for("tickets.checkout", slug=order.event.slug, token=order.token))
        else:
            payments.record_payment(payment, payment.amount, payment.currency, intent=ref)
            flash(
                _("Thank you! Your order is paid and the tickets are on their way by email."),
                "success",
            )
        return redirect(url_for("tickets.order", slug=order.event.slug, token=order.token))
    return render_template(
        "payments/dev.html", order=order, payment=payment, form=form, title=_("Test payment")
    )
