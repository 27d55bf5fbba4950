"""Mail about invoices and credit notes, queued in the caller's transaction."""

from flask_babel import gettext as _

from ...i18n import money
from ...models.billing import Invoice
from ..mail import Attachment, queue_mail


def credit_note_issued(document: Invoice) -> None:
    """The buyer gets the kreditfaktura, as their finance department books it."""
    from ..tickets.order_mail import order_url  # tickets builds on billing

    order = document.order
    if not document.buyer_email:
        return
    queue_mail(
        document.buyer_email,
        "notice",
        subject=lambda: _(
            "Credit note %(number)s for order %(ref)s", number=document.number, ref=order.reference
        ),
        locale=document.locale,
        attachments=[
            Attachment.pdf(f"kreditfaktura-{document.number}.pdf", f"billing:{document.id}")
        ],
        lines=lambda: [
            _(
                "Credit note %(number)s lowers what invoice %(invoice)s asks for by %(amount)s. "
                "It is attached for your bookkeeping.",
                number=document.number,
                invoice=document.credits.number,
                amount=money(document.amount, document.currency),
            )
        ],
        order=order,
        link=order_url(order),
        link_label=lambda: _("Open your order"),
    )
