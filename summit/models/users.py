"""People and what they may do: accounts, site admins and roles per event."""

import enum
import hashlib
import secrets
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .types import StrEnum, UTCDateTime, utcnow


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


def login_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def hash_password(password: str) -> str:
    """A new hash of the password, with the configured method (PASSWORD_HASH_METHOD)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


class Role(enum.Enum):
    """What a person may do for one event."""

    ORGANIZER = "organizer"
    REVIEWER = "reviewer"
    DOOR = "door"

    @property
    def label(self):
        return {
            Role.ORGANIZER: _l("Organizer"),
            Role.REVIEWER: _l("Reviewer"),
            Role.DOOR: _l("Door staff"),
        }[self]


class User(UserMixin, db.Model):
    """An account. Speakers and attendees may have no password and sign in by emailed link."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_site_admin: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(String(5))
    # The account's stamp: changing it (new password, reset, "sign out everywhere") ends
    # every login session begun before, unused reset links and the calendar feed address.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list["EventRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="EventRole.user_id"
    )

    # The login session this object was loaded or signed in with (not a column).
    login_session = None

    def get_login_token(self) -> str:
        """What Flask-Login keeps in the session cookie (login.id_attribute): the token
        of this browser's login session, never anything of the account itself."""
        return self.login_session.token

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    def set_password(self, password: str) -> None:
        """Also gives the account a new session_token: signed out everywhere."""
        self.password_hash = hash_password(password)
        self.session_token = new_session_token()

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def has_role(self, event, *roles: Role) -> bool:
        """Site admins hold every role; others need a grant for this event."""
        if self.is_site_admin:
            return True
        return any(r.event_id == event.id and r.role in roles for r in self.roles)

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class LoginSession(db.Model):
    """One signed-in browser. Its cookie carries the token; only the token's hash is
    kept. Signing out deletes the row, so a copy of the cookie taken before opens
    nothing. It is valid while the account's session_token is the one it began under,
    and for LOGIN_SESSION_MAX_AGE at most."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_stamp: Mapped[str] = mapped_column(String(64))  # User.session_token at sign-in
    # Begun by an emailed link: the person showed just then that the address is theirs.
    by_link: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    # The token itself, while we hold it (just made, or read from the cookie).
    token = None


class EventRole(db.Model):
    """A grant: this person holds this role for this event."""

    __tablename__ = "event_roles"
    __table_args__ = (UniqueConstraint("user_id", "event_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(StrEnum(Role))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])
    event: Mapped["Event"] = relationship(back_populates="roles")  # noqa: F821
