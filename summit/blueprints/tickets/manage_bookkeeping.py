"""The organizer's bookkeeping page: the accounts the sales are booked on, and the SIE 4
file of a period's vouchers to download (services/bookkeeping)."""

from datetime import date

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import event_role_required
from ...forms import form_saved, show_refusal
from ...models import Role, utcnow
from ...services import bookkeeping
from ...services.bookkeeping.accounts import MONEY, OUTPUT_VAT, ROLES, SALES, item_field
from ...services.bookkeeping.accounts import sale_items as items_of
from ...services.bookkeeping.vouchers import SERIES
from ...services.privacy import audit
from .bookkeeping_forms import PeriodForm, accounts_form


def _today() -> date:
    return utcnow().astimezone(g.event.tz).date()


def _page(form, period, items, refused: str | None = None, status: int = 200):
    if form.errors or period.errors:
        status = max(status, 422)
    return render_template(
        "tickets/manage/bookkeeping.html",
        event=g.event,
        form=form,
        period=period,
        refused=refused,
        sales=[form[r.key] for r in SALES.values()],
        output_vat=[form[r.key] for r in OUTPUT_VAT.values()],
        money=[form[r.key] for r in MONEY],
        items=[(item, form[item_field(item)]) for item in items],
        series=SERIES,
    ), status


@event_role_required(Role.ORGANIZER)
def bookkeeping_page(slug):
    event = g.event
    items = items_of(event)
    form = accounts_form(event, items)

    def save():
        bookkeeping.save_accounts(
            event,
            {key: form[key].data for key in ROLES},
            {item: form[item_field(item)].data for item in items},
        )

    if form_saved(form, save):
        flash(_("The accounts are saved."), "success")
        return redirect(url_for("tickets.bookkeeping", slug=slug))
    today = _today()
    period = PeriodForm(data={"first": today.replace(month=1, day=1), "last": today})
    return _page(form, period, items)


@event_role_required(Role.ORGANIZER)
def bookkeeping_export(slug):
    """The SIE file of the period in the query string; the page with what to correct
    (422), or why it cannot be made (409), otherwise."""
    event = g.event
    period = PeriodForm(request.args)
    refused = None
    if period.validate():
        first, last = period.first.data, period.last.data
        try:
            made = bookkeeping.book([event], first, last)
            data = bookkeeping.sie_file(made, _today())
        except bookkeeping.BookkeepingError as refusal:
            refused = show_refusal(refusal, period, above_form=True)
        else:
            audit.record(
                "sie_export", event, len(made.vouchers), current_user._get_current_object()
            )
            name = bookkeeping.file_name(event.slug, first, last)
            return Response(
                data,
                content_type="text/plain; charset=IBM437",
                headers={
                    "Content-Disposition": f'attachment; filename="{name}"',
                    "Cache-Control": "no-store",
                },
            )
    items = items_of(event)
    return _page(accounts_form(event, items), period, items, refused, 409 if refused else 422)
