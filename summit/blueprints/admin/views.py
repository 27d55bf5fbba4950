"""Organizer pages under /manage: events, who may do what, and the mail outbox."""

import io

from flask import (
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from ...access import event_role_required, signed_in, site_admin_required
from ...extensions import db
from ...forms import form_page, form_saved, local_time, show_refusal
from ...models import Event, EventFormat, EventKind, MessageStatus, OutboxMessage, Role
from ...requests import page_number
from ...services import accounts, branding, event_copy, events, outbox
from ..lookup import found_or_404
from .forms import (
    CopyEventForm,
    EventForm,
    GrantRoleForm,
    PublishForm,
    RetryForm,
    RevokeRoleForm,
    UnpublishForm,
)

ORGANIZER = Role.ORGANIZER


@signed_in
def dashboard():
    return render_template("admin/dashboard.html", events=accounts.events_managed_by(current_user))


def _event_data(form: EventForm, tz, event: Event | None = None) -> events.EventData:
    """The form's values as EventData (a Refusal for a time that never happens); a
    number of days left out keeps what the event has."""

    def days(field, name: str) -> int:
        if field.data is not None:
            return field.data
        return getattr(event or Event(), name) or field.default

    return events.EventData(
        slug=form.slug.data,
        kind=EventKind(form.kind.data),
        format=EventFormat(form.format.data),
        name_sv=form.name_sv.data.strip(),
        name_en=(form.name_en.data or "").strip(),
        description_sv=form.description_sv.data or "",
        description_en=form.description_en.data or "",
        venue_name=(form.venue_name.data or "").strip(),
        venue_address=(form.venue_address.data or "").strip(),
        stream_url=(form.stream_url.data or "").strip(),
        starts_at=local_time(form.starts_at, tz),
        ends_at=local_time(form.ends_at, tz),
        invoice_due_days=days(form.invoice_due_days, "invoice_due_days"),
        invoice_reminder_days=days(form.invoice_reminder_days, "invoice_reminder_days"),
    )


def _uploaded(storage) -> bytes | None:
    """The uploaded file's bytes (a little more than allowed, so the service can say it
    is too large), or None when no file was chosen."""
    if not isinstance(storage, FileStorage):
        return None
    data = storage.read(branding.MAX_LOGO_BYTES + 1)
    if not data and not storage.filename:
        return None
    return data


# A refusal of the logo goes on its upload field.
EVENT_FIELDS = {"logo": "logo_upload"}


def _save(form: EventForm, event: Event | None) -> Event:
    """Stores the form's event and its branding (a Refusal when they cannot be)."""
    tz = event.tz if event else Event(timezone="Europe/Stockholm").tz
    data = _event_data(form, tz, event)
    logo = _uploaded(form.logo_upload.data)
    branding.clean_accent(form.accent_color.data)  # checked before anything is saved
    if logo is not None:
        branding.clean_logo(logo)
    event = events.save_event(data, event)
    return branding.save_branding(
        event, form.accent_color.data, logo=logo, remove_logo=form.remove_logo.data
    )


@site_admin_required
def new_event():
    form = EventForm()
    made = []

    def save():
        event = _save(form, None)
        accounts.grant_role(event, current_user.email, ORGANIZER, current_user)
        made.append(event)

    if form_saved(form, save, EVENT_FIELDS):
        flash(_("The event is created as a draft."), "success")
        return redirect(url_for("admin.edit_event", slug=made[0].slug))
    return form_page("admin/event_form.html", form, event=None)


@event_role_required(ORGANIZER)
def edit_event(slug):
    event = g.event
    form = EventForm(obj=event)
    if request.method == "GET":
        form.kind.data = event.kind.value
        form.format.data = event.format.value
        form.starts_at.data = event.local_start.replace(tzinfo=None)
        form.ends_at.data = event.local_end.replace(tzinfo=None)
    if form_saved(form, lambda: _save(form, event), EVENT_FIELDS):
        flash(_("Saved."), "success")
        return redirect(url_for("admin.edit_event", slug=event.slug))
    return form_page(
        "admin/event_form.html",
        form,
        event=event,
        publish_form=PublishForm(),
        unpublish_form=UnpublishForm(),
    )


@event_role_required(ORGANIZER)
def copy_event(slug):
    """Next year's event as a draft copy of this one; whoever copies is its organizer."""
    source = g.event
    form = CopyEventForm()
    if request.method == "GET":
        form.name_sv.data, form.name_en.data = event_copy.next_year_name(source)
        form.slug.data = event_copy.next_year_slug(source)
        form.starts_on.data = event_copy.same_weekday_next_year(source)
    made = []

    def save():
        made.append(
            event_copy.copy_event(
                source,
                form.slug.data,
                form.starts_on.data,
                name_sv=form.name_sv.data,
                name_en=form.name_en.data,
                by=current_user._get_current_object(),
            )
        )

    if form_saved(form, save):
        flash(_("The copy is made as a draft: check its dates and prices."), "success")
        return redirect(url_for("admin.edit_event", slug=made[0].slug))
    return form_page("admin/copy_event.html", form, event=source)


@event_role_required(ORGANIZER)
def publish(slug):
    if not PublishForm().validate_on_submit():
        abort(400)
    events.publish_event(g.event)
    flash(_("The event is published."), "success")
    return redirect(url_for("admin.edit_event", slug=slug))


@event_role_required(ORGANIZER)
def unpublish(slug):
    if not UnpublishForm().validate_on_submit():
        abort(400)
    events.unpublish_event(g.event)
    flash(_("The event is a draft again and hidden from the public."), "success")
    return redirect(url_for("admin.edit_event", slug=slug))


@event_role_required(ORGANIZER)
def roles(slug):
    form = GrantRoleForm()
    if form.validate_on_submit():
        accounts.grant_role(g.event, form.email.data, Role(form.role.data), current_user)
        flash(_("The role is granted."), "success")
        return redirect(url_for("admin.roles", slug=slug))
    return form_page(
        "admin/roles.html",
        form,
        event=g.event,
        revoke_form=RevokeRoleForm(formdata=None),
        grants=accounts.roles_of(g.event),
    )


@event_role_required(ORGANIZER)
def revoke_role(slug):
    form = RevokeRoleForm()
    if not form.validate_on_submit():
        abort(400)
    grant = found_or_404(accounts.event_role(g.event, form.grant.data))
    try:
        accounts.revoke_role(grant, current_user)
    except accounts.RoleRefused as refusal:
        show_refusal(refusal)
    else:
        flash(_("The role is removed."), "success")
    return redirect(url_for("admin.roles", slug=slug))


@site_admin_required
def outbox_list():
    pagination, counts = outbox.messages_page(page_number())
    return render_template(
        "admin/outbox.html",
        pagination=pagination,
        counts=counts,
        statuses=list(MessageStatus),
        smtp_configured=outbox.smtp_configured(),
    )


@site_admin_required
def outbox_message(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template(
        "admin/outbox_message.html",
        message=message,
        attachments=outbox.describe_attachments(message),
        being_sent=outbox.is_being_sent(message),
        retry_form=RetryForm(),
    )


@site_admin_required
def outbox_attachment(message_id, attachment_id):
    """An attachment as the mail carries it; a ticket or receipt is made now, with the
    order's details as they are now (as the worker makes it when it sends)."""
    attachment = outbox.find_attachment(message_id, attachment_id)
    if attachment is None:
        abort(404)
    try:
        data = outbox.attachment_bytes(attachment)
    except LookupError:
        abort(410)  # the ticket or order it names is gone
    return send_file(
        io.BytesIO(data),
        mimetype=attachment.content_type,
        as_attachment=request.args.get("view") != "1",
        download_name=attachment.filename,
        max_age=0,
    )


@site_admin_required
def outbox_retry(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    if not RetryForm().validate_on_submit():
        abort(400)
    if message.status is MessageStatus.FAILED:
        outbox.retry_message(message)
        flash(_("The message will be sent again."), "success")
    return redirect(url_for("admin.outbox_message", message_id=message_id))
