"""Stripe's pages: where the buyer comes back from Checkout, and the webhook.

Neither trusts the browser: the return page asks Stripe for the Checkout Session
itself, and the webhook accepts only events signed with STRIPE_WEBHOOK_SECRET.
"""

import logging

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _

from ...access import public
from ...extensions import csrf
from ...metrics import WEBHOOKS
from ...models import OrderStatus, PaymentMethod, PaymentStatus
from ...services.payments import core as payments
from ...services.payments import stripe_webhooks
from ...services.payments.base import PaymentError
from ...services.tickets import ordering

log = logging.getLogger(__name__)


@public
def stripe_return(token):
    order = ordering.get_order(token)
    session_id = request.args.get("session_id", "")
    payment = payments.find_payment(PaymentMethod.STRIPE, session_id) if session_id else None
    if order is None or payment is None or payment.order_id != order.id:
        abort(404)
    order_page = url_for("tickets.order", slug=order.event.slug, token=order.token)
    try:
        status = stripe_webhooks.sync_session(payment)
    except PaymentError as error:
        log.warning("Checking Checkout Session %s failed: %s", session_id, error)
        flash(
            _(
                "We could not confirm your payment with the payment provider just now. "
                "If you paid, your tickets will arrive by email as soon as it is confirmed."
            ),
            "info",
        )
        return redirect(order_page)
    if status is OrderStatus.PAID:
        flash(
            _("Thank you! Your order is confirmed and the tickets are on their way by email."),
            "success",
        )
    elif status is OrderStatus.PENDING:
        flash(
            _(
                "Thank you! Your payment is being processed. We will email your tickets as "
                "soon as it is confirmed."
            ),
            "info",
        )
    elif status is OrderStatus.RESERVED:
        flash(_("The payment was not completed. You can try again."), "error")
    return redirect(order_page)


@public
def stripe_cancel(token):
    """Where Stripe sends a buyer who leaves its page without paying: the session is
    ended at Stripe and the buyer is back at the checkout, told that the payment did
    not go through and able to try again."""
    order = ordering.get_order(token)
    if order is None:
        abort(404)
    status = order.status
    for payment in order.payments:
        if payment.method is PaymentMethod.STRIPE and payment.status is PaymentStatus.CREATED:
            try:
                status = stripe_webhooks.abandon_session(payment)
            except PaymentError as error:
                log.warning("Ending Checkout Session %s failed: %s", payment.provider_ref, error)
    if status in (OrderStatus.PAID, OrderStatus.PENDING):
        return redirect(url_for("tickets.order", slug=order.event.slug, token=order.token))
    return redirect(url_for("tickets.checkout", slug=order.event.slug, token=order.token))


@public
@csrf.exempt  # Stripe cannot send a CSRF token; the signature proves the sender
def stripe_webhook():
    try:
        event = stripe_webhooks.verify(request.get_data(), request.headers.get("Stripe-Signature"))
    except stripe_webhooks.BadWebhook as error:
        log.warning("Refused a Stripe webhook: %s", error)
        WEBHOOKS.labels("refused").inc()
        return jsonify(error="invalid webhook"), 400
    try:
        outcome = stripe_webhooks.handle_event(event)
    except PaymentError as error:
        # Stripe could not be asked (e.g. for a charge's refunds): a failure status makes
        # Stripe deliver the event again later.
        log.warning("Stripe event %s could not be handled yet: %s", event["id"], error)
        WEBHOOKS.labels("failed").inc()
        return jsonify(error="try again later"), 503
    log.info("Stripe event %s (%s): %s", event["id"], event["type"], outcome)
    WEBHOOKS.labels("handled").inc()
    return jsonify(received=True)
