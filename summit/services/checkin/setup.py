"""Setting up check-in and following it: lists, stations and their tokens, and the
figures organizers watch (checked in / expected per list, per station, per 10 minutes).

A station's token is shown once, when it is made or renewed; only its SHA-256 is kept,
so a database leak opens no door. Renewing or revoking takes effect at the next scan
(every scan re-checks the token hash and revocation in its own SELECT).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    Checkin,
    CheckinConflict,
    CheckinList,
    Event,
    Order,
    OrderStatus,
    Station,
    Ticket,
    TicketStatus,
    TicketType,
    User,
    utcnow,
)
from ...models.checkin import new_station_token, token_hash
from ..badges.arrival import LAYOUTS as ARRIVAL_LAYOUTS
from ..program.signups import signup_counts
from ..refusal import Refusal
from .decision import forget_station

DEFAULT_LIST_NAME = "Entré"
BUCKET = timedelta(minutes=10)


class SetupError(Refusal):
    """A change to the check-in set-up (lists, stations) that breaks a rule; nothing was
    stored. `field` names the setting (name, day, ticket_types, checkin_list,
    badge_layout)."""

    messages = {
        "required": lambda p: _("Enter a name."),
        "too_long": lambda p: _("Use at most 120 characters."),
        "taken": lambda p: _("The event already has a list with this name."),
        "not_an_event_day": lambda p: _("Choose one of the event's days."),
        "unknown_ticket_type": lambda p: _("Choose among this event's ticket types."),
        "unknown_list": lambda p: _("Choose one of this event's lists."),
        "unknown_badge_layout": lambda p: _("Choose one of the badge layouts."),
        "in_use": lambda p: _(
            "Stations scan on this list or people were checked in on it, so it stays."
        ),
    }


# Lists -------------------------------------------------------------------------------


def checkin_lists(event: Event, *, with_rules: bool = False) -> list[CheckinList]:
    """The event's lists in their order; `with_rules` loads each one's ticket types and
    workshop session along (in one query each, not one per list)."""
    query = (
        select(CheckinList)
        .where(CheckinList.event_id == event.id)
        .order_by(CheckinList.position, CheckinList.id)
    )
    if with_rules:
        query = query.options(
            selectinload(CheckinList.ticket_types), selectinload(CheckinList.session)
        )
    return list(db.session.scalars(query))


def get_list(event: Event, list_id) -> CheckinList | None:
    if not isinstance(list_id, int):
        return None
    checkin_list = db.session.get(CheckinList, list_id)
    return checkin_list if checkin_list and checkin_list.event_id == event.id else None


def ensure_default_list(event: Event) -> CheckinList:
    """The event's first list; "Entré" (all ticket types, all days) if it has none."""
    lists = checkin_lists(event)
    if lists:
        return lists[0]
    checkin_list = CheckinList(event_id=event.id, name=DEFAULT_LIST_NAME, position=0)
    db.session.add(checkin_list)
    db.session.flush()
    return checkin_list


def list_for_today(event: Event, now: datetime | None = None) -> CheckinList:
    """For a door-staff account that did not choose: today's day list, else the first
    list for all days, else the first list."""
    today = (now or utcnow()).astimezone(event.tz).date()
    lists = checkin_lists(event)
    if not lists:
        with unit_of_work():
            return ensure_default_list(event)
    for wanted in (today, None):
        for checkin_list in lists:
            if checkin_list.day == wanted:
                return checkin_list
    return lists[0]


def _clean_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise SetupError("required", "name")
    if len(name) > 120:
        raise SetupError("too_long", "name")
    return name


def save_list(
    event: Event,
    name: str,
    day: date | None = None,
    ticket_type_ids: list[int] | tuple = (),
    checkin_list: CheckinList | None = None,
) -> CheckinList:
    """Create or change a list. `day` must be one of the event's days; no ticket types
    means all of them."""
    name = _clean_name(name)
    if day is not None and day not in event.days:
        raise SetupError("not_an_event_day", "day")
    types = list(
        db.session.scalars(
            select(TicketType).where(
                TicketType.event_id == event.id, TicketType.id.in_(list(ticket_type_ids))
            )
        )
    )
    if len(types) != len(set(ticket_type_ids)):
        raise SetupError("unknown_ticket_type", "ticket_types")
    clash = db.session.scalar(
        select(CheckinList.id).where(
            CheckinList.event_id == event.id,
            CheckinList.name == name,
            CheckinList.id != (checkin_list.id if checkin_list else -1),
        )
    )
    if clash:
        raise SetupError("taken", "name")
    with unit_of_work():
        if checkin_list is None:
            position = db.session.scalar(
                select(func.coalesce(func.max(CheckinList.position) + 1, 0)).where(
                    CheckinList.event_id == event.id
                )
            )
            checkin_list = CheckinList(event_id=event.id, position=position)
            db.session.add(checkin_list)
        checkin_list.name, checkin_list.day, checkin_list.ticket_types = name, day, types
    return checkin_list


def delete_list(checkin_list: CheckinList) -> None:
    """Only a list nobody scans on and nobody was checked in on can go."""
    with unit_of_work():
        in_use = db.session.scalar(
            select(Station.id).where(Station.checkin_list_id == checkin_list.id).limit(1)
        ) or db.session.scalar(
            select(Checkin.id).where(Checkin.checkin_list_id == checkin_list.id).limit(1)
        )
        if in_use:
            raise SetupError("in_use", "checkin_list")
        db.session.delete(checkin_list)


# Stations ----------------------------------------------------------------------------


def stations(event: Event) -> list[Station]:
    return list(
        db.session.scalars(
            select(Station)
            .where(Station.event_id == event.id)
            .order_by(Station.revoked_at.is_not(None), Station.name, Station.id)
        )
    )


def get_station(event: Event, station_id: int) -> Station | None:
    station = db.session.get(Station, station_id)
    return station if station and station.event_id == event.id else None


def _check_badge_layout(layout: str) -> str:
    if layout not in ARRIVAL_LAYOUTS:
        raise SetupError("unknown_badge_layout", "badge_layout")
    return layout


def create_station(
    event: Event,
    name: str,
    checkin_list: CheckinList | None = None,
    created_by: User | None = None,
    *,
    prints_badges: bool = False,
    badge_layout: str = "a6",
) -> tuple[Station, str]:
    """A new station and its token, which is shown this once. Without a list it scans
    on the event's first list (made as "Entré" if the event has none). With
    `prints_badges` it offers each arriving attendee's badge in `badge_layout`."""
    name = _clean_name(name)
    badge_layout = _check_badge_layout(badge_layout)
    if checkin_list is not None and checkin_list.event_id != event.id:
        raise SetupError("unknown_list", "checkin_list")
    token = new_station_token()
    with unit_of_work():
        if checkin_list is None:
            checkin_list = ensure_default_list(event)
        station = Station(
            event_id=event.id,
            checkin_list_id=checkin_list.id,
            name=name,
            token_hash=token_hash(token),
            created_by_id=created_by.id if created_by else None,
            prints_badges=bool(prints_badges),
            badge_layout=badge_layout,
        )
        db.session.add(station)
    return station, token


def renew_token(station: Station) -> str:
    """A new link for the station; the old one stops working at its next scan."""
    token = new_station_token()
    old_hash = station.token_hash
    with unit_of_work():
        station.token_hash = token_hash(token)
        station.revoked_at = None
    forget_station(old_hash)
    return token


def revoke_station(station: Station, now: datetime | None = None) -> None:
    """The phone stops scanning at once; its check-ins stay."""
    with unit_of_work():
        if station.revoked_at is None:
            station.revoked_at = now or utcnow()
    forget_station(station.token_hash)


def change_station(
    station: Station,
    name: str,
    checkin_list: CheckinList,
    *,
    prints_badges: bool,
    badge_layout: str,
) -> None:
    """Rename a station, move it to another list of its event, turn printing on arrival
    on or off. All or nothing: a bad value raises SetupError and changes nothing. Takes
    effect at the station's next scan (its cached printing setting is dropped here; the
    badge link checks the setting again when fetched)."""
    name = _clean_name(name)
    badge_layout = _check_badge_layout(badge_layout)
    if checkin_list is None or checkin_list.event_id != station.event_id:
        raise SetupError("unknown_list", "checkin_list")
    with unit_of_work():
        station.name, station.checkin_list_id = name, checkin_list.id
        station.prints_badges, station.badge_layout = bool(prints_badges), badge_layout
    forget_station(station.token_hash)


# Figures -----------------------------------------------------------------------------


@dataclass
class ListFigures:
    checkin_list: CheckinList
    expected: int
    checked_in: int


@dataclass
class StationFigures:
    station: Station
    checked_in: int


@dataclass
class CheckinStatus:
    lists: list[ListFigures]
    stations: list[StationFigures]
    by_accounts: int  # check-ins made by door-staff accounts, not stations
    # Per day (event's time zone): [(local start of the 10 minutes, check-ins)], from the
    # first to the last 10 minutes with anyone, gaps as 0.
    per_10_minutes: dict[date, list[tuple[datetime, int]]] = field(default_factory=dict)
    conflicts: int = 0


def expected_by_type(event: Event) -> dict[int, int]:
    """Valid tickets in confirmed (paid or invoiced) orders, per ticket type id."""
    rows = db.session.execute(
        select(Ticket.ticket_type_id, func.count())
        .join(Order, Order.id == Ticket.order_id)
        .where(
            Order.event_id == event.id,
            Order.status.in_(OrderStatus.CONFIRMED),
            Ticket.status == TicketStatus.VALID,
        )
        .group_by(Ticket.ticket_type_id)
    ).all()
    return dict(rows)


def checkin_status(event: Event) -> CheckinStatus:
    lists = checkin_lists(event, with_rules=True)
    list_ids = [checkin_list.id for checkin_list in lists]
    expected = expected_by_type(event)
    rows = db.session.execute(
        select(
            Checkin.checkin_list_id,
            Checkin.station_id,
            Checkin.created_at,
            Checkin.offline_scanned_at,
        ).where(Checkin.checkin_list_id.in_(list_ids), Checkin.undone_at.is_(None))
    ).all()
    per_list, per_station = Counter(), Counter()
    for row in rows:
        per_list[row.checkin_list_id] += 1
        per_station[row.station_id] += 1
    # A workshop's door list expects the people signed up for it.
    signed_up = signup_counts([cl.session_id for cl in lists if cl.session_id is not None])
    status = CheckinStatus(
        lists=[
            ListFigures(
                checkin_list,
                signed_up.get(checkin_list.session_id, 0)
                if checkin_list.session_id is not None
                else sum(
                    n
                    for type_id, n in expected.items()
                    if not checkin_list.ticket_types
                    or type_id in {t.id for t in checkin_list.ticket_types}
                ),
                per_list[checkin_list.id],
            )
            for checkin_list in lists
        ],
        stations=[StationFigures(s, per_station[s.id]) for s in stations(event)],
        by_accounts=per_station[None],
        per_10_minutes=per_10_minutes(
            event, [row.offline_scanned_at or row.created_at for row in rows]
        ),
        conflicts=db.session.scalar(
            select(func.count())
            .select_from(CheckinConflict)
            .where(CheckinConflict.checkin_list_id.in_(list_ids))
        )
        or 0,
    )
    return status


def per_10_minutes(event: Event, moments: list[datetime]) -> dict[date, list[tuple[datetime, int]]]:
    tz = event.tz
    counts: dict[date, Counter] = defaultdict(Counter)
    for moment in moments:
        local = moment.astimezone(tz)
        start = local.replace(minute=local.minute - local.minute % 10, second=0, microsecond=0)
        counts[local.date()][start] += 1
    result = {}
    for day in sorted(counts):
        first, last = min(counts[day]), max(counts[day])
        series, slot = [], first
        while slot <= last:
            series.append((slot, counts[day][slot]))
            slot = (slot.astimezone(tz) + BUCKET).astimezone(tz)
        result[day] = series
    return result


def conflicts(event: Event, limit: int = 200) -> list[CheckinConflict]:
    return list(
        db.session.scalars(
            select(CheckinConflict)
            .join(CheckinList, CheckinList.id == CheckinConflict.checkin_list_id)
            .where(CheckinList.event_id == event.id)
            .order_by(CheckinConflict.created_at.desc())
            .limit(limit)
        )
    )


def recent_checkins(event: Event, limit: int = 50) -> list[Checkin]:
    return list(
        db.session.scalars(
            select(Checkin)
            .join(CheckinList, CheckinList.id == Checkin.checkin_list_id)
            .where(CheckinList.event_id == event.id)
            .order_by(Checkin.created_at.desc(), Checkin.id.desc())
            .limit(limit)
        )
    )
