"""Print on arrival: the badge a door station offers after an OK scan.

A PDF opened in an iframe or a new tab cannot send the station's bearer header, so the
badge's address carries its own proof: a token signed with the app's SECRET_KEY
(itsdangerous, a salt of its own) naming the station, the ticket and a fingerprint of
the station's token, valid for MAX_AGE. Nothing in it can be changed or guessed, it is
useless after ten minutes, and renewing the station's link (a lost phone) voids it.

Guarantees of print_badge, checked when the badge is fetched, not when it was offered:
- the token is ours, unaltered and younger than MAX_AGE (else BadgeRefused);
- the station still exists, is not revoked, has the same link, still prints badges,
  and belongs to the event of the address and of the ticket;
- the one badge is rendered in the station's layout and logged as printed (BadgePrint,
  channel ARRIVAL, the station) before it is handed out; a refusal logs nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from ...database import unit_of_work
from ...extensions import db
from ...models import PrintChannel, Station, Ticket, utcnow
from ..branding import Brand
from ..pdf import qr_png
from ..refusal import Refusal
from .printing import badges_for, last_printed, record_prints
from .render import Badge, render_badges

# One badge per page, for a printer next to the door: A6 card or a Brother QL label.
LAYOUTS = ("a6", "ql-62")
MAX_AGE = timedelta(minutes=10)
SALT = "summit.arrival-badge"
MAX_TOKEN_LENGTH = 300
FINGERPRINT = 16  # hex characters of the station's token hash


class BadgeRefused(Refusal):
    """The badge is not handed out: `status` 404 for what is not ours (garbage, altered,
    unknown station or ticket, another event), 403 for a real token that no longer
    holds (expired, revoked or renewed station, printing turned off)."""

    messages = {
        "expired": lambda p: _(
            "The badge link has expired. Scan the ticket again to print the badge."
        ),
        "not_printing": lambda p: _("This station no longer prints badges."),
        "revoked": lambda p: _("This station link is revoked or wrong"),
        **dict.fromkeys(
            ("bad_token", "unknown_station", "unknown_ticket"),
            lambda p: _("This badge cannot be printed."),
        ),
    }

    def __init__(self, reason: str, status: int):
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class BadgeOffer:
    token: str
    printed_at: datetime | None  # the ticket's badge was last printed then (any channel)


class _SignerAt(TimestampSigner):
    """A timestamp signer whose clock can be set: signing and checking "as of" a moment."""

    def __init__(self, *args, at: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.at = at

    def get_timestamp(self) -> int:
        return int(utcnow().timestamp()) if self.at is None else self.at


def _serializer(now: datetime | None = None) -> URLSafeTimedSerializer:
    at = None if now is None else int(now.timestamp())
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=SALT, signer=_SignerAt, signer_kwargs={"at": at}
    )


def make_token(
    station_id: int, ticket_id: int, station_token_hash: str, now: datetime | None = None
) -> str:
    """The badge token of this ticket at this station, signed as of `now`."""
    payload = [station_id, ticket_id, station_token_hash[:FINGERPRINT]]
    return _serializer(now).dumps(payload)


def offer(station, verdict, now: datetime | None = None) -> BadgeOffer | None:
    """What a station that prints badges offers after a scan: for a fresh admission and
    for "already checked in" (a deliberate reprint), the badge token and when the badge
    was last printed. None for any other verdict, or when the station does not print.
    `station` is the API's StationAuth (its printing setting cached a few seconds:
    print_badge checks it again)."""
    if not station.prints_badges or verdict.ticket_id is None:
        return None
    if verdict.reason not in (None, "already_checked_in"):
        return None
    token = make_token(station.id, verdict.ticket_id, station.token_hash, now)
    return BadgeOffer(token, last_printed([verdict.ticket_id]).get(verdict.ticket_id))


def _read(token, now: datetime | None) -> tuple[int, int, str]:
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise BadgeRefused("bad_token", 404)
    try:
        data = _serializer(now).loads(token, max_age=MAX_AGE.total_seconds())
    except SignatureExpired as error:
        raise BadgeRefused("expired", 403) from error
    except (BadData, ValueError, UnicodeError) as error:
        raise BadgeRefused("bad_token", 404) from error
    if (
        not isinstance(data, list)
        or len(data) != 3
        or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in data[:2])
        or not isinstance(data[2], str)
    ):
        raise BadgeRefused("bad_token", 404)
    return data[0], data[1], data[2]


def print_badge(token, slug: str, now: datetime | None = None) -> bytes:
    """The PDF of one badge (one page in the station's layout), logged as printed.
    Raises BadgeRefused; see the module docstring."""
    station_id, ticket_id, fingerprint = _read(token, now)
    station = db.session.get(Station, station_id)
    if station is None or station.event.slug != slug:
        raise BadgeRefused("unknown_station", 404)
    if station.revoked_at is not None or station.token_hash[:FINGERPRINT] != fingerprint:
        raise BadgeRefused("revoked", 403)
    if not station.prints_badges:
        raise BadgeRefused("not_printing", 403)
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or ticket.order.event_id != station.event_id:
        raise BadgeRefused("unknown_ticket", 404)
    layout = station.badge_layout if station.badge_layout in LAYOUTS else LAYOUTS[0]
    pdf = render_badges(badges_for([ticket]), layout)
    with unit_of_work():
        record_prints([ticket.id], PrintChannel.ARRIVAL, layout, station_id=station.id, now=now)
    return pdf


def warm_up() -> None:
    """Make one badge in each layout a door prints, and forget it: WeasyPrint imported,
    the fonts found and measured, the process's renderer and the logo decoder ready, so
    the first badge a door asks for after a start takes as long as the others. For a
    web process as it starts (gunicorn.conf.py) and for `flask worker`. Needs no app and
    no database."""
    sample = Badge(
        first_name="Åsa",
        last_name="Öberg-Lindqvist",
        organisation="Mötesplats Social Innovation",
        role="deltagare",
        role_label="Deltagare",
        event_name="Social Innovation Summit",
        event_dates="18–20 maj",
        secret="warm-up",  # noqa: S106 (a QR code of these words)
        brand=Brand(logo=qr_png("logo")),
    )
    for layout in LAYOUTS:
        render_badges([sample], layout)
