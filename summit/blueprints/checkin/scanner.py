"""The scanner page door staff use, phone first.

Two ways in, one page (templates/checkin/scanner.html, static/js/scanner/main.js):

- A station link, /events/<slug>/checkin/station#<token>: a public shell that knows
  nothing. The token travels in the URL fragment, which browsers never send (no server
  logs, no Referer); the page keeps it in localStorage for this event, removes it from
  the address bar and sends it as `Authorization: Bearer` to the JSON API, which
  alone decides what the phone may do.
- A door-staff or organizer account, /events/<slug>/checkin/: the same page, talking
  to the API with the session cookie and the CSRF token.

The pages send 'wasm-unsafe-eval' in script-src, so the vendored QR decoder
(WebAssembly, static/vendor/barcode-detector) can compile where the browser has no
BarcodeDetector of its own; every other page keeps the strict policy. It allows
compiling WebAssembly, not eval().
"""

from io import BytesIO

from flask import g, make_response, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ... import CSP, static_files
from ...access import event_role_required, public
from ...extensions import talisman
from ...models import Role
from ...services.checkin import setup as checkin_setup

SCANNER_CSP = dict(CSP, **{"script-src": "'self' 'wasm-unsafe-eval'"})
with_wasm = talisman(content_security_policy=SCANNER_CSP)


def _texts() -> dict:
    """What the scanner's scripts say, in the page's language (they have no catalogue)."""
    return {
        "online": _("Online"),
        "offline": _("Offline"),
        "queued": _("Waiting to upload: {n}"),
        "all_uploaded": _("All scans uploaded"),
        "list_from": _("Offline list from {time}"),
        "no_list": _("No offline list yet"),
        "list_fact": _("From {time}, {n} tickets"),
        "ok": _("OK"),
        "already_checked_in": _("Already checked in"),
        "unpaid": _("Not paid"),
        "cancelled": _("Cancelled or refunded"),
        "other_event": _("Ticket for another event"),
        "not_allowed": _("No entry with this ticket"),
        "not_signed_up": _("Not signed up"),
        "unknown": _("Unknown code"),
        "rate_limited": _("Too many scans"),
        "error": _("Could not check"),
        "why_already": _("Checked in {when} at {station}."),
        "why_already_here": _("Checked in {when} here."),
        "why_unpaid": _("The order is not paid. Send them to the information desk."),
        "why_cancelled": _("The ticket was cancelled or refunded. Do not let them in."),
        "why_other_event": _("This ticket is for another event."),
        "why_not_allowed": _("This ticket type does not give entry here or today."),
        "why_not_signed_up": _(
            "Not signed up for this workshop: only people who signed up get in here."
        ),
        "why_unknown": _("Not one of this event's tickets. Scan again, or find them by name."),
        "why_unknown_offline": _(
            "Not on the offline list. Bought just now? Check again when online, "
            "or find them by name."
        ),
        "why_no_list": _("Offline and no list on this phone yet: cannot check tickets."),
        "why_rate_limited": _("Wait a few seconds and scan again."),
        "why_error": _("The server did not answer as expected. Scan again."),
        "checked_offline": _("Checked offline against the list from {time}."),
        "tap_next": _("Tap for next scan"),
        "camera_start": _("Start camera"),
        "camera_stop": _("Stop camera"),
        "camera_starting": _("Starting the camera…"),
        "camera_denied": _(
            "The camera is blocked. Allow the camera for this page in the browser's settings."
        ),
        "camera_missing": _("No camera found. Use a hand scanner or find people by name."),
        "camera_failed": _("The camera could not start."),
        "camera_needs_https": _("The camera needs a secure (https) connection."),
        "point_camera": _("Point the camera at the QR code"),
        "undo_last": _("Undo: {name}"),
        "undo_confirm": _("Undo the check-in of {name}? They can then be scanned again."),
        "undone": _("Check-in of {name} undone."),
        "undo_failed": _("Could not undo: {name} is not checked in."),
        "undo_offline": _("Undo needs the network."),
        "search_offline": _("Finding people by name needs the network."),
        "searching": _("Searching…"),
        "no_results": _("Nobody found."),
        "results": _("{n} found"),
        "check_in": _("Check in"),
        "undo": _("Undo check-in"),
        "state_ok": _("Not checked in"),
        "state_already_checked_in": _("Checked in {when} at {station}"),
        "state_unpaid": _("Not paid"),
        "state_cancelled": _("Cancelled or refunded"),
        "state_not_allowed": _("No entry on this list"),
        "state_not_signed_up": _("Not signed up for this workshop"),
        "conflict": _(
            "Scanned at another door while offline: {name}, already checked in {when} at {station}."
        ),
        "refused_later": _("Let in offline, but the server says: {reason} ({name})."),
        "station_revoked": _("This station link is revoked or wrong"),
        "station_missing": _("Open this page with the station link"),
        "account_ended": _("Your sign-in has ended"),
        "account_refused": _("Your account cannot scan for this event"),
        "someone": _("someone"),
        "badge_print": _("Print the badge"),
        "badge_reprint": _("Print the badge again"),
        "badge_printed": _("Badge printed {time}"),
        "badge_not_printed": _("Badge not printed yet"),
        "badge_loading": _("Getting the badge…"),
        "badge_ready": _("The badge is shown: print it with the button."),
        "badge_failed": _("The badge could not be fetched. Scan the ticket again."),
        "badge_offline": _(
            "Offline: no badge is printed. Scan the ticket again when the network is back "
            "to print it."
        ),
        "badge_frame": _("Badge of {name}"),
        "another_door": _("another door"),
    }


def _render(slug: str, mode: str, event=None, lists=(), default_list=None):
    config = {
        "mode": mode,
        "slug": slug,
        "api": url_for("checkin.scan", slug=slug),
        "decoder": url_for(
            "static", filename="vendor/barcode-detector/barcode-detector-ponyfill.js"
        ),
        "wasm": url_for("static", filename="vendor/barcode-detector/zxing_reader.wasm"),
        "worker": url_for("checkin.scanner_worker", slug=slug),
        "cache": _offline_cache(),
        "scope": url_for("checkin.door_scanner", slug=slug),
        "texts": _texts(),
    }
    if mode == "account":
        config.update(
            csrf=generate_csrf(),
            user=current_user.display_name,
            event=event.name,
            timezone=event.timezone,
            lists=[{"id": cl.id, "name": cl.name} for cl in lists],
            list=default_list.id if default_list else None,
            login=url_for("auth.login", next=url_for("checkin.door_scanner", slug=slug)),
        )
    response = make_response(render_template("checkin/scanner.html", mode=mode, config=config))
    # Never cached by a proxy: the page carries a CSRF token for accounts.
    response.headers["Cache-Control"] = "no-store" if mode == "account" else "no-cache"
    return response


@with_wasm
@public
def station_scanner(slug):
    """The phone at a door, opened with a station link. Public: the page is an empty
    shell until the API accepts the token from the fragment."""
    return _render(slug, "station")


@with_wasm
@event_role_required(Role.DOOR, Role.ORGANIZER)
def door_scanner(slug):
    """Door staff scanning with their own account, on the list they choose (today's by
    default)."""
    lists = checkin_setup.checkin_lists(g.event)
    default = checkin_setup.list_for_today(g.event)
    if not lists:
        lists = [default]
    return _render(slug, "account", g.event, lists, default)


def _offline_cache() -> str:
    """The cache the scanner keeps its files in for offline use, named after this
    release's static files: a deploy starts a new one, and the worker drops the old."""
    return f"summit-scanner-{static_files.current().release}"


@public
def scanner_worker(slug):
    """The service worker that lets the scanner page open again without network (a
    phone that reloads the tab at a door with no Wi-Fi). Served under the scanner's
    path, so that its scope can cover the scanner pages, with this release's cache name
    written in: a deploy changes its bytes, which is what makes a browser install it."""
    worker = static_files.current().by_name["js/scanner-worker.js"]
    body = worker.body.replace(b"summit-scanner-RELEASE", _offline_cache().encode())
    response = send_file(
        BytesIO(body), mimetype="text/javascript", etag=f"{worker.hashed}-{_offline_cache()}"
    )
    response.headers["Cache-Control"] = "no-cache"
    return response
