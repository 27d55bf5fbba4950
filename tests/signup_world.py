"""What the sign-up tests share: a published program with a workshop of limited places,
and tickets to the event held by known people.

The test summit (tests/conftest.py make_event) runs 18–20 May 2027; the workshop is on
its first day at 14:00–15:30 Stockholm time, in a room for 30.
"""

from datetime import datetime

from summit.models import OrderStatus, SessionKind, TicketStatus
from summit.services.program.releases import publish
from tests import checkin_world
from tests.schedule_world import STOCKHOLM, at, program, session

BEFORE = datetime(2027, 5, 1, 12, 0, tzinfo=STOCKHOLM)  # sign-ups open
WORKSHOP_STARTS = at(14)


def workshop(event, limit: int | None = 2, capacity: int | None = 30, title="Tjänstedesign"):
    """A published workshop taking sign-ups (limit None: the room's capacity), and a
    talk that takes none. Returns (workshop, talk)."""
    rooms = program(event, capacity=capacity)
    made = session(
        event,
        title,
        room=rooms[0],
        start=WORKSHOP_STARTS,
        duration=90,
        kind=SessionKind.WORKSHOP,
        takes_signups=True,
        signup_limit=limit,
    )
    talk = session(event, "Ett föredrag", room=rooms[1], start=at(10), duration=30)
    publish(event, confirm_conflicts=True)
    return made, talk


def ticket(
    event,
    of_type,
    email: str,
    name: str | None = None,
    buyer_email: str | None = None,
    status: OrderStatus = OrderStatus.PAID,
    ticket_status: TicketStatus = TicketStatus.VALID,
):
    """A ticket made out to `email`, bought by `buyer_email` (default: the same)."""
    return checkin_world.ticket(
        event,
        of_type,
        status=status,
        ticket_status=ticket_status,
        name=name,
        email=email,
        buyer_email=buyer_email,
    )
