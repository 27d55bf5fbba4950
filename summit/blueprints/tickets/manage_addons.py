"""Organizer pages for add-ons (the dinner, a study visit), beside the ticket types:
the list with sold and left, and adding, changing and deleting one."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields import SelectChoice

from ...access import event_role_required
from ...forms import form_page, form_removed, form_saved, local_time
from ...models import Addon, Role
from ...services.tickets import addons, sales
from ..lookup import of_event_or_404
from .addon_forms import AddonForm
from .manage_forms import DeleteForm

ORGANIZER = Role.ORGANIZER


@event_role_required(ORGANIZER)
def addon_list(slug):
    return render_template(
        "tickets/manage/addons.html", event=g.event, rows=addons.addon_sales(g.event)
    )


def _form(initial=None) -> AddonForm:
    form = AddonForm(data=initial)
    form.ticket_types.choices = [SelectChoice(t.id, t.name) for t in sales.ticket_types(g.event)]
    return form


def _save(form: AddonForm, addon: Addon | None) -> None:
    tz = g.event.tz
    data = addons.AddonData(
        name_sv=form.name_sv.data,
        name_en=form.name_en.data or "",
        description_sv=form.description_sv.data or "",
        description_en=form.description_en.data or "",
        price=form.price.data,
        vat_percent=form.vat_percent.data,
        capacity=form.capacity.data,
        sale_starts_at=local_time(form.sale_starts_at, tz),
        sale_ends_at=local_time(form.sale_ends_at, tz),
        is_active=form.is_active.data,
        badge_label=form.badge_label.data or "",
        ticket_type_ids=list(form.ticket_types.data or []),
    )
    addons.save_addon(g.event, data, addon)
    flash(_("The add-on is saved."), "success")


@event_role_required(ORGANIZER)
def new_addon(slug):
    form = _form()
    if form_saved(form, lambda: _save(form, None)):
        return redirect(url_for("tickets.addon_list", slug=slug))
    return form_page("tickets/manage/addon_form.html", form, event=g.event, addon=None)


@event_role_required(ORGANIZER)
def edit_addon(slug, addon_id):
    addon = of_event_or_404(Addon, addon_id)
    form = _form(AddonForm.initial(addon, g.event.tz) if request.method == "GET" else None)
    if form_saved(form, lambda: _save(form, addon)):
        return redirect(url_for("tickets.addon_list", slug=slug))
    return form_page(
        "tickets/manage/addon_form.html",
        form,
        event=g.event,
        addon=addon,
        bought=addons.addons_bought(addon),
        delete_form=DeleteForm(formdata=None),
    )


@event_role_required(ORGANIZER)
def delete_addon(slug, addon_id):
    addon = of_event_or_404(Addon, addon_id)
    name = addon.name
    if not form_removed(DeleteForm(), lambda: addons.delete_addon(addon)):
        return redirect(url_for("tickets.edit_addon", slug=slug, addon_id=addon_id))
    flash(_("%(name)s is deleted.", name=name), "success")
    return redirect(url_for("tickets.addon_list", slug=slug))
