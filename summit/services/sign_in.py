"""Passwords: signing in with one and changing it, so that an attacker learns nothing
from the answer and cannot lock the owner out.

- Equal work: every attempt costs one password hash, whether the address has an
  account with a password, one without, or none (a hash of the typed password is made
  and thrown away), so the time of the answer does not tell accounts apart.
- Wrong passwords are counted (right ones never: a room of door staff behind one
  address signs in freely), in Flask-Limiter's storage: memory in development, Redis
  shared by the workers in production. LOGIN_RATE_LIMIT per client address, whatever
  account it tries: someone guessing from one machine is stopped there, while the
  owner at theirs is not. LOGIN_ACCOUNT_RATE_LIMIT per account over all addresses (the
  address as typed, account or not, so a refusal tells nothing either): many machines
  taking turns; past it, password sign-in for that account waits, and the emailed
  link (which proves the address, not the password) is offered and keeps working.
- A refused attempt checks no password, so guessing on while refused learns nothing.
"""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from ..database import unit_of_work
from ..models import LoginSession, User, utcnow
from ..models.users import hash_password
from . import attempts
from .accounts import begin_session, find_user, normalize_email, open_session
from .refusal import Refusal

# How long after signing in by emailed link an account without a password may choose
# one without giving a current password (the link just proved the address).
SET_PASSWORD_AFTER_LINK = timedelta(minutes=15)


def _minutes(seconds: int) -> int:
    """A wait as whole minutes, as a person reads it (at least one)."""
    return max(-(-seconds // 60), 1)


class PasswordRefused(Refusal):
    """The password was wrong, or may not be tried now.

    reason: "wrong" (signing in), "wrong_current" (the current password, changing it);
    "wait_here" (too many wrong from this client address); "wait_account" (too many
    wrong for this account from everywhere); "link_too_old" (no password yet, and the
    emailed link that signed in is too old). `field`: the password field it is about.
    retry_after: seconds until a password may be tried again (the waits).
    """

    messages = {
        "wrong": lambda p: _("Wrong email address or password."),
        "wrong_current": lambda p: _("The current password is wrong."),
        "link_too_old": lambda p: _("Sign in with a new emailed link first."),
        **dict.fromkeys(
            ("wait_here", "wait_account"),
            lambda p: ngettext(
                "Too many wrong passwords. Try again in %(num)d minute.",
                "Too many wrong passwords. Try again in %(num)d minutes.",
                _minutes(p["retry_after"]),
            ),
        ),
    }

    def __init__(self, reason: str, field: str, retry_after: int | None = None):
        super().__init__(reason, field, retry_after=retry_after)
        self.retry_after = retry_after

    @property
    def minutes(self) -> int:
        """The wait in whole minutes (the waits)."""
        return _minutes(self.retry_after)


def sign_in_with_password(email: str, password: str, client: str | None) -> User:
    """The account the email address and password open, with a new login session
    (user.login_session); else PasswordRefused."""
    user = _checked(normalize_email(email), password, client)
    begin_session(user)
    return user


def change_password(
    user: User,
    login_session: LoginSession,
    new_password: str,
    current_password: str,
    client: str | None,
) -> LoginSession:
    """Sets a new password. An account with a password gives the current one (counted
    as sign-in attempts are); one without may choose a password within
    SET_PASSWORD_AFTER_LINK of signing in by emailed link. Every login session ends with
    the change; the one returned keeps this browser signed in."""
    if user.has_password:
        _checked(user.email, current_password, client, current=True)
    elif set_password_until(login_session) is None:
        raise PasswordRefused("link_too_old", "password")
    with unit_of_work():
        user.set_password(new_password)  # a new session_token: every session ends
        return open_session(user)


def set_password_until(login_session: LoginSession) -> datetime | None:
    """Until when this session may choose a first password: SET_PASSWORD_AFTER_LINK
    after signing in by emailed link; None when that has passed or it was no link."""
    if not login_session.by_link:
        return None
    until = login_session.created_at + SET_PASSWORD_AFTER_LINK
    return until if utcnow() < until else None


def _checked(email: str, password: str, client: str, current: bool = False) -> User:
    """The account, if the password is right and may be tried; `current`: it is the
    current password of a signed-in person changing it."""
    field = "current_password" if current else "password"
    account, here = _budgets(email, client)
    # Taken before the check, given back if it was right (services/attempts.py): tries
    # sent at once cannot all be checked before any is counted.
    account_wait = attempts.take(account)
    if account_wait:
        raise PasswordRefused("wait_account", field, account_wait)
    here_wait = attempts.take(here)
    if here_wait:
        attempts.give_back(account)
        raise PasswordRefused("wait_here", field, here_wait)
    user = find_user(email)
    if user is None or not user.has_password:
        hash_password(password)  # the work a real check does, so the time says nothing
    elif user.check_password(password):
        attempts.give_back(account + here)
        return user
    raise PasswordRefused("wrong_current" if current else "wrong", field)


# Counting wrong passwords ---------------------------------------------------------------


def _budgets(email: str, client: str):
    """(the account's, this client's) budgets a wrong password spends."""
    config = current_app.config
    account = attempts.budgets(
        config["LOGIN_ACCOUNT_RATE_LIMIT"], "wrong-password", "account", email
    )
    here = attempts.budgets(
        config["LOGIN_RATE_LIMIT"], "wrong-password", "client", client or "unknown"
    )
    return account, here
