"""Demo check-in: a station at the summit's entrance, a registration desk that prints
badges on arrival, and some attendees already in, so the status page has something to
show. Run again, it adds nothing; the stations get new links each time, since only a
hash of a token is kept."""

import random
from datetime import timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import Checkin, Event, Order, OrderStatus, Station, Ticket, TicketStatus, utcnow
from ..services.checkin.setup import create_station, ensure_default_list, renew_token
from ..urls import external_url


def create_demo_checkin(summit: Event) -> list[str]:
    station = db.session.scalar(
        select(Station).where(Station.event_id == summit.id, Station.name == "Entré A")
    )
    if station is None:
        station, token = create_station(summit, "Entré A")
    else:
        token = renew_token(station)
    checkin_list = ensure_default_list(summit)
    if not db.session.scalar(
        select(func.count()).select_from(Checkin).where(Checkin.checkin_list_id == checkin_list.id)
    ):
        tickets = db.session.scalars(
            select(Ticket)
            .join(Order)
            .where(
                Order.event_id == summit.id,
                Order.status.in_(OrderStatus.CONFIRMED),
                Ticket.status == TicketStatus.VALID,
            )
            .order_by(Ticket.id)
            .limit(60)
        ).all()
        rng, now = random.Random(2027), utcnow()
        for ticket in tickets:
            db.session.add(
                Checkin(
                    ticket_id=ticket.id,
                    checkin_list_id=checkin_list.id,
                    station_id=station.id,
                    created_at=now
                    - timedelta(minutes=rng.randint(0, 55), seconds=rng.randint(0, 59)),
                )
            )
        db.session.commit()
    desk = db.session.scalar(
        select(Station).where(Station.event_id == summit.id, Station.name == "Registrering")
    )
    if desk is None:  # the desk that prints each arriving attendee's badge
        desk, desk_token = create_station(summit, "Registrering", prints_badges=True)
    else:
        desk_token = renew_token(desk)
    scanner = external_url("checkin.station_scanner", slug=summit.slug)
    return [
        "",
        'Check-in station "Entré A" (open on a phone):',
        f"  {scanner}#{token}",
        'Check-in station "Registrering", printing badges on arrival:',
        f"  {scanner}#{desk_token}",
    ]
