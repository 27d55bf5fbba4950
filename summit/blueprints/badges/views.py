"""Organizer pages for badges, under /manage/events/<slug>/badges/: the badge page (choose
and start a print run, see recent runs), a run's page with its progress and its PDF, and
one ticket's badge from the order page."""

import io

from flask import (
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields import SelectChoice

from ...access import event_role_required
from ...forms import form_page, show_refusal
from ...models import BadgeJob, BadgeJobStatus, Role
from ...services.badges import jobs as badge_jobs
from ...services.badges.jobs import BadgeJobError
from ...services.checkin import lookup as checkin_lookup
from ...services.privacy import audit
from ...services.tickets.sales import ticket_types
from ..lookup import found_or_404
from ..runs import run_state
from .forms import LAYOUT_HINTS, LAYOUT_LABELS, BadgeRunForm

ORGANIZER = Role.ORGANIZER


def _sort_label(sort: str) -> str:
    return {"last_name": _("By last name"), "organisation": _("By organisation")}.get(sort, sort)


def _language_label(locale: str | None) -> str:
    return {"sv": _("Swedish"), "en": _("English")}.get(locale, _("Each attendee's own"))


@event_role_required(ORGANIZER)
def index(slug):
    """The badge page: GET shows the choice, POST starts a run and goes to its page."""
    types = ticket_types(g.event)
    counts = badge_jobs.badge_counts(g.event)
    total = sum(c.tickets for c in counts.values())
    printed = sum(c.printed for c in counts.values())
    form = BadgeRunForm()
    form.ticket_types.choices = [SelectChoice(t.id, t.name) for t in types]
    form.which.choices = [
        SelectChoice("unprinted", _("Only those not printed yet (%(num)d)", num=total - printed)),
        SelectChoice("all", _("All, including %(num)d already printed", num=printed)),
    ]
    if form.validate_on_submit():
        job = _start(form)
        if job is not None:  # queued: `flask worker` renders it
            return redirect(url_for("badges.job", slug=slug, token=job.token), 303)
    return form_page(
        "badges/index.html",
        form,
        event=g.event,
        counts=counts,
        total=total,
        printed=printed,
        layout_hints=LAYOUT_HINTS,
        jobs=badge_jobs.recent_jobs(g.event),
        layout_labels=LAYOUT_LABELS,
    )


def _start(form: BadgeRunForm) -> BadgeJob | None:
    """The run as the form asks, or None with the reason put on the form."""
    try:
        return badge_jobs.start_job(
            g.event,
            form.layout.data,
            ticket_type_ids=form.ticket_types.data or [],
            sort=form.sort.data,
            only_unprinted=form.which.data == "unprinted",
            locale=form.locale,
            requested_by=current_user._get_current_object(),
        )
    except BadgeJobError as error:
        show_refusal(error, form, {"only_unprinted": "which"})
        return None


def _job(token: str) -> BadgeJob:
    return found_or_404(badge_jobs.job_by_token(g.event, token))


def _state(job: BadgeJob) -> dict:
    """What the run's page shows of its progress; its JSON for the page's script."""
    return run_state(job, url_for("badges.download", slug=g.event.slug, token=job.token))


@event_role_required(ORGANIZER)
def job(slug, token):
    job = _job(token)
    selection = job.selection or {}
    chosen = set(selection.get("ticket_type_ids") or [])
    names = [t.name for t in ticket_types(g.event) if t.id in chosen]
    return render_template(
        "badges/job.html",
        event=g.event,
        job=job,
        state=_state(job),
        layout_label=LAYOUT_LABELS.get(job.layout, job.layout),
        type_names=names,
        sort_label=_sort_label(selection.get("sort", "last_name")),
        language_label=_language_label(selection.get("locale")),
        only_unprinted=selection.get("only_unprinted", False),
        has_pdf=job.status is BadgeJobStatus.DONE and badge_jobs.job_has_pdf(job),
        filename=badge_jobs.pdf_filename(job),
    )


@event_role_required(ORGANIZER)
def job_status(slug, token):
    response = jsonify(_state(_job(token)))
    response.headers["Cache-Control"] = "no-store"
    return response


def _pdf_download(pdf: bytes, filename: str):
    """The PDF as a download that no cache keeps."""
    response = send_file(
        io.BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@event_role_required(ORGANIZER)
def download(slug, token):
    job = _job(token)
    pdf = badge_jobs.job_pdf(job)
    if pdf is None:
        abort(404)
    audit.record("badge_run", g.event, job.total, current_user._get_current_object())
    return _pdf_download(pdf, badge_jobs.pdf_filename(job))


@event_role_required(ORGANIZER)
def ticket_badge(slug, ticket_id):
    """One ticket's A6 badge, made now and logged as printed (the button is a form: a
    link anyone could make an organizer's browser open would mark badges printed)."""
    ticket = found_or_404(checkin_lookup.find_ticket(g.event.id, ticket_id=ticket_id))
    order = ticket.order
    try:
        pdf = badge_jobs.print_single_badge(ticket, current_user._get_current_object())
    except BadgeJobError as error:
        show_refusal(error)
        return redirect(url_for("tickets.order_detail", slug=slug, reference=order.reference))
    number = order.tickets.index(ticket) + 1
    return _pdf_download(pdf, f"namnbricka-{g.event.slug}-{order.reference}-{number}.pdf")
