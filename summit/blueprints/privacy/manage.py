"""Organizer pages: an event's retention policy and notice with the dry run, its
erasure requests and bulk access log; the site admins' overview of every request,
the whole log and the accessibility reports."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import event_role_required, site_admin_required
from ...forms import ButtonForm, form_page, form_removed, form_saved
from ...models import ErasureStatus, Role
from ...services.privacy import accessibility, audit, requests, retention
from ...services.privacy import notice as notices
from .forms import PolicyForm

ORGANIZER = Role.ORGANIZER


@event_role_required(ORGANIZER)
def settings(slug):
    event = g.event
    current = retention.policy(event)
    # A POST is read from what was sent only: a field left out is not the old value.
    form = PolicyForm(obj=current if request.method == "GET" else None)
    if request.method == "GET":
        form.keep.data = "erased" if current.attendee_months is None else "months"

    def save():
        months = form.attendee_months.data if form.keep.data == "months" else None
        retention.save_policy(
            event,
            form.sensitive_days.data,
            months,
            form.notice_sv.data or "",
            form.notice_en.data or "",
        )

    if form_saved(form, save):
        flash(_("Saved."), "success")
        return redirect(url_for("privacy.settings", slug=event.slug))
    return form_page(
        "privacy/manage/settings.html",
        form,
        event=event,
        steps=retention.plan(event),
        standard=notices.paragraphs(notices.default_notice(event, current)),
        listed=requests.requests_for(event, ErasureStatus.OPEN),
        complete_form=ButtonForm(),
    )


@event_role_required(ORGANIZER)
def event_log(slug):
    return render_template(
        "privacy/manage/log.html", event=g.event, entries=audit.entries(g.event), label=audit.label
    )


def _complete(token: str, event) -> bool:
    asked = requests.find(token)
    if asked is None:
        abort(404)
    me = current_user._get_current_object()
    if form_removed(ButtonForm(), lambda: requests.complete(asked, me, event)):
        flash(_("The request is completed: the person's data is erased."), "success")
        return True
    return False


@event_role_required(ORGANIZER)
def complete_event_request(slug, token):
    _complete(token, g.event)
    return redirect(url_for("privacy.settings", slug=g.event.slug) + "#requests")


@site_admin_required
def overview():
    return render_template(
        "privacy/manage/overview.html",
        listed=requests.requests_for(None),
        entries=audit.entries(None),
        label=audit.label,
        reports=accessibility.latest_reports(),
        complete_form=ButtonForm(),
    )


@site_admin_required
def complete_request(token):
    _complete(token, None)
    return redirect(url_for("privacy.overview"))
