"""The after-event mail under several workers at once on PostgreSQL: each attendee who
was checked in gets it exactly once, however the workers' batches interleave."""

from datetime import datetime

from sqlalchemy import func, select

from summit.models import AfterEventMail, OutboxMessage
from summit.services.feedback import thanks_mail
from tests import checkin_world
from tests.conftest import STOCKHOLM
from tests.feedback_world import check_in
from tests.threads import in_threads

MORNING_AFTER = datetime(2027, 5, 21, 9, 0, tzinfo=STOCKHOLM)  # the test summit: 18–20 May


def test_three_workers_mail_each_attendee_once(app, db, make_event):
    event = make_event(slug="summit27")
    of_type = checkin_world.ticket_type(event)
    for n in range(40):
        ticket = checkin_world.ticket(event, of_type, email=f"deltagare{n}@example.org")
        if n % 4:
            check_in(ticket)  # 30 came, 10 did not

    def rounds() -> int:
        return sum(thanks_mail.send_due_thanks(MORNING_AFTER, batch=4) for _ in range(5))

    assert sum(in_threads(app, 3, rounds)) == 30
    db.session.rollback()
    assert db.session.scalar(select(func.count(AfterEventMail.id))) == 30
    addresses = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert len(addresses) == len(set(addresses)) == 30
    assert "deltagare0@example.org" not in addresses  # not checked in
