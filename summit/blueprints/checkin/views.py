"""Organizer pages for check-in, under /manage/events/<slug>/checkin/: the live status,
the stations (doors) with their links, the check-in lists, and search with check-in by
hand and undo for door staff."""

from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields import SelectChoice

from ...access import event_role_required
from ...extensions import db
from ...forms import form_page, form_removed, form_saved, show_refusal
from ...models import Checkin, Role, utcnow
from ...services.checkin import lookup as checkin_lookup
from ...services.checkin import setup as checkin_setup
from ...services.checkin.decision import Door, check_in
from ...services.checkin.setup import SetupError
from ...services.pdf import data_uri, qr_png
from ...services.tickets.sales import ticket_types
from ..lookup import found_or_404
from .forms import BADGE_LAYOUTS, ActionForm, ListForm, StationForm

ORGANIZER, DOOR = Role.ORGANIZER, Role.DOOR


def verdict_message(verdict) -> str:
    """What a scan's verdict means, in the page's language."""
    name = verdict.attendee.name if verdict.attendee else ""
    when = format_datetime(verdict.checked_in_at, "short") if verdict.checked_in_at else ""
    return {
        None: lambda: _("%(name)s is checked in.", name=name),
        "already_checked_in": lambda: _(
            "%(name)s was already checked in %(when)s at %(station)s.",
            name=name,
            when=when,
            station=verdict.station or "–",
        ),
        "unpaid": lambda: _("%(name)s's ticket is not paid.", name=name),
        "cancelled": lambda: _("%(name)s's ticket is cancelled or refunded.", name=name),
        "other_event": lambda: _("The ticket is for another event."),
        "not_allowed": lambda: _("%(name)s's ticket does not give entry to this list.", name=name),
        "not_signed_up": lambda: _("%(name)s is not signed up for this workshop.", name=name),
        "unknown": lambda: _("Unknown code."),
    }[verdict.reason]()


def scanner_link(slug: str, token: str) -> str:
    """The station's link: the scanner page (checkin.station_scanner) with the token in
    the fragment, which browsers never send to a server (no logs, no Referer)."""
    if "checkin.station_scanner" in current_app.view_functions:
        return url_for("checkin.station_scanner", slug=slug, _external=True) + "#" + token
    return f"{current_app.config['BASE_URL']}/events/{slug}/checkin/station#{token}"


def _station_or_404(station_id: int):
    return found_or_404(checkin_setup.get_station(g.event, station_id))


def _list_choices() -> list[SelectChoice]:
    return [SelectChoice(cl.id, cl.name) for cl in checkin_setup.checkin_lists(g.event)]


# Status ------------------------------------------------------------------------------


@event_role_required(ORGANIZER)
def status(slug):
    return render_template(
        "checkin/status.html",
        event=g.event,
        status=checkin_setup.checkin_status(g.event),
        recent=checkin_setup.recent_checkins(g.event, limit=20),
        conflicts=checkin_setup.conflicts(g.event, limit=50),
        undo_form=ActionForm(formdata=None),
        now=utcnow(),
    )


# Stations ----------------------------------------------------------------------------


def _station_link_page(station, token: str):
    """The station's link, shown this once; never cached."""
    link = scanner_link(g.event.slug, token)
    response = make_response(
        render_template(
            "checkin/station_link.html",
            event=g.event,
            station=station,
            link=link,
            token=token,
            qr=data_uri(qr_png(link)),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@event_role_required(ORGANIZER)
def stations(slug):
    form = StationForm()
    lists = checkin_setup.checkin_lists(g.event)
    # No list yet: the first station makes "Entré" (id 0 stands for it here).
    form.checkin_list.choices = [SelectChoice(cl.id, cl.name) for cl in lists] or [
        SelectChoice(0, checkin_setup.DEFAULT_LIST_NAME)
    ]
    if form.validate_on_submit():
        chosen = checkin_setup.get_list(g.event, form.checkin_list.data)
        try:
            station, token = checkin_setup.create_station(
                g.event,
                form.name.data,
                chosen,
                created_by=current_user,
                prints_badges=form.prints_badges.data,
                badge_layout=form.badge_layout.data,
            )
        except SetupError as error:
            show_refusal(error, form)
        else:
            return _station_link_page(station, token)
    return form_page(
        "checkin/stations.html",
        form,
        event=g.event,
        figures=checkin_setup.checkin_status(g.event).stations,
        action_form=ActionForm(formdata=None),
        badge_layouts=BADGE_LAYOUTS,
    )


@event_role_required(ORGANIZER)
def station_settings(slug, station_id):
    """A station's name, list and printing on arrival; its link stays as it is."""
    station = _station_or_404(station_id)
    form = StationForm(obj=station if request.method == "GET" else None)
    if request.method == "GET":
        form.checkin_list.data = station.checkin_list_id
    form.checkin_list.choices = _list_choices()

    def save():
        checkin_setup.change_station(
            station,
            form.name.data,
            checkin_setup.get_list(g.event, form.checkin_list.data),
            prints_badges=form.prints_badges.data,
            badge_layout=form.badge_layout.data,
        )

    if form_saved(form, save):
        flash(_("The settings of %(name)s are saved.", name=station.name), "success")
        return redirect(url_for("checkin.stations", slug=slug))
    return form_page("checkin/station_form.html", form, event=g.event, station=station)


@event_role_required(ORGANIZER)
def renew_station(slug, station_id):
    station = _station_or_404(station_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    token = checkin_setup.renew_token(station)
    return _station_link_page(station, token)


@event_role_required(ORGANIZER)
def revoke_station(slug, station_id):
    station = _station_or_404(station_id)
    if ActionForm().validate_on_submit():
        checkin_setup.revoke_station(station)
        flash(_("%(name)s can no longer scan.", name=station.name), "success")
    return redirect(url_for("checkin.stations", slug=slug))


# Lists -------------------------------------------------------------------------------


@event_role_required(ORGANIZER)
def lists(slug):
    form = ListForm()
    form.day.choices = [SelectChoice("", _("Every day"))] + [
        SelectChoice(day.isoformat(), format_date(day, "full")) for day in g.event.days
    ]
    form.ticket_types.choices = [SelectChoice(t.id, t.name) for t in ticket_types(g.event)]

    def save():
        day = next((d for d in g.event.days if d.isoformat() == form.day.data), None)
        checkin_setup.save_list(g.event, form.name.data, day, form.ticket_types.data or [])

    if form_saved(form, save):
        flash(_("The list is saved."), "success")
        return redirect(url_for("checkin.lists", slug=slug))
    status = checkin_setup.checkin_status(g.event)
    return form_page(
        "checkin/lists.html",
        form,
        event=g.event,
        figures=status.lists,
        action_form=ActionForm(formdata=None),
    )


@event_role_required(ORGANIZER)
def delete_list(slug, list_id):
    checkin_list = found_or_404(checkin_setup.get_list(g.event, list_id))
    if form_removed(ActionForm(), lambda: checkin_setup.delete_list(checkin_list)):
        flash(_("The list is deleted."), "success")
    return redirect(url_for("checkin.lists", slug=slug))


# Search, check-in by hand and undo (door staff too) ----------------------------------


def _chosen_list():
    raw = request.values.get("list", "")
    valid = raw.isascii() and raw.isdigit() and len(raw) <= 9
    chosen = checkin_setup.get_list(g.event, int(raw)) if valid else None
    return chosen or checkin_setup.list_for_today(g.event)


@event_role_required(ORGANIZER, DOOR)
def search(slug):
    checkin_list = _chosen_list()
    query = request.args.get("q", "")[:100]
    hits = checkin_lookup.search(g.event.id, query, checkin_list) if query else []
    return render_template(
        "checkin/search.html",
        form=ActionForm(formdata=None),
        event=g.event,
        lists=checkin_setup.checkin_lists(g.event),
        checkin_list=checkin_list,
        query=query,
        hits=hits,
        searched=bool(query),
    )


@event_role_required(ORGANIZER, DOOR)
def check_in_by_hand(slug, ticket_id):
    checkin_list = _chosen_list()
    back = url_for("checkin.search", slug=slug, q=request.form.get("q", ""), list=checkin_list.id)
    if not ActionForm().validate_on_submit():
        return redirect(back)
    ticket = found_or_404(checkin_lookup.find_ticket(g.event.id, ticket_id=ticket_id))
    verdict = check_in(Door.of_user(current_user, checkin_list), ticket_id=ticket.id)
    flash(verdict_message(verdict), "success" if verdict.ok else "error")
    return redirect(back)


@event_role_required(ORGANIZER, DOOR)
def undo(slug, checkin_id):
    found = db.session.get(Checkin, checkin_id)
    if found is None or found.checkin_list.event_id != g.event.id:
        abort(404)
    if ActionForm().validate_on_submit() and checkin_lookup.undo_checkin(found, current_user):
        name = found.ticket.attendee_name or found.ticket.order.buyer_name
        flash(_("The check-in of %(name)s is undone.", name=name), "success")
    back = request.form.get("next", "")
    if back.startswith("/manage/") and not back.startswith("//"):
        return redirect(back)
    return redirect(url_for("checkin.search", slug=slug))
