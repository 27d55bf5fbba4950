"""Attendees help themselves: cancel or transfer a ticket from the order's page (its
secret link) or from My tickets (signed in, a ticket they hold), each with a page that
says what happens before they confirm; and the organizer's policy page."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import event_role_required, public, signed_in
from ...forms import form_page, form_saved, local_time, show_refusal
from ...models import CancelPolicy, Role
from ...services.tickets import my_tickets
from ...services.tickets import self_service as service
from ...services.tickets.self_service import NewAttendee, SelfServiceError
from .self_service_forms import CancelTicketForm, PolicyForm, TransferTicketForm
from .views import _order, _ticket


def _from_order(slug, token, number):
    """(order, ticket, where to go back) for the order page's links."""
    order = _order(slug, token)
    ticket = _ticket(order, number)
    return order, ticket, url_for("tickets.order", slug=slug, token=token)


def _held(reference, number):
    """The same for a ticket the signed-in person holds (My tickets)."""
    ticket = my_tickets.held_ticket(current_user, reference, number)
    if ticket is None:
        abort(404)
    return ticket.order, ticket, url_for("site.my_tickets")


def _cancel(order, ticket, back: str):
    form = CancelTicketForm()
    terms = service.terms(ticket)
    refused = terms.cancel_refused
    if request.method == "POST" and refused is None:
        if not form.validate_on_submit():
            abort(400)
        try:
            done = service.cancel_ticket(ticket)
        except SelfServiceError as failure:
            refused = failure
        else:
            flash(_cancelled_message(done, order.event.currency), "success")
            return redirect(back)
    transfer_url = url_for(request.endpoint.replace("cancel", "transfer"), **request.view_args)
    return _page("cancel_ticket", form, ticket, terms, refused, back, transfer_url=transfer_url)


def _page(name: str, form, ticket, terms, refused, back: str, **context):
    """A cancel or transfer page: 409 when refused, 422 with the form's errors."""
    page = render_template(
        f"tickets/{name}.html",
        form=form,
        order=ticket.order,
        event=ticket.order.event,
        ticket=ticket,
        terms=terms,
        refused=refused,
        back=back,
        **context,
    )
    return page, 409 if refused is not None else 422 if form.errors else 200


def _cancelled_message(done, currency) -> str:
    from ...i18n import money

    if done.how == "refund":
        return _(
            "The ticket is cancelled. %(amount)s is on its way back to you.",
            amount=money(done.refund, currency),
        )
    if done.how == "credit":
        return _(
            "The ticket is cancelled. The invoice is reduced by %(amount)s.",
            amount=money(done.refund, currency),
        )
    return _("The ticket is cancelled.")


def _transfer(order, ticket, back: str):
    form = TransferTicketForm()
    terms = service.terms(ticket)
    refused = terms.transfer_refused
    if refused is None and form.validate_on_submit():
        try:
            service.transfer_ticket(
                ticket,
                NewAttendee(form.name.data, form.email.data, form.organisation.data or ""),
            )
        except SelfServiceError as failure:
            if failure.field:
                show_refusal(failure, form)
            else:
                refused = failure
        else:
            flash(
                _(
                    "The ticket now belongs to %(name)s, who has it by email. The old QR code "
                    "no longer works.",
                    name=ticket.attendee_name,
                ),
                "success",
            )
            return redirect(back)
    return _page("transfer_ticket", form, ticket, terms, refused, back)


@public
def cancel_ticket(slug, token, number):
    return _cancel(*_from_order(slug, token, number))


@public
def transfer_ticket(slug, token, number):
    return _transfer(*_from_order(slug, token, number))


@signed_in
def my_cancel_ticket(reference, number):
    return _cancel(*_held(reference, number))


@signed_in
def my_transfer_ticket(reference, number):
    return _transfer(*_held(reference, number))


# The organizer's policy ------------------------------------------------------------------


@event_role_required(Role.ORGANIZER)
def policy(slug):
    event = g.event
    form = PolicyForm()
    if request.method == "GET":
        form.policy.data = event.cancel_policy.value
        form.cancel_fee.data = event.cancel_fee or None
        for name in ("cancel_deadline", "transfer_deadline"):
            value = getattr(event, name)
            getattr(form, name).data = (
                value.astimezone(event.tz).replace(tzinfo=None) if value else None
            )

    def save():
        service.set_policy(
            event,
            CancelPolicy(form.policy.data),
            local_time(form.cancel_deadline, event.tz),
            form.cancel_fee.data or 0,
            local_time(form.transfer_deadline, event.tz),
        )

    if form_saved(form, save):
        flash(_("Saved."), "success")
        return redirect(url_for("tickets.self_service_policy", slug=slug))
    return form_page(
        "tickets/manage/self_service.html",
        form,
        event=event,
        deadlines=service.deadlines(event),
    )
