"""`flask demo` leaves ratings and two participant-list entries on the summit, once."""

from sqlalchemy import func, select

from summit.models import Event, ParticipantListing, SessionRating
from summit.services import accounts
from summit.services.feedback import results
from summit.services.meeting import listing


def test_the_demo_has_ratings_and_two_people_on_the_list(app, db, demo):
    summit = db.session.scalars(select(Event).where(Event.slug == "summit2027")).one()
    rated = [r for r in results.event_results(summit) if r.aggregate.count]
    assert len(rated) >= 5 and any(r.comments for r in rated)
    assert all(1 <= r.aggregate.mean <= 5 for r in rated)
    attendee = accounts.find_user("deltagare@example.org")
    seen = listing.visible_listings(summit, attendee)
    assert len(seen) == 2 and "Johan Svensson" in {entry.name for entry in seen}
    before = (
        db.session.scalar(select(func.count(SessionRating.id))),
        db.session.scalar(select(func.count(ParticipantListing.id))),
    )
    again = app.test_cli_runner().invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert before == (
        db.session.scalar(select(func.count(SessionRating.id))),
        db.session.scalar(select(func.count(ParticipantListing.id))),
    )
