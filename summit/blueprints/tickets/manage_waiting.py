"""Organizer pages for the waiting lists: who waits for what and in which order, the
offers out and how they ended; offer by hand, take someone off, and how long an offer
holds its seats. Under /manage/events/<slug>/waiting-list."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import event_role_required
from ...forms import ButtonForm, form_removed, form_saved
from ...models import Role, WaitingListEntry, utcnow
from ...services.tickets import waitlist
from ..lookup import of_event_or_404
from .manage_forms import OfferHoursForm

ORGANIZER = Role.ORGANIZER


def _page(form: OfferHoursForm, status: int = 200):
    return render_template(
        "tickets/manage/waiting_lists.html",
        event=g.event,
        form=form,
        lists=waitlist.waiting_lists(g.event),
        button=ButtonForm(formdata=None),
        now=utcnow(),
    ), status


@event_role_required(ORGANIZER)
def waiting_lists(slug):
    return _page(OfferHoursForm(offer_hours=g.event.offer_hours))


@event_role_required(ORGANIZER)
def offer_hours(slug):
    form = OfferHoursForm()
    if form_saved(form, lambda: waitlist.set_offer_hours(g.event, form.offer_hours.data)):
        flash(_("Saved."), "success")
        return redirect(url_for("tickets.waiting_lists", slug=slug))
    return _page(form, 422)


@event_role_required(ORGANIZER)
def offer(slug, entry_id):
    entry = of_event_or_404(WaitingListEntry, entry_id)
    if form_removed(ButtonForm(), lambda: waitlist.offer_by_hand(entry, current_user)):
        flash(_("The offer is sent to %(name)s.", name=entry.name), "success")
    return redirect(url_for("tickets.waiting_lists", slug=slug))


@event_role_required(ORGANIZER)
def remove(slug, entry_id):
    entry = of_event_or_404(WaitingListEntry, entry_id)
    if form_removed(ButtonForm(), lambda: waitlist.remove(entry)):
        flash(_("%(name)s is no longer on the waiting list.", name=entry.name), "success")
    return redirect(url_for("tickets.waiting_lists", slug=slug))
