"""The participant list and one's own entry on it. Thin: services/meeting/listing.py
decides who may be listed and who may see the list. Every page here is personal, so
none is cached."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields import SelectChoice

from ...access import signed_in
from ...forms import ButtonForm, show_refusal
from ...services.meeting import listing as service
from ..lookup import public_event_or_404
from .forms import ListingForm, SearchForm


def _page(template: str, status: int = 200, **context):
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _options(empty: str, choices) -> list[SelectChoice]:
    return [SelectChoice("", empty), *(SelectChoice(key, label) for key, label in choices)]


@signed_in
def participants(slug):
    event = public_event_or_404(slug)
    if not service.may_see_list(event, current_user):
        holder = service.holder_ticket(event, current_user) is not None
        return _page("meeting/not_listed.html", 403, event=event, holder=holder)
    choices = service.sektor_choices(event)
    form = SearchForm(request.args)
    form.sektor.choices = _options(_("All sectors"), choices)
    form.validate()
    sektor = form.sektor.data if form.sektor.data in dict(choices) else ""
    query = "" if form.q.errors else (form.q.data or "")
    people = service.visible_listings(event, current_user, sektor, query)
    return _page(
        "meeting/participants.html",
        event=event,
        form=form,
        people=people,
        filtered=bool(sektor or query),
        labels=dict(choices),
    )


@signed_in
def my_listing(slug):
    event = public_event_or_404(slug)
    ticket = service.holder_ticket(event, current_user)
    listing = service.listing_of(event, current_user)
    if ticket is None:  # (still listed with a ticket since cancelled: they may leave)
        return _page(
            "meeting/not_listed.html",
            403,
            event=event,
            holder=False,
            listing=listing,
            withdraw_form=ButtonForm(formdata=None),
        )
    registered = service.registered_sektor(event, ticket)
    if request.method == "GET":
        data = {
            "name": ticket.attendee_name or current_user.name,
            "organisation": ticket.attendee_organisation,
            "sektor": registered or "",
        }
        if listing is not None:
            data = {
                "name": listing.name,
                "organisation": listing.organisation,
                "sektor": listing.sektor,
                "wants_to_meet": listing.wants_to_meet,
            }
        form = ListingForm(formdata=None, data=data)
    else:
        form = ListingForm()
    choices = service.sektor_choices(event)
    form.sektor.choices = _options(_("Choose a sector"), choices)
    if request.method == "POST" and form.validate_on_submit():
        data = service.ListingData(
            name=form.name.data or "",
            organisation=form.organisation.data or "",
            sektor=form.sektor.data or "",
            wants_to_meet=form.wants_to_meet.data or "",
            consent=bool(form.consent.data),
        )
        try:
            service.save_listing(event, current_user, data)
        except service.MeetingError as refused:
            show_refusal(refused, form)
        else:
            flash(
                _("You are on the participant list.")
                if listing is None
                else _("Your entry on the participant list is saved."),
                "success",
            )
            return redirect(url_for(".participants", slug=slug), code=303)
    return _page(
        "meeting/my_listing.html",
        422 if form.errors else 200,
        event=event,
        form=form,
        listing=listing,
        registered=service.sektor_label(event, registered) if registered else None,
        consent=service.CONSENT,
        withdraw_form=ButtonForm(formdata=None),
    )


@signed_in
def withdraw(slug):
    event = public_event_or_404(slug)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if service.withdraw(event, current_user):
        flash(_("You are no longer on the participant list."), "success")
    return redirect(url_for(".my_listing", slug=slug), code=303)
