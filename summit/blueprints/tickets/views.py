"""The ticket shop, checkout and the buyer's order page (reached by its secret link)."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...access import public
from ...extensions import limiter
from ...forms import form_page
from ...models import OrderStatus, PaymentMethod, TicketStatus, utcnow
from ...services import documents, events, ordering
from ...services.ordering import AttendeeDetails, BuyerDetails, OrderError
from ...services.payments import core as payments
from ...services.payments.base import PaymentError
from .forms import AttendeeEditForm, CheckoutForm, ShopForm
from .messages import order_error_message

bp = Blueprint("tickets", __name__)


def _event(slug):
    event = events.get_public_event(slug)
    if event is None:
        abort(404)
    return event


def _order(slug, token):
    order = ordering.get_order(token)
    if order is None or order.event.slug != slug:
        abort(404)
    return order


def _reservation_limit():
    return current_app.config["RESERVATION_RATE_LIMIT"]


def _quantities(form_data) -> dict[int, int]:
    """qty-<id> fields as {ticket type id: quantity}; garbage raises OrderError."""
    quantities = {}
    for key, value in form_data.items():
        if not key.startswith("qty-"):
            continue
        type_id, raw = key[4:], value.strip()
        if not type_id.isdigit() or not raw.lstrip("-").isdigit() or len(raw) > 6:
            raise OrderError("bad_quantity")
        quantities[int(type_id)] = int(raw)
    return quantities


@bp.route("/events/<slug>/tickets/", methods=["GET", "POST"])
@limiter.limit(_reservation_limit, methods=["POST"])
@public
def shop(slug):
    event = _event(slug)
    form = ShopForm(code=request.args.get("code", ""))
    error = None
    if form.validate_on_submit():
        try:
            order = ordering.reserve_tickets(
                event,
                _quantities(request.form),
                code=form.code.data,
                locale=str(get_locale() or "sv"),
                user_id=current_user.id if current_user.is_authenticated else None,
            )
        except OrderError as failure:
            error = order_error_message(failure)
        else:
            return redirect(url_for("tickets.checkout", slug=slug, token=order.token))
    elif request.method == "POST":
        error = _("The form had expired. Please choose again.")
    types = ordering.ticket_types_for_sale(event, form.code.data)
    now = utcnow()
    left = ordering.availability(event, types, now)
    chosen = {k: v for k, v in request.form.items() if k.startswith("qty-")}
    return render_template(
        "tickets/shop.html",
        event=event,
        form=form,
        types=types,
        left=left,
        now=now,
        chosen=chosen,
        error=error,
    ), 422 if error else 200


@bp.route("/events/<slug>/orders/<token>/checkout", methods=["GET", "POST"])
@public
def checkout(slug, token):
    order = _order(slug, token)
    now = utcnow()
    if order.status is not OrderStatus.RESERVED or not order.holds_seats(now):
        return redirect(url_for("tickets.order", slug=slug, token=token))
    methods = payments.payment_methods(order)
    form = CheckoutForm()
    form.method.choices = [(m.value, m.label) for m in methods]
    if request.method == "GET":
        while len(form.attendees) < len(order.tickets):
            form.attendees.append_entry()
        for entry, ticket in zip(form.attendees, order.tickets, strict=True):
            entry.form.name.data = entry.form.name.data or ticket.attendee_name
        form.method.data = methods[0].value
        if current_user.is_authenticated:
            form.buyer_email.data = current_user.email
            form.buyer_name.data = current_user.name
    error = None
    if form.validate_on_submit():
        if len(form.attendees) != len(order.tickets):
            abort(400)
        details = (
            BuyerDetails(
                form.buyer_name.data, form.buyer_email.data, form.buyer_organisation.data or ""
            ),
            [AttendeeDetails(**entry.data) for entry in form.attendees],
        )
        try:
            invoice = None
            method = PaymentMethod(form.method.data)
            if method is PaymentMethod.INVOICE:
                invoice = payments.InvoiceDetails(
                    organisation=form.buyer_organisation.data,
                    org_number=form.org_number.data,
                    address=form.invoice_address.data,
                    reference=form.invoice_reference.data or "",
                )
            url = payments.start_payment(order, method, invoice, details)
        except OrderError as failure:
            error = order_error_message(failure)
        except PaymentError:
            error = _("The payment could not be started. Please try again in a moment.")
        else:
            if url:
                return redirect(url)
            flash(
                _("Thank you! Your order is confirmed and the tickets are on their way by email."),
                "success",
            )
            return redirect(url_for("tickets.order", slug=slug, token=token))
    return form_page(
        "tickets/checkout.html", form, order=order, event=order.event, error=error, now=now
    )


@bp.get("/events/<slug>/orders/<token>/")
@public
def order(slug, token):
    found = _order(slug, token)
    return render_template(
        "tickets/order.html",
        order=found,
        event=found.event,
        now=utcnow(),
        invoice=payments.invoice_of(found),
    )


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _ticket(order, number: int):
    if not 1 <= number <= len(order.tickets):
        abort(404)
    return order.tickets[number - 1]


@bp.get("/events/<slug>/orders/<token>/tickets/<int:number>.pdf")
@public
def ticket_pdf(slug, token, number):
    found = _order(slug, token)
    ticket = _ticket(found, number)
    if not found.status.is_confirmed or ticket.status is not TicketStatus.VALID:
        abort(404)
    return _pdf(
        documents.render_document(f"ticket:{ticket.id}"), f"biljett-{found.reference}-{number}.pdf"
    )


@bp.get("/events/<slug>/orders/<token>/tickets.pdf")
@public
def tickets_pdf(slug, token):
    found = _order(slug, token)
    if not found.status.is_confirmed or not found.valid_tickets:
        abort(404)
    return _pdf(
        documents.render_document(f"tickets:{found.id}"), f"biljetter-{found.reference}.pdf"
    )


@bp.get("/events/<slug>/orders/<token>/receipt.pdf")
@public
def receipt_pdf(slug, token):
    found = _order(slug, token)
    if found.status is not OrderStatus.PAID and found.status is not OrderStatus.REFUNDED:
        abort(404)
    return _pdf(documents.render_document(f"receipt:{found.id}"), f"kvitto-{found.reference}.pdf")


@bp.get("/events/<slug>/orders/<token>/invoice.pdf")
@public
def invoice_pdf(slug, token):
    found = _order(slug, token)
    if payments.invoice_of(found) is None:
        abort(404)
    return _pdf(documents.render_document(f"invoice:{found.id}"), f"faktura-{found.reference}.pdf")


@bp.route("/events/<slug>/orders/<token>/attendees/<int:number>", methods=["GET", "POST"])
@public
def edit_attendee(slug, token, number):
    found = _order(slug, token)
    ticket = _ticket(found, number)
    if ticket.status is not TicketStatus.VALID or found.status not in (
        OrderStatus.PAID,
        OrderStatus.INVOICED,
        OrderStatus.PENDING,
    ):
        abort(404)
    form = AttendeeEditForm()
    if request.method == "GET":
        form.attendee.form.process(
            data={
                "name": ticket.attendee_name,
                "email": ticket.attendee_email,
                "organisation": ticket.attendee_organisation,
                "dietary_needs": ticket.dietary_needs,
                "accessibility_needs": ticket.accessibility_needs,
            }
        )
    if form.validate_on_submit():
        ordering.change_attendee(ticket, AttendeeDetails(**form.attendee.data))
        flash(_("Saved. The ticket now carries the new name."), "success")
        return redirect(url_for("tickets.order", slug=slug, token=token))
    return form_page(
        "tickets/attendee.html", form, order=found, event=found.event, ticket=ticket, number=number
    )
