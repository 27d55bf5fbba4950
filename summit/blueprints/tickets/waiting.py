"""The waiting list's public pages: join the line for a sold-out ticket, and one's own
place in it (reached by the link mailed on joining), where one may leave."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ...access import public
from ...extensions import limiter
from ...forms import ButtonForm, form_page, show_refusal
from ...models import utcnow
from ...services.tickets import waitlist
from ...services.tickets.waitlist import WaitingListError
from ..lookup import public_event_or_404
from .forms import WaitingListForm
from .views import _reservation_limit


@limiter.limit(_reservation_limit, methods=["POST"])
@public
def join(slug):
    event = public_event_or_404(slug)
    types = waitlist.full_types(event)
    form = WaitingListForm()
    form.ticket_type.choices = [(t.id, t.name) for t in types]
    if form.ticket_type.data is None and len(types) == 1:
        form.ticket_type.data = types[0].id
    if form.validate_on_submit():
        try:
            entry = waitlist.join(
                event,
                form.ticket_type.data,
                form.name.data,
                form.email.data,
                form.quantity.data,
                locale=str(get_locale() or "sv"),
            )
        except WaitingListError as refused:
            show_refusal(refused, form)
        else:
            return render_template("tickets/waiting_joined.html", event=event, entry=entry)
    return form_page("tickets/waiting_join.html", form, event=event, types=types)


def _entry(slug, token):
    event = public_event_or_404(slug)
    entry = waitlist.find_entry(event, token)
    if entry is None:
        abort(404)
    return entry


@public
def entry(slug, token):
    found = _entry(slug, token)
    return render_template(
        "tickets/waiting_entry.html",
        event=found.event,
        entry=found,
        place=waitlist.place_in_line(found),
        now=utcnow(),
        leave_form=ButtonForm(),
    )


@public
def leave(slug, token):
    found = _entry(slug, token)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        waitlist.leave(found)
    except WaitingListError as refused:
        show_refusal(refused)
    else:
        flash(_("You have left the waiting list."), "success")
    return redirect(url_for("tickets.waiting_entry", slug=slug, token=token))
