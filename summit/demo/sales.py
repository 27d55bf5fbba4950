"""Demo sales: ticket types for the demo events and about 200 paid attendees with
Swedish names and organisations, made as rows (no confirmation emails), once."""

import random
from datetime import timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    BadgeRole,
    Event,
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Ticket,
    TicketType,
    Voucher,
    utcnow,
)
from ..services import billing
from ..services.payments import refunds
from ..services.tickets.codes import is_guessable, random_code
from ..services.tickets.vouchers import generate_vouchers

SUMMIT_TYPES = [
    # name_sv, name_en, price (öre), capacity, visible, access code
    ("Ordinarie", "Regular", 345000, 900, True, None),
    ("Offentlig sektor", "Public sector", 295000, 600, True, None),
    ("Ideell organisation", "Non-profit organisation", 145000, 300, True, None),
    ("Student", "Student", 45000, 100, True, None),
    # A hidden type's code is random, made when the demo is (services/tickets/codes.py).
    ("Talare", "Speaker", 0, None, False, None),
]
SEMINAR_TYPES = [("Deltagare", "Participant", 0, 60, True, None)]
# The ribbon on the badges of these types' holders (the others: deltagare).
BADGE_ROLES = {"Talare": BadgeRole.SPEAKER}

FIRST = [
    "Anna",
    "Maria",
    "Eva",
    "Karin",
    "Sara",
    "Lena",
    "Emma",
    "Johanna",
    "Elin",
    "Fatima",
    "Amina",
    "Leila",
    "Sofia",
    "Ida",
    "Linnea",
    "Erik",
    "Lars",
    "Karl",
    "Anders",
    "Johan",
    "Per",
    "Mikael",
    "Ahmed",
    "Ali",
    "Mohammed",
    "Omar",
    "Jonas",
    "Oskar",
    "Viktor",
    "Nils",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lindberg",
    "Lindqvist",
    "Berg",
    "Ek",
    "Hassan",
    "Ahmed",
    "Yilmaz",
    "Nyström",
    "Holm",
    "Sandberg",
    "Åberg",
    "Öberg",
    "Ängström",
]
ORGANISATIONS = [
    ("Malmö stad", "public"),
    ("Region Skåne", "public"),
    ("Göteborgs stad", "public"),
    ("Region Västra Götaland", "public"),
    ("Umeå kommun", "public"),
    ("Försäkringskassan", "public"),
    ("Rädda Barnen", "ideell"),
    ("Stadsmissionen", "ideell"),
    ("Röda Korset", "ideell"),
    ("Coompanion", "ideell"),
    ("Fryshuset", "ideell"),
    ("Malmö universitet", "regular"),
    ("Vinnova", "regular"),
    ("Skandia", "regular"),
    ("Mitt Liv AB", "regular"),
    ("Social Venture Network", "regular"),
]
DIETS = ["", "", "", "", "Vegetarisk", "Vegansk", "Glutenfri", "Laktosfri", "Halal"]


def ensure_types(event: Event, specs) -> list[TicketType]:
    existing = {
        t.name_sv: t
        for t in db.session.scalars(select(TicketType).where(TicketType.event_id == event.id))
    }
    for position, (sv, en, price, capacity, visible, code) in enumerate(specs):
        if not visible and sv in existing and is_guessable(existing[sv].access_code or ""):
            existing[sv].access_code = random_code()  # a demo from before: TALARE2027
        if not visible and code is None:
            code = random_code()
        if sv not in existing:
            existing[sv] = TicketType(
                event=event,
                name_sv=sv,
                name_en=en,
                price=price,
                vat_percent=25 if price else 0,
                capacity=capacity,
                is_visible=visible,
                access_code=code,
                position=position,
                badge_role=BADGE_ROLES.get(sv, BadgeRole.ATTENDEE),
            )
            db.session.add(existing[sv])
    db.session.flush()
    return [existing[spec[0]] for spec in specs]


def _person(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return f"{first} {last}", f"{first}.{last}".lower().translate(str.maketrans("åäö", "aao"))


def sell(event: Event, types: list[TicketType], attendees: int, rng: random.Random) -> int:
    """Paid (and some invoiced) orders of 1–3 tickets until `attendees` tickets exist."""
    now = utcnow()
    by_kind = (
        {"public": types[1], "ideell": types[2], "regular": types[0]} if len(types) > 2 else {}
    )
    sold = 0
    while sold < attendees:
        organisation, kind = rng.choice(ORGANISATIONS)
        ticket_type = (
            by_kind.get(kind, types[0]) if rng.random() > 0.08 else types[min(3, len(types) - 1)]
        )
        count = min(rng.choice([1, 1, 1, 2, 2, 3]), attendees - sold)
        buyer, handle = _person(rng)
        domain = (
            organisation.lower().replace(" ", "").translate(str.maketrans("åäö", "aao")) + ".se"
        )
        created = now - timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600))
        invoiced = kind == "public" and ticket_type.price > 0
        order = Order(
            event=event,
            status=OrderStatus.PAID,
            expires_at=created + timedelta(minutes=30),
            created_at=created,
            confirmed_at=created,
            paid_at=created,
            locale="sv" if rng.random() > 0.1 else "en",
            buyer_name=buyer,
            buyer_email=f"{handle}@{domain}",
            buyer_organisation=organisation,
            payment_method=PaymentMethod.INVOICE
            if invoiced
            else (PaymentMethod.FREE if ticket_type.price == 0 else PaymentMethod.DEV),
        )
        for n in range(count):
            name, attendee_handle = (buyer, handle) if n == 0 else _person(rng)
            order.tickets.append(
                Ticket(
                    ticket_type=ticket_type,
                    price=ticket_type.price,
                    vat_percent=ticket_type.vat_percent,
                    attendee_name=name,
                    attendee_email=f"{attendee_handle}@{domain}",
                    attendee_organisation=organisation,
                    dietary_needs=rng.choice(DIETS),
                )
            )
        if invoiced:
            order.org_number = "212000-1124"
            order.invoice_address = f"{organisation}\nFakturor\nBox 100\n205 00 Malmö"
            order.invoice_reference = buyer
            order.invoice_due_on = (created + timedelta(days=event.invoice_due_days)).date()
            db.session.add(order)
            db.session.flush()
            billing.issue_invoice(order, created.date(), order.invoice_due_on)
            if rng.random() < 0.4:  # not paid yet
                order.status, order.paid_at = OrderStatus.INVOICED, None
        if order.status is OrderStatus.PAID and order.total > 0:
            order.payments.append(
                Payment(
                    method=order.payment_method,
                    status=PaymentStatus.SUCCEEDED,
                    amount=order.total,
                    currency=event.currency,
                    provider_ref=f"demo_{rng.getrandbits(64):x}",
                    settled_at=created,
                )
            )
        db.session.add(order)
        db.session.flush()
        sold += count
    return sold


def speaker_code(event: Event) -> str | None:
    """The access code of the demo summit's hidden speaker type."""
    return db.session.scalar(
        select(TicketType.access_code).where(
            TicketType.event_id == event.id,
            TicketType.name_sv == "Talare",
            TicketType.is_visible.is_(False),
            TicketType.is_active.is_(True),
        )
    )


def create_demo_vouchers(event: Event) -> list[str]:
    """Five free speaker vouchers on the demo summit (once), and a link to try one."""
    ticket_type = db.session.scalar(
        select(TicketType).where(
            TicketType.event_id == event.id,
            TicketType.name_sv == "Talare",
            TicketType.is_active.is_(True),
        )
    )
    if ticket_type is None:
        return []
    existing = db.session.scalars(
        select(Voucher).where(Voucher.ticket_type_id == ticket_type.id).order_by(Voucher.id)
    ).all()
    if not existing:
        existing = generate_vouchers(event, ticket_type, 5, free=True, note="Demo")
    return [f"  /events/{event.slug}/tickets/?voucher={existing[0].code}"]


def create_demo_sales(events: list[Event]) -> list[str]:
    summit, *seminars = events
    rng = random.Random(2027)
    lines = []
    for event, specs, attendees in [
        (summit, SUMMIT_TYPES, 200),
        *[(s, SEMINAR_TYPES, 25) for s in seminars],
    ]:
        types = ensure_types(event, specs)
        has_orders = db.session.scalar(
            select(func.count()).select_from(Order).where(Order.event_id == event.id)
        )
        sold = 0 if has_orders else sell(event, types, attendees, rng)
        db.session.commit()
        if sold:
            lines.append(f"  {event.slug}: {sold} attendees")
        if sold and event is summit:
            lines += credit_one_ticket(event)
    return lines


def credit_one_ticket(event: Event) -> list[str]:
    """One of a municipality's people cannot come: an organizer cancels their ticket
    of an unpaid invoice, and a credit note is made for it."""
    orders = db.session.scalars(
        select(Order).where(Order.event_id == event.id, Order.status == OrderStatus.INVOICED)
    )
    order = next((o for o in orders if len(o.valid_tickets) > 1), None)
    if order is None:
        return []
    refunds.cancel_ticket(order, order.valid_tickets[-1])
    return [f"  {event.slug}: a ticket of invoiced order {order.reference} cancelled (credit note)"]
