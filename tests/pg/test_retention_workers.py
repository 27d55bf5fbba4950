"""Two workers applying the retention rules at once, on PostgreSQL: each rule runs
once (one of them does it, the other finds it done under the event's lock), and
erasure requests completed twice at once erase once."""

from datetime import timedelta

from sqlalchemy import func, select

from summit.models import Answer, ErasureRequest, EventPrivacy, User
from summit.models.types import set_clock
from summit.services.privacy import requests, retention
from tests import privacy_world
from tests.threads import in_threads


def test_two_workers_apply_each_rule_once(app, db, make_event):
    world = privacy_world.build(make_event)
    db.session.add(EventPrivacy(event_id=world.event.id, attendee_months=1))
    db.session.commit()
    set_clock(world.event.ends_at + timedelta(days=90))
    try:
        ran = in_threads(app, 2, retention.apply_due)
    finally:
        set_clock(None)
    assert sum(ran) == 2  # sensitive and attendees, each once (by either worker)
    db.session.expire_all()
    settings = db.session.get(EventPrivacy, world.event.id)
    assert settings.sensitive_done_at and settings.attendees_done_at
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_a_request_completed_twice_at_once_erases_once(app, db, make_event, make_user):
    world = privacy_world.build(make_event)
    organizer = make_user("olga@example.org", is_site_admin=True)
    asa = make_user(privacy_world.BUYER)
    asked = requests.ask_erasure(asa)
    ids = (asked.id, organizer.id)

    def complete() -> str:
        from summit.extensions import db as session_db
        from summit.services.privacy.errors import PrivacyError

        mine = session_db.session.get(ErasureRequest, ids[0])
        try:
            requests.complete(mine, session_db.session.get(User, ids[1]), None)
            return "done"
        except PrivacyError as refusal:
            return refusal.reason

    assert sorted(in_threads(app, 2, complete)) == ["completed", "done"]
    db.session.expire_all()
    assert db.session.get(ErasureRequest, asked.id).kept.count(world.paid.reference) == 1
