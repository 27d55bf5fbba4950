"""What the check-in tests share: tickets in orders of any state, stations and doors."""

from datetime import datetime, timedelta
from itertools import count

from summit.extensions import db
from summit.models import Order, OrderStatus, Ticket, TicketStatus, TicketType, utcnow
from summit.services.checkin import setup as checkin_setup
from summit.services.checkin.decision import Door, station_for_token
from tests.conftest import STOCKHOLM

# The first morning of the test summit (tests/conftest.py make_event: 18–20 May 2027).
MORNING = datetime(2027, 5, 18, 8, 30, tzinfo=STOCKHOLM)
# An event of that one day, for tests that set the app's clock to its noon (conftest
# `clock`, event_day_noon()): the entrance list admits then, whatever the real date.
DAY_START = datetime(2027, 5, 18, 0, 1, tzinfo=STOCKHOLM)
DAY_END = DAY_START + timedelta(hours=23)
_numbers = count(1)


def ticket_type(event, name="Ordinarie", **kwargs) -> TicketType:
    found = TicketType(event=event, name_sv=name, name_en=kwargs.pop("name_en", name), **kwargs)
    db.session.add(found)
    db.session.commit()
    return found


def ticket(
    event,
    of_type: TicketType,
    status: OrderStatus = OrderStatus.PAID,
    ticket_status: TicketStatus = TicketStatus.VALID,
    name: str | None = None,
    email: str | None = None,
    organisation: str = "Mötesplats AB",
    buyer_email: str | None = None,
) -> Ticket:
    number = next(_numbers)
    name = name or f"Deltagare {number}"
    order = Order(
        event=event,
        status=status,
        expires_at=utcnow() + timedelta(minutes=30),
        buyer_name=name,
        buyer_email=buyer_email or email or f"person{number}@example.org",
    )
    made = Ticket(
        ticket_type=of_type,
        price=of_type.price,
        vat_percent=of_type.vat_percent or 25,
        status=ticket_status,
        attendee_name=name,
        attendee_email=email or f"person{number}@example.org",
        attendee_organisation=organisation,
    )
    order.tickets.append(made)
    db.session.add(order)
    db.session.commit()
    return made


def station(event, name="Entré A", checkin_list=None) -> tuple[Door, str]:
    """A new station's door (as the API would see it) and its token."""
    _made, token = checkin_setup.create_station(event, name, checkin_list)
    return station_for_token(token).door, token
