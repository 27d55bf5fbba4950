"""The PDF of an invoice or credit note: rendered from its snapshot the first time it
is asked for, then kept and handed out unchanged (the law keeps it as it was sent)."""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update

from ...extensions import db
from ...models.billing import Invoice
from ..pdf import html_to_pdf
from . import issue
from .amounts import totals


def document_pdf(document: Invoice) -> bytes:
    """The document's PDF, made once. Two asking at once may both render it; the first
    to store it wins and both hand out what is stored."""
    if document.pdf is not None:
        return document.pdf
    data = render(document)
    db.session.execute(
        update(Invoice)
        .where(Invoice.id == document.id, Invoice.pdf.is_(None))
        .values(pdf=data)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(document)
    return document.pdf


def _seller(document: Invoice) -> dict:
    """The seller as the document was issued (an invoice from before the snapshot was
    kept names the seller as configured)."""
    now = issue.seller()
    address = document.seller_address or now.address
    scheme = document.pay_to_scheme or "bankgiro"
    return {
        "name": document.seller_name or now.name,
        "address_lines": [line for line in address.splitlines() if line.strip()],
        "org_number": document.seller_org_number or now.org_number,
        "vat_number": document.seller_vat_number or now.vat_number,
        "pay_label": pay_label(scheme),
        "bankgiro": document.pay_to_account or now.pay_to_account,
        "bic": document.pay_to_bic,
    }


def pay_label(scheme: str) -> str:
    return {"bankgiro": _("Bankgiro"), "plusgiro": _("PlusGiro"), "iban": _("IBAN")}[scheme]


def render(document: Invoice) -> bytes:
    from ..tickets.documents import day, percent  # the documents' shared formats

    order = document.order
    with force_locale(document.locale or "sv"):
        sums = totals(document.lines)
        rates = [
            {"percent": r.percent, "net": r.net, "vat": r.vat, "gross": r.net + r.vat}
            for r in sums.rates
        ]
        address = [line.strip() for line in document.buyer_address.splitlines() if line.strip()]
        if address and address[0].casefold() == document.buyer_name.strip().casefold():
            address = address[1:]
        html = current_app.jinja_env.get_template("documents/billing.html").render(
            document=document,
            credited=document.credits,
            order=order,
            event=order.event,
            seller=_seller(document),
            sums=sums,
            rates=rates,
            issued_on=day(document.issued_on),
            due_on=day(document.due_on),
            terms_days=max((document.due_on - document.issued_on).days, 0),
            address_lines=address,
            lang=document.locale or "sv",
            percent=percent,
        )
    return html_to_pdf(html)
