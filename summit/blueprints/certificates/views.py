"""The verification page anyone may open, and the organizers' certificate pages."""

import io

from flask import abort, flash, g, jsonify, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import event_role_required, public
from ...forms import ButtonForm, form_page, show_refusal
from ...models import CertificateKind, Role
from ...services.certificates import bulk, document, issuing
from ...services.certificates.issuing import CertificateRefused
from ...services.privacy import audit
from ..lookup import found_or_404
from ..runs import run_state
from .forms import CertificateRunForm

ORGANIZER = Role.ORGANIZER


@public
def verify(token):
    """Whether a certificate is genuine: who, which event, which days or sessions, when
    issued; nothing more. A withdrawn one says so (410); an unknown token 404."""
    certificate = issuing.certificate_by_token(token)
    if certificate is None:
        return render_template("certificates/verify.html", certificate=None), 404
    response = render_template(
        "certificates/verify.html",
        certificate=certificate,
        event=certificate.event,
        **document.facts(certificate),
    )
    return response, 410 if certificate.is_withdrawn else 200


@event_role_required(ORGANIZER)
def index(slug):
    form = CertificateRunForm()
    if form.validate_on_submit():
        try:
            run = bulk.start_run(
                g.event,
                form.kind.data,
                form.locale,
                requested_by=current_user._get_current_object(),
            )
            return redirect(url_for("certificates.run", slug=slug, token=run.token), 303)
        except CertificateRefused as refused:
            show_refusal(refused, form)
    return form_page(
        "certificates/index.html",
        form,
        event=g.event,
        attended=bulk.people_count(g.event, CertificateKind.ATTENDANCE),
        speakers=bulk.people_count(g.event, CertificateKind.PRESENTATION),
        runs=bulk.recent_runs(g.event),
        issued=issuing.issued(g.event),
        withdraw_form=ButtonForm(),
    )


def _run(token: str):
    return found_or_404(bulk.run_by_token(g.event, token))


def _state(run) -> dict:
    return run_state(run, url_for("certificates.download", slug=g.event.slug, token=run.token))


@event_role_required(ORGANIZER)
def run(slug, token):
    found = _run(token)
    state = _state(found)
    return render_template(
        "certificates/run.html",
        event=g.event,
        run=found,
        state=state,
        has_file=state["download"] is not None and bulk.run_archive(found) is not None,
        filename=bulk.archive_filename(found),
        status_url=url_for("certificates.run_status", slug=slug, token=token),
        reload_url=url_for("certificates.run", slug=slug, token=token),
    )


@event_role_required(ORGANIZER)
def run_status(slug, token):
    response = jsonify(_state(_run(token)))
    response.headers["Cache-Control"] = "no-store"
    return response


@event_role_required(ORGANIZER)
def download(slug, token):
    found = _run(token)
    archive = bulk.run_archive(found)
    if archive is None:
        abort(404)
    audit.record("certificate_run", g.event, found.total, current_user)
    response = send_file(
        io.BytesIO(archive),
        mimetype="application/zip",
        as_attachment=True,
        download_name=bulk.archive_filename(found),
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@event_role_required(ORGANIZER)
def withdraw(slug, token):
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    found = found_or_404(issuing.withdraw(g.event, token, current_user._get_current_object()))
    flash(_("The certificate of %(name)s is withdrawn.", name=found.name), "success")
    return redirect(url_for("certificates.index", slug=slug), 303)
