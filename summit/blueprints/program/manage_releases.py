"""Organizers' releases (/manage/events/<slug>/program/releases/...): the list of
published versions, one version's changelog, and publishing (with the conflicts and a
dry run of the changes shown first; conflicts must be confirmed).

Thin: the rules are services/program/releases.py.
"""

from zoneinfo import ZoneInfo

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length, Optional

from ...access import event_role_required
from ...forms import Form, strip
from ...models import Role
from ...services.program import releases
from ...services.program.changelog import CHANGE_LABELS, CHANGES, counts
from ...services.program.errors import ProgramError
from ..lookup import found_or_404
from .public_model import placement_label

ORGANIZER = Role.ORGANIZER


class PublishForm(Form):
    note = TextAreaField(
        _l("Note"),
        filters=[strip],
        validators=[Optional(), Length(max=releases.NOTE_MAX)],
        description=_l("Optional. Shown with this version in the public list of changes."),
    )
    confirm = BooleanField(_l("Publish anyway"))


def _helpers(event):
    tz = ZoneInfo(event.timezone)
    return {
        "placement": lambda p: placement_label(p, tz),
        "labels": CHANGE_LABELS,
        "kinds": CHANGES,
        "counts": counts,
        "session_link": lambda token: url_for("program.edit_session", slug=event.slug, token=token),
    }


# Endpoint program.releases (a function of that name would hide the services module).
@event_role_required(ORGANIZER)
def releases_list(slug):
    return render_template(
        "program/releases/list.html",
        event=g.event,
        releases=releases.releases_of(g.event),
        **_helpers(g.event),
    )


@event_role_required(ORGANIZER)
def release(slug, number):
    found = found_or_404(releases.release(g.event, number))
    return render_template(
        "program/releases/release.html", event=g.event, release=found, **_helpers(g.event)
    )


def _publish_page(form, error: str | None = None):
    preview = releases.preview(g.event)
    n = len(preview.conflicts)
    form.confirm.label.text = ngettext(
        "Publish anyway despite %(num)d conflict", "Publish anyway despite %(num)d conflicts", n
    )
    html = render_template(
        "program/releases/publish.html",
        event=g.event,
        form=form,
        preview=preview,
        error=error,
        **_helpers(g.event),
    )
    return html, 422 if (form.errors or error) else 200


@event_role_required(ORGANIZER)
def publish(slug):
    form = PublishForm()
    if not form.validate_on_submit():
        return _publish_page(form)
    try:
        published = releases.publish(
            g.event,
            by=current_user._get_current_object(),
            note=form.note.data or "",
            confirm_conflicts=bool(form.confirm.data),
        )
    except ProgramError as refused:
        if refused.reason == "unconfirmed_conflicts":
            form.confirm.errors = [refused.message]
            return _publish_page(form)
        if refused.field == "note":
            form.note.errors = [refused.message]
            return _publish_page(form)
        return _publish_page(form, error=refused.message)
    flash(_("Version %(number)d of the program is published.", number=published.number), "success")
    return redirect(url_for("program.release", slug=slug, number=published.number))
