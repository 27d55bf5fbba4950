"""`flask demo` builds a realistic summit, and running it twice adds nothing."""

from sqlalchemy import func, select

from summit.models import (
    BadgeRole,
    Checkin,
    Event,
    EventKind,
    EventRole,
    Order,
    OrderStatus,
    Role,
    Room,
    Station,
    Ticket,
    TicketType,
    Track,
    User,
)


def counts(db):
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (
            Event,
            Room,
            Track,
            User,
            EventRole,
            TicketType,
            Order,
            Ticket,
            Station,
            Checkin,
        )
    }


def test_demo_is_complete_and_idempotent(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "admin@example.org" in first.output and "demo-summit-2027" in first.output
    after_first = counts(db)
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert counts(db) == after_first

    summit = db.session.scalars(select(Event).where(Event.slug == "summit2027")).one()
    assert summit.kind is EventKind.SUMMIT and summit.is_published
    assert len(summit.days) == 3
    assert len(summit.rooms) == 6
    assert {"Civilsamhälle", "Offentlig sektor", "Social ekonomi"} <= {
        t.name_sv for t in summit.tracks
    }
    seminars = db.session.scalars(select(Event).where(Event.kind == EventKind.SEMINAR)).all()
    assert len(seminars) == 2
    assert all(s.stream_url for s in seminars if s.format.has_stream)
    roles = {grant.role for grant in summit.roles}
    assert roles == {Role.ORGANIZER, Role.REVIEWER, Role.DOOR}
    assert db.session.scalars(select(User).where(User.is_site_admin)).one()

    # Ticket types and about 200 paid (or invoiced) attendees, registrations on seminars.
    types = {
        t.name_sv: t
        for t in db.session.scalars(select(TicketType).where(TicketType.event_id == summit.id))
    }
    assert {"Ordinarie", "Offentlig sektor", "Ideell organisation", "Student", "Talare"} <= set(
        types
    )
    # The speakers' badges say so; everyone else's "deltagare".
    assert types["Talare"].badge_role is BadgeRole.SPEAKER
    assert types["Ordinarie"].badge_role is BadgeRole.ATTENDEE
    tickets = db.session.scalars(
        select(Ticket)
        .join(Order)
        .where(
            Order.event_id == summit.id, Order.status.in_([OrderStatus.PAID, OrderStatus.INVOICED])
        )
    ).all()
    assert len(tickets) == 200
    assert all(t.attendee_name and t.attendee_organisation for t in tickets)
    for seminar in seminars:
        assert (
            db.session.scalar(
                select(func.count()).select_from(Order).where(Order.event_id == seminar.id)
            )
            > 0
        )


def test_demo_has_stations_and_people_checked_in(app, db):
    output = app.test_cli_runner().invoke(args=["demo"]).output
    assert output.count("/events/summit2027/checkin/station#") == 2
    stations = db.session.scalars(select(Station).order_by(Station.name)).all()
    assert [(s.name, s.prints_badges) for s in stations] == [
        ("Entré A", False),
        ("Registrering", True),
    ]
    assert db.session.scalar(select(func.count()).select_from(Checkin)) == 60
