"""Public pages: the list of events, an event's page, the language switch; and a
signed-in person's own tickets."""

from flask import (
    Response,
    abort,
    current_app,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
)
from flask_login import current_user

from ...access import public, signed_in
from ...forms import ButtonForm
from ...models import utcnow
from ...services import accounts, events
from ...services.certificates import document as certificate_document
from ...services.certificates import issuing as certificates
from ...services.cfp import cfp_setup
from ...services.privacy import consents
from ...services.privacy import requests as privacy_requests
from ...services.tickets import documents, my_tickets
from ...urls import is_safe_next
from ..lookup import found_or_404, public_event_or_404
from .forms import LanguageForm


@public
def home():
    return render_template("site/home.html", events=events.upcoming_events())


@public
def event(slug):
    found = public_event_or_404(slug)
    call = cfp_setup.get_call(found)
    call_open = call is not None and call.is_open(utcnow())
    return render_template("site/event.html", event=found, call_open=call_open)


@signed_in
def my_tickets_page():
    groups = my_tickets.tickets_of(current_user)
    return render_template(
        "site/my_tickets.html",
        upcoming=[g for g in groups if not g.past],
        past=[g for g in groups if g.past],
        certificates=certificates.offers_for(current_user),
        consents=consents.of_person(current_user),
        erasure=privacy_requests.open_request(current_user),
        erasure_form=ButtonForm(),
    )


@signed_in
def my_attendance_certificate(reference, number):
    """The certificate of attendance of a ticket made out to the signed-in person, in
    the language they choose (?lang=sv|en; their order's by default). 404 for a ticket
    that is not theirs or was never checked in."""
    ticket = found_or_404(certificates.own_ticket(current_user, reference, number))
    try:
        issued = certificates.issue_attendance(ticket)
    except certificates.CertificateRefused:
        abort(404)
    return _certificate_pdf(issued, ticket.order.locale)


@signed_in
def my_presentation_certificate(slug):
    """The signed-in person's certificate of presentation at the event (?lang=sv|en;
    their account's language by default); 404 if they speak in no published session."""
    event = found_or_404(events.get_event(slug))
    try:
        issued = certificates.issue_presentation(event, current_user)
    except certificates.CertificateRefused:
        abort(404)
    return _certificate_pdf(issued, current_user.locale)


def _certificate_pdf(issued, default_locale):
    locale = request.args.get("lang") or default_locale
    if locale not in certificates.LANGUAGES:
        locale = "sv"
    response = Response(
        certificate_document.certificate_pdf(issued, locale), mimetype="application/pdf"
    )
    filename = certificate_document.filename(issued, locale)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@signed_in
def my_ticket_pdf(reference, number):
    """One ticket the signed-in person holds, by its order number and place in the order
    (no secret in the link: it works only for them)."""
    ticket = found_or_404(my_tickets.held_ticket(current_user, reference, number))
    response = Response(
        documents.render_document(f"ticket:{ticket.id}"), mimetype="application/pdf"
    )
    filename = f"biljett-{ticket.order.reference}-{number}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@public
def language():
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    lang = "en" if form.en.data else "sv"
    session["lang"] = lang
    if current_user.is_authenticated and current_user.locale != lang:
        accounts.set_locale(current_user, lang)
    target = form.next.data
    return redirect(target if is_safe_next(target) else "/")


def inject_language_form():
    if not has_request_context() or request.endpoint == "static":
        return {}
    form = LanguageForm(formdata=None, next=request.full_path.rstrip("?"))
    return {"language_form": form, "languages": current_app.config["LANGUAGES"]}
