"""Organizer pages for ticketing: ticket types, discount codes, sales figures, orders and
their actions, and the attendee list, under /manage/events/<slug>/."""

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields import SelectChoice

from ...access import event_role_required
from ...forms import form_page, form_removed, form_saved, local_time, show_refusal
from ...i18n import money
from ...models import BadgeRole, DiscountCode, DiscountKind, Role, TicketType
from ...models.payments import DisputeDecision
from ...requests import page_number
from ...services import billing
from ...services.badges.printing import last_printed
from ...services.billing import bank_payments
from ...services.payments import core as payments
from ...services.payments import disputes, refunds
from ...services.payments.base import PaymentError
from ...services.privacy import audit
from ...services.tickets import answers, history, questions, sales
from ...services.tickets.codes import is_guessable
from ...services.tickets.errors import OrderError
from ...services.tickets.ordering import normalize_code
from ...services.tickets.sales import DiscountCodeData, TicketTypeData
from ..lookup import found_or_404, of_event_or_404
from . import billing_views
from .manage_forms import (
    CancelOrderForm,
    DeactivateForm,
    DeleteForm,
    DiscountCodeForm,
    DisputeDecisionForm,
    InvoicePaidForm,
    OrderSearchForm,
    RefundForm,
    ResendForm,
    TicketTypeForm,
)

ORGANIZER = Role.ORGANIZER

# Stripe's words for where a dispute is, in the organizers' words.
DISPUTE_STATUSES = {
    "warning_needs_response": lambda: _("Inquiry from the bank: answer it at Stripe"),
    "warning_under_review": lambda: _("Inquiry under review"),
    "warning_closed": lambda: _("Inquiry closed: the money stays"),
    "needs_response": lambda: _("Open: answer it at Stripe"),
    "under_review": lambda: _("Under review by the bank"),
    "appeal_needs_response": lambda: _("Appeal: answer it at Stripe"),
    "appeal_under_review": lambda: _("Appeal under review"),
    "won": lambda: _("Won: the money stays"),
    "lost": lambda: _("Lost: the money went back to the buyer"),
    "prevented": lambda: _("Prevented: the money stays"),
}


def dispute_status(status: str | None) -> str:
    known = DISPUTE_STATUSES.get(status or "")
    return known() if known else (status or "–")


REFUND_REASONS = {
    "organizer": lambda: _("By an organizer"),
    "stripe": lambda: _("At Stripe"),
    "paid_twice": lambda: _("Paid twice"),
    "superseded": lambda: _("Paid on a checkout the buyer had left"),
    "sold_out_after_expiry": lambda: _("Paid after the reservation ended, when sold out"),
    "retry": lambda: _("Automatic refund"),
}


def refund_reason(reason: str) -> str:
    known = REFUND_REASONS.get(reason)
    return known() if known else (reason or "–")


# Ticket types --------------------------------------------------------------------------


@event_role_required(ORGANIZER)
def ticket_types(slug):
    return render_template(
        "tickets/manage/types.html",
        event=g.event,
        overview=sales.sales_overview(g.event),
        deactivate_form=DeactivateForm(),
        guessable=lambda code: is_guessable(normalize_code(code)),
    )


def _save_ticket_type(form: TicketTypeForm, ticket_type: TicketType | None) -> None:
    """Stores the form's ticket type (a Refusal when it cannot be) and says so."""
    tz = g.event.tz
    data = TicketTypeData(
        name_sv=form.name_sv.data,
        name_en=form.name_en.data or "",
        description_sv=form.description_sv.data or "",
        description_en=form.description_en.data or "",
        price=form.price.data,
        vat_percent=form.vat_percent.data,
        capacity=form.capacity.data,
        max_per_order=form.max_per_order.data,
        sale_starts_at=local_time(form.sale_starts_at, tz),
        sale_ends_at=local_time(form.sale_ends_at, tz),
        is_visible=form.is_visible.data,
        is_active=form.is_active.data,
        access_code=form.access_code.data or "",
        position=form.position.data,
        badge_role=BadgeRole(form.badge_role.data),
        requires_approval=form.requires_approval.data,
        approval_hold_hours=form.approval_hold_hours.data or 48,
    )
    ticket_type = sales.save_ticket_type(g.event, data, ticket_type)
    if not ticket_type.is_visible and not form.access_code.data:
        flash(
            _(
                "The ticket type is saved. Its access code is %(code)s (made at random).",
                code=ticket_type.access_code,
            ),
            "success",
        )
    else:
        flash(_("The ticket type is saved."), "success")


@event_role_required(ORGANIZER)
def new_ticket_type(slug):
    form = TicketTypeForm()
    if form_saved(form, lambda: _save_ticket_type(form, None)):
        return redirect(url_for("tickets.ticket_types", slug=slug))
    return form_page("tickets/manage/type_form.html", form, event=g.event, ticket_type=None)


@event_role_required(ORGANIZER)
def edit_ticket_type(slug, type_id):
    ticket_type = of_event_or_404(TicketType, type_id)
    initial = TicketTypeForm.initial(ticket_type, g.event.tz) if request.method == "GET" else None
    form = TicketTypeForm(data=initial)
    if form_saved(form, lambda: _save_ticket_type(form, ticket_type)):
        return redirect(url_for("tickets.ticket_types", slug=slug))
    return form_page(
        "tickets/manage/type_form.html",
        form,
        event=g.event,
        ticket_type=ticket_type,
        tickets_made=sales.tickets_of_type(ticket_type),
        deactivate_form=DeactivateForm(formdata=None),
        delete_form=DeleteForm(formdata=None),
    )


@event_role_required(ORGANIZER)
def deactivate_ticket_type(slug, type_id):
    ticket_type = of_event_or_404(TicketType, type_id)
    if form_removed(DeactivateForm(), lambda: sales.deactivate_ticket_type(ticket_type)):
        flash(
            _("%(name)s is no longer sold. Tickets already sold stay valid.", name=ticket_type.name)
        )
    return redirect(url_for("tickets.ticket_types", slug=slug))


@event_role_required(ORGANIZER)
def delete_ticket_type(slug, type_id):
    ticket_type = of_event_or_404(TicketType, type_id)
    name = ticket_type.name
    if not form_removed(DeleteForm(), lambda: sales.delete_ticket_type(ticket_type)):
        return redirect(url_for("tickets.edit_ticket_type", slug=slug, type_id=type_id))
    flash(_("%(name)s is deleted.", name=name), "success")
    return redirect(url_for("tickets.ticket_types", slug=slug))


# Discount codes ------------------------------------------------------------------------


def _discount_form(initial=None) -> DiscountCodeForm:
    form = DiscountCodeForm(data=initial)
    form.ticket_types.choices = [SelectChoice(t.id, t.name) for t in sales.ticket_types(g.event)]
    return form


def _save_discount_code(form: DiscountCodeForm, code: DiscountCode | None) -> None:
    """Stores the form's discount code (a Refusal when it cannot be) and says so."""
    tz = g.event.tz
    data = DiscountCodeData(
        code=form.code.data,
        kind=DiscountKind(form.kind.data),
        value=form.value,
        max_uses=form.max_uses.data,
        valid_from=local_time(form.valid_from, tz),
        valid_until=local_time(form.valid_until, tz),
        is_active=form.is_active.data,
        ticket_type_ids=list(form.ticket_types.data or []),
    )
    sales.save_discount_code(g.event, data, code)
    flash(_("The discount code is saved."), "success")


def _value_field(form: DiscountCodeForm) -> dict[str, str]:
    """A refusal of the code's value goes on the field the organizer filled in."""
    return {"value": "percent" if form.kind.data == DiscountKind.PERCENT.value else "amount"}


@event_role_required(ORGANIZER)
def discount_codes(slug):
    return render_template(
        "tickets/manage/discounts.html",
        event=g.event,
        codes=sales.discount_codes(g.event),
        deactivate_form=DeactivateForm(),
    )


@event_role_required(ORGANIZER)
def new_discount_code(slug):
    form = _discount_form()
    if form_saved(form, lambda: _save_discount_code(form, None), _value_field(form)):
        return redirect(url_for("tickets.discount_codes", slug=slug))
    return form_page("tickets/manage/discount_form.html", form, event=g.event, code=None)


@event_role_required(ORGANIZER)
def edit_discount_code(slug, code_id):
    code = of_event_or_404(DiscountCode, code_id)
    form = _discount_form(
        DiscountCodeForm.initial(code, g.event.tz) if request.method == "GET" else None
    )
    if form_saved(form, lambda: _save_discount_code(form, code), _value_field(form)):
        return redirect(url_for("tickets.discount_codes", slug=slug))
    return form_page(
        "tickets/manage/discount_form.html",
        form,
        event=g.event,
        code=code,
        uses=sales.uses_of(code),
        delete_form=DeleteForm(formdata=None),
    )


@event_role_required(ORGANIZER)
def deactivate_discount_code(slug, code_id):
    code = of_event_or_404(DiscountCode, code_id)
    if form_removed(DeactivateForm(), lambda: sales.deactivate_discount_code(code)):
        flash(_("The code %(code)s no longer works.", code=code.code), "success")
    return redirect(url_for("tickets.discount_codes", slug=slug))


@event_role_required(ORGANIZER)
def delete_discount_code(slug, code_id):
    code = of_event_or_404(DiscountCode, code_id)
    text = code.code
    if not form_removed(DeleteForm(), lambda: sales.delete_discount_code(code)):
        return redirect(url_for("tickets.edit_discount_code", slug=slug, code_id=code_id))
    flash(_("The code %(code)s is deleted.", code=text), "success")
    return redirect(url_for("tickets.discount_codes", slug=slug))


# Sales and orders ----------------------------------------------------------------------


@event_role_required(ORGANIZER)
def sales_overview(slug):
    return render_template(
        "tickets/manage/sales.html", event=g.event, overview=sales.sales_overview(g.event)
    )


@event_role_required(ORGANIZER)
def orders(slug):
    form = OrderSearchForm(request.args)
    form.answer.choices = [("", _("Any")), *answers.filter_choices(g.event)]
    form.validate()
    query = "" if form.q.errors else (form.q.data or "")
    status = form.chosen_status()
    answer = answers.chosen_filter(g.event, form.answer.data)
    if query and status is None and answer is None and request.args.get("page") is None:
        exact = sales.find_order(g.event, query)
        if exact is not None:  # a reference read out on the phone: straight to it
            return redirect(url_for("tickets.order_detail", slug=slug, reference=exact.reference))
    # A page number too large for the database is simply a page past the end (empty).
    within = answers.matching_order_ids(g.event, *answer) if answer else None
    pagination = sales.search_orders(g.event, query, status, page=page_number(), within=within)
    return render_template(
        "tickets/manage/orders.html",
        event=g.event,
        form=form,
        pagination=pagination,
        query=query,
        status=status,
        answer=form.answer.data if answer else None,
        attendees=len(answers.attendees_matching(g.event, answer[0].id, answer[1]))
        if answer
        else None,
    )


def _order(reference: str):
    return found_or_404(sales.find_order(g.event, reference))


@event_role_required(ORGANIZER)
def order_detail(slug, reference):
    order = _order(reference)
    return render_template(
        "tickets/manage/order.html",
        event=g.event,
        order=order,
        invoice=billing.invoice_of(order),
        refundable=sales.refundable_amount(order),
        refundable_ticket={t.id: sales.refundable_amount(order, t) for t in order.tickets},
        badge_printed=last_printed(t.id for t in order.tickets),
        refund_reason=refund_reason,
        can_cancel=refunds.can_cancel(order),
        resend_form=ResendForm(),
        invoice_paid_form=InvoicePaidForm(),
        disputed=disputes.disputed_payment(order),
        dispute_status=dispute_status,
        dispute_form=DisputeDecisionForm(),
        history=history.order_history(order),
        describe=history.describe,
        answers=answers.answers_by_ticket(order),
        owed=payments.still_owed(order),
        bank=bank_payments.of_order(order),
        **billing_views.order_documents(order),
    )


def _back_to(order):
    return redirect(url_for("tickets.order_detail", slug=g.event.slug, reference=order.reference))


@event_role_required(ORGANIZER)
def order_resend(slug, reference):
    order = _order(reference)
    if not ResendForm().validate_on_submit():
        abort(400)
    try:
        sales.resend_confirmation(order)
    except OrderError as error:
        show_refusal(error)
    else:
        flash(_("The confirmation is sent again to %(email)s.", email=order.buyer_email), "success")
    return _back_to(order)


@event_role_required(ORGANIZER)
def order_invoice_paid(slug, reference):
    order = _order(reference)
    if not InvoicePaidForm().validate_on_submit():
        abort(400)
    try:
        payments.mark_invoice_paid(order)
    except OrderError as error:
        show_refusal(error)
    else:
        flash(_("The invoice is marked paid."), "success")
    return _back_to(order)


@event_role_required(ORGANIZER)
def order_dispute(slug, reference):
    """The organizers' choice for the tickets of a disputed order."""
    order = _order(reference)
    form = DisputeDecisionForm()
    if not form.validate_on_submit() or form.keep.data == form.cancel.data:
        abort(400)
    decision = DisputeDecision.CANCEL if form.cancel.data else DisputeDecision.KEEP
    try:
        disputes.decide_dispute(order, decision)
    except OrderError as error:
        show_refusal(error)
    else:
        flash(decision.label, "success")
    return _back_to(order)


@event_role_required(ORGANIZER)
def order_cancel(slug, reference):
    """GET (?ticket=N for one ticket) asks to confirm; POST cancels."""
    order = _order(reference)
    form = CancelOrderForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        ticket = _numbered_ticket(order, form.ticket.data)
        try:
            if ticket is None:
                refunds.cancel_order(order)
            else:
                refunds.cancel_ticket(order, ticket)
        except OrderError as error:
            show_refusal(error)
        else:
            if ticket is None:
                flash(_("Order %(ref)s is cancelled.", ref=order.reference), "success")
            else:
                flash(_("Ticket %(n)d is cancelled.", n=form.ticket.data), "success")
        return _back_to(order)
    if not refunds.can_cancel(order):
        show_refusal(OrderError("cannot_cancel"))
        return _back_to(order)
    form.ticket.data = request.args.get("ticket", type=int)
    ticket = _numbered_ticket(order, form.ticket.data)
    return render_template(
        "tickets/manage/confirm.html",
        event=g.event,
        order=order,
        form=form,
        action="cancel",
        ticket=ticket,
    )


def _numbered_ticket(order, number):
    """The ticket by its number in the order (1, 2, ...), as on the order pages."""
    if number is None:
        return None
    if not 1 <= number <= len(order.tickets):
        abort(404)
    return order.tickets[number - 1]


@event_role_required(ORGANIZER)
def order_refund(slug, reference):
    """GET (?ticket=N for one ticket) asks to confirm and shows the amount; POST refunds."""
    order = _order(reference)
    form = RefundForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        ticket = _numbered_ticket(order, form.ticket.data)
        try:
            amount = refunds.refund(order, ticket)
        except OrderError as error:
            show_refusal(error)
        except PaymentError as error:
            flash(
                _("The payment provider refused the refund: %(reason)s", reason=error.reason),
                "error",
            )
        else:
            if refunds.pending_amount(order):
                flash(
                    _(
                        "The refund of %(amount)s has started, and the payment provider "
                        "reports it pending: the tickets are refunded when it goes through.",
                        amount=money(amount, g.event.currency),
                    ),
                    "info",
                )
            else:
                flash(_("Refunded %(amount)s.", amount=money(amount, g.event.currency)), "success")
        return _back_to(order)
    ticket = _numbered_ticket(order, request.args.get("ticket", type=int))
    amount = sales.refundable_amount(order, ticket)
    if amount is None:
        show_refusal(OrderError("nothing_to_refund"))
        return _back_to(order)
    form.ticket.data = request.args.get("ticket", type=int)
    return render_template(
        "tickets/manage/confirm.html",
        event=g.event,
        order=order,
        form=form,
        action="refund",
        ticket=ticket,
        amount=amount,
    )


# Attendee list -------------------------------------------------------------------------


@event_role_required(ORGANIZER)
def attendees_csv(slug):
    header = [
        _("Order"),
        _("Ticket type"),
        _("Name"),
        _("Email"),
        _("Organisation"),
        _("Dietary needs"),
        _("Accessibility needs"),
        _("Add-ons"),
        _("Order status"),
        _("Buyer"),
        _("Buyer's email"),
        *(question.label for question in questions.event_questions(g.event)),
    ]
    # ?answer=sektor:offentlig: only the attendees who answered so (the orders page's filter).
    answer = answers.chosen_filter(g.event, request.args.get("answer"))
    only = answers.matching_ticket_ids(g.event, *answer) if answer else None
    rows = sales.attendee_rows(g.event, only)
    audit.record("attendee_csv", g.event, len(rows), current_user._get_current_object())
    text = sales.csv_for_excel(header, rows)
    return Response(
        text.encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="deltagare-{g.event.slug}.csv"',
            "Cache-Control": "no-store",
        },
    )
