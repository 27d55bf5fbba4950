"""Who may do what: the signed-in user, and decorators every view declares its access with.

Every view carries an `access` attribute ("public", "login", "site_admin" or an
event role); tests walk the URL map and prove each protected route refuses people
without the right role, so a new route cannot be forgotten.
"""

from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required
from sqlalchemy import select

from .extensions import db, login
from .models import Event, Role, User


@login.user_loader
def load_user(session_token: str) -> User | None:
    return db.session.scalar(select(User).where(User.session_token == session_token))


# What a view may declare; event-role views declare the tuple of roles they accept.
ACCESS_LEVELS = ("public", "login", "site_admin")


def _mark(view, access):
    view.access = access
    return view


def public(view):
    """Anyone may open this page."""
    return _mark(view, "public")


def signed_in(view):
    """Any signed-in person."""
    return _mark(login_required(view), "login")


def site_admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login.unauthorized()
        if not current_user.is_site_admin:
            abort(403)
        return view(*args, **kwargs)

    return _mark(wrapper, "site_admin")


def event_role_required(*roles: Role):
    """The view takes `slug`; the event is loaded into g.event and the role checked.

    Site admins hold every role. People without it get 403; anonymous visitors are
    sent to sign in.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login.unauthorized()
            event = db.session.scalar(select(Event).where(Event.slug == kwargs["slug"]))
            if event is None:
                abort(404)
            if not current_user.has_role(event, *roles):
                abort(403)
            g.event = event
            return view(*args, **kwargs)

        return _mark(wrapper, tuple(roles))

    return decorator
