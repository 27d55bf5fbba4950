"""The demo summit's sold-out pre-conference day and the people in line for it."""

from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import (
    Event,
    Order,
    OrderStatus,
    PaymentMethod,
    Ticket,
    TicketType,
    WaitingListEntry,
    utcnow,
)

PRE_DAY = ("Förkonferens: workshopdag", "Pre-conference workshop day", 0, 12)
BUYERS = [
    ("Karin Lindberg", "karin.lindberg@malmo.se", "Malmö stad"),
    ("Ahmed Hassan", "ahmed.hassan@raddabarnen.se", "Rädda Barnen"),
    ("Sofia Nyström", "sofia.nystrom@vinnova.se", "Vinnova"),
    ("Per Holm", "per.holm@regionskane.se", "Region Skåne"),
]
IN_LINE = [
    ("Åsa Öberg-Lindqvist", "asa.oberg-lindqvist@umea.se", 2),
    ("Mohammed Yilmaz", "mohammed.yilmaz@fryshuset.se", 1),
    ("Erik Ängström", "erik.angstrom@coompanion.se", 1),
]


def create_demo_waiting_list(summit: Event) -> list[str]:
    name_sv, name_en, price, capacity = PRE_DAY
    day = db.session.scalar(
        select(TicketType).where(TicketType.event_id == summit.id, TicketType.name_sv == name_sv)
    )
    if day is None:
        day = TicketType(
            event=summit,
            name_sv=name_sv,
            name_en=name_en,
            description_sv="Dagen före summit: workshops i små grupper. Begränsat antal platser.",
            description_en="The day before the summit: workshops in small groups. Few seats.",
            price=price,
            capacity=capacity,
            max_per_order=3,
            position=4,
        )
        db.session.add(day)
        now = utcnow()
        for n in range(capacity // 3):
            name, email, organisation = BUYERS[n]
            order = Order(
                event=summit,
                status=OrderStatus.PAID,
                expires_at=now,
                created_at=now - timedelta(days=20 - n),
                confirmed_at=now - timedelta(days=20 - n),
                paid_at=now - timedelta(days=20 - n),
                buyer_name=name,
                buyer_email=email,
                buyer_organisation=organisation,
                payment_method=PaymentMethod.FREE,
            )
            for seat in range(3):
                order.tickets.append(
                    Ticket(
                        ticket_type=day,
                        price=0,
                        vat_percent=day.vat_percent or 25,
                        attendee_name=name if seat == 0 else f"{name.split()[0]}s kollega {seat}",
                        attendee_organisation=organisation,
                    )
                )
            db.session.add(order)
        for n, (name, email, quantity) in enumerate(IN_LINE):
            db.session.add(
                WaitingListEntry(
                    event=summit,
                    ticket_type=day,
                    name=name,
                    email=email,
                    quantity=quantity,
                    created_at=now - timedelta(days=5 - n),
                )
            )
        db.session.commit()
    return [
        f"Waiting list: {name_sv} is sold out, {len(IN_LINE)} in line "
        f"(/manage/events/{summit.slug}/waiting-list/)"
    ]
