"""The door JSON API, under /api/v1/events/<slug>/checkin (endpoints checkin.scan,
checkin.offline_list, checkin.upload, checkin.api_search, checkin.api_undo,
checkin.door_info).

Authenticated by a station's bearer token (or a door-staff account's session and CSRF
token; see access.api_token_required), exempt from the form CSRF check, rate-limited
per station (CHECKIN_RATE_LIMIT). Every answer is JSON, errors included.

    POST .../checkin          {"secret": "...", "nonce": "..."} or {"ticket_id": 12, ...}
                              at a station that prints badges, an OK or "already checked
                              in" answer has "badge": {"url", "printed_at"} (badge.py)
    GET  .../checkin/list     the offline list: sha256(secret) hex -> attendee and state
    POST .../checkin/batch    {"scans": [{"secret", "nonce", "scanned_at"}, ...]}
    GET  .../checkin/search?q=anna
    POST .../checkin/undo     {"secret": "..."} or {"ticket_id": 12}
    GET  .../checkin/door     who is scanning, on which list
"""

from datetime import datetime

from flask import current_app, g, jsonify, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ...access import api_token_required, bearer_station
from ...extensions import csrf, limiter
from ...requests import read_json
from ...services.badges import arrival as arrival_badges
from ...services.checkin import decision as checkin
from ...services.checkin import lookup as checkin_lookup
from ...services.checkin.decision import CheckinError, Door, OfflineScan
from ...services.checkin.setup import get_list, list_for_today

MAX_SCAN_BODY = 64 * 1024  # a 10 kB code is "unknown", not an error
MAX_BATCH_BODY = 2 * 1024 * 1024
MAX_BATCH_SCANS = 2000


def _rate_limit() -> str:
    return current_app.config.get("CHECKIN_RATE_LIMIT", "600 per minute")


def _door_key() -> str:
    """Per station (the one its token resolves to, however the header is spelled), per
    account, else per client address: unknown tokens share their sender's limit."""
    if request.headers.get("Authorization", ""):
        station = bearer_station()
        if station is not None:
            return f"station:{station.id}"
        return "address:" + (get_remote_address() or "")
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "address:" + (get_remote_address() or "")


limited = limiter.limit(_rate_limit, key_func=_door_key)


def _error(status: int, error: str):
    response = jsonify({"status": "error", "error": error})
    response.status_code = status
    return response


def _is_api() -> bool:
    return request.path.startswith("/api/")


def http_error(error: HTTPException):
    """JSON for the API (bad JSON, too large, CSRF, rate limit); the site's error page
    for the organizer pages of this blueprint."""
    if _is_api():
        if isinstance(error, CSRFError):
            return _error(400, "csrf")
        reason = {429: "rate_limited", 413: "too_large"}.get(error.code, error.name or "error")
        return _error(error.code or 500, reason.lower().replace(" ", "_"))
    return render_template("errors.html", code=error.code, error=error), error.code


def _json_object(limit: int) -> dict | None:
    # Bounded: too deep or huge numbers read as None. A scanned code may hold any
    # character (a NUL is an unknown code, not a bad request).
    data = read_json(limit, allow_nul=True)
    return data if isinstance(data, dict) else None


def _door(source) -> Door | None:
    """The station, or for a door-staff account the list it chose (`list`) or today's."""
    if g.station is not None:
        return g.station.door
    list_id = source.get("list")
    if isinstance(list_id, str) and list_id.isdigit():
        list_id = int(list_id)
    checkin_list = list_for_today(g.event) if list_id is None else get_list(g.event, list_id)
    return None if checkin_list is None else Door.of_user(g.door_user, checkin_list)


def _ticket_id(value):
    """An integer ticket id from JSON (not a bool), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@csrf.exempt
@limited
@api_token_required
def scan(slug):
    data = _json_object(MAX_SCAN_BODY)
    if data is None:
        return _error(400, "expected_json_object")
    nonce = data.get("nonce")
    if nonce is not None and not isinstance(nonce, str):
        return _error(400, "bad_nonce")
    ticket_id = None
    if "ticket_id" in data:
        ticket_id = _ticket_id(data["ticket_id"])
        if ticket_id is None:
            return _error(400, "bad_ticket_id")
    elif not isinstance(data.get("secret"), str):
        return _error(400, "missing_secret")
    door = _door(data)
    if door is None:
        return _error(400, "unknown_list")
    try:
        verdict = checkin.check_in(door, data.get("secret"), nonce, ticket_id=ticket_id)
    except CheckinError as error:
        return _error(409 if error.reason == "nonce_reused" else 400, error.reason)
    if verdict.stale_door:
        return _error(403, "revoked")
    answer = verdict.as_json()
    offer = arrival_badges.offer(g.station, verdict) if g.station is not None else None
    if offer is not None:
        answer["badge"] = {
            "url": url_for("checkin.arrival_badge", slug=slug, token=offer.token),
            "printed_at": checkin.iso(offer.printed_at),
        }
    return jsonify(answer)


@limited
@api_token_required
def offline_list(slug):
    door = _door(request.args)
    if door is None:
        return _error(400, "unknown_list")
    result = checkin_lookup.offline_list(door)
    if result is None:
        return _error(403, "revoked")
    checkin_list = result.checkin_list
    return jsonify(
        {
            "list": {
                "id": checkin_list.id,
                "name": checkin_list.name,
                "day": checkin_list.day.isoformat() if checkin_list.day else None,
            },
            "door": door.name,
            "generated_at": checkin.iso(result.generated_at),
            "hash": "sha256",
            "entries": [
                {
                    "hash": entry.hash,
                    "name": entry.attendee.name,
                    "organisation": entry.attendee.organisation,
                    "ticket_type": entry.attendee.ticket_type,
                    "state": entry.state,
                    "checked_in_at": checkin.iso(entry.checked_in_at),
                    "station": entry.station,
                }
                for entry in result.entries
            ],
        }
    )


def _scanned_at(value) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@csrf.exempt
@limited
@api_token_required
def upload(slug):
    data = _json_object(MAX_BATCH_BODY)
    scans = data.get("scans") if data is not None else None
    if not isinstance(scans, list) or len(scans) > MAX_BATCH_SCANS:
        return _error(400, "expected_scans")
    door = _door(data)
    if door is None:
        return _error(400, "unknown_list")
    items = []
    for item in scans:
        item = item if isinstance(item, dict) else {}
        nonce = item.get("nonce") if isinstance(item.get("nonce"), str) else None
        items.append(OfflineScan(item.get("secret"), nonce, _scanned_at(item.get("scanned_at"))))
    verdicts = checkin.upload_offline_scans(door, items)
    if verdicts and verdicts[-1].stale_door:
        return _error(403, "revoked")
    results = []
    for item, verdict in zip(items, verdicts, strict=True):
        answer = verdict.as_json()
        answer.update(nonce=item.nonce, conflict=verdict.conflict)
        if verdict.error:
            answer["error"] = verdict.error
        results.append(answer)
    return jsonify({"results": results})


@limited
@api_token_required
def search(slug):
    door = _door(request.args)
    checkin_list = checkin_lookup.door_list(door) if door is not None else None
    if checkin_list is None:
        return _error(403 if g.station is not None else 400, "unknown_list")
    hits = checkin_lookup.search(door.event_id, request.args.get("q", ""), checkin_list)
    return jsonify(
        {
            "results": [
                {
                    "ticket_id": hit.ticket_id,
                    "name": hit.name,
                    "email": hit.email,
                    "organisation": hit.organisation,
                    "ticket_type": hit.ticket_type,
                    "order": hit.order_reference,
                    "state": hit.state,
                    "checked_in_at": checkin.iso(hit.checked_in_at),
                    "station": hit.station,
                }
                for hit in hits
            ]
        }
    )


@csrf.exempt
@limited
@api_token_required
def undo(slug):
    data = _json_object(MAX_SCAN_BODY)
    if data is None:
        return _error(400, "expected_json_object")
    door = _door(data)
    checkin_list = checkin_lookup.door_list(door) if door is not None else None
    if checkin_list is None:
        return _error(403 if g.station is not None else 400, "unknown_list")
    ticket = checkin_lookup.find_ticket(
        door.event_id, data.get("secret"), _ticket_id(data.get("ticket_id"))
    )
    active = checkin_lookup.active_checkin(checkin_list.id, ticket.id) if ticket else None
    if active is None:
        return _error(404, "not_checked_in")
    checkin_lookup.undo_checkin(active, g.door_user or door)
    return jsonify({"status": "ok", "undone": True})


@limited
@api_token_required
def door_info(slug):
    door = _door(request.args)
    checkin_list = checkin_lookup.door_list(door) if door is not None else None
    if checkin_list is None:
        return _error(403 if g.station is not None else 400, "unknown_list")
    return jsonify(
        {
            "door": door.name,
            "station": door.station_id is not None,
            # Print on arrival: only stations (the setting is on the station).
            "prints_badges": g.station is not None and g.station.prints_badges,
            "event": {"slug": slug, "name": checkin_list.event.name},
            "list": {
                "id": checkin_list.id,
                "name": checkin_list.name,
                "day": checkin_list.day.isoformat() if checkin_list.day else None,
            },
        }
    )
