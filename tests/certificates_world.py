"""What the certificate tests share: paid tickets made out to people, check-ins at given
moments (undone or not), and a published program with speakers."""

from datetime import datetime

from summit.extensions import db
from summit.models import Checkin, CheckinList, PaymentMethod
from summit.services.payments import core as payments
from summit.services.tickets.ordering import (
    AttendeeDetails,
    BuyerDetails,
    reserve_tickets,
    save_details,
)
from tests.conftest import STOCKHOLM

LONG_NAME = "Åsa Öberg-Lindqvist"


def paid_order(event, ticket_type, attendees, lang="sv", buyer=None):
    """A paid order of one ticket per (name, email) in `attendees`."""
    order = reserve_tickets(event, {ticket_type.id: len(attendees)}, locale=lang)
    buyer = buyer or ("Kristina Andersson", "kristina@malmo.se")
    save_details(
        order,
        BuyerDetails(buyer[0], buyer[1], "Malmö stad"),
        [AttendeeDetails(name, email, "Malmö stad") for name, email in attendees],
    )
    payments.start_payment(order, PaymentMethod.DEV)
    payment = order.payments[0]
    payments.record_payment(payment, payment.amount, payment.currency)
    return order


def entrance(event, name="Entré") -> CheckinList:
    found = db.session.query(CheckinList).filter_by(event_id=event.id, name=name).one_or_none()
    if found is None:
        found = CheckinList(event=event, name=name)
        db.session.add(found)
        db.session.commit()
    return found


def checked_in(ticket, *moments: datetime, undone: bool = False, door: str | None = None):
    """Check-ins of the ticket at these moments (naive: Stockholm time), each on the
    list `door` (by default the day's own list, as a multi-day summit has)."""
    for moment in moments:
        at = moment if moment.tzinfo else moment.replace(tzinfo=STOCKHOLM)
        listed = entrance(ticket.order.event, door or f"Entré {at.date().isoformat()}")
        db.session.add(
            Checkin(
                ticket=ticket,
                checkin_list=listed,
                created_at=at,
                undone_at=at if undone else None,
            )
        )
        db.session.commit()
