"""Add-ons: extras per attendee (the conference dinner, a study visit) sold with a ticket
or after it, never more than their capacity.

Places are counted as seats are (ordering.py): valid add-ons of valid tickets in
seat-holding orders — the order that pays for the add-on, reserved and unexpired,
pending, invoiced or paid. Every count that decides a sale is made under the event's
sales lock (locks.sales), so two buyers never both get the last place at the dinner.

An add-on bought after the ticket is a small follow-up order of its own (no tickets,
only add-ons on tickets of a confirmed order), paid through the normal checkout.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    Addon,
    Event,
    Order,
    OrderStatus,
    Ticket,
    TicketAddon,
    TicketStatus,
    TicketType,
    utcnow,
)
from .. import locks
from . import history
from .errors import OrderError, SalesError
from .ordering import holding_condition
from .sales import check_sale_item

MAX_ADDONS = 50  # add-ons an event can have; far more than any form shows


class AddonError(OrderError):
    """An add-on that cannot be bought or added; nothing was stored."""

    messages = {
        "addon_sold_out": lambda p: (
            _("Only %(left)d places left for %(name)s.", **p)
            if p.get("left")
            else _("Sorry, %(name)s is fully booked.", **p)
        ),
        "addon_not_offered": lambda p: _("That add-on is not offered with this ticket."),
        "addon_already": lambda p: _("%(attendee)s already has %(name)s.", **p),
        "addon_nothing": lambda p: _("Choose at least one add-on."),
        "addon_not_confirmed": lambda p: _(
            "Add-ons can be added once the order is paid or confirmed."
        ),
    }


class AddonSetupError(SalesError):
    """An organizer's change to add-ons that breaks a rule; `field` names what to fix."""

    messages = {
        "has_addons": lambda p: _(
            "This add-on has been bought, so it cannot be deleted. Deactivate it instead."
        ),
        "unknown": lambda p: _("Choose among this event's ticket types."),
    }


# Counting ------------------------------------------------------------------------------


def event_addons(event: Event, active_only: bool = False) -> list[Addon]:
    query = select(Addon).where(Addon.event_id == event.id)
    if active_only:
        query = query.where(Addon.is_active.is_(True))
    return list(
        db.session.scalars(
            query.options(selectinload(Addon.ticket_types)).order_by(Addon.position, Addon.id)
        )
    )


def _holding(event: Event, now: datetime, except_order: Order | None = None):
    """(add-on id, status of the order paying for it, count) of the valid add-ons of
    valid tickets in seat-holding orders (leaving out those paid by `except_order`)."""
    query = (
        select(TicketAddon.addon_id, Order.status, func.count())
        .join(Ticket, Ticket.id == TicketAddon.ticket_id)
        .join(Order, Order.id == TicketAddon.order_id)
        .where(
            Order.event_id == event.id,
            TicketAddon.status == TicketStatus.VALID,
            Ticket.status == TicketStatus.VALID,
            holding_condition(now),
        )
        .group_by(TicketAddon.addon_id, Order.status)
    )
    if except_order is not None:
        query = query.where(TicketAddon.order_id != except_order.id)
    return db.session.execute(query).all()


def places_taken(event: Event, now: datetime, except_order: Order | None = None) -> dict[int, int]:
    """Places taken per add-on id (those of `except_order`, whose choice is being
    replaced, left out)."""
    taken: dict[int, int] = {}
    for addon_id, _status, count in _holding(event, now, except_order):
        taken[addon_id] = taken.get(addon_id, 0) + count
    return taken


def places_left(
    event: Event, addons: list[Addon], now: datetime | None = None, except_order=None
) -> dict[int, int | None]:
    """Places left per add-on id (None: no limit)."""
    taken = places_taken(event, now or utcnow(), except_order)
    return {
        a.id: None if a.capacity is None else max(a.capacity - taken.get(a.id, 0), 0)
        for a in addons
    }


def _check_places(event: Event, wanted: dict[Addon, int], now: datetime, except_order=None):
    """Under the sales lock: each add-on has the places wanted."""
    left = places_left(event, list(wanted), now, except_order)
    for addon, count in wanted.items():
        if left[addon.id] is not None and count > left[addon.id]:
            raise AddonError("addon_sold_out", name=addon.name, left=left[addon.id])


def _for_sale(event: Event, now: datetime) -> dict[int, Addon]:
    return {a.id: a for a in event_addons(event, active_only=True) if a.on_sale(now)}


def offered_for(ticket: Ticket, addons: list[Addon], now: datetime) -> list[Addon]:
    """The add-ons on sale now that go with this ticket's type."""
    return [a for a in addons if a.on_sale(now) and a.offered_with(ticket.ticket_type)]


def _new_addon(ticket: Ticket, addon: Addon, order: Order) -> TicketAddon:
    return TicketAddon(
        ticket=ticket, order=order, addon=addon, price=addon.price, vat_percent=addon.vat_percent
    )


# With the ticket -----------------------------------------------------------------------


def choose_addons(order: Order, choices: dict[int, set[int]], now: datetime | None = None):
    """The add-ons the buyer wants on the tickets of their reservation: `choices` maps a
    ticket's number in the order (1, 2, ...) to add-on ids. They replace the ones chosen
    before; under the sales lock each add-on's places are checked. Refused (sold out,
    not offered with the ticket, no longer a reservation): nothing changes."""
    now = now or utcnow()
    event = order.event
    with unit_of_work(locks.sales(event.id)) as unit:
        unit.reread(order)
        if order.status is not OrderStatus.RESERVED:
            raise OrderError("not_reserved")
        if not order.holds_seats(now):
            raise OrderError("expired")
        on_sale = _for_sale(event, now)
        wanted: dict[Ticket, set[Addon]] = {}
        for number, ids in choices.items():
            if not 1 <= number <= len(order.tickets):
                raise AddonError("addon_not_offered")
            ticket = order.tickets[number - 1]
            for addon_id in ids:
                addon = on_sale.get(addon_id)
                if addon is None or not addon.offered_with(ticket.ticket_type):
                    raise AddonError("addon_not_offered")
                wanted.setdefault(ticket, set()).add(addon)
        have = {(a.ticket_id, a.addon_id): a for a in order.addons if a.ticket.order_id == order.id}
        keep = {(t.id, a.id) for t, addons in wanted.items() for a in addons}
        if keep == set(have):
            return
        counts: dict[Addon, int] = {}
        for addons in wanted.values():
            for addon in addons:
                counts[addon] = counts.get(addon, 0) + 1
        _check_places(event, counts, now, except_order=order)
        for key, row in have.items():
            if key not in keep:
                order.addons.remove(row)
        for ticket, addons in wanted.items():
            for addon in addons:
                if (ticket.id, addon.id) not in have:
                    order.addons.append(_new_addon(ticket, addon, order))
        history.record(order, "addons_chosen", names=_names(order.addons))


def places_still_free(order: Order, now: datetime) -> bool:
    """For a payment that arrives after the reservation ended: every add-on it pays for
    still has a place (others may have taken them meanwhile)."""
    counts: dict[Addon, int] = {}
    for row in order.valid_addons:
        counts[row.addon] = counts.get(row.addon, 0) + 1
    if not counts:
        return True
    left = places_left(order.event, list(counts), now, except_order=order)
    return all(left[a.id] is None or n <= left[a.id] for a, n in counts.items())


def carry_over(old: Order, new: Order, now: datetime) -> None:
    """In a renewal's unit of work, under the sales lock: the add-ons the ended
    reservation's tickets had go on the new one's tickets, in the same places (its
    tickets in the order renewal.py takes them). An add-on no longer sold, or with no
    place left, refuses the renewal (AddonError): nothing is stored."""
    tickets = old.valid_tickets or old.tickets
    rows = [
        (n, row)
        for n, ticket in enumerate(tickets)
        for row in ticket.addons
        if row.order_id == old.id and row.status is TicketStatus.VALID
    ]
    if not rows:
        return
    counts: dict[Addon, int] = {}
    for _n, row in rows:
        if not row.addon.on_sale(now):
            raise AddonError("addon_not_offered")
        counts[row.addon] = counts.get(row.addon, 0) + 1
    _check_places(old.event, counts, now)  # before the new rows exist, so none is counted
    for n, row in rows:
        new.addons.append(_new_addon(new.tickets[n], row.addon, new))


def _names(rows: list[TicketAddon]) -> str:
    return ", ".join(sorted(a.addon.name_sv for a in rows)) or "–"


def chosen(order: Order) -> dict[int, set[int]]:
    """The add-ons on each ticket of the order (by its number), as choose_addons takes."""
    numbers = {t.id: n for n, t in enumerate(order.tickets, start=1)}
    result: dict[int, set[int]] = {}
    for row in order.addons:
        if row.ticket_id in numbers and row.status is TicketStatus.VALID:
            result.setdefault(numbers[row.ticket_id], set()).add(row.addon_id)
    return result


# After the ticket ----------------------------------------------------------------------


def addable(order: Order, now: datetime | None = None) -> dict[int, list[Addon]]:
    """For each valid ticket of a confirmed order (by its number), the add-ons on sale
    that go with it and that it does not have yet (nor in an unpaid follow-up order)."""
    now = now or utcnow()
    if not order.status.is_confirmed:
        return {}
    addons = [a for a in event_addons(order.event, active_only=True) if a.on_sale(now)]
    if not addons:
        return {}
    result = {}
    for number, ticket in enumerate(order.tickets, start=1):
        if ticket.status is not TicketStatus.VALID:
            continue
        has = {a.addon_id for a in ticket.addons if _holds(a, now)}
        offered = [a for a in offered_for(ticket, addons, now) if a.id not in has]
        if offered:
            result[number] = offered
    return result


def _holds(row: TicketAddon, now: datetime) -> bool:
    return row.status is TicketStatus.VALID and row.order.holds_seats(now)


def buy_addons_after(
    order: Order, choices: dict[int, set[int]], now: datetime | None = None
) -> Order:
    """A follow-up order for add-ons on tickets of the confirmed `order` (`choices`:
    ticket number → add-on ids): a reservation with the same buyer, holding the places
    for the event's reservation time, to be paid through the normal checkout. Refused
    (sold out, not offered, already had, nothing chosen): nothing is stored."""
    now = now or utcnow()
    event = order.event
    with unit_of_work(locks.sales(event.id), durable=False, keep_loaded=True) as unit:
        unit.reread(order)
        if not order.status.is_confirmed:
            raise AddonError("addon_not_confirmed")
        on_sale = _for_sale(event, now)
        wanted: list[tuple[Ticket, Addon]] = []
        for number, ids in sorted(choices.items()):
            if not 1 <= number <= len(order.tickets):
                raise AddonError("addon_not_offered")
            ticket = order.tickets[number - 1]
            has = {a.addon_id for a in ticket.addons if _holds(a, now)}
            for addon_id in sorted(ids):
                addon = on_sale.get(addon_id)
                if (
                    addon is None
                    or ticket.status is not TicketStatus.VALID
                    or not addon.offered_with(ticket.ticket_type)
                ):
                    raise AddonError("addon_not_offered")
                if addon.id in has:
                    raise AddonError(
                        "addon_already", name=addon.name, attendee=ticket.attendee_name
                    )
                wanted.append((ticket, addon))
        if not wanted:
            raise AddonError("addon_nothing")
        counts: dict[Addon, int] = {}
        for _ticket, addon in wanted:
            counts[addon] = counts.get(addon, 0) + 1
        _check_places(event, counts, now)
        follow_up = Order(
            event=event,
            status=OrderStatus.RESERVED,
            expires_at=now + timedelta(minutes=event.reservation_minutes),
            created_at=now,
            locale=order.locale,
            user_id=order.user_id,
            buyer_name=order.buyer_name,
            buyer_email=order.buyer_email,
            buyer_organisation=order.buyer_organisation,
        )
        for ticket, addon in wanted:
            follow_up.addons.append(_new_addon(ticket, addon, follow_up))
        db.session.add(follow_up)
        names = _names(follow_up.addons)
        history.record(follow_up, "addons_ordered", names=names, reference=order.reference)
        history.record(order, "addons_ordered", names=names, reference=follow_up.reference)
    return follow_up


def parent_order(order: Order) -> Order | None:
    """The order whose tickets a follow-up order's add-ons are for."""
    return order.addons[0].ticket.order if order.is_addon_order else None


def follow_ups(order: Order) -> list[Order]:
    """The follow-up orders for add-ons on this order's tickets, oldest first."""
    return list(
        db.session.scalars(
            select(Order)
            .join(TicketAddon, TicketAddon.order_id == Order.id)
            .join(Ticket, Ticket.id == TicketAddon.ticket_id)
            .where(Ticket.order_id == order.id, Order.id != order.id)
            .distinct()
            .order_by(Order.id)
        )
    )


# For organizers ------------------------------------------------------------------------


@dataclass
class AddonSales:
    addon: Addon
    sold: int = 0  # in confirmed orders
    reserved: int = 0  # in reservations and payments under way
    left: int | None = None  # None: no limit


def addon_sales(event: Event, now: datetime | None = None) -> list[AddonSales]:
    now = now or utcnow()
    addons = event_addons(event)
    left = places_left(event, addons, now)
    by_id = {a.id: AddonSales(a, left=left[a.id]) for a in addons}
    for addon_id, status, count in _holding(event, now):
        if addon_id in by_id:
            if status in OrderStatus.CONFIRMED:
                by_id[addon_id].sold += count
            else:
                by_id[addon_id].reserved += count
    return list(by_id.values())


def tickets_with_addon(event: Event, addon: Addon) -> list[Ticket]:
    """The attendees who have `addon`: valid tickets in confirmed orders whose add-on is
    valid and paid or invoiced (for a group mail to everyone coming to the dinner)."""
    bought = (
        select(TicketAddon.ticket_id)
        .join(Order, Order.id == TicketAddon.order_id)
        .where(
            TicketAddon.addon_id == addon.id,
            TicketAddon.status == TicketStatus.VALID,
            Order.status.in_(OrderStatus.CONFIRMED),
        )
    )
    return list(
        db.session.scalars(
            select(Ticket)
            .join(Order, Order.id == Ticket.order_id)
            .where(
                Order.event_id == event.id,
                Order.status.in_(OrderStatus.CONFIRMED),
                Ticket.status == TicketStatus.VALID,
                Ticket.id.in_(bought),
            )
            .order_by(func.lower(Ticket.attendee_name), Ticket.id)
        )
    )


def addon_words(ticket: Ticket) -> list[str]:
    """What the badge says about the attendee's add-ons: each one's badge label (set by
    the organizers), for add-ons that are paid or invoiced."""
    return badge_words([ticket]).get(ticket.id, [])


def badge_words(tickets: list[Ticket]) -> dict[int, list[str]]:
    """addon_words() for many tickets in one query (a print run of badges): ticket id →
    the badge labels of its valid add-ons paid with the ticket or in a confirmed order."""
    ids = [t.id for t in tickets]
    if not ids:
        return {}
    rows = db.session.execute(
        select(TicketAddon.ticket_id, Addon.badge_label)
        .join(Addon, Addon.id == TicketAddon.addon_id)
        .join(Ticket, Ticket.id == TicketAddon.ticket_id)
        .join(Order, Order.id == TicketAddon.order_id)
        .where(
            TicketAddon.ticket_id.in_(ids),
            TicketAddon.status == TicketStatus.VALID,
            Addon.badge_label != "",
            (Order.id == Ticket.order_id) | Order.status.in_(OrderStatus.CONFIRMED),
        )
        .order_by(Addon.position, Addon.id)
    ).all()
    words: dict[int, list[str]] = {}
    for ticket_id, label in rows:
        words.setdefault(ticket_id, []).append(label)
    return words


# Organizers' changes -------------------------------------------------------------------


@dataclass
class AddonData:
    name_sv: str
    price: int  # öre, VAT included
    vat_percent: int = 25
    name_en: str = ""
    description_sv: str = ""
    description_en: str = ""
    capacity: int | None = None
    sale_starts_at: datetime | None = None
    sale_ends_at: datetime | None = None
    is_active: bool = True
    badge_label: str = ""
    ticket_type_ids: list[int] | None = None  # empty: offered with every type
    position: int | None = None


def save_addon(event: Event, data: AddonData, addon: Addon | None = None) -> Addon:
    """Create or change an add-on; every rule is checked before anything is written.
    Add-ons bought already keep the price they were bought at."""
    check_sale_item(data)
    ids = set(data.ticket_type_ids or [])
    types = list(
        db.session.scalars(
            select(TicketType).where(TicketType.event_id == event.id, TicketType.id.in_(ids))
        )
    )
    if len(types) != len(ids):
        raise AddonSetupError("unknown", "ticket_types")
    with unit_of_work():
        if addon is None:
            if len(event_addons(event)) >= MAX_ADDONS:
                raise AddonSetupError("range", "name_sv")
            addon = Addon(event=event)
            db.session.add(addon)
        else:
            db.session.refresh(addon)
        addon.name_sv, addon.name_en = data.name_sv.strip(), data.name_en.strip()
        addon.description_sv = data.description_sv.strip()
        addon.description_en = data.description_en.strip()
        addon.price, addon.vat_percent, addon.capacity = (
            data.price,
            data.vat_percent,
            data.capacity,
        )
        addon.sale_starts_at, addon.sale_ends_at = data.sale_starts_at, data.sale_ends_at
        addon.is_active = data.is_active
        addon.badge_label = data.badge_label.strip()
        addon.ticket_types = types
        if data.position is not None:
            addon.position = data.position
        elif addon.id is None:
            last = db.session.scalar(
                select(func.max(Addon.position)).where(Addon.event_id == event.id)
            )
            addon.position = (last or 0) + 1
    return addon


def addons_bought(addon: Addon) -> int:
    return db.session.scalar(
        select(func.count()).select_from(TicketAddon).where(TicketAddon.addon_id == addon.id)
    )


def delete_addon(addon: Addon) -> None:
    """Only an add-on nobody has bought can be deleted; the others are deactivated."""
    with unit_of_work():
        if addons_bought(addon):
            raise AddonSetupError("has_addons")
        db.session.delete(addon)
