"""Demo extras and approval: the summit sells the conference dinner (limited) and a
study visit as add-ons, some attendees have bought them afterwards, and one ticket type
needs approval, with a few applications waiting. Made as rows (no emails), once."""

import random
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import (
    Addon,
    Event,
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Ticket,
    TicketAddon,
    TicketStatus,
    TicketType,
    utcnow,
)
from ..services.tickets import history

APPROVAL_TYPE = ("Reducerat pris – ideell förening", "Reduced price – non-profit association")
DINNER = {
    "name_sv": "Konferensmiddag",
    "name_en": "Conference dinner",
    "description_sv": "Trerättersmiddag på Malmö Live kvällen den första dagen.",
    "description_en": "Three-course dinner at Malmö Live on the evening of the first day.",
    "price": 69500,
    "vat_percent": 12,
    "capacity": 250,
    "badge_label": "Middag",
}
VISIT = {
    "name_sv": "Studiebesök: Mötesplats Rosengård",
    "name_en": "Study visit: Rosengård meeting place",
    "description_sv": "Buss från Malmö Live dag två kl. 13. Begränsat antal platser.",
    "description_en": "Coach from Malmö Live on day two at 13:00. Limited places.",
    "price": 15000,
    "vat_percent": 25,
    "capacity": 30,
    "badge_label": "Studiebesök",
}
APPLICANTS = [
    (
        "Åsa Öberg-Lindqvist",
        "asa.oberg-lindqvist@angensforening.se",
        "Föreningen Ängen",
        "Vi är en liten ideell förening i Malmö som driver läxhjälp för nyanlända.",
    ),
    (
        "Mohammed Hassan",
        "mohammed@rosengardsfolket.se",
        "Rosengårdsfolket",
        "Vi vill lära oss om sociala investeringar för vår fritidsverksamhet.",
    ),
    ("Lars Ängström", "lars@kustbygden.se", "Kustbygdens hembygdsförening", ""),
]


def _approval_type(summit: Event) -> TicketType:
    sv, en = APPROVAL_TYPE
    found = db.session.scalar(
        select(TicketType).where(TicketType.event_id == summit.id, TicketType.name_sv == sv)
    )
    if found is None:
        found = TicketType(
            event=summit,
            name_sv=sv,
            name_en=en,
            description_sv="För små ideella föreningar. Ansök, så hör vi av oss inom en vecka.",
            description_en="For small non-profit associations. Apply and we reply within a week.",
            price=95000,
            vat_percent=25,
            capacity=40,
            position=4,
            requires_approval=True,
            approval_hold_hours=48,
        )
        db.session.add(found)
    return found


def _addon(summit: Event, spec: dict) -> Addon:
    found = db.session.scalar(
        select(Addon).where(Addon.event_id == summit.id, Addon.name_sv == spec["name_sv"])
    )
    if found is None:
        found = Addon(event=summit, **spec)
        found.sale_ends_at = summit.starts_at - timedelta(days=3)
        db.session.add(found)
    return found


def _bought_afterwards(summit: Event, addon: Addon, count: int, rng: random.Random) -> int:
    """Follow-up orders, paid, for `addon` on paid tickets that do not have it."""
    tickets = db.session.scalars(
        select(Ticket)
        .join(Order, Order.id == Ticket.order_id)
        .where(
            Order.event_id == summit.id,
            Order.status == OrderStatus.PAID,
            Ticket.status == TicketStatus.VALID,
            Ticket.price > 0,
        )
        .order_by(Ticket.id)
    ).all()
    made = 0
    for ticket in rng.sample(tickets, min(count, len(tickets))):
        parent = ticket.order
        paid_at = parent.created_at + timedelta(days=rng.randint(0, 3), hours=2)
        order = Order(
            event=summit,
            status=OrderStatus.PAID,
            expires_at=paid_at,
            created_at=paid_at,
            confirmed_at=paid_at,
            paid_at=paid_at,
            locale=parent.locale,
            buyer_name=parent.buyer_name,
            buyer_email=parent.buyer_email,
            buyer_organisation=parent.buyer_organisation,
            payment_method=PaymentMethod.DEV,
        )
        order.addons.append(
            TicketAddon(
                ticket=ticket, addon=addon, price=addon.price, vat_percent=addon.vat_percent
            )
        )
        order.payments.append(
            Payment(
                method=PaymentMethod.DEV,
                status=PaymentStatus.SUCCEEDED,
                amount=addon.price,
                currency=summit.currency,
                provider_ref=f"demo_{rng.getrandbits(64):x}",
                settled_at=paid_at,
            )
        )
        db.session.add(order)
        made += 1
    return made


def _applications(summit: Event, ticket_type: TicketType) -> int:
    now = utcnow()
    made = 0
    for days, (name, email, organisation, motivation) in enumerate(APPLICANTS, start=1):
        order = Order(
            event=summit,
            status=OrderStatus.APPLIED,
            expires_at=now - timedelta(days=days),
            created_at=now - timedelta(days=days),
            buyer_name=name,
            buyer_email=email,
            buyer_organisation=organisation,
            motivation=motivation,
        )
        order.tickets.append(
            Ticket(
                ticket_type=ticket_type,
                price=ticket_type.price,
                vat_percent=ticket_type.vat_percent,
                attendee_name=name,
                attendee_email=email,
                attendee_organisation=organisation,
            )
        )
        db.session.add(order)
        history.record(order, "applied", tickets=1, ticket=ticket_type.name_sv)
        made += 1
    return made


def create_demo_addons(summit: Event) -> list[str]:
    reduced = _approval_type(summit)
    dinner, visit = _addon(summit, DINNER), _addon(summit, VISIT)
    db.session.flush()
    done = db.session.scalar(select(TicketAddon.id).limit(1)) is not None
    lines = []
    if not done:
        rng = random.Random(16)
        dinners = _bought_afterwards(summit, dinner, 60, rng)
        visits = _bought_afterwards(summit, visit, 12, rng)
        applied = _applications(summit, reduced)
        lines = [
            "",
            f"Add-ons: {dinners} dinners and {visits} study visits bought afterwards;",
            f"  {applied} applications for {reduced.name_sv} wait at "
            f"/manage/events/{summit.slug}/applications/",
        ]
    db.session.commit()
    return lines
