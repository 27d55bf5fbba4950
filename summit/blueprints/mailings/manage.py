"""The organizers' mailings under /manage/events/<slug>/mail/: write, preview the
recipients and a sample, send now or at a set time, send again deliberately, and the
log of who got what."""

import re

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields import SelectChoice

from ...access import event_role_required
from ...forms import form_page, form_removed, local_time, show_refusal
from ...models import Mailing, MailingStatus, ResendMode, Role
from ...requests import page_number
from ...services.mailings import fields, sending
from ...services.mailings.recipients import (
    AnswerIs,
    CheckedIn,
    HasAddon,
    Selection,
    SignedUpFor,
    TicketTypeIs,
    recipients,
    sessions_with_signups,
)
from ...services.refusal import Refusal
from ...services.tickets import addons, answers, sales
from ..lookup import of_event_or_404
from .forms import MailingForm, ResendForm, SendForm, UnscheduleForm

ORGANIZER = Role.ORGANIZER
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)
PER_PAGE = 50
EDITABLE = (MailingStatus.DRAFT, MailingStatus.SCHEDULED)


@event_role_required(ORGANIZER)
def mailing_list(slug):
    return render_template(
        "mailings/list.html", event=g.event, mailings=sending.mailings_of(g.event)
    )


def _form(mailing: Mailing | None = None) -> MailingForm:
    initial = _initial(mailing) if mailing is not None and request.method == "GET" else None
    form = MailingForm(data=initial)
    form.ticket_types.choices = [SelectChoice(t.id, t.name) for t in sales.ticket_types(g.event)]
    form.sessions.choices = [SelectChoice(s.id, s.title) for s in sessions_with_signups(g.event)]
    form.addons.choices = [SelectChoice(a.id, a.name) for a in addons.event_addons(g.event)]
    form.answer.choices = [SelectChoice("", _("Any answer")), *answers.filter_choices(g.event)]
    return form


def _initial(mailing: Mailing) -> dict:
    selection = sending.selection_of(mailing)
    types, checked_in, sessions, answer, extras = (
        selection.criterion(k)
        for k in ("ticket_types", "checked_in", "sessions", "answer", "addons")
    )
    return {
        "subject_sv": mailing.subject_sv,
        "subject_en": mailing.subject_en,
        "body_sv": mailing.body_sv,
        "body_en": mailing.body_en,
        "attendees": selection.attendees,
        "ticket_types": list(types.ids) if types else [],
        "checked_in": "any" if checked_in is None else ("yes" if checked_in.yes else "no"),
        "sessions": list(sessions.ids) if sessions else [],
        "answer": answer.choice if answer else "",
        "addons": list(extras.ids) if extras else [],
        "speakers": selection.speakers,
        "waiting": selection.waiting,
        "essential": mailing.essential,
        "essential_reason": mailing.essential_reason,
    }


def _data(form: MailingForm) -> sending.MailingData:
    criteria = []
    if form.ticket_types.data:
        criteria.append(TicketTypeIs(tuple(form.ticket_types.data)))
    if form.checked_in.data in ("yes", "no"):
        criteria.append(CheckedIn(form.checked_in.data == "yes"))
    if form.sessions.data:
        criteria.append(SignedUpFor(tuple(form.sessions.data)))
    if form.answer.data:
        criteria.append(AnswerIs(form.answer.data))
    if form.addons.data:
        criteria.append(HasAddon(tuple(form.addons.data)))
    attendees = bool(form.attendees.data)
    return sending.MailingData(
        subject_sv=form.subject_sv.data or "",
        subject_en=form.subject_en.data or "",
        body_sv=form.body_sv.data or "",
        body_en=form.body_en.data or "",
        selection=Selection(
            attendees=attendees,
            criteria=tuple(criteria) if attendees else (),
            speakers=bool(form.speakers.data),
            waiting=bool(form.waiting.data),
        ),
        essential=bool(form.essential.data),
        essential_reason=form.essential_reason.data or "",
    )


def _saved(form: MailingForm, mailing: Mailing | None) -> Mailing | None:
    if not form.validate_on_submit():
        return None
    try:
        return sending.save_mailing(g.event, _data(form), mailing, by=current_user)
    except Refusal as refusal:
        show_refusal(refusal, form, {"attendees": "attendees"})
        return None


def _form_page(form: MailingForm, mailing: Mailing | None):
    return form_page(
        "mailings/form.html", form, event=g.event, mailing=mailing, fields=fields.FIELDS
    )


@event_role_required(ORGANIZER)
def new_mailing(slug):
    form = _form()
    saved = _saved(form, None)
    if saved is not None:
        flash(
            _("The mailing is saved. Check who gets it and how it reads, then send it."), "success"
        )
        return redirect(url_for("mailings.show_mailing", slug=slug, mailing_id=saved.id), 303)
    return _form_page(form, None)


@event_role_required(ORGANIZER)
def edit_mailing(slug, mailing_id):
    mailing = of_event_or_404(Mailing, mailing_id)
    if mailing.status not in EDITABLE:
        flash(sending.MailingError("not_editable").message)
        return redirect(url_for("mailings.show_mailing", slug=slug, mailing_id=mailing.id), 303)
    form = _form(mailing)
    if _saved(form, mailing) is not None:
        flash(_("The mailing is saved."), "success")
        return redirect(url_for("mailings.show_mailing", slug=slug, mailing_id=mailing.id), 303)
    return _form_page(form, mailing)


def _show(mailing: Mailing, status: int = 200, **forms):
    """The mailing's page: its state and actions, the recipients (paged) and a sample
    of the mail as one of them gets it."""
    group = recipients(g.event, sending.selection_of(mailing))
    page = page_number()
    pages = max(1, -(-len(group) // PER_PAGE))
    if page > pages:
        abort(404)
    shown = group[(page - 1) * PER_PAGE : page * PER_PAGE]
    sample_index = page_number("sample") - 1
    if sample_index >= len(group):
        sample_index = 0
    person = group[sample_index] if group else sending.sample_recipient(g.event, "sv")
    subject, text, html = sending.preview(mailing, person)
    # The body of the mail as rendered, for the page (cfp_mail_preview drops the inline
    # styles meant for mail programs, which the page's Content-Security-Policy refuses).
    body = _BODY.search(html)
    html = Markup(body.group(1) if body else "")  # noqa: S704 (our template's escaped output)
    _log, total, counts = sending.deliveries(mailing, 1, per_page=1)
    return render_template(
        "mailings/show.html",
        event=g.event,
        mailing=mailing,
        group=group,
        shown=shown,
        page=page,
        pages=pages,
        per_page=PER_PAGE,
        sample_index=sample_index,
        person=person,
        sample=(subject, text, html),
        selection=sending.selection_of(mailing),
        ticket_types={t.id: t.name for t in sales.ticket_types(g.event)},
        sessions={s.id: s.title for s in sessions_with_signups(g.event)},
        addon_names={a.id: a.name for a in addons.event_addons(g.event)},
        logged=total,
        counts=counts,
        send_form=forms.get("send_form") or SendForm(formdata=None, data={"when": "now"}),
        resend_form=forms.get("resend_form")
        or ResendForm(formdata=None, data={"mode": ResendMode.MISSING.value}),
        unschedule_form=UnscheduleForm(formdata=None),
    ), status


@event_role_required(ORGANIZER)
def show_mailing(slug, mailing_id):
    return _show(of_event_or_404(Mailing, mailing_id))


@event_role_required(ORGANIZER)
def send_mailing(slug, mailing_id):
    mailing = of_event_or_404(Mailing, mailing_id)
    form = SendForm()
    if form.validate_on_submit():
        try:
            at = None
            if form.when.data == "later":
                at = local_time(form.send_at, g.event.tz)
                if at is None:
                    raise sending.MailingError("required", "send_at")
            sending.send(mailing, at)
        except Refusal as refusal:
            if getattr(refusal, "reason", "") != "already_sent":
                show_refusal(refusal, form)
                return _show(mailing, 422, send_form=form)
            # A second click (or a second tab) on Send: it is sent once, and this answer
            # is the first one's, on the mailing's page, not a form that is gone.
            if mailing.status is MailingStatus.SENDING:
                flash(
                    _("The mailing is being sent. The log below shows each recipient."), "success"
                )
            else:
                show_refusal(refusal)
            return redirect(url_for("mailings.show_mailing", slug=slug, mailing_id=mailing.id), 303)
        else:
            if at is None:
                flash(
                    _("The mailing is being sent. The log below shows each recipient."), "success"
                )
            else:
                flash(_("The mailing is scheduled."), "success")
            return redirect(url_for("mailings.show_mailing", slug=slug, mailing_id=mailing.id), 303)
    return _show(mailing, 422, send_form=form)


@event_role_required(ORGANIZER)
def unschedule_mailing(slug, mailing_id):
    mailing = of_event_or_404(Mailing, mailing_id)
    if form_removed(UnscheduleForm(), lambda: sending.unschedule(mailing)):
        flash(_("The mailing is a draft again; nothing was sent."), "success")
    return redirect(url_for("mailings.show_mailing", slug=slug, mailing_id=mailing.id), 303)


@event_role_required(ORGANIZER)
def resend_mailing(slug, mailing_id):
    mailing = of_event_or_404(Mailing, mailing_id)
    form = ResendForm()
    if form.validate_on_submit():
        try:
            sending.send_again(mailing, ResendMode(form.mode.data), bool(form.confirm.data))
        except Refusal as refusal:
            show_refusal(refusal, form)
        else:
            flash(_("The mailing is being sent again."), "success")
            return redirect(url_for("mailings.show_mailing", slug=slug, mailing_id=mailing.id), 303)
    return _show(mailing, 422, resend_form=form)


@event_role_required(ORGANIZER)
def mailing_log(slug, mailing_id):
    mailing = of_event_or_404(Mailing, mailing_id)
    page = page_number()
    rows, total, counts = sending.deliveries(mailing, page, PER_PAGE)
    if page > 1 and not rows:
        abort(404)
    return render_template(
        "mailings/log.html",
        event=g.event,
        mailing=mailing,
        rows=rows,
        total=total,
        counts=counts,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
    )
