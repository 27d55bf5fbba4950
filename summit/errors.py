"""Error pages: every HTTP error a visitor can meet, in the site's layout and their
language, with a way on; the JSON API (/api/...) answers JSON instead.

One handler for all HTTP errors (a code without its own words gets the general ones),
one for the form that expired (a CSRF failure is a 400 that says something else), one
for the database out of reach (a 503 to try again, not a crash: PostgreSQL restarting
or failing over; the pool reconnects by itself when it is back), and one for crashes,
which must not fail in their turn.
"""

import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

# Headers of the error worth keeping on the page (Allow on a 405, Retry-After on a 429).
KEPT_HEADERS = {"allow", "retry-after", "www-authenticate"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _json_error(code: int, reason: str):
    response = jsonify({"status": "error", "error": reason})
    response.status_code = code
    return response


def _reason(error: HTTPException) -> str:
    if isinstance(error, CSRFError):
        return "csrf"
    known = {413: "too_large", 429: "rate_limited"}
    return known.get(error.code, (error.name or "error").lower().replace(" ", "_"))


def _back_link() -> str | None:
    """Where the visitor came from, when that is a page of this site: after a form was
    refused, the page with the form (opened again, it has a fresh form)."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host or parts.scheme not in ("http", "https"):
        return None
    path = parts.path or "/"
    if path == request.path and request.method == "GET":
        return None  # a link to this very page (a form posting to itself is fine)
    return path + (f"?{parts.query}" if parts.query else "")


def _limit_mb() -> int:
    limit = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return max(1, round(limit / (1024 * 1024)))


def error_page(error: HTTPException):
    if error.code is None or error.code < 400:
        return error  # not an error (e.g. a 304 raised on purpose): as it is
    code = error.code
    headers = [(k, v) for k, v in error.get_headers() if k.lower() in KEPT_HEADERS]
    if wants_json():
        response = _json_error(code, _reason(error))
        response.headers.extend(headers)
        return response
    kind = "csrf" if isinstance(error, CSRFError) else code
    body = render_template(
        "errors.html",
        code=code,
        kind=kind,
        back=_back_link(),
        limit_mb=_limit_mb() if code == 413 else None,
    )
    return body, code, headers


def crash_page(error: InternalServerError):
    """A failure of ours. The page must not fail too: without the database (the usual
    cause) it is still shown, in plain words in both languages."""
    try:
        from .extensions import db

        db.session.rollback()
    except Exception:  # noqa: BLE001  (the database may be what failed)
        log.exception("Rollback after a crash failed")
    if wants_json():
        return _json_error(500, "internal_server_error")
    try:
        return error_page(error)
    except Exception:  # noqa: BLE001
        log.exception("The error page failed")
        return FALLBACK, 500, {"Content-Type": "text/html; charset=utf-8"}


RETRY_SECONDS = 5


def database_unavailable(error: OperationalError):
    """The database did not answer (down, restarting, refusing connections): 503 and
    Retry-After, in words that need no database; the scanner takes a 503 for offline
    and keeps the scan to send again."""
    log.warning("Database unreachable: %s", str(error.orig or error).splitlines()[0])
    try:
        from .extensions import db

        db.session.rollback()
    except Exception:  # noqa: BLE001  (the database is what failed)
        log.debug("Rollback without a database failed", exc_info=True)
    headers = {"Retry-After": str(RETRY_SECONDS)}
    if wants_json():
        response = _json_error(503, "unavailable")
        response.headers.update(headers)
        return response
    return UNAVAILABLE, 503, headers | {"Content-Type": "text/html; charset=utf-8"}


UNAVAILABLE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Strax tillbaka – Mötesplats Social Innovation</title></head>
<body><main><h1>Strax tillbaka</h1>
<p>Tjänsten svarar inte just nu. Försök igen om en liten stund.
<a href="">Ladda om sidan</a></p>
<h2 lang="en">Back in a moment</h2>
<p lang="en">The service is not answering right now. Please try again in a moment.
<a href="">Reload the page</a></p>
</main></body></html>"""

FALLBACK = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Något gick fel – Mötesplats Social Innovation</title></head>
<body><main><h1>Något gick fel</h1>
<p>Försök igen om en liten stund. <a href="/">Gå till startsidan</a></p>
<h2 lang="en">Something went wrong</h2>
<p lang="en">Please try again in a moment. <a href="/">Go to the start page</a></p>
</main></body></html>"""


def register_error_pages(app: Flask) -> None:
    app.register_error_handler(HTTPException, error_page)
    app.register_error_handler(CSRFError, error_page)
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(500, crash_page)
