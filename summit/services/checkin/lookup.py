"""What door staff look up: the offline list, search by name for people without
their QR code, and undoing a check-in made by mistake.

The states here are the scan's own rule (decision.refusal), so the list a phone
works from offline and the search agree with what a scan would answer.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from ...database import end_reads, unit_of_work
from ...extensions import db
from ...models import (
    Checkin,
    CheckinList,
    Order,
    OrderStatus,
    RevokedSecret,
    Station,
    Ticket,
    TicketType,
    User,
    WorkshopSignup,
    utcnow,
)
from ...models.events import localized
from ...models.search import collation_key, fold, like_pattern
from .decision import Attendee, Door, clean_secret, refusal, secret_hash


def _state(
    checkin_list: CheckinList, admits: set[int], today, row, checked_in, signed: set[int] | None
) -> str:
    reason = refusal(
        row.status,
        row.order_status,
        not admits or row.ticket_type_id in admits,
        checkin_list.day,
        today,
        signed is None or row.ticket_id in signed,
    )
    return reason or ("already_checked_in" if checked_in else "ok")


def _signed_up(checkin_list: CheckinList) -> set[int] | None:
    """A workshop's door list: the tickets with an active sign-up for its session.
    None for other lists (everyone the rules admit)."""
    if checkin_list.session_id is None:
        return None
    return set(
        db.session.scalars(
            select(WorkshopSignup.ticket_id).where(
                WorkshopSignup.session_id == checkin_list.session_id,
                WorkshopSignup.cancelled_at.is_(None),
            )
        )
    )


@dataclass
class ListEntry:
    hash: str
    attendee: Attendee
    state: str  # ok | unpaid | cancelled | not_signed_up | not_allowed | already_checked_in
    checked_in_at: datetime | None = None
    station: str | None = None


@dataclass
class OfflineList:
    checkin_list: CheckinList
    generated_at: datetime
    entries: list[ListEntry] = field(default_factory=list)


def _with_active_checkin(statement, checkin_list: CheckinList, active):
    """Tickets joined to their order and type, and to their active check-in on the list
    (with the station or account that made it), if any."""
    return (
        statement.join(Order, Order.id == Ticket.order_id)
        .join(TicketType, TicketType.id == Ticket.ticket_type_id)
        .outerjoin(
            active,
            and_(
                active.ticket_id == Ticket.id,
                active.checkin_list_id == checkin_list.id,
                active.undone_at.is_(None),
            ),
        )
        .outerjoin(Station, Station.id == active.station_id)
        .outerjoin(User, User.id == active.user_id)
    )


def offline_list(door: Door, now: datetime | None = None) -> OfflineList | None:
    """Every ticket of the event as the door would judge it now, keyed by the SHA-256 of
    its secret (never the secret: a lost phone leaks no usable ticket). None when the
    station no longer holds."""
    now = now or utcnow()
    checkin_list = door_list(door)
    if checkin_list is None:
        return None
    today = now.astimezone(checkin_list.event.tz).date()
    admits = {t.id for t in checkin_list.ticket_types}
    signed = _signed_up(checkin_list)
    active = aliased(Checkin)
    rows = db.session.execute(
        _with_active_checkin(
            select(
                Ticket.id.label("ticket_id"),
                Ticket.secret,
                Ticket.status,
                Ticket.ticket_type_id,
                Ticket.attendee_name,
                Ticket.attendee_organisation,
                Order.status.label("order_status"),
                Order.buyer_name,
                Order.buyer_organisation,
                TicketType.name_sv,
                TicketType.name_en,
                active.id.label("checkin_id"),
                active.created_at,
                active.offline_scanned_at,
                func.coalesce(Station.name, User.name, User.email).label("by"),
            ),
            checkin_list,
            active,
        )
        .where(Order.event_id == door.event_id, Order.status != OrderStatus.EXPIRED)
        .order_by(Ticket.id)
    ).all()
    # Secrets dead since their ticket was transferred: "cancelled" on the phone too, so
    # a phone that synced before the transfer learns it with its next list.
    revoked = db.session.execute(
        select(RevokedSecret.secret_hash, TicketType.name_sv, TicketType.name_en)
        .join(Ticket, Ticket.id == RevokedSecret.ticket_id)
        .join(Order, Order.id == Ticket.order_id)
        .join(TicketType, TicketType.id == Ticket.ticket_type_id)
        .where(Order.event_id == door.event_id)
        .order_by(RevokedSecret.id)
    ).all()
    end_reads()  # the list is built from these rows with nothing open
    result = OfflineList(checkin_list, now)
    for row in rows:
        state = _state(checkin_list, admits, today, row, row.created_at is not None, signed)
        result.entries.append(
            ListEntry(
                hash=secret_hash(row.secret),
                attendee=Attendee(
                    row.attendee_name or row.buyer_name or "",
                    row.attendee_organisation or row.buyer_organisation or "",
                    localized(row.name_sv, row.name_en),
                ),
                state=state,
                checked_in_at=row.offline_scanned_at or row.created_at,
                station=row.by,
            )
        )
    for row in revoked:
        result.entries.append(
            ListEntry(
                hash=row.secret_hash,
                attendee=Attendee("", "", localized(row.name_sv, row.name_en)),
                state="cancelled",
            )
        )
    return result


def door_list(door: Door) -> CheckinList | None:
    """The list a door scans on, re-checking a station's token (None if it no longer
    holds)."""
    if door.station_id is None:
        return db.session.get(CheckinList, door.checkin_list_id)
    return db.session.scalar(
        select(CheckinList)
        .join(Station, Station.checkin_list_id == CheckinList.id)
        .where(
            Station.id == door.station_id,
            Station.token_hash == door.token_hash,
            Station.revoked_at.is_(None),
        )
    )


# Undo and search -----------------------------------------------------------------------


def active_checkin(checkin_list_id: int, ticket_id: int) -> Checkin | None:
    return db.session.scalar(
        select(Checkin).where(
            Checkin.checkin_list_id == checkin_list_id,
            Checkin.ticket_id == ticket_id,
            Checkin.undone_at.is_(None),
        )
    )


def find_ticket(event_id: int, secret=None, ticket_id=None) -> Ticket | None:
    """A ticket of this event by its secret or id; None for anything else."""
    if ticket_id is not None:
        if not isinstance(ticket_id, int) or not 0 < ticket_id < 2**62:
            return None
        where = Ticket.id == ticket_id
    else:
        secret = clean_secret(secret)
        if secret is None:
            return None
        where = Ticket.secret == secret
    return db.session.scalar(
        select(Ticket)
        .join(Order, Order.id == Ticket.order_id)
        .where(where, Order.event_id == event_id)
    )


def undo_checkin(checkin: Checkin, by: User | Door, now: datetime | None = None) -> bool:
    """Take a check-in back (a scan by mistake); the ticket can be scanned again. The
    row stays, marked undone, for the history. False if it was undone already."""
    now = now or utcnow()
    values = {"undone_at": now}
    if isinstance(by, User):
        values["undone_by_id"] = by.id
    else:
        values["undone_by_id"] = by.user_id
        values["undone_by_station_id"] = by.station_id
    with unit_of_work():
        result = db.session.execute(
            Checkin.__table__.update()
            .where(Checkin.id == checkin.id, Checkin.undone_at.is_(None))
            .values(**values)
        )
    return result.rowcount == 1


@dataclass
class SearchHit:
    ticket_id: int
    name: str
    email: str
    organisation: str
    ticket_type: str
    order_reference: str
    state: str
    checked_in_at: datetime | None
    station: str | None
    checkin_id: int | None = None  # the active check-in on the list, for undo


def _door_order(row) -> tuple:
    """Own-name matches first, then in Swedish alphabetical order (Å Ä Ö after Z)."""
    return (row.rank, collation_key(row.attendee_name or row.buyer_name or ""), row.ticket_id)


def search(
    event_id: int, query: str, checkin_list: CheckinList, limit: int = 20, now=None
) -> list[SearchHit]:
    """Tickets of the event whose attendee or buyer name, email or organisation, or the
    order reference, contains `query` (at least 2 characters), with their state on the
    list: for people who come without their QR code."""
    query = (query or "").strip()
    if len(query) > 100 or len(fold(query)) < 2:
        return []
    now = now or utcnow()
    # Folded copies of the words (models/search.py): "oberg" finds "Öberg" everywhere.
    pattern = like_pattern(query)
    # An order number as read out: letters and digits only (and no NUL for PostgreSQL).
    reference = query.upper() if query.isascii() and query.isalnum() else ""
    active = aliased(Checkin)
    own_match = Ticket.search_text.like(pattern, escape="\\")
    # People whose own words match first (the others came through their buyer).
    rank = case((own_match, 0), else_=1).label("rank")
    rows = db.session.execute(
        _with_active_checkin(
            select(
                Ticket.id.label("ticket_id"),
                rank,
                Ticket.status,
                Ticket.ticket_type_id,
                Ticket.attendee_name,
                Ticket.attendee_email,
                Ticket.attendee_organisation,
                TicketType.name_sv,
                TicketType.name_en,
                Order.status.label("order_status"),
                Order.reference,
                Order.buyer_name,
                Order.buyer_email,
                Order.buyer_organisation,
                active.id.label("checkin_id"),
                active.created_at,
                active.offline_scanned_at,
                func.coalesce(Station.name, User.name, User.email).label("by"),
            ),
            checkin_list,
            active,
        )
        .where(
            Order.event_id == event_id,
            Order.status != OrderStatus.EXPIRED,
            or_(
                own_match,
                Order.search_text.like(pattern, escape="\\"),
                Order.reference == reference,
            ),
        )
        .order_by(rank, Ticket.attendee_name, Ticket.id)
        .limit(limit)
    ).all()
    today = now.astimezone(checkin_list.event.tz).date()
    admits = {t.id for t in checkin_list.ticket_types}
    signed = _signed_up(checkin_list)
    hits = []
    for row in sorted(rows, key=_door_order):
        hits.append(
            SearchHit(
                ticket_id=row.ticket_id,
                name=row.attendee_name or row.buyer_name or "",
                email=row.attendee_email or row.buyer_email or "",
                organisation=row.attendee_organisation or row.buyer_organisation or "",
                ticket_type=localized(row.name_sv, row.name_en),
                order_reference=row.reference,
                state=_state(checkin_list, admits, today, row, row.created_at is not None, signed),
                checked_in_at=row.offline_scanned_at or row.created_at,
                station=row.by,
                checkin_id=row.checkin_id,
            )
        )
    return hits
