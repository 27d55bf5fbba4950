"""The organizers' impact report of an event, under /manage/events/<slug>/impact: the
page, the same report as Excel and PDF, and the switch of its public summary."""

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...access import event_role_required
from ...models import Role
from ...services.impact import charts, export, public, recent
from ...services.impact.figures import SECTOR_KEY
from ...services.impact.report import comparable_events, impact_report
from ...services.privacy import audit
from ...services.tickets.answers import find_question
from .forms import NO_COMPARISON, CompareForm, PublicSwitchForm

ORGANIZER = Role.ORGANIZER
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chosen():
    """The form of what the report is set against, and what was chosen: (form, the
    earlier event or None, the sector's key or None, status); a choice not offered is
    answered 400, with the report alone."""
    events = comparable_events(g.event, current_user)
    form = CompareForm(request.args)
    form.set_choices(events, find_question(g.event, SECTOR_KEY))
    valid = form.validate()
    chosen = form.compare.data if valid else NO_COMPARISON
    if chosen == "":
        other = events[0] if events else None
    else:
        other = next((e for e in events if e.slug == chosen), None)
    sector = (form.sector.data or None) if valid else None
    return form, other, sector, 200 if valid else 400


def _report():
    form, other, sector, status = _chosen()
    return impact_report(g.event, other, sector=sector), form, status


@event_role_required(ORGANIZER)
def report(slug):
    form, other, sector, status = _chosen()
    # Viewed in bulk: the free-text answers are people's words (the rows: none counted).
    audit.record("impact_report", g.event, 0, current_user)
    key = (g.event.id, other.id if other else None, sector, str(get_locale()))
    body, counted_at = recent.counted(
        key,
        lambda: render_template(
            "impact/_body.html",
            report=impact_report(g.event, other, sector=sector),
            charts=charts,
        ),
    )
    return render_template(
        "impact/report.html",
        event=g.event,
        body=body,
        counted_at=counted_at,
        form=form,
        switch=PublicSwitchForm(public=g.event.impact_public),
    ), status


@event_role_required(ORGANIZER)
def report_xlsx(slug):
    found, _form, status = _report()
    if status != 200:
        return redirect(url_for("impact.report", slug=slug))
    audit.record("impact_report", g.event, _rows(found), current_user)
    return _download(export.report_xlsx(found), XLSX, f"effekt-{slug}.xlsx")


@event_role_required(ORGANIZER)
def report_pdf(slug):
    found, _form, status = _report()
    if status != 200:
        return redirect(url_for("impact.report", slug=slug))
    audit.record("impact_report", g.event, _rows(found), current_user)
    return _download(export.report_pdf(found), "application/pdf", f"effekt-{slug}.pdf")


def _rows(found) -> int:
    """The rows the exported report holds, for the access log."""
    return sum(len(table.rows) for table in found.tables())


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@event_role_required(ORGANIZER)
def public_switch(slug):
    form = PublicSwitchForm()
    if form.validate_on_submit():
        public.set_public(g.event, form.public.data)
        flash(
            _("The summary is public.") if form.public.data else _("The summary is not public."),
            "success",
        )
        return redirect(url_for("impact.report", slug=slug))
    abort(400)
