"""Who may do what: the signed-in user, and decorators every view declares its access with.

Every view carries an `access` attribute ("public", "login", "site_admin", "api_token"
or an event role); tests walk the URL map and prove each protected route refuses people
without the right role, so a new route cannot be forgotten.
"""

from functools import wraps

from flask import abort, g, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select

from .extensions import csrf, db, login
from .models import Event, Role, User
from .services.accounts import session_for_token


@login.user_loader
def load_user(token: str) -> User | None:
    """The person whose login session the cookie names, read on every request (with the
    roles, when asked): ended sessions and removed roles count at once."""
    login_session = session_for_token(token)
    return login_session.user if login_session else None


# What a view may declare; event-role views declare the tuple of roles they accept.
ACCESS_LEVELS = ("public", "login", "site_admin", "api_token")


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


def _api_refusal(status: int, error: str):
    response = jsonify({"status": "error", "error": error})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="checkin"'
    return response


def bearer_station():
    """The station named by the request's `Authorization: Bearer <token>` header (the
    scheme in any case, spaces around the token ignored), or None. The door API's
    access check and its rate limit (keyed on the station) both read it here."""
    from .services.checkin.decision import station_for_token

    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    return station_for_token(token.strip()) if scheme.lower() == "bearer" else None


def api_token_required(view):
    """The door JSON API (takes `slug`): a station's bearer token for this event
    (`Authorization: Bearer <token>`, no cookies, so no CSRF token) sets g.station; or a
    signed-in account with the door or organizer role of the event sets g.event and
    g.door_user, and then the CSRF token is required on writes (X-CSRFToken), as the
    browser sends the session cookie by itself.

    Answers in JSON: 401 without a known token or account, 403 for a revoked station, a
    station of another event, or an account without the role.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.headers.get("Authorization", ""):
            station = bearer_station()
            if station is None:
                return _api_refusal(401, "unauthorized")
            if station.revoked:
                return _api_refusal(403, "revoked")
            if station.event_slug != kwargs["slug"]:
                return _api_refusal(403, "other_event")
            g.station, g.door_user = station, None
            return view(*args, **kwargs)
        if not current_user.is_authenticated:
            return _api_refusal(401, "unauthorized")
        event = db.session.scalar(select(Event).where(Event.slug == kwargs["slug"]))
        if event is None:
            return _api_refusal(404, "not_found")
        if not current_user.has_role(event, Role.DOOR, Role.ORGANIZER):
            return _api_refusal(403, "forbidden")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()
        g.station, g.door_user, g.event = None, current_user._get_current_object(), event
        return view(*args, **kwargs)

    return _mark(wrapper, "api_token")
