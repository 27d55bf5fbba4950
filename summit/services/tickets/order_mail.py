"""Emails about orders, queued in the outbox in the caller's transaction.

Ticket and invoice PDFs are attached as document references, rendered by the worker
when it sends (services/tickets/documents.py). The receipt of a paid order is a link to
its PDF: the kvitto is a page of tables that costs WeasyPrint twice what a ticket does
(bench/mail.py), and a buyer who wants it for their books gets it in one click.
"""

from flask_babel import gettext as _

from ...i18n import money
from ...models import Order, OrderStatus, Payment
from ...urls import external_url
from ..mail import Attachment, queue_mail


def order_url(order: Order) -> str:
    return external_url("tickets.order", slug=order.event.slug, token=order.token)


def _organizers(order: Order) -> list[str]:
    from ..payments.core import organizer_emails

    return organizer_emails(order.event)


def receipt_url(order: Order) -> str:
    return external_url("tickets.receipt_pdf", slug=order.event.slug, token=order.token)


def order_confirmed(order: Order) -> None:
    """Tickets (one PDF each) and, bought on invoice, the invoice, to the buyer; a paid
    order's receipt as a link."""
    attachments = [
        Attachment.pdf(f"biljett-{order.reference}-{n}.pdf", f"ticket:{ticket.id}")
        for n, ticket in enumerate(order.valid_tickets, start=1)
    ]
    if order.status is OrderStatus.INVOICED:
        attachments.append(Attachment.pdf(f"faktura-{order.reference}.pdf", f"invoice:{order.id}"))
    paid = order.status is OrderStatus.PAID and order.total > 0
    queue_mail(
        order.buyer_email,
        "order_confirmed",
        subject=lambda: _("Your tickets for %(event)s", event=order.event.name),
        locale=order.locale,
        attachments=attachments,
        order=order,
        event=order.event,
        link=order_url(order),
        receipt_link=receipt_url(order) if paid else "",
    )


def _notice(to: str, locale: str, subject, lines, order: Order, link_label=None) -> None:
    if not to:
        return
    queue_mail(
        to,
        "notice",
        subject=subject,
        locale=locale,
        lines=lines,
        order=order,
        link=order_url(order),
        link_label=link_label,
    )


def _to_organizers(order: Order, subject, lines) -> None:
    for email in _organizers(order):
        queue_mail(
            email,
            "notice",
            subject=subject,
            locale="sv",
            lines=lines,
            order=order,
            link=external_url(
                "tickets.order_detail", slug=order.event.slug, reference=order.reference
            ),
            link_label=lambda: _("Open the order"),
        )


def payment_mismatch(order: Order, payment: Payment, amount: int, currency: str) -> None:
    _to_organizers(
        order,
        lambda: _("Payment does not match order %(ref)s", ref=order.reference),
        lambda: [
            _(
                "A payment of %(got)s arrived for order %(ref)s, which costs %(want)s. The "
                "order was not marked paid; please check it.",
                got=money(amount, currency.upper()),
                ref=order.reference,
                want=money(payment.amount, payment.currency),
            )
        ],
    )


def late_payment_kept(order: Order) -> None:
    _to_organizers(
        order,
        lambda: _("Late payment kept: order %(ref)s", ref=order.reference),
        lambda: [
            _(
                "Order %(ref)s was paid after its reservation had expired. The seats were "
                "still free, so the order is kept and the buyer has their tickets.",
                ref=order.reference,
            )
        ],
    )


def payment_refunded_automatically(order: Order, payment: Payment, reason: str) -> None:
    if reason == "paid_twice":
        to_buyer = to_organizers = lambda: [  # noqa: E731
            _(
                "Order %(ref)s was paid twice. The second payment has been refunded.",
                ref=order.reference,
            )
        ]
    elif reason == "superseded":
        to_buyer = lambda: [  # noqa: E731
            _(
                "A payment for order %(ref)s came from a checkout you had left for another "
                "way to pay. The order is settled that other way, so this payment has been "
                "refunded to you.",
                ref=order.reference,
            )
        ]
        to_organizers = lambda: [  # noqa: E731
            _(
                "Order %(ref)s was paid on a checkout the buyer had left for another way to "
                "pay. That payment has been refunded to the buyer.",
                ref=order.reference,
            )
        ]
    else:
        to_buyer = lambda: [  # noqa: E731
            _(
                "Your payment for order %(ref)s arrived after the reservation had ended, and "
                "the tickets were sold out by then. The whole amount has been refunded to you.",
                ref=order.reference,
            )
        ]
        to_organizers = lambda: [  # noqa: E731
            _(
                "Order %(ref)s was paid after its reservation had ended, when the tickets were "
                "sold out. The whole payment has been refunded to the buyer.",
                ref=order.reference,
            )
        ]
    _notice(
        order.buyer_email, order.locale, lambda: _("Your payment was refunded"), to_buyer, order
    )
    _to_organizers(
        order, lambda: _("Automatic refund: order %(ref)s", ref=order.reference), to_organizers
    )


def refund_failed(order: Order, payment: Payment, error: str) -> None:
    _to_organizers(
        order,
        lambda: _("Refund failed: order %(ref)s", ref=order.reference),
        lambda: [
            _(
                "Order %(ref)s must be refunded, but the payment provider refused: %(error)s. "
                "Please refund it by hand.",
                ref=order.reference,
                error=error,
            )
        ],
    )


def refund_reversed(order: Order, payment: Payment, amount: int) -> None:
    """A refund failed or was canceled at the provider after it was made."""
    _to_organizers(
        order,
        lambda: _("Refund did not go through: order %(ref)s", ref=order.reference),
        lambda: [
            _(
                "The refund of %(amount)s for order %(ref)s failed at the payment provider, "
                "so the money was not given back. The tickets it had refunded are valid "
                "again. Refund the order again from its page.",
                amount=money(amount, payment.currency),
                ref=order.reference,
            )
        ],
    )


def dispute_opened(order: Order, payment: Payment) -> None:
    """The buyer's bank disputes a payment (a chargeback)."""
    _to_organizers(
        order,
        lambda: _("Payment disputed: order %(ref)s", ref=order.reference),
        lambda: [
            _(
                "The buyer's bank has opened a dispute on the payment of %(amount)s for order "
                "%(ref)s, and the money is held back meanwhile. Answer the dispute at Stripe. "
                "On the order page, choose whether the tickets stay valid or are cancelled.",
                amount=money(payment.dispute_amount or payment.amount, payment.currency),
                ref=order.reference,
            )
        ],
    )


def dispute_closed(order: Order, payment: Payment) -> None:
    """The bank decided a dispute."""
    won = payment.dispute_status in ("won", "warning_closed", "prevented")
    _to_organizers(
        order,
        lambda: _("Dispute closed: order %(ref)s", ref=order.reference),
        lambda: [
            _(
                "The dispute on order %(ref)s was decided in your favour: the money stays.",
                ref=order.reference,
            )
            if won
            else _(
                "The dispute on order %(ref)s was lost: the money went back to the buyer.",
                ref=order.reference,
            )
        ],
    )


def payment_failed(order: Order) -> None:
    _notice(
        order.buyer_email,
        order.locale,
        lambda: _("Your payment did not go through"),
        lambda: [
            _(
                "The payment for order %(ref)s failed. If your reservation is still valid you "
                "can try again from the order page.",
                ref=order.reference,
            )
        ],
        order,
        link_label=lambda: _("Open your order"),
    )


def order_refunded(order: Order, amount: int) -> None:
    _notice(
        order.buyer_email,
        order.locale,
        lambda: _("Refund for order %(ref)s", ref=order.reference),
        lambda: [
            _(
                "We have refunded %(amount)s for order %(ref)s. It may take a few days to show "
                "in your account.",
                amount=money(amount, order.event.currency),
                ref=order.reference,
            )
        ],
        order,
        link_label=lambda: _("Open your order"),
    )


def order_cancelled(order: Order) -> None:
    _notice(
        order.buyer_email,
        order.locale,
        lambda: _("Order %(ref)s is cancelled", ref=order.reference),
        lambda: [
            _(
                "Your order %(ref)s for %(event)s has been cancelled and its tickets are no "
                "longer valid. Contact the organizer if this is a surprise.",
                ref=order.reference,
                event=order.event.name,
            )
        ],
        order,
    )


def event_reminder(order: Order) -> None:
    """The day before an online or hybrid event: when, and the stream link."""
    queue_mail(
        order.buyer_email,
        "event_reminder",
        subject=lambda: _("Tomorrow: %(event)s", event=order.event.name),
        locale=order.locale,
        order=order,
        event=order.event,
        link=order_url(order),
    )
