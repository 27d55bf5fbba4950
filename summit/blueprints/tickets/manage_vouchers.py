"""Organizer pages for one-use vouchers: make them (a number, or one per confirmed
speaker, emailed), list them with their state, withdraw one, download them as CSV.
Under /manage/events/<slug>/vouchers."""

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields import SelectChoice

from ...access import event_role_required
from ...forms import form_removed, show_refusal
from ...models import Role, TicketType, Voucher
from ...services.privacy import audit
from ...services.tickets import sales, vouchers
from ...services.tickets.errors import VoucherError
from ..lookup import of_event_or_404
from .manage_forms import RevokeVoucherForm, VoucherForm

ORGANIZER = Role.ORGANIZER


def _voucher_form() -> VoucherForm:
    form = VoucherForm()
    form.ticket_type.choices = [
        SelectChoice(t.id, t.name + ("" if t.is_active else f" ({_('inactive')})"))
        for t in sales.ticket_types(g.event)
    ]
    if request.method == "GET":
        # The type asked for, else the first hidden one (what vouchers are mostly for).
        hidden = [t.id for t in sales.ticket_types(g.event) if not t.is_visible and t.is_active]
        wanted = request.args.get("type", type=int) or (hidden[0] if hidden else None)
        if wanted is not None:
            form.ticket_type.data = wanted
    return form


def _chosen_type() -> TicketType | None:
    type_id = request.args.get("type", type=int)
    if type_id is None:
        return None
    return of_event_or_404(TicketType, type_id)


def _page(form: VoucherForm, status: int = 200):
    ticket_type = _chosen_type()
    rows = vouchers.vouchers_of(g.event, ticket_type)
    counts = {state: 0 for state in vouchers.VoucherState}
    for row in rows:
        counts[row.state] += 1
    return render_template(
        "tickets/manage/vouchers.html",
        event=g.event,
        form=form,
        rows=rows,
        counts=counts,
        States=vouchers.VoucherState,
        ticket_type=ticket_type,
        types=sales.ticket_types(g.event),
        speakers=len(vouchers.confirmed_speakers(g.event)),
        revoke_form=RevokeVoucherForm(formdata=None),
    ), status


@event_role_required(ORGANIZER)
def voucher_list(slug):
    return _page(_voucher_form())


@event_role_required(ORGANIZER)
def make_vouchers(slug):
    form = _voucher_form()
    if not form.validate_on_submit():
        return _page(form, 422)
    ticket_type = of_event_or_404(TicketType, form.ticket_type.data)
    try:
        if form.recipients.data == "speakers":
            made = vouchers.generate_for_speakers(
                g.event, ticket_type, free=form.free.data, note=form.note.data or ""
            )
            message = ngettext(
                "%(num)d voucher made and sent to a confirmed speaker.",
                "%(num)d vouchers made, each sent to a confirmed speaker.",
                len(made),
            )
            if not made:
                message = _(
                    "Every confirmed speaker already has a voucher for %(name)s.",
                    name=ticket_type.name,
                )
        else:
            made = vouchers.generate_vouchers(
                g.event,
                ticket_type,
                form.count.data,
                free=form.free.data,
                note=form.note.data or "",
            )
            message = ngettext("%(num)d voucher made.", "%(num)d vouchers made.", len(made))
    except VoucherError as error:
        show_refusal(error, form, {"price": "free"})
        return _page(form, 422)
    flash(message, "success")
    return redirect(url_for("tickets.voucher_list", slug=slug, type=ticket_type.id))


@event_role_required(ORGANIZER)
def revoke_voucher(slug, voucher_id):
    voucher = of_event_or_404(Voucher, voucher_id)
    code = voucher.display_code
    if form_removed(RevokeVoucherForm(), lambda: vouchers.revoke_voucher(voucher)):
        flash(_("The voucher %(code)s no longer works.", code=code), "success")
    return redirect(url_for("tickets.voucher_list", slug=slug, type=request.args.get("type")))


@event_role_required(ORGANIZER)
def vouchers_csv(slug):
    header = [
        _("Code"),
        _("Link"),
        _("Ticket type"),
        _("Price (kronor)"),
        _("Recipient"),
        _("Email"),
        _("Note"),
        _("State"),
        _("Order"),
    ]
    rows = vouchers.csv_rows(vouchers.vouchers_of(g.event, _chosen_type()))
    audit.record("vouchers_csv", g.event, len(rows), current_user._get_current_object())
    return Response(
        sales.csv_for_excel(header, rows).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="vouchers-{g.event.slug}.csv"',
            "Cache-Control": "no-store",
        },
    )
