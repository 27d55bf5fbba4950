"""Accounts: login sessions, emailed sign-in links, password reset, and roles per event.

Links are signed (itsdangerous) and expire; each carries a stamp of the account's
state, so a link works once: signing in changes last_login_at, a new password
changes session_token, and either makes older links invalid.

A signed-in browser holds the token of one login session (a row); the session ends
when that browser signs out, when the account's session_token changes (new password,
reset, "sign out everywhere"), or at LOGIN_SESSION_MAX_AGE. A copy of the cookie
opens nothing once its session has ended. Password sign-in is in sign_in.py.
"""

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from ..database import unit_of_work
from ..extensions import db
from ..models import Event, EventRole, LoginSession, Role, User, utcnow
from ..models.users import login_token_hash, new_session_token
from ..urls import external_url
from . import locks
from .mail import queue_mail
from .refusal import Refusal

MIN_PASSWORD_LENGTH = 10


class LinkError(Refusal):
    """A sign-in or reset link that cannot be used: "expired", "invalid" or "used"."""

    messages = {
        "expired": lambda p: _("The link has expired. Ask for a new one below."),
        "used": lambda p: _("The link has already been used. Ask for a new one below."),
        "invalid": lambda p: _("The link is not valid. Ask for a new one below."),
    }


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(
    email: str,
    name: str = "",
    password: str | None = None,
    is_site_admin: bool = False,
    locale: str | None = None,
) -> User:
    user = User(email=normalize_email(email), name=name.strip(), is_site_admin=is_site_admin)
    user.locale = locale
    if password:
        user.set_password(password)
    db.session.add(user)
    return user


# Login sessions ----------------------------------------------------------------------


def _session_max_age() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_SESSION_MAX_AGE"])


def begin_session(user: User, by_link: bool = False) -> LoginSession:
    """Signs one browser in, in a unit of work of its own (see open_session)."""
    with unit_of_work():
        return open_session(user, by_link)


def open_session(user: User, by_link: bool = False) -> LoginSession:
    """Inside a unit of work: a new login session, whose token that browser's cookie
    carries (user.get_login_token()); last_login_at moves on, which uses up the emailed
    links sent before. The person's ended sessions are cleared away."""
    now = utcnow()
    db.session.execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id,
            or_(
                LoginSession.account_stamp != user.session_token,
                LoginSession.created_at <= now - _session_max_age(),
            ),
        )
    )
    token = secrets.token_urlsafe(32)
    login_session = LoginSession(
        user=user,
        token_hash=login_token_hash(token),
        account_stamp=user.session_token,
        by_link=by_link,
        created_at=now,
    )
    db.session.add(login_session)
    user.last_login_at = now
    user.login_session = login_session
    login_session.token = token
    return login_session


def session_for_token(token: object) -> LoginSession | None:
    """The login session a cookie's token belongs to, with its user; None once it has
    ended (signed out, the account's session_token changed, too old)."""
    if not isinstance(token, str) or not token:
        return None
    login_session = db.session.scalar(
        select(LoginSession)
        .join(LoginSession.user)
        .where(
            LoginSession.token_hash == login_token_hash(token),
            LoginSession.account_stamp == User.session_token,
            LoginSession.created_at > utcnow() - _session_max_age(),
        )
        .options(contains_eager(LoginSession.user))
    )
    if login_session is not None:
        login_session.token = token
        login_session.user.login_session = login_session
    return login_session


def end_session(login_session: LoginSession) -> None:
    """Signs one browser out for good: its cookie, or any copy of it, opens nothing."""
    with unit_of_work():
        db.session.execute(delete(LoginSession).where(LoginSession.id == login_session.id))


def end_all_sessions(user: User) -> None:
    """Signs the person out everywhere, this browser too. A new session_token also ends
    unused password reset links and gives the calendar feed a new address."""
    with unit_of_work():
        user.session_token = new_session_token()


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _login_stamp(user: User | None) -> str:
    return user.last_login_at.isoformat() if user and user.last_login_at else ""


# Sign-in by emailed link -------------------------------------------------------------


def send_magic_link(email: str, locale: str, next_url: str | None = None) -> None:
    """Email a one-time sign-in link. Works for addresses without an account too:
    following the link proves the address and creates the account."""
    email = normalize_email(email)
    with unit_of_work():
        user = find_user(email)
        token = _serializer("magic-link").dumps(
            {"e": email, "s": _login_stamp(user), "n": next_url or ""}
        )
        queue_mail(
            email,
            "magic_link",
            subject=_l("Your sign-in link"),
            locale=(user.locale if user and user.locale else locale),
            link=external_url("auth.magic", token=token),
            minutes=current_app.config["MAGIC_LINK_MAX_AGE"] // 60,
        )


def use_magic_link(token: str, locale: str | None = None) -> tuple[User, str]:
    """The account the link signs in (created if new), with a new login session (which
    uses the link up), and where to go next.

    Atomic: the account is read under a lock (SQLite's write lock, PostgreSQL's row
    lock), so of two uses at once (a double click, two tabs) one signs in and the other
    finds the link used; a new address's account is made once, the other use is "used".
    """
    data = _load(token, "magic-link", current_app.config["MAGIC_LINK_MAX_AGE"])
    if not isinstance(data, dict) or not isinstance(data.get("e"), str):
        raise LinkError("invalid")
    try:
        with unit_of_work() as unit:
            user = unit.lock(locks.account(normalize_email(data["e"])))
            if data.get("s", "") != _login_stamp(user):
                raise LinkError("used")
            if user is None:
                user = create_user(data["e"], locale=locale)
                db.session.flush()
            open_session(user, by_link=True)  # in the same unit: the link is used up
    except IntegrityError:  # the other use made this address's account a moment ago
        raise LinkError("used") from None
    return user, data.get("n") or ""


# Password reset ----------------------------------------------------------------------


def send_password_reset(email: str, locale: str) -> None:
    """Email a reset link if the address has an account; say nothing either way."""
    user = find_user(email)
    if user is None:
        return
    token = _serializer("password-reset").dumps({"e": user.email, "s": user.session_token})
    with unit_of_work():
        queue_mail(
            user.email,
            "password_reset",
            subject=_l("Choose a new password"),
            locale=user.locale or locale,
            link=external_url("auth.reset_password", token=token),
            minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
        )


def user_for_reset(token: str) -> User:
    data = _load(token, "password-reset", current_app.config["PASSWORD_RESET_MAX_AGE"])
    if not isinstance(data, dict) or not isinstance(data.get("e"), str):
        raise LinkError("invalid")
    user = find_user(data["e"])
    if user is None or data.get("s") != user.session_token:
        raise LinkError("used")
    return user


def reset_password(token: str, password: str) -> User:
    """Sets the new password: every login session of the account ends with it, and a
    new one begins for the browser that set it."""
    user = user_for_reset(token)
    with unit_of_work():
        user.set_password(password)  # a new session_token: signed out everywhere
        open_session(user)
    return user


def _load(token: str, salt: str, max_age: int):
    try:
        return _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise LinkError("expired") from error
    except BadSignature as error:
        raise LinkError("invalid") from error


# Roles -------------------------------------------------------------------------------


def grant_role(event: Event, email: str, role: Role, granted_by: User | None) -> EventRole:
    """Give a person a role for an event; the account is created if the address is new,
    and the person is told by email (unless they granted it to themselves). Granting a
    role the person already holds changes nothing."""
    with unit_of_work():
        user = find_user(email) or create_user(email)
        db.session.flush()
        existing = db.session.scalar(
            select(EventRole).where(
                EventRole.user_id == user.id,
                EventRole.event_id == event.id,
                EventRole.role == role,
            )
        )
        if existing:
            return existing
        grant = EventRole(
            user=user, event=event, role=role, granted_by_id=getattr(granted_by, "id", None)
        )
        db.session.add(grant)
        if granted_by is None or granted_by.id != user.id:
            queue_mail(
                user.email,
                "role_granted",
                subject=lambda: _(
                    "Your role for %(event)s: %(role)s", event=event.name, role=role.label
                ),
                locale=user.locale,
                user=user,
                event=event,
                role=role,
                granted_by=granted_by,
                link=external_url("admin.dashboard"),
                sign_in_link=external_url("auth.request_link"),
            )
    return grant


class RoleRefused(Refusal):
    messages = {
        "own_organizer_role": lambda p: _("You cannot remove your own organizer role."),
    }


def event_role(event: Event, grant_id: int) -> EventRole | None:
    """One of the event's role grants (None: no such grant for this event)."""
    grant = db.session.get(EventRole, grant_id)
    return grant if grant is not None and grant.event_id == event.id else None


def revoke_role(grant: EventRole, by: User) -> None:
    """Take a role away. An organizer cannot take away their own organizer role (a
    site admin can), so no event is left without someone who can hand it on."""
    if grant.user_id == by.id and grant.role is Role.ORGANIZER and not by.is_site_admin:
        raise RoleRefused("own_organizer_role")
    with unit_of_work():
        db.session.delete(grant)


def set_locale(user: User, locale: str) -> None:
    """The language of the person's pages and emails."""
    with unit_of_work():
        user.locale = locale


def save_profile(user: User, name: str, locale: str | None) -> None:
    """The person's name and language."""
    with unit_of_work():
        user.name = name.strip()
        user.locale = locale


def roles_of(event: Event) -> list[EventRole]:
    return list(
        db.session.scalars(
            select(EventRole)
            .join(User, User.id == EventRole.user_id)
            .where(EventRole.event_id == event.id)
            .order_by(EventRole.role, func.lower(User.email))
        )
    )


def events_managed_by(user: User) -> list[Event]:
    query = select(Event).order_by(Event.starts_at.desc())
    if not user.is_site_admin:
        # By id, not DISTINCT over the event's columns: PostgreSQL cannot compare json.
        query = query.where(
            Event.id.in_(select(EventRole.event_id).where(EventRole.user_id == user.id))
        )
    return list(db.session.scalars(query))


# Role priority within one event: the widest work first.
_ROLE_ORDER = (Role.ORGANIZER, Role.DOOR, Role.REVIEWER)


def main_role(user: User, now=None) -> tuple[Role, Event] | None:
    """The role and event a person's work is at now: the event running now or starting
    soonest (an ended one only if all have ended, the latest of those), and on it the
    widest role (organizer, then door, then reviewer). None without any role."""
    now = now or utcnow()
    grants = db.session.execute(
        select(EventRole.role, Event)
        .join(Event, Event.id == EventRole.event_id)
        .where(EventRole.user_id == user.id)
    ).all()
    if not grants:
        return None

    def nearness(grant):
        event = grant.Event
        if event.ends_at >= now:
            return (0, event.starts_at.timestamp(), _ROLE_ORDER.index(grant.role))
        return (1, -event.ends_at.timestamp(), _ROLE_ORDER.index(grant.role))

    best = min(grants, key=nearness)
    return best.role, best.Event
