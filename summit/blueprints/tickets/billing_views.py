"""An order's invoices and credit notes, as PDF and as Peppol e-invoice (UBL XML): for
the buyer under the order's secret link, for organizers on the order's page, with how
the e-invoice's sending through the access point goes."""

from flask import Response, abort, flash, g, redirect, url_for
from flask_babel import gettext as _

from ...access import event_role_required, public
from ...forms import ButtonForm
from ...models import DeliveryState, Role
from ...services import billing
from ...services.billing import delivery, peppol
from ...services.billing.pdf import document_pdf
from ...services.tickets import ordering, sales
from ..lookup import found_or_404

ORGANIZER = Role.ORGANIZER


def order_documents(order) -> dict:
    """What the order pages show of the order's documents (template context)."""
    return {
        "documents": billing.documents_of(order),
        "deliveries": delivery.deliveries_of(order),
        "send_again_form": ButtonForm(),
    }


def _pdf_name(document) -> str:
    return peppol.filename(document).removesuffix(".xml") + ".pdf"


def _file(data: bytes, mimetype: str, filename: str, disposition: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _pdf(document) -> Response:
    return _file(document_pdf(document), "application/pdf", _pdf_name(document), "inline")


def _xml(document) -> Response:
    return _file(peppol.ubl(document), "application/xml", peppol.filename(document), "attachment")


def _buyers_document(slug, token, number):
    order = ordering.get_order(token)
    if order is None or order.event.slug != slug:
        abort(404)
    return found_or_404(billing.document_of(order, number))


@public
def document_pdf_for_buyer(slug, token, number):
    return _pdf(_buyers_document(slug, token, number))


@public
def document_xml_for_buyer(slug, token, number):
    return _xml(_buyers_document(slug, token, number))


def _organizers_document(reference, number):
    order = found_or_404(sales.find_order(g.event, reference))
    return found_or_404(billing.document_of(order, number))


@event_role_required(ORGANIZER)
def document_pdf_for_organizer(slug, reference, number):
    return _pdf(_organizers_document(reference, number))


@event_role_required(ORGANIZER)
def document_xml_for_organizer(slug, reference, number):
    return _xml(_organizers_document(reference, number))


@event_role_required(ORGANIZER)
def send_again(slug, reference, number):
    """Another round of attempts for an e-invoice whose sending failed."""
    document = _organizers_document(reference, number)
    if not ButtonForm().validate_on_submit():
        abort(400)
    sending = delivery.deliveries_of(document.order).get(document.id)
    if sending is None or sending.state is not DeliveryState.FAILED:
        abort(404)
    delivery.send_again(sending)
    flash(_("The e-invoice %(number)s is sent again.", number=document.number), "success")
    return redirect(url_for("tickets.order_detail", slug=slug, reference=document.order.reference))
