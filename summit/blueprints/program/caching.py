"""Conditional answers for the public program: ETag and Last-Modified on every page
built from a release, and 304 Not Modified without loading or rendering anything.

A release never changes, so a page is fully determined by the release (id, number,
publication time), the visitor's language, the URL (path, and query string: the
filters) and what the page header shows of the visitor: whether they are signed in,
and the session's CSRF token carried by the header's forms (language switch, sign
out). All of these go into the ETag, so a 304 is never the wrong page for whoever asks.

The cost of a conditional request that matches is the event lookup done by the view
and one small query for the latest release's stamp (`latest_release_stamp`).

A client gets 304s only when it sends its session cookie back with the ETag (as
browsers do): the page it holds carries that session's CSRF token. A client that drops
cookies gets a new session, so a new page, every time.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from hashlib import sha256

from flask import make_response, request, session
from flask_babel import get_locale
from flask_login import current_user

from ...services.program.published import latest_release_stamp, published_program

# Bump when the public pages change shape in a way that must not be served from a
# browser's cache after a deploy (the release alone would not change the ETag).
PAGE_VERSION = "1"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _visitor() -> str:
    """What the page header shows of the visitor: signed in as whom, and a digest of
    the session's CSRF token (the header's forms carry it)."""
    user = current_user.get_id() if current_user.is_authenticated else "-"
    token = session.get("csrf_token")
    token_digest = sha256(token.encode()).hexdigest()[:12] if isinstance(token, str) else "-"
    return f"{user}:{token_digest}"


def etag_for(stamp, vary: str = "") -> str:
    parts = (
        PAGE_VERSION,
        str(stamp.id),
        str(stamp.number),
        _aware(stamp.published_at).isoformat(),
        str(get_locale() or ""),
        request.path,
        request.query_string.decode("latin-1"),
        _visitor(),
        vary,
    )
    return sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _not_modified(etag: str, last_modified: datetime) -> bool:
    # RFC 9110: If-None-Match wins; If-Modified-Since counts only without it.
    if request.if_none_match:
        return request.if_none_match.contains(etag) or request.if_none_match.star_tag
    since = request.if_modified_since
    if since is not None:
        return _aware(since) >= last_modified.replace(microsecond=0)
    return False


def published_response(event, render: Callable, vary: str = ""):
    """Answer a public program request from the event's latest release.

    `render(program)` gets the parsed release (a ReleasedProgram, None if nothing
    has been published) and returns what a view returns. It is not called when the
    request's If-None-Match / If-Modified-Since show the visitor already has the page:
    the answer is then 304 with no body. `vary` is whatever else the page depends on.
    """
    stamp = latest_release_stamp(event)
    # A pending flash message belongs in the page: render it, and do not let it be kept.
    flashing = bool(session.get("_flashes"))
    if stamp is None or flashing:
        response = make_response(render(None if stamp is None else published_program(event, stamp)))
        response.headers["Cache-Control"] = "no-cache" if stamp is None else "private, no-store"
        response.vary.update(("Cookie", "Accept-Language"))
        return response

    etag = etag_for(stamp, vary)
    last_modified = _aware(stamp.published_at)
    if request.method in ("GET", "HEAD") and _not_modified(etag, last_modified):
        response = make_response("", 304)
    else:
        response = make_response(render(published_program(event, stamp)))
        if response.status_code != 200:
            return response
        # Rendering may have given the session its CSRF token (the header's forms):
        # the page's tag describes the visitor as the page shows them.
        etag = etag_for(stamp, vary)
    response.set_etag(etag)
    response.last_modified = last_modified
    response.headers["Cache-Control"] = (
        "private, no-cache" if current_user.is_authenticated else "public, no-cache"
    )
    response.vary.update(("Cookie", "Accept-Language"))
    return response
