"""Public and personal pages: the accessibility statement and its form, privacy notices,
a person's own data (art. 15), their erasure request (art. 17) and consents."""

import json
from datetime import datetime

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ...access import public, signed_in
from ...extensions import limiter
from ...forms import ButtonForm, form_page, form_removed, form_saved
from ...models import utcnow
from ...services.privacy import accessibility as statement
from ...services.privacy import consents, requests
from ...services.privacy import notice as notices
from ...services.privacy.errors import PrivacyError
from ..lookup import public_event_or_404
from .forms import ReportForm, WithdrawForm


def _report_limit() -> str:
    return current_app.config["ACCESSIBILITY_REPORT_RATE_LIMIT"]


@limiter.limit(_report_limit, methods=["POST"], key_func=get_remote_address)
@public
def accessibility():
    """The accessibility statement (DOS-lagen) and its form for reporting a problem."""
    form = ReportForm()
    fields = {"description": "description", "page": "page", "name": "name", "email": "email"}

    def save():
        statement.report_problem(
            form.page.data, form.description.data, form.name.data, form.email.data
        )

    if form_saved(form, save, fields):
        flash(_("Thank you. Your report has been sent to us."), "success")
        return redirect(url_for("privacy.accessibility"))
    return form_page("privacy/accessibility.html", form, statement_date=statement.STATEMENT_DATE)


@public
def notice(slug):
    event = public_event_or_404(slug)
    return render_template(
        "privacy/notice.html",
        event=event,
        paragraphs=notices.paragraphs(notices.notice_text(event)),
    )


@public
def site_notice():
    return render_template("privacy/site_notice.html")


def _moment(value: str):
    """A time as the export writes it (ISO 8601), to be shown in words; else the text."""
    if len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return value


def _readable(found: dict) -> dict:
    return {
        key: [{label: _moment(value) for label, value in record.items()} for record in records]
        for key, records in found.items()
    }


@signed_in
def my_data():
    """What every part of the system keeps about the signed-in person, to read."""
    return render_template(
        "privacy/my_data.html",
        found=_readable(requests.registry.export_person(current_user.email)),
        erasure=requests.open_request(current_user),
        erasure_form=ButtonForm(),
        section_label=requests.registry.section_label,
    )


@signed_in
def my_data_json():
    """The same as a file (art. 15), logged as an export of personal data."""
    found = requests.export_of(current_user)
    body = json.dumps(
        {"email": current_user.email, "exported_at": utcnow().isoformat(), "data": found},
        ensure_ascii=False,
        indent=2,
    )
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="mina-uppgifter.json"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@signed_in
def ask_erasure():
    if form_removed(ButtonForm(), lambda: requests.ask_erasure(current_user)):
        flash(
            _("Your request for erasure has been sent. The organizers will complete it."),
            "success",
        )
    return redirect(url_for("site.my_tickets"))


@signed_in
def withdraw_consent():
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        consents.withdraw(current_user, form.kind.data, form.key.data)
    except PrivacyError as refusal:
        if refusal.reason == "not_yours":
            abort(404)
        flash(refusal.message, "error")
    else:
        flash(_("Your consent has been withdrawn."), "success")
    return redirect(url_for("site.my_tickets") + "#consents")
