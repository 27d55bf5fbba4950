"""Approval: the buyer's application for a ticket type that needs it, and the
organizers' page of applications, approved or declined in bulk (one POST)."""

import re

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ...access import event_role_required, public
from ...extensions import limiter
from ...forms import form_page, show_refusal
from ...models import Role, utcnow
from ...services.tickets import approval
from ...services.tickets.errors import OrderError
from ...services.tickets.ordering import AttendeeDetails, BuyerDetails
from ..lookup import public_event_or_404
from .addon_forms import ApplyForm, DecideForm

REFERENCE = re.compile(r"[A-Z2-9]{8}")


def _count() -> int:
    """How many attendees the application is for (?antal=, 1–10)."""
    raw = request.args.get("antal", "1")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 10 else 1


@limiter.limit(lambda: current_app.config["RESERVATION_RATE_LIMIT"], methods=["POST"])
@public
def apply(slug):
    event = public_event_or_404(slug)
    now = utcnow()
    types = [t for t in approval.approval_types(event) if t.on_sale(now) and t.is_visible]
    if not types:
        abort(404)
    form = ApplyForm()
    form.ticket_type.choices = [(t.id, t.name) for t in types]
    if request.method == "GET":
        while len(form.attendees) < _count():
            form.attendees.append_entry()
        form.ticket_type.data = types[0].id
        if current_user.is_authenticated:
            form.buyer_name.data, form.buyer_email.data = current_user.name, current_user.email
    error = None
    if form.validate_on_submit():
        chosen = next(t for t in types if t.id == form.ticket_type.data)
        try:
            order = approval.apply(
                event,
                chosen,
                BuyerDetails(
                    form.buyer_name.data, form.buyer_email.data, form.buyer_organisation.data
                ),
                [AttendeeDetails(**entry.data) for entry in form.attendees],
                motivation=form.motivation.data or "",
                locale=str(get_locale() or "sv"),
                user_id=current_user.id if current_user.is_authenticated else None,
            )
        except OrderError as refused:
            error = refused.message
        else:
            flash(
                _(
                    "Thank you! Your application is sent. You will get an email when the "
                    "organizers have decided."
                ),
                "success",
            )
            return redirect(url_for("tickets.order", slug=slug, token=order.token))
    response = form_page(
        "tickets/apply.html", form, event=event, types=types, error=error, count=len(form.attendees)
    )
    return (response[0], 422) if error else response


@event_role_required(Role.ORGANIZER)
def applications(slug):
    return render_template(
        "tickets/manage/applications.html",
        event=g.event,
        waiting=approval.applications(g.event),
        decided=approval.recent_decisions(g.event),
        form=DecideForm(formdata=None),
    )


@event_role_required(Role.ORGANIZER)
def decide(slug):
    """One POST for all the applications ticked: approve, or decline (with a message)."""
    form = DecideForm()
    references = request.form.getlist("application")
    if (
        not form.validate_on_submit()
        or form.approve.data == form.decline.data
        or len(references) > approval.MAX_BATCH
        or not all(REFERENCE.fullmatch(r) for r in references)
    ):
        abort(400)
    try:
        if form.approve.data:
            done = approval.approve(g.event, references)
            text = ngettext(
                "%(num)d application approved: the buyer has the payment link by email.",
                "%(num)d applications approved: the buyers have the payment link by email.",
                len(done),
            )
        else:
            done = approval.decline(g.event, references, form.message.data or "")
            text = ngettext(
                "%(num)d application declined; the buyer is told by email.",
                "%(num)d applications declined; the buyers are told by email.",
                len(done),
            )
    except OrderError as refused:
        show_refusal(refused)
        return render_template(
            "tickets/manage/applications.html",
            event=g.event,
            waiting=approval.applications(g.event),
            decided=approval.recent_decisions(g.event),
            form=form,
            ticked=set(references),
        ), 422
    flash(text, "success")
    return redirect(url_for("tickets.applications", slug=slug))
