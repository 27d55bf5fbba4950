"""What a workshop sign-up brings besides the place: the session in the attendee's own
program ("Mitt program") and a confirmation email with the day, time, room and a link
to cancel. Both are written in the sign-up's unit of work (the caller commits), so
they exist exactly when the sign-up does."""

from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from ...extensions import db
from ...models import CFP_LANGUAGES, AgendaItem, Event, ProgramSession, Ticket, User
from ...urls import external_url
from ..mail import queue_mail
from .release_mail import when_text
from .snapshot import PublishedSession


def attendee_account(ticket: Ticket) -> User | None:
    """The account of the person the ticket is made out to, if they have one."""
    email = (ticket.attendee_email or "").strip().lower()
    if not email:
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def add_to_agenda(user: User | None, session_id: int) -> None:
    """The session in the person's own program (once)."""
    if user is None:
        return
    have = db.session.scalar(
        select(AgendaItem.id).where(
            AgendaItem.user_id == user.id, AgendaItem.session_id == session_id
        )
    )
    if have is None:
        db.session.add(AgendaItem(user_id=user.id, session_id=session_id))


def _signup_link(event: Event, token: str) -> str | None:
    try:
        return external_url("program.signup", slug=event.slug, token=token)
    except BuildError:  # the program pages are not registered (should not happen)
        return None


def queue_signup_confirmation(
    ticket: Ticket, session: ProgramSession, published: PublishedSession, account: User | None
) -> None:
    """The confirmation email to the ticket's attendee, in their language: the
    account's, else the one the order was placed in, else Swedish."""
    to = (ticket.attendee_email or "").strip() or ticket.order.buyer_email
    if not to:
        return
    locale = next(
        (
            lang
            for lang in (account.locale if account else None, ticket.order.locale)
            if lang in CFP_LANGUAGES
        ),
        "sv",
    )
    event = session.event
    with force_locale(locale):
        event_name = event.name
    title = published.title
    queue_mail(
        to,
        "program_signup",
        subject=lambda: _("You are signed up for “%(title)s”", title=title),
        locale=locale,
        name=ticket.attendee_name or (account.name if account else "") or to,
        title=title,
        event_name=event_name,
        when=when_text(
            published.starts_at,
            published.ends_at,
            published.room["name"],
            ZoneInfo(event.timezone),
            locale,
        ),
        cancel_link=_signup_link(event, session.token),
    )
