"""Ticket types that need an organizer's approval before payment (invitation-only
seminars, reduced-price tickets).

The buyer applies: an order in APPLIED with its tickets and details, holding no seat
and paying nothing. Organizers approve or decline applications in bulk. Approval is a
reservation made under the event's sales lock, exactly as the shop makes one (seats
counted from the orders, ordering.availability): it holds the seats for the ticket
type's hold time (default 48 h), nobody else can take them meanwhile, and the mail's
link opens the normal checkout. With too few seats left for all the applications
chosen, nothing is approved and the organizer is told how many seats are left. A
declined buyer gets a polite mail. Every step is in the order's history, with the
organizer who took it.
"""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...database import unit_of_work
from ...extensions import db
from ...models import Event, Order, OrderEvent, OrderStatus, Ticket, TicketType, utcnow
from ...urls import external_url
from .. import locks
from ..mail import queue_mail
from . import history
from .errors import OrderError
from .order_states import transition
from .ordering import AttendeeDetails, BuyerDetails, availability, stripped, update_attendee

MAX_MOTIVATION = 2000
MAX_MESSAGE = 2000
MAX_BATCH = 500


class ApprovalError(OrderError):
    """An application, or a decision on applications, that cannot be made; nothing was
    stored."""

    messages = {
        "not_approval_type": lambda p: _("That ticket type is not applied for."),
        "too_few_seats": lambda p: (
            _(
                "Only %(left)d seats are left of %(name)s, and the applications you chose "
                "need %(wanted)d. Nothing was approved: choose fewer, or raise the capacity.",
                **p,
            )
            if p.get("left")
            else _(
                "No seats are left of %(name)s, so nothing was approved. Raise the capacity "
                "first, or decline.",
                **p,
            )
        ),
        "event_too_few_seats": lambda p: _(
            "Only %(left)d seats are left at the event, and the applications you chose "
            "need %(wanted)d. Nothing was approved.",
            **p,
        ),
        "not_applied": lambda p: _(
            "Application %(ref)s has already been decided. Nothing was changed.", **p
        ),
        "nothing_chosen": lambda p: _("Choose at least one application."),
        "too_long": lambda p: _("At most %(n)d characters.", **p),
    }


def approval_types(event: Event) -> list[TicketType]:
    """The event's ticket types that are applied for and sold now (or later)."""
    return list(
        db.session.scalars(
            select(TicketType)
            .where(
                TicketType.event_id == event.id,
                TicketType.requires_approval.is_(True),
                TicketType.is_active.is_(True),
            )
            .order_by(TicketType.position, TicketType.id)
        )
    )


def apply(
    event: Event,
    ticket_type: TicketType,
    buyer: BuyerDetails,
    attendees: list[AttendeeDetails],
    motivation: str = "",
    locale: str = "sv",
    user_id: int | None = None,
    now: datetime | None = None,
) -> Order:
    """The buyer applies for tickets of a type that needs approval: an order that holds
    no seat and pays nothing until an organizer approves it. They get a receipt of the
    application by mail."""
    now = now or utcnow()
    if not event.is_published or ticket_type.event_id != event.id:
        raise ApprovalError("not_approval_type")
    if not ticket_type.requires_approval:
        raise ApprovalError("not_approval_type")
    if not ticket_type.on_sale(now):
        raise OrderError("not_on_sale", name=ticket_type.name)
    if not 1 <= len(attendees) <= ticket_type.max_per_order:
        raise OrderError("too_many_of_type", name=ticket_type.name, n=ticket_type.max_per_order)
    if len(stripped(motivation)) > MAX_MOTIVATION:
        raise ApprovalError("too_long", "motivation", n=MAX_MOTIVATION)
    with unit_of_work():
        order = Order(
            event=event,
            status=OrderStatus.APPLIED,
            expires_at=now,  # holds nothing; set when approved
            created_at=now,
            locale=locale,
            user_id=user_id,
            buyer_name=stripped(buyer.name),
            buyer_email=stripped(buyer.email).lower(),
            buyer_organisation=stripped(buyer.organisation),
            motivation=stripped(motivation),
        )
        for attendee in attendees:
            ticket = Ticket(
                ticket_type=ticket_type,
                price=ticket_type.price,
                vat_percent=ticket_type.vat_percent,
            )
            update_attendee(ticket, attendee)
            order.tickets.append(ticket)
        db.session.add(order)
        db.session.flush()  # its token, for the link in the mail
        history.record(order, "applied", tickets=len(attendees), ticket=ticket_type.name_sv)
        _mail(
            order,
            lambda: _("We have received your application: %(event)s", event=order.event.name),
            lambda: [
                _(
                    "Thank you for applying for %(type)s at %(event)s. The organizers look "
                    "at every application; you will get an email when they have decided. "
                    "Nothing has been paid or booked yet.",
                    type=order.tickets[0].ticket_type.name,
                    event=order.event.name,
                )
            ],
            _order_link(order),
            lambda: _("Your application"),
        )
    return order


def applications(event: Event) -> list[Order]:
    """The event's applications waiting for a decision, oldest first."""
    return list(
        db.session.scalars(
            select(Order)
            .where(Order.event_id == event.id, Order.status == OrderStatus.APPLIED)
            .options(selectinload(Order.tickets).joinedload(Ticket.ticket_type))
            .order_by(Order.created_at, Order.id)
        )
    )


def recent_decisions(event: Event, limit: int = 50) -> list[Order]:
    """Applications decided: approved (a reservation or more) or declined, newest first."""
    applied = select(OrderEvent.order_id).where(OrderEvent.action == "applied")
    return list(
        db.session.scalars(
            select(Order)
            .where(
                Order.event_id == event.id,
                Order.status != OrderStatus.APPLIED,
                Order.id.in_(applied),
            )
            .options(selectinload(Order.tickets).joinedload(Ticket.ticket_type))
            .order_by(Order.id.desc())
            .limit(limit)
        )
    )


def _chosen(event: Event, references: list[str]) -> list[Order]:
    """The applications named, read again under the lock; any not waiting refuses all."""
    if not references:
        raise ApprovalError("nothing_chosen")
    if len(references) > MAX_BATCH:
        raise ApprovalError("nothing_chosen")
    unique = sorted(set(references))
    found = {
        o.reference: o
        for o in db.session.scalars(
            select(Order)
            .where(Order.event_id == event.id, Order.reference.in_(unique))
            .execution_options(populate_existing=True)
        )
    }
    for reference in unique:
        order = found.get(reference)
        if order is None or order.status is not OrderStatus.APPLIED:
            raise ApprovalError("not_applied", ref=reference[:16])
    return [found[r] for r in unique]


def approve(event: Event, references: list[str], now: datetime | None = None) -> list[Order]:
    """Approve the applications named (by reference), all or none: under the event's
    sales lock their seats are counted as the shop counts them, and each becomes a
    reservation held for its ticket type's hold time, whose buyer gets the payment
    link by mail."""
    now = now or utcnow()
    with unit_of_work(locks.sales(event.id)):
        orders = _chosen(event, references)
        wanted: dict[TicketType, int] = {}
        for order in orders:
            for ticket in order.valid_tickets:
                wanted[ticket.ticket_type] = wanted.get(ticket.ticket_type, 0) + 1
        left = availability(event, list(wanted), now)
        for ticket_type, count in wanted.items():
            seats_left = left.by_type.get(ticket_type.id)
            if seats_left is not None and count > seats_left:
                raise ApprovalError(
                    "too_few_seats", name=ticket_type.name, left=seats_left, wanted=count
                )
        total = sum(wanted.values())
        if left.event_left is not None and total > left.event_left:
            raise ApprovalError("event_too_few_seats", left=left.event_left, wanted=total)
        for order in orders:
            hours = max(t.ticket_type.approval_hold_hours for t in order.tickets)
            transition(order, OrderStatus.RESERVED)
            order.expires_at = now + timedelta(hours=hours)
            history.record(order, "approved", until=order.expires_at.isoformat())
            _mail_approved(order)
    return orders


def decline(
    event: Event, references: list[str], message: str = "", now: datetime | None = None
) -> list[Order]:
    """Decline the applications named, all or none; each buyer gets a polite mail with
    the organizer's `message`, if any."""
    now = now or utcnow()
    message = stripped(message)
    if len(message) > MAX_MESSAGE:
        raise ApprovalError("too_long", "message", n=MAX_MESSAGE)
    with unit_of_work(locks.sales(event.id)):
        orders = _chosen(event, references)
        for order in orders:
            transition(order, OrderStatus.DECLINED)
            order.cancelled_at = now
            history.record(order, "declined", message=message or "–")
            _mail_declined(order, message)
    return orders


# Mail ----------------------------------------------------------------------------------


def _order_link(order: Order) -> str:
    return external_url("tickets.order", slug=order.event.slug, token=order.token)


def _mail(order: Order, subject, lines, link: str, link_label) -> None:
    if order.buyer_email:
        queue_mail(
            order.buyer_email,
            "notice",
            subject=subject,
            locale=order.locale,
            lines=lines,
            order=order,
            link=link,
            link_label=link_label,
        )


def _mail_approved(order: Order) -> None:
    def lines():
        from flask_babel import format_datetime

        return [
            _(
                "Good news: your application for %(type)s at %(event)s is approved.",
                type=order.tickets[0].ticket_type.name,
                event=order.event.name,
            ),
            _(
                "Your seats are held for you until %(until)s. Pay through the link below "
                "before then to get your tickets; after that the seats go to others.",
                until=format_datetime(order.expires_at, "d MMMM HH:mm"),
            ),
        ]

    _mail(
        order,
        lambda: _("Your application is approved: %(event)s", event=order.event.name),
        lines,
        external_url("tickets.checkout", slug=order.event.slug, token=order.token),
        lambda: _("Pay and get your tickets"),
    )


def _mail_declined(order: Order, message: str) -> None:
    def lines():
        said = [
            _(
                "Thank you for your application for %(type)s at %(event)s. We are sorry, "
                "but the organizers could not approve it this time.",
                type=order.tickets[0].ticket_type.name,
                event=order.event.name,
            )
        ]
        if message:
            said.append(_("A word from the organizers: %(message)s", message=message))
        said.append(_("Nothing has been paid, and nothing more is needed from you."))
        return said

    _mail(
        order,
        lambda: _("About your application: %(event)s", event=order.event.name),
        lines,
        external_url("site.event", slug=order.event.slug),
        lambda: _("The event's page"),
    )
