"""Workshop sign-ups: the attendee's page (sign up with one of one's tickets, cancel)
and the organizers' list of a session's sign-ups (CSV, the door list for the scanner).

Thin: every rule is services/program/signups.py's. The attendee's page shows live
figures (places left, one's own sign-ups), so it is never cached; the public session
page only links here (templates/program/_signup.html).
"""

from flask import (
    Response,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, IntegerField
from wtforms.validators import AnyOf, DataRequired, NumberRange

from ...access import event_role_required, signed_in
from ...forms import Form
from ...i18n import format_datetime
from ...models import ProgramSession, Role, utcnow
from ...services.privacy import audit
from ...services.program import signups as service
from ...services.program.errors import ProgramError
from ...services.program.sessions import session_by_token
from ...services.tickets import sales
from ..lookup import found_or_404, public_event_or_404
from .manage_forms import ButtonForm


class SignupForm(Form):
    """One button: sign a ticket up, or cancel a sign-up (the id is checked against the
    signed-in person's own tickets and sign-ups)."""

    action = HiddenField(validators=[AnyOf(("sign_up", "cancel"))])
    item = IntegerField(
        validators=[
            DataRequired(_l("Choose one of your tickets.")),
            NumberRange(1, 2**62, _l("Choose one of your tickets.")),
        ]
    )


def _session_or_404(event, token: str) -> ProgramSession:
    return found_or_404(session_by_token(event, token))


def _no_store(response):
    response.headers["Cache-Control"] = "private, no-store"
    return response


# The attendee's page ---------------------------------------------------------------------


def _signup_page(event, session, error: str | None = None, status: int = 200):
    published = service.published_session(session)
    if published is None:
        abort(404)  # the public never sees the work in progress
    tickets = service.my_tickets(event, current_user)
    mine = {s.ticket_id: s for s in service.my_signups(event, current_user)}
    taken = {tid: s for tid, s in mine.items() if s.session_id == session.id}
    state, limit, left = service.signup_state(session, published, utcnow())
    page = render_template(
        "program/signup.html",
        event=event,
        session=session,
        published=published,
        tz=event.tz,
        tickets=tickets,
        taken=taken,
        limit=limit,
        left=left,
        state=state,
        error=error,
        form=SignupForm(formdata=None),
    )
    return _no_store(make_response(page, status))


@signed_in
def signup(slug, token):
    event = public_event_or_404(slug)
    session = _session_or_404(event, token)
    if request.method == "GET":
        return _signup_page(event, session)
    form = SignupForm()
    if not form.validate_on_submit():
        message = _("Choose one of your tickets.")
        if "csrf_token" in form.errors:
            message = _("The form had expired. Please send it again.")
        return _signup_page(event, session, message, 422)
    try:
        if form.action.data == "sign_up":
            ticket = next(
                (t for t in service.my_tickets(event, current_user) if t.id == form.item.data),
                None,
            )
            if ticket is None:
                return _signup_page(event, session, _("Choose one of your tickets."), 422)
            signup_ = service.sign_up(session, ticket, current_user)
            flash(
                _(
                    "%(name)s is signed up for “%(title)s”.",
                    name=signup_.ticket.attendee_name or _("The ticket"),
                    title=session.title,
                ),
                "success",
            )
        else:
            signup_ = service.find_signup(session, form.item.data)
            if signup_ is None or signup_.cancelled_at is not None:
                return _signup_page(event, session, _("Choose one of your sign-ups."), 422)
            service.cancel_signup(signup_, current_user)
            flash(_("The sign-up is cancelled and the place is free for someone else."), "success")
    except ProgramError as refused:
        return _signup_page(event, session, refused.message, 409)
    return redirect(url_for(".signup", slug=slug, token=token), code=303)


# The organizers' list ----------------------------------------------------------------------


def _csv(session) -> Response:
    header = [_("Name"), _("Email"), _("Organisation"), _("Ticket type"), _("Signed up")]
    tz = g.event.tz
    rows = [
        [
            row.name,
            row.email,
            row.organisation,
            row.ticket_type,
            format_datetime(row.signed_up_at, "sortable", tz=tz),
        ]
        for row in service.signup_rows(session)
    ]
    audit.record("signups_csv", g.event, len(rows), current_user._get_current_object())
    text = sales.csv_for_excel(header, rows)
    return Response(
        text.encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="anmalda-{session.token}.csv"',
            "Cache-Control": "no-store",
        },
    )


@event_role_required(Role.ORGANIZER)
def signups(slug, token):
    session = _session_or_404(g.event, token)
    if request.args.get("format") == "csv":
        return _csv(session)
    limit = service.signup_limit(session)
    rows = service.signup_rows(session)
    page = render_template(
        "program/manage/signups.html",
        event=g.event,
        session=session,
        rows=rows,
        limit=limit,
        published=service.published_session(session),
        door_list=service.door_list(session),
        form=ButtonForm(formdata=None),
    )
    return _no_store(make_response(page))


@event_role_required(Role.ORGANIZER)
def signups_door_list(slug, token):
    session = _session_or_404(g.event, token)
    if not ButtonForm().validate_on_submit():
        abort(400)
    made = service.door_list_for(session)
    flash(
        _(
            "The check-in list “%(name)s” admits only the people signed up. "
            "Create a station on it for the door.",
            name=made.name,
        ),
        "success",
    )
    return redirect(url_for(".signups", slug=slug, token=token), code=303)
