"""Locks keyed per purpose on PostgreSQL: while a program release holds the event's
program lock, tickets of the same event still sell, and the last seat still goes to
one buyer only (the sales lock serializes them)."""

import threading

from sqlalchemy import func, select

from summit.database import unit_of_work
from summit.models import Ticket, TicketStatus
from summit.services import locks
from tests.threads import in_threads, seat_buyer

WAIT = 30  # seconds: only ever reached when something blocks that must not


def _hold(app, lock, held: threading.Event, release: threading.Event, errors: list):
    """In a thread of its own: a unit of work holding `lock` until `release` is set."""

    def run():
        with app.app_context():
            try:
                with unit_of_work(lock):
                    held.set()
                    if not release.wait(WAIT):
                        raise AssertionError("the holder was never released")
            except BaseException as error:
                errors.append(error)
                held.set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_sales_go_on_while_the_program_lock_is_held(app, db, make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    seats = make_ticket_type(event, capacity=1)
    event_id, type_id = event.id, seats.id
    db.session.commit()

    held, release, errors = threading.Event(), threading.Event(), []
    holder = _hold(app, locks.program(event_id), held, release, errors)
    try:
        assert held.wait(WAIT)
        assert not errors

        buy = seat_buyer("summit2027", type_id)

        # Two buyers of the last seat, while a release is under way: both are answered
        # (neither waits for the release), and only one gets the seat.
        outcomes = in_threads(app, 2, buy, timeout=WAIT)
        still_held = not release.is_set() and holder.is_alive()
    finally:
        release.set()
        holder.join(WAIT)
    assert not errors
    assert still_held
    assert sorted(outcomes) == ["ok", "sold_out"]
    db.session.commit()
    sold = db.session.scalar(
        select(func.count()).select_from(Ticket).where(Ticket.status == TicketStatus.VALID)
    )
    assert sold == 1
