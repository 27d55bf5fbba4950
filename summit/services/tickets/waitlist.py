"""The waiting list: joining the line, offers in line order, and the organizer's hand.

Everything that decides who gets seats runs under the event's sales lock
(locks.sales), as selling does: an offer is a reservation (services/tickets/ordering
new_reservation) that holds its seats until the offer ends, made only for seats that
are free without counting the line's own claim. While people wait, the shop counts the
seats they could be offered as taken (ordering.waiting_claims), so freed seats go to
the line, never to whoever is quickest in the shop.

Seats come free by a cancellation, a refund, a reservation or offer running out, or a
capacity raised; the worker looks each round (offer_free_seats_everywhere) and offers
them to the next in line, and a page that frees seats itself may call
offer_free_seats at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...database import end_reads, unit_of_work
from ...extensions import db
from ...models import (
    Event,
    Order,
    OrderStatus,
    TicketType,
    User,
    WaitingListEntry,
    WaitingStatus,
    utcnow,
)
from ...urls import external_url
from .. import locks
from ..mail import queue_mail
from ..refusal import Refusal
from . import history
from .order_states import transition
from .ordering import availability, new_reservation, stripped

MIN_OFFER_HOURS, MAX_OFFER_HOURS = 1, 14 * 24


class WaitingListError(Refusal):
    messages = {
        "not_full": lambda p: _("%(name)s has seats left: buy them in the shop.", **p),
        "unknown_type": lambda p: _("Choose one of the sold-out tickets."),
        "quantity": lambda p: _("Choose from 1 to %(n)d tickets.", **p),
        "not_waiting": lambda p: _("This place in line is no longer waiting."),
        "no_seats": lambda p: (
            _("Only %(left)d seats are free: not enough for this offer.", **p)
            if p.get("left")
            else _("No seat is free for this offer. Raise the capacity first.")
        ),
        "not_on_sale": lambda p: _("%(name)s is not on sale right now.", **p),
    }


def entry_link(entry: WaitingListEntry) -> str:
    return external_url("tickets.waiting_entry", slug=entry.event.slug, token=entry.token)


def offer_link(entry: WaitingListEntry) -> str:
    return external_url("tickets.checkout", slug=entry.event.slug, token=entry.order.token)


def full_types(event: Event, now: datetime | None = None) -> list[TicketType]:
    """The visible ticket types on sale with no seat left for the public: those whose
    waiting list one may join."""
    now = now or utcnow()
    types = db.session.scalars(
        select(TicketType)
        .where(
            TicketType.event_id == event.id,
            TicketType.is_active.is_(True),
            TicketType.is_visible.is_(True),
        )
        .order_by(TicketType.position, TicketType.id)
    ).all()
    selling = [t for t in types if t.on_sale(now)]
    left = availability(event, selling, now)
    return [t for t in selling if left.left(t) == 0]


def join(
    event: Event,
    ticket_type_id: int,
    name: str,
    email: str,
    quantity: int,
    locale: str = "sv",
    now: datetime | None = None,
) -> WaitingListEntry:
    """Put someone in line for `quantity` tickets of a full type, and mail them their
    link. Someone already in line for the type (the same address) keeps their place and
    gets their link again: nobody learns from this page who is on the list."""
    now = now or utcnow()
    email = stripped(email).lower()
    with unit_of_work(locks.sales(event.id)):
        ticket_type = next((t for t in full_types(event, now) if t.id == ticket_type_id), None)
        if ticket_type is None:
            known = db.session.get(TicketType, ticket_type_id)
            if known is not None and known.event_id == event.id and known.is_visible:
                raise WaitingListError("not_full", "ticket_type", name=known.name)
            raise WaitingListError("unknown_type", "ticket_type")
        if not 1 <= quantity <= ticket_type.max_per_order:
            raise WaitingListError("quantity", "quantity", n=ticket_type.max_per_order)
        entry = db.session.scalar(
            select(WaitingListEntry).where(
                WaitingListEntry.ticket_type_id == ticket_type.id,
                WaitingListEntry.email == email,
                WaitingListEntry.status.in_(WaitingStatus.ACTIVE),
            )
        )
        if entry is None:
            entry = WaitingListEntry(
                event=event,
                ticket_type=ticket_type,
                name=stripped(name),
                email=email,
                quantity=quantity,
                locale=locale,
                created_at=now,
            )
            db.session.add(entry)
            db.session.flush()
        _mail(entry, "joined")
    return entry


def place_in_line(entry: WaitingListEntry) -> int | None:
    """1 for the next in line of its type; None when not waiting."""
    if entry.status is not WaitingStatus.WAITING:
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            WaitingListEntry.ticket_type_id == entry.ticket_type_id,
            WaitingListEntry.status == WaitingStatus.WAITING,
            (WaitingListEntry.created_at < entry.created_at)
            | (
                (WaitingListEntry.created_at == entry.created_at) & (WaitingListEntry.id < entry.id)
            ),
        )
    )
    return ahead + 1


def find_entry(event: Event, token: str) -> WaitingListEntry | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(WaitingListEntry).where(
            WaitingListEntry.token == token, WaitingListEntry.event_id == event.id
        )
    )


def leave(entry: WaitingListEntry, now: datetime | None = None) -> None:
    """The person leaves the line; an offer they hold is given up, and its seats go to
    the next in line at once."""
    _end(entry, WaitingStatus.LEFT, now or utcnow())


def remove(entry: WaitingListEntry, now: datetime | None = None) -> None:
    """An organizer takes someone off the list (an offer they hold is withdrawn)."""
    _end(entry, WaitingStatus.REMOVED, now or utcnow())


def _end(entry: WaitingListEntry, status: WaitingStatus, now: datetime) -> None:
    event = entry.event
    with unit_of_work(locks.sales(event.id)):
        db.session.refresh(entry)
        _settle(entry, now)
        if entry.status not in WaitingStatus.ACTIVE:
            raise WaitingListError("not_waiting")
        order = entry.order
        held = order is not None and order.status is OrderStatus.RESERVED
        if entry.status is WaitingStatus.OFFERED and held and order.holds_seats(now):
            history.record(order, "waiting_list_offer_withdrawn")
            transition(order, OrderStatus.CANCELLED)
            order.cancelled_at = now
        entry.status, entry.ended_at = status, now
        _offer(event, now)


def offer_by_hand(entry: WaitingListEntry, user: User, now: datetime | None = None) -> Order:
    """An organizer offers seats to this person now, out of line order if they choose,
    when enough seats are free (not counting the line's claim, which is theirs)."""
    now = now or utcnow()
    event = entry.event
    with unit_of_work(locks.sales(event.id)):
        db.session.refresh(entry)
        if entry.status is not WaitingStatus.WAITING:
            raise WaitingListError("not_waiting")
        ticket_type = entry.ticket_type
        if not ticket_type.on_sale(now):
            raise WaitingListError("not_on_sale", name=ticket_type.name)
        left = availability(event, [ticket_type], now, waiting=False).left(ticket_type)
        if left is not None and left < entry.quantity:
            raise WaitingListError("no_seats", left=left)
        order = _make_offer(entry, now, by=user)
    return order


def set_offer_hours(event: Event, hours: int) -> None:
    if not MIN_OFFER_HOURS <= hours <= MAX_OFFER_HOURS:
        raise WaitingListError("range", "offer_hours", low=MIN_OFFER_HOURS, high=MAX_OFFER_HOURS)
    with unit_of_work():
        event.offer_hours = hours


def offer_free_seats(event: Event, now: datetime | None = None) -> int:
    """Settle the offers that ended, then offer the free seats to those next in line.
    Returns how many offers were made."""
    now = now or utcnow()
    with unit_of_work(locks.sales(event.id)):
        return _offer(event, now)


def offer_free_seats_everywhere(now: datetime | None = None) -> int:
    """The worker's round: every event with someone in line or holding an offer."""
    now = now or utcnow()
    event_ids = db.session.scalars(
        select(WaitingListEntry.event_id)
        .where(WaitingListEntry.status.in_(WaitingStatus.ACTIVE))
        .distinct()
    ).all()
    end_reads()  # each event gets its own unit of work
    made = 0
    for event_id in event_ids:
        made += offer_free_seats(db.session.get(Event, event_id), now)
    return made


def _settle(entry: WaitingListEntry, now: datetime) -> None:
    """An offer whose reservation was bought is BOUGHT; one that ran out or was given
    back LAPSED (the person is told), so its seats pass on."""
    if entry.status is not WaitingStatus.OFFERED or entry.order is None:
        return
    order = entry.order
    if order.status.is_confirmed or order.status is OrderStatus.PENDING:
        entry.status, entry.ended_at = WaitingStatus.BOUGHT, now
    elif not order.holds_seats(now):
        entry.status, entry.ended_at = WaitingStatus.LAPSED, now
        _mail(entry, "lapsed")


def _offer(event: Event, now: datetime) -> int:
    """Under the sales lock: settle the offers, then offer free seats in line order.
    Strictly in order within a type: when the next in line wants more seats than are
    free, those behind them wait too (an organizer may offer by hand)."""
    for entry in db.session.scalars(
        select(WaitingListEntry).where(
            WaitingListEntry.event_id == event.id,
            WaitingListEntry.status == WaitingStatus.OFFERED,
        )
    ):
        _settle(entry, now)
    waiting = db.session.scalars(
        select(WaitingListEntry)
        .where(
            WaitingListEntry.event_id == event.id,
            WaitingListEntry.status == WaitingStatus.WAITING,
        )
        .order_by(WaitingListEntry.created_at, WaitingListEntry.id)
    ).all()
    if not waiting or not event.is_published:
        return 0
    types = list({e.ticket_type_id: e.ticket_type for e in waiting}.values())
    left = availability(event, types, now, waiting=False)
    blocked: set[int] = set()
    made = 0
    for entry in waiting:
        ticket_type = entry.ticket_type
        if ticket_type.id in blocked or not ticket_type.on_sale(now):
            continue
        seats = left.left(ticket_type)
        if seats is not None and seats < entry.quantity:
            blocked.add(ticket_type.id)
            continue
        _make_offer(entry, now)
        made += 1
        if ticket_type.id in left.by_type:
            left.by_type[ticket_type.id] -= entry.quantity
        if left.event_left is not None:
            left.event_left -= entry.quantity
    return made


def _make_offer(entry: WaitingListEntry, now: datetime, by: User | None = None) -> Order:
    event = entry.event
    order = new_reservation(
        event,
        [entry.ticket_type] * entry.quantity,
        now,
        expires_at=now + timedelta(hours=event.offer_hours),
        locale=entry.locale,
        buyer_name=entry.name,
        buyer_email=entry.email,
    )
    entry.status, entry.order, entry.offered_at = WaitingStatus.OFFERED, order, now
    entry.offered_by_id = by.id if by is not None else None
    db.session.flush()
    history.record(order, "waiting_list_offer", tickets=entry.quantity, name=entry.name)
    _mail(entry, "offer")
    return order


def _mail(entry: WaitingListEntry, kind: str) -> None:
    event, ticket_type = entry.event, entry.ticket_type
    subjects = {
        "joined": lambda: _("You are on the waiting list for %(event)s", event=event.name),
        "offer": lambda: _("Tickets for %(event)s are yours to buy", event=event.name),
        "lapsed": lambda: _("Your offer for %(event)s has passed on", event=event.name),
    }
    queue_mail(
        entry.email,
        "waiting_list",
        subject=subjects[kind],
        locale=entry.locale,
        kind=kind,
        entry=entry,
        event=event,
        ticket_type=ticket_type,
        link=offer_link(entry) if kind == "offer" else entry_link(entry),
    )


@dataclass
class LineRow:
    entry: WaitingListEntry
    place: int | None  # in line, 1 = next; None when no longer waiting


def waiting_lists(event: Event) -> dict[TicketType, list[LineRow]]:
    """The event's waiting lists per ticket type, in line order, then those offered and
    those done, for the organizer."""
    entries = db.session.scalars(
        select(WaitingListEntry)
        .where(WaitingListEntry.event_id == event.id)
        .order_by(WaitingListEntry.created_at, WaitingListEntry.id)
    ).all()
    order = {status: n for n, status in enumerate(WaitingStatus)}
    lists: dict[TicketType, list[LineRow]] = {}
    places: dict[int, int] = {}
    for entry in sorted(entries, key=lambda e: order[e.status]):
        place = None
        if entry.status is WaitingStatus.WAITING:
            place = places[entry.ticket_type_id] = places.get(entry.ticket_type_id, 0) + 1
        lists.setdefault(entry.ticket_type, []).append(LineRow(entry, place))
    return lists
