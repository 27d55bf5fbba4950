"""Letting people in: who scans (stations, door-staff accounts), a scan's verdict and
check-in, and the upload of scans made offline.

Guarantees:
- A ticket is checked in at most once per list, however many doors scan it at the same
  moment: the check-in is an INSERT that a partial unique index lets through once
  (ON CONFLICT DO NOTHING; the loser reads the winner's row and answers
  "already_checked_in" with its time and station).
- A retried request (same door, same client nonce) gets the first answer again and
  counts once.
- Garbage (empty, oversized, binary, SQL- or HTML-looking codes) is "unknown" without a
  database round trip, and changes nothing.
- A scan is one SELECT (door, ticket, order, type, list rules and any earlier check-in,
  all at once) and one INSERT when it admits; on PostgreSQL in autocommit (no BEGIN or
  COMMIT round trips, see check_in). On SQLite the write lock is taken first, so
  concurrent doors queue instead of failing with "database is locked".
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, exists, func, null, or_, select

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    Checkin,
    CheckinConflict,
    CheckinList,
    Event,
    Order,
    OrderStatus,
    RevokedSecret,
    Station,
    Ticket,
    TicketStatus,
    TicketType,
    User,
    WorkshopSignup,
    utcnow,
)
from ...models.checkin import checkin_list_ticket_types, token_hash
from ...models.events import localized
from ..refusal import Refusal

REASONS = (
    "already_checked_in",
    "unpaid",
    "cancelled",
    "other_event",
    "not_allowed",
    "not_signed_up",  # a workshop's door list: no active sign-up for the session
    "unknown",
)
# What a QR code on our tickets can hold (models.orders.new_token); anything else is
# not one of ours and never reaches the database.
SECRET_FORMAT = re.compile(r"[A-Za-z0-9_-]{16,64}")
NONCE_FORMAT = re.compile(r"[\x21-\x7e]{1,64}")  # printable ASCII, no spaces
LAST_SEEN_EVERY = timedelta(seconds=60)
MAX_OFFLINE_AGE = timedelta(days=7)  # older "scanned_at" is not believed
MAX_CLOCK_AHEAD = timedelta(minutes=5)


class CheckinError(Refusal):
    """A request the service refuses as a whole (not a verdict about a ticket). Its
    reason is also the door API's error code."""

    messages = {
        "bad_nonce": lambda p: _("The scan's identifier is not valid."),
        "nonce_reused": lambda p: _("The scan's identifier was already used for another ticket."),
    }


@dataclass(frozen=True)
class Door:
    """Who scans: a station (checked against its token hash in every scan, so a revoked
    station stops at once) or a door-staff account scanning on a chosen list."""

    event_id: int
    name: str
    station_id: int | None = None
    token_hash: str | None = None
    user_id: int | None = None
    checkin_list_id: int | None = None  # accounts choose; a station's comes from its row

    @classmethod
    def of_user(cls, user: User, checkin_list: CheckinList) -> "Door":
        return cls(
            event_id=checkin_list.event_id,
            name=user.display_name,
            user_id=user.id,
            checkin_list_id=checkin_list.id,
        )


@dataclass(frozen=True)
class Attendee:
    name: str
    organisation: str
    ticket_type: str


@dataclass
class Verdict:
    reason: str | None  # None: let them in
    attendee: Attendee | None = None
    checked_in_at: datetime | None = None
    station: str | None = None
    conflict: bool = False
    ticket_id: int | None = None
    stale_door: bool = False  # the station was revoked or its token changed meanwhile
    error: str | None = None  # an upload item refused as a whole (e.g. "bad_nonce")

    @property
    def ok(self) -> bool:
        return self.reason is None

    def as_json(self) -> dict:
        attendee = self.attendee
        return {
            "status": "ok" if self.reason is None else "error",
            "reason": self.reason,
            "attendee": None
            if attendee is None
            else {
                "name": attendee.name,
                "organisation": attendee.organisation,
                "ticket_type": attendee.ticket_type,
            },
            "checked_in_at": iso(self.checked_in_at),
            "station": self.station,
        }


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo("UTC")).isoformat(timespec="seconds").replace("+00:00", "Z")


def secret_hash(secret: str) -> str:
    """What the offline list carries instead of a ticket's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def clean_secret(raw) -> str | None:
    """The secret if it can be one of ours, else None. Hand scanners add whitespace."""
    if not isinstance(raw, str) or len(raw) > 200:
        return None
    raw = raw.strip()
    return raw if SECRET_FORMAT.fullmatch(raw) else None


def valid_nonce(raw) -> bool:
    return isinstance(raw, str) and NONCE_FORMAT.fullmatch(raw) is not None


# The scan ------------------------------------------------------------------------------


@cache
def _scan_statement(by_station: bool, by_ticket_id: bool, with_nonce: bool):
    """One SELECT for a whole scan: the door's list (and, for a station, proof its token
    still holds), the ticket with its order and type, whether the list admits the type,
    the ticket's active check-in on the list and who made it, and this door's earlier
    check-in with the same nonce. Built once per shape, on the tables (Core: no ORM
    work per scan); parameters are bound."""
    lst, event, station = CheckinList.__table__, Event.__table__, Station.__table__
    ticket, order, kind = Ticket.__table__, Order.__table__, TicketType.__table__
    active, earlier = Checkin.__table__.alias("active"), Checkin.__table__.alias("earlier")
    by_station_row, by_user = station.alias("active_station"), User.__table__.alias("by_user")
    types = checkin_list_ticket_types
    restricted = exists().where(types.c.checkin_list_id == lst.c.id)
    admitted = exists().where(
        types.c.checkin_list_id == lst.c.id, types.c.ticket_type_id == ticket.c.ticket_type_id
    )
    signups = WorkshopSignup.__table__
    # Only a workshop's door list (one with a session) asks for a sign-up.
    signed_up = or_(
        lst.c.session_id.is_(None),
        exists().where(
            signups.c.session_id == lst.c.session_id,
            signups.c.ticket_id == ticket.c.id,
            signups.c.cancelled_at.is_(None),
        ),
    )
    columns = [
        lst.c.id.label("list_id"),
        lst.c.day.label("list_day"),
        event.c.timezone,
        (station.c.last_seen_at if by_station else null()).label("last_seen_at"),
        ticket.c.id.label("ticket_id"),
        ticket.c.status.label("ticket_status"),
        ticket.c.attendee_name,
        ticket.c.attendee_organisation,
        order.c.status.label("order_status"),
        order.c.event_id.label("order_event_id"),
        order.c.buyer_name,
        order.c.buyer_organisation,
        kind.c.name_sv.label("type_sv"),
        kind.c.name_en.label("type_en"),
        restricted.label("restricted"),
        admitted.label("admitted"),
        signed_up.label("signed_up"),
        active.c.id.label("active_id"),
        active.c.created_at.label("active_at"),
        active.c.offline_scanned_at.label("active_scanned_at"),
        active.c.station_id.label("active_station_id"),
        active.c.user_id.label("active_user_id"),
        func.coalesce(by_station_row.c.name, by_user.c.name, by_user.c.email).label("active_by"),
    ]
    if with_nonce:
        columns += [
            earlier.c.id.label("earlier_id"),
            earlier.c.ticket_id.label("earlier_ticket_id"),
            earlier.c.created_at.label("earlier_at"),
            earlier.c.offline_scanned_at.label("earlier_scanned_at"),
        ]
    if by_station:
        query = select(*columns).where(
            station.c.id == bindparam("station_id"),
            station.c.token_hash == bindparam("token_hash"),
            station.c.revoked_at.is_(None),
        )
        earlier_by = earlier.c.station_id == station.c.id
        joined = station.join(lst, lst.c.id == station.c.checkin_list_id)
    else:
        query = select(*columns).where(lst.c.id == bindparam("list_id"))
        earlier_by = earlier.c.user_id == bindparam("user_id")
        joined = lst
    which = (
        ticket.c.id == bindparam("ticket_id")
        if by_ticket_id
        else ticket.c.secret == bindparam("secret")
    )
    joined = (
        joined.join(event, event.c.id == lst.c.event_id)
        .outerjoin(ticket, which)
        .outerjoin(order, order.c.id == ticket.c.order_id)
        .outerjoin(kind, kind.c.id == ticket.c.ticket_type_id)
        .outerjoin(
            active,
            and_(
                active.c.ticket_id == ticket.c.id,
                active.c.checkin_list_id == lst.c.id,
                active.c.undone_at.is_(None),
            ),
        )
        .outerjoin(by_station_row, by_station_row.c.id == active.c.station_id)
        .outerjoin(by_user, by_user.c.id == active.c.user_id)
    )
    if with_nonce:
        joined = joined.outerjoin(earlier, and_(earlier_by, earlier.c.nonce == bindparam("nonce")))
    return query.select_from(joined)


def _read(connection, door: Door, secret, ticket_id: int | None, nonce: str | None):
    statement = _scan_statement(door.station_id is not None, ticket_id is not None, bool(nonce))
    params = {"secret": secret} if ticket_id is None else {"ticket_id": ticket_id}
    if door.station_id is not None:
        params.update(station_id=door.station_id, token_hash=door.token_hash)
    else:
        params.update(list_id=door.checkin_list_id, user_id=door.user_id)
    if nonce:
        params["nonce"] = nonce
    return connection.execute(statement, params).first()


@cache
def _insert_statement(dialect: str, conflicts: bool = False):
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the unique indexes decide, and
    the loser of a race learns it without an error that would end the transaction."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = (CheckinConflict if conflicts else Checkin).__table__
    return insert(table).on_conflict_do_nothing().returning(table.c.id)


def _attendee(row) -> Attendee:
    return Attendee(
        name=row.attendee_name or row.buyer_name or "",
        organisation=row.attendee_organisation or row.buyer_organisation or "",
        ticket_type=localized(row.type_sv, row.type_en),
    )


def refusal(
    ticket_status: TicketStatus,
    order_status: OrderStatus,
    admitted: bool,
    list_day,
    today,
    signed_up: bool = True,
) -> str | None:
    """Why a ticket of the door's event may not come in on this list, or None (a
    check-in may still find it in already). The one rule the scan, the offline list and
    the search share. `signed_up` is False on a workshop's door list (one with a
    session) for a ticket without an active sign-up for the session."""
    if ticket_status is not TicketStatus.VALID or not (
        order_status.is_confirmed or order_status in OrderStatus.UNPAID
    ):
        return "cancelled"  # ticket cancelled or refunded; order cancelled/refunded/expired
    if order_status in OrderStatus.UNPAID:
        return "unpaid"
    if not signed_up:
        return "not_signed_up"
    if not admitted or (list_day is not None and list_day != today):
        return "not_allowed"
    return None


def check_in(
    door: Door,
    secret=None,
    nonce: str | None = None,
    now: datetime | None = None,
    *,
    ticket_id: int | None = None,
    offline: bool = False,
    scanned_at: datetime | None = None,
) -> Verdict:
    """The verdict on one scan (by the QR's secret, or by ticket id from a search), and
    the check-in when it is "ok". See the module docstring for the guarantees.

    `offline` marks a scan made without network and uploaded later, `scanned_at` its
    time by the phone's clock (if believable): its day decides day lists, and the
    check-in keeps it. An offline scan of a ticket another door checked in meanwhile is
    a conflict, kept for the organizers.

    Raises CheckinError("bad_nonce") for a nonce that is not 1-64 printable characters,
    and CheckinError("nonce_reused") when the door used it for another ticket."""
    now = now or utcnow()
    if ticket_id is None:
        secret = clean_secret(secret)
        if secret is None:
            return Verdict("unknown")
    elif not isinstance(ticket_id, int) or ticket_id <= 0 or ticket_id > 2**62:
        return Verdict("unknown")
    nonce = nonce or None
    if nonce is not None and not valid_nonce(nonce):
        raise CheckinError("bad_nonce")
    scanned_at = believable(scanned_at, now)
    # SQLite: the write lock first (BEGIN IMMEDIATE), so doors queue instead of failing
    # with "database is locked". PostgreSQL: single statements. The SELECT only words the
    # answer; what may happen is decided by the INSERT's unique indexes, each statement
    # sees what was committed before it, and a transaction around the two would add
    # nothing but the BEGIN and COMMIT round trips (a scan serialises before or after a
    # concurrent cancellation or undo either way).
    with unit_of_work(each_statement=True) as unit:
        for _attempt in range(3):
            verdict, inserted = _scan_once(
                unit.connection, door, secret, ticket_id, nonce, now, offline, scanned_at
            )
            if inserted is not False:
                return verdict
            # Lost a race: another door (or our own retry) got in between; read again.
        return Verdict("already_checked_in", ticket_id=verdict.ticket_id)


def _scan_once(connection, door, secret, ticket_id, nonce, now, offline, scanned_at):
    """(verdict, inserted): inserted is None when nothing was to be written, True when
    the check-in was stored, False when a unique index refused it."""
    row = _read(connection, door, secret, ticket_id, nonce)
    if row is None:  # the station was revoked or got a new token since it was let in
        return Verdict("unknown", stale_door=True), None
    if row.ticket_id is None:
        revoked = _revoked(connection, door, secret) if secret is not None else None
        return Verdict("cancelled" if revoked else "unknown", revoked), None
    if row.order_event_id != door.event_id:
        return Verdict("other_event"), None
    attendee = _attendee(row)
    if nonce and row.earlier_id is not None:  # a retry: the first answer again
        if row.earlier_ticket_id != row.ticket_id:
            raise CheckinError("nonce_reused")
        return Verdict(
            None,
            attendee,
            row.earlier_scanned_at or row.earlier_at,
            door.name,
            ticket_id=row.ticket_id,
        ), None
    admitted = row.admitted or not row.restricted
    today = (scanned_at or now).astimezone(ZoneInfo(row.timezone)).date()
    reason = refusal(
        row.ticket_status, row.order_status, admitted, row.list_day, today, bool(row.signed_up)
    )
    if reason is None and row.active_id is not None:
        conflict = offline and (
            row.active_station_id != door.station_id or row.active_user_id != door.user_id
        )
        if conflict:
            _record_conflict(connection, door, row, nonce, scanned_at, now)
        return Verdict(
            "already_checked_in",
            attendee,
            row.active_scanned_at or row.active_at,
            row.active_by,
            conflict=conflict,
            ticket_id=row.ticket_id,
        ), None
    if reason is not None:
        return Verdict(reason, attendee, ticket_id=row.ticket_id), None
    if door.station_id is not None and (
        row.last_seen_at is None or now - row.last_seen_at > LAST_SEEN_EVERY
    ):
        connection.execute(
            Station.__table__.update().where(Station.id == door.station_id).values(last_seen_at=now)
        )
    new_id = connection.execute(
        _insert_statement(connection.dialect.name),
        {
            "ticket_id": row.ticket_id,
            "checkin_list_id": row.list_id,
            "station_id": door.station_id,
            "user_id": door.user_id,
            "created_at": now,
            "nonce": nonce,
            "source": "offline" if offline else "online",
            "offline_scanned_at": scanned_at,
        },
    ).scalar()
    if new_id is None:
        return Verdict("already_checked_in", attendee, ticket_id=row.ticket_id), False
    return Verdict(None, attendee, scanned_at or now, door.name, ticket_id=row.ticket_id), True


def _revoked(connection, door: Door, secret: str) -> Attendee | None:
    """A former secret of one of the door's event's tickets (transferred since, see
    services/tickets/self_service.py): "cancelled", with its ticket type but no name
    (the ticket is someone else's now). Asked only when no ticket has the secret."""
    revoked, ticket = RevokedSecret.__table__, Ticket.__table__
    order, kind = Order.__table__, TicketType.__table__
    row = connection.execute(
        select(kind.c.name_sv, kind.c.name_en)
        .select_from(
            revoked.join(ticket, ticket.c.id == revoked.c.ticket_id)
            .join(order, order.c.id == ticket.c.order_id)
            .join(kind, kind.c.id == ticket.c.ticket_type_id)
        )
        .where(revoked.c.secret_hash == secret_hash(secret), order.c.event_id == door.event_id)
    ).first()
    return None if row is None else Attendee("", "", localized(row.name_sv, row.name_en))


def _record_conflict(connection, door: Door, row, nonce, scanned_at, now) -> None:
    connection.execute(
        _insert_statement(connection.dialect.name, conflicts=True),
        {
            "ticket_id": row.ticket_id,
            "checkin_list_id": row.list_id,
            "station_id": door.station_id,
            "user_id": door.user_id,
            "checkin_id": row.active_id,
            "nonce": nonce,
            "scanned_at": scanned_at,
            "created_at": now,
        },
    )


def believable(scanned_at: datetime | None, now: datetime) -> datetime | None:
    """An offline scan's time from the phone's clock, unless the clock is clearly off."""
    if scanned_at is None or scanned_at.tzinfo is None:
        return None
    if scanned_at > now + MAX_CLOCK_AHEAD or scanned_at < now - MAX_OFFLINE_AGE:
        return None
    return min(scanned_at, now)


# Offline: upload and the list -----------------------------------------------------------


@dataclass
class OfflineScan:
    secret: object
    nonce: str | None
    scanned_at: datetime | None


def upload_offline_scans(
    door: Door, scans: list[OfflineScan], now: datetime | None = None
) -> list[Verdict]:
    """Scans a phone made without network, in the order it made them. Each is judged as
    if scanned now (paid, cancelled) but on its own day; the first upload of a ticket
    wins, a later one from another door is "already_checked_in" with conflict set, and
    the conflict is kept for the organizers. Uploading the same batch again changes
    nothing (the nonces)."""
    now = now or utcnow()
    verdicts = []
    for scan in scans:
        try:
            verdict = check_in(
                door, scan.secret, scan.nonce, now, offline=True, scanned_at=scan.scanned_at
            )
        except CheckinError as error:
            verdict = Verdict("unknown", error=error.reason)
        verdicts.append(verdict)
        if verdict.stale_door:
            break
    return verdicts


# Stations: who may scan ------------------------------------------------------------------


@dataclass(frozen=True)
class StationAuth:
    """What the API's access check keeps of a station (no ORM object: it outlives
    transactions and is cached)."""

    id: int
    event_id: int
    event_slug: str
    name: str
    token_hash: str
    revoked: bool
    prints_badges: bool = False  # print on arrival (services/badges/arrival.py)

    @property
    def door(self) -> Door:
        return Door(self.event_id, self.name, station_id=self.id, token_hash=self.token_hash)


_station_cache: dict[str, tuple[StationAuth, float]] = {}
STATION_CACHE_SECONDS = 10.0


def station_for_token(token: str) -> StationAuth | None:
    """The station a bearer token belongs to, or None. Cached per process for a few
    seconds; that is safe because every scan re-checks the token hash and revocation in
    its own SELECT, and the badge link re-checks the printing setting when fetched;
    revoking or changing a station here drops the entry at once."""
    import time

    if not isinstance(token, str) or not SECRET_FORMAT.fullmatch(token):
        return None
    hashed = token_hash(token)
    cached = _station_cache.get(hashed)
    clock = time.monotonic()
    if cached is not None and cached[1] > clock:
        return cached[0]
    row = db.session.execute(
        select(
            Station.id,
            Station.event_id,
            Event.slug,
            Station.name,
            Station.revoked_at,
            Station.prints_badges,
        )
        .join(Event, Event.id == Station.event_id)
        .where(Station.token_hash == hashed)
    ).first()
    if row is None:
        _station_cache.pop(hashed, None)
        return None
    auth = StationAuth(
        row.id,
        row.event_id,
        row.slug,
        row.name,
        hashed,
        row.revoked_at is not None,
        bool(row.prints_badges),
    )
    if len(_station_cache) > 1000:
        _station_cache.clear()
    _station_cache[hashed] = (auth, clock + STATION_CACHE_SECONDS)
    return auth


def forget_station(hashed: str) -> None:
    _station_cache.pop(hashed, None)
