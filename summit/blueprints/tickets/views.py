"""The ticket shop, checkout and the buyer's order page (reached by its secret link)."""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_time, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ... import code_attempts
from ...access import public
from ...extensions import db, limiter
from ...forms import ButtonForm, form_page, show_refusal
from ...models import OrderStatus, PaymentMethod, TicketStatus, utcnow
from ...services import billing
from ...services.payments import core as payments
from ...services.payments.base import PaymentError
from ...services.tickets import addons, documents, ordering, questions, renewal, self_service
from ...services.tickets.ordering import AttendeeDetails, BuyerDetails, OrderError
from ..lookup import public_event_or_404
from . import addon_views, billing_views
from .forms import AttendeeEditForm, CheckoutForm, ShopForm


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


def _held_key(event) -> str:
    return f"reservation:{event.id}"


def _held_token(event) -> str | None:
    """The token of this browser's reservation for the event (it holds one at a time)."""
    token = session.get(_held_key(event))
    return token if isinstance(token, str) else None


def _hold(event, order) -> None:
    session[_held_key(event)] = order.token


def _reserver():
    """Who reserves: the signed-in person and the client's address (for the cap)."""
    user_id = current_user.id if current_user.is_authenticated else None
    return user_id, code_attempts.client_address()


def _code_given(form) -> str:
    return (form.code.data or "").strip()


@limiter.limit(_reservation_limit, methods=["POST"])
@public
def shop(slug):
    """The ticket shop. A code (typed, or in a ?code= or ?voucher= link) may unlock
    hidden types, lower prices or give one ticket; wrong codes are counted per client and
    per event (code_attempts), and past the limit no code is looked at for a while."""
    event = public_event_or_404(slug)
    form = ShopForm(code=request.args.get("code") or request.args.get("voucher") or "")
    error = failure = None
    scope = f"event:{event.id}"
    wait = code_attempts.wait_before_code(scope) if _code_given(form) else None
    if wait is not None:
        # Not even looked at: the answer would tell a guesser whether they hit.
        form.code.data, form.code.errors = "", []
        error = _too_many_codes(wait)
    elif form.validate_on_submit():
        user_id, address = _reserver()
        try:
            order = ordering.reserve_tickets(
                event,
                _quantities(request.form),
                code=form.code.data,
                locale=str(get_locale() or "sv"),
                user_id=user_id,
                address=address,
                replaces=_held_token(event),
            )
        except OrderError as refused:
            failure = refused
            error = failure.message
            if refused.reason == "unknown_code":
                code_attempts.wrong_code(scope)
        else:
            _hold(event, order)
            return redirect(url_for("tickets.checkout", slug=slug, token=order.token))
    elif form.code.errors:  # far longer than any code
        code_attempts.wrong_code(scope)
        error = OrderError("unknown_code").message
    elif request.method == "POST":
        error = _("The form had expired. Please choose again.")
    now = utcnow()
    voucher = ordering.find_voucher(event, form.code.data) if form.code.data else None
    mine = _held_token(event)
    if (
        voucher is not None
        and ordering.describe_voucher(voucher, now, mine).reason != "code_voucher"
    ):
        voucher = None  # withdrawn, used or held (by others): it unlocks nothing now
    types = ordering.ticket_types_for_sale(event, form.code.data, voucher)
    left = ordering.availability(event, types, now)
    free_again = ordering.seats_free_again(event, types, left, now)
    if failure is not None and failure.reason in ("sold_out", "event_sold_out"):
        # No seat left only because others hold them unpaid: say when one may come free.
        held = [
            when
            for t in types
            if (when := free_again.get(t.id))
            and (failure.reason == "event_sold_out" or t.name == failure.params.get("name"))
        ]
        if held and not failure.params.get("left"):
            time = format_time(min(held), "HH:mm")
            error = " ".join(
                (
                    _("All seats are reserved right now."),
                    _("Seats may become free again at %(time)s.", time=time),
                )
            )
    # A code in a link (or kept after an error): say what it does before anyone chooses.
    described = ordering.describe_code(event, form.code.data, now, mine) if not error else None
    if described is not None and described.reason == "unknown_code":
        code_attempts.wrong_code(scope)
    code_note = described.message if described is not None else None
    chosen = {k: v for k, v in request.form.items() if k.startswith("qty-")}
    response = render_template(
        "tickets/shop.html",
        event=event,
        form=form,
        types=types,
        left=left,
        free_again=free_again,
        code_note=code_note,
        code_ok=described is not None
        and described.reason in ("code_discount", "code_access", "code_voucher"),
        voucher=voucher,
        held=ordering.open_reservation(event, _held_token(event), now),
        release_form=ButtonForm(formdata=None),
        now=now,
        chosen=chosen,
        error=error,
        addons=addon_views.shop_addons(event, types, now),
    )
    if wait is not None:
        return response, 429, code_attempts.retry_after_header(wait)
    return response, 422 if error else 200


def _too_many_codes(wait: int) -> str:
    minutes = code_attempts.minutes(wait)
    return " ".join(
        (
            _("Too many wrong codes have been tried."),
            ngettext(
                "Please wait %(num)d minute before you try a code again.",
                "Please wait %(num)d minutes before you try a code again.",
                minutes,
            ),
        )
    )


@public
def release(slug, token):
    """The buyer gives the seats of their reservation back (from the shop's box)."""
    order = _order(slug, token)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if ordering.release_reservation(order.event, token):
        flash(_("Your reservation is released and the tickets are back on sale."), "success")
    else:
        flash(_("That reservation had already ended or its payment has started."), "info")
    if _held_token(order.event) == token:
        session.pop(_held_key(order.event), None)
    return redirect(url_for("tickets.shop", slug=slug))


def _fill_from_order(form: CheckoutForm, order, methods) -> None:
    """The checkout form as the buyer left it: the details saved on the order (a payment
    that did not go through, a reservation made again), else the signed-in person."""
    while len(form.attendees) < len(order.tickets):
        form.attendees.append_entry()
    for entry, ticket in zip(form.attendees, order.tickets, strict=True):
        entry.form.name.data = ticket.attendee_name
        entry.form.email.data = ticket.attendee_email
        entry.form.organisation.data = ticket.attendee_organisation
        entry.form.dietary_needs.data = ticket.dietary_needs
        entry.form.accessibility_needs.data = ticket.accessibility_needs
    signed_in = current_user.is_authenticated
    form.buyer_name.data = order.buyer_name or (current_user.name if signed_in else "")
    form.buyer_email.data = order.buyer_email or (current_user.email if signed_in else "")
    form.buyer_organisation.data = order.buyer_organisation
    form.org_number.data = order.org_number
    form.invoice_address.data = order.invoice_address
    form.invoice_reference.data = order.invoice_reference
    values = [m.value for m in methods]
    wanted = request.args.get("method") or (order.payment_method and order.payment_method.value)
    form.method.data = wanted if wanted in values else values[0]


def _typed_details(form: CheckoutForm):
    """What the buyer typed, as details to keep: a field that does not pass its own
    checks (too long, say) is left out rather than stored."""

    def value(field):
        return "" if field.errors else (field.data or "")

    buyer = BuyerDetails(
        value(form.buyer_name), value(form.buyer_email), value(form.buyer_organisation)
    )
    attendees = [
        AttendeeDetails(**{name: value(sub) for name, sub in entry.form._fields.items()})
        for entry in form.attendees
    ]
    invoice = payments.InvoiceDetails(
        organisation=value(form.buyer_organisation),
        org_number=value(form.org_number),
        address=value(form.invoice_address),
        reference=value(form.invoice_reference),
    )
    return buyer, attendees, invoice


def _ended(order, form, now):
    """The checkout of a reservation that ran out: said plainly, with what was typed
    still in the form, and a way to start again (one click while the seats are free)."""
    refused = renewal.renewal_refused(order, now)
    again = renewal.renewed_as(order) if refused and refused.reason == "renewed" else None
    if again is not None:  # made again already: the new reservation is the one to use
        return redirect(url_for("tickets.checkout", slug=order.event.slug, token=again.token))
    return render_template(
        "tickets/checkout.html",
        form=form,
        order=order,
        event=order.event,
        now=now,
        ended=True,
        renewable=refused is None,
        refused=refused.message if refused is not None else None,
        failed=payments.payment_did_not_go_through(order),
        error=None,
        answers=questions.check_answers(order, request.form if request.method == "POST" else None),
    ), 409 if request.method == "POST" else 200


@public
def checkout(slug, token):
    order = _order(slug, token)
    now = utcnow()
    ended = renewal.reservation_ended(order, now)
    if order.status is not OrderStatus.RESERVED and not ended:
        return redirect(url_for("tickets.order", slug=slug, token=token))
    methods = payments.payment_methods(order)
    form = CheckoutForm()
    if not order.tickets:  # a follow-up order for add-ons: the buyer's details only
        form.attendees.entries = []
    form.method.choices = [(m.value, m.label) for m in methods]
    if request.method == "GET":
        _fill_from_order(form, order, methods)
    elif len(form.attendees) != len(order.tickets):
        abort(400)
    if ended:
        return _ended(order, form, now)
    error = None
    answers = questions.check_answers(order, request.form if request.method == "POST" else None)
    picked = addon_views.posted_choices(len(order.tickets))
    if form.validate_on_submit() and not answers.errors:
        details = (
            BuyerDetails(
                form.buyer_name.data, form.buyer_email.data, form.buyer_organisation.data or ""
            ),
            [AttendeeDetails(**entry.data) for entry in form.attendees],
            answers,
        )
        try:
            if picked is not None:
                addons.choose_addons(order, picked)
                # A free ticket with a paid add-on is paid for after all: offer the ways.
                methods = payments.payment_methods(order)
                form.method.choices = [(m.value, m.label) for m in methods]
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
            if failure.reason == "expired":
                # It ran out while the buyer was typing: keep what they typed.
                db.session.expire(order)
                return _ended(order, form, utcnow())
            error = failure.message
        except payments.InvoiceRefused as refused:  # the form checks it too: a second line
            show_refusal(refused, form)
        except PaymentError as failure:
            error = failure.message
        else:
            if url:
                return redirect(url)
            flash(
                _("Thank you! Your order is confirmed and the tickets are on their way by email."),
                "success",
            )
            return redirect(url_for("tickets.order", slug=slug, token=token))
    page, status = form_page(
        "tickets/checkout.html",
        form,
        order=order,
        event=order.event,
        error=error,
        now=now,
        failed=payments.payment_did_not_go_through(order),
        card_minimum=payments.card_minimum(order),
        answers=answers,
        **addon_views.checkout_context(order, picked),
    )
    return page, 422 if answers.errors else status


@limiter.limit(_reservation_limit)
@public
def renew(slug, token):
    """Start again in one click: the same tickets reserved anew, with what was typed
    (or, from the order page, what the order held)."""
    order = _order(slug, token)
    methods = payments.payment_methods(order)
    form = CheckoutForm()
    form.method.choices = [(m.value, m.label) for m in methods]
    if "buyer_name" not in request.form:  # the order page's button: what the order held
        _fill_from_order(form, order, methods)
    elif len(form.attendees) != len(order.tickets):
        abort(400)
    form.validate()
    buyer, attendees, invoice = _typed_details(form)
    user_id, address = _reserver()
    try:
        new = renewal.renew_reservation(
            order,
            buyer,
            attendees,
            invoice,
            locale=str(get_locale() or "sv"),
            user_id=user_id,
            address=address,
            replaces=_held_token(order.event),
        )
    except OrderError as failure:
        again = renewal.renewed_as(order) if failure.reason == "renewed" else None
        if again is not None:  # a double click: on to the reservation the first one made
            return redirect(url_for("tickets.checkout", slug=slug, token=again.token))
        show_refusal(failure)
        return redirect(url_for("tickets.shop", slug=slug))
    _hold(order.event, new)
    if "buyer_name" in request.form:  # what was typed: the answers too
        questions.keep_typed_answers(new, request.form)
    method = form.method.data if form.method.data in {m.value for m in methods} else None
    return redirect(url_for("tickets.checkout", slug=slug, token=new.token, method=method))


@public
def order(slug, token):
    found = _order(slug, token)
    now = utcnow()
    ended = renewal.reservation_ended(found, now)
    refused = renewal.renewal_refused(found, now) if ended else None
    return render_template(
        "tickets/order.html",
        order=found,
        event=found.event,
        now=now,
        invoice=billing.invoice_of(found),
        failed=payments.payment_did_not_go_through(found),
        ended=ended,
        renewable=ended and refused is None,
        renewed_as=renewal.renewed_as(found) if ended else None,
        renew_form=ButtonForm(),
        **addon_views.order_context(found),
        own=self_service.own_terms(found, now),
        fees_owed=self_service.fees_owed(found) if found.status is OrderStatus.INVOICED else 0,
        **billing_views.order_documents(found),
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


@public
def ticket_pdf(slug, token, number):
    found = _order(slug, token)
    ticket = _ticket(found, number)
    if not found.status.is_confirmed or ticket.status is not TicketStatus.VALID:
        abort(404)
    return _pdf(
        documents.render_document(f"ticket:{ticket.id}"), f"biljett-{found.reference}-{number}.pdf"
    )


@public
def tickets_pdf(slug, token):
    found = _order(slug, token)
    if not found.status.is_confirmed or not found.valid_tickets:
        abort(404)
    return _pdf(
        documents.render_document(f"tickets:{found.id}"), f"biljetter-{found.reference}.pdf"
    )


@public
def receipt_pdf(slug, token):
    found = _order(slug, token)
    if found.status is not OrderStatus.PAID and found.status is not OrderStatus.REFUNDED:
        abort(404)
    return _pdf(documents.render_document(f"receipt:{found.id}"), f"kvitto-{found.reference}.pdf")


@public
def invoice_pdf(slug, token):
    found = _order(slug, token)
    if billing.invoice_of(found) is None:
        abort(404)
    return _pdf(documents.render_document(f"invoice:{found.id}"), f"faktura-{found.reference}.pdf")


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
    sent = request.form if request.method == "POST" else None
    answers = questions.check_answers(found, sent, tickets=[ticket])
    if form.validate_on_submit() and not answers.errors:
        ordering.change_attendee(ticket, AttendeeDetails(**form.attendee.data), answers)
        flash(_("Saved. The ticket now carries the new name."), "success")
        return redirect(url_for("tickets.order", slug=slug, token=token))
    page, status = form_page(
        "tickets/attendee.html",
        form,
        order=found,
        event=found.event,
        ticket=ticket,
        number=number,
        answers=answers,
    )
    return page, 422 if answers.errors else status
