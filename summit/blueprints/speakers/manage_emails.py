"""Organizers' pages of the call for speakers (continued): the wording of the decision
emails, per decision and language, with a preview for a chosen proposal."""

import re

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ...access import event_role_required
from ...forms import ButtonForm, form_page, show_refusal
from ...models import CFP_LANGUAGES, DecisionKind
from ...services.cfp import CfpError, cfp_setup
from ...services.cfp.decision_mail import (
    allowed_placeholders,
    preview_decision,
    reset_template,
    save_template,
    wording,
)
from ..lookup import found_or_404
from .manage import ORGANIZER, event_proposals
from .manage_forms import TemplateForm

_INLINE_STYLE = re.compile(r' style="[^"<>]*"')


def mail_preview(body_html: Markup) -> Markup:
    """The HTML part of a decision email for showing on a page: without the inline
    `style` attributes meant for mail programs (the page's Content-Security-Policy
    refuses them; the page's styles colour the links). The HTML was escaped by the
    service, so a quote typed by a user is &#34; and never ends an attribute here."""
    return Markup(_INLINE_STYLE.sub("", str(body_html)))  # noqa: S704 (escaped input, see above)


def language_name(locale: str) -> str:
    return {"sv": _("Swedish"), "en": _("English")}[locale]


def placeholder_help() -> dict[str, str]:
    return {
        "name": _("the speaker's name"),
        "title": _("the proposal's title"),
        "event": _("the event's name"),
        "proposal_url": _("the link to the proposal's page"),
        "confirm_url": _("the link the speaker confirms or declines with"),
    }


def _kind_and_locale(kind: str, locale: str) -> DecisionKind:
    chosen = next((k for k in DecisionKind if k.value == kind), None)
    if chosen is None or locale not in CFP_LANGUAGES:
        abort(404)
    return chosen


def _call():
    return found_or_404(cfp_setup.get_call(g.event))


@event_role_required(ORGANIZER)
def manage_emails(slug):
    call = cfp_setup.get_call(g.event)
    rows = []
    if call is not None:
        for kind in DecisionKind:
            for locale in CFP_LANGUAGES:
                subject, _body, custom = wording(call, kind, locale)
                rows.append(
                    {
                        "kind": kind,
                        "locale": locale,
                        "language": language_name(locale),
                        "subject": subject,
                        "custom": custom,
                    }
                )
    return render_template("speakers/manage/emails.html", event=g.event, call=call, rows=rows)


@event_role_required(ORGANIZER)
def manage_email(slug, kind, locale):
    decision = _kind_and_locale(kind, locale)
    call = _call()
    subject, body, custom = wording(call, decision, locale)
    initial = {"subject": subject, "body": body} if request.method == "GET" else None
    form = TemplateForm(data=initial)
    if form.validate_on_submit():
        try:
            save_template(call, decision, locale, form.subject.data, form.body.data)
        except CfpError as error:
            show_refusal(error, form)
        else:
            flash(_("The email is saved."), "success")
            return redirect(url_for("speakers.manage_email", slug=slug, kind=kind, locale=locale))
    proposals = sorted(event_proposals().values(), key=lambda p: p.title.casefold())
    chosen = next((p for p in proposals if p.token == request.args.get("proposal")), None)
    return form_page(
        "speakers/manage/email_form.html",
        form,
        event=g.event,
        decision=decision,
        locale=locale,
        language=language_name(locale),
        placeholders=[(name, placeholder_help()[name]) for name in allowed_placeholders(decision)],
        custom=custom,
        reset_form=ButtonForm(formdata=None),
        proposals=proposals,
        chosen=chosen,
        mails=preview_decision(chosen, decision, locale) if chosen else [],
    )


@event_role_required(ORGANIZER)
def manage_reset_email(slug, kind, locale):
    decision = _kind_and_locale(kind, locale)
    call = _call()
    if not ButtonForm().validate_on_submit():
        abort(400)
    reset_template(call, decision, locale)
    flash(_("The email has its default wording again."), "success")
    return redirect(url_for("speakers.manage_email", slug=slug, kind=kind, locale=locale))
