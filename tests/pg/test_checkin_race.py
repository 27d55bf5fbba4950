"""Two doors scan the same ticket at the same moment, on PostgreSQL with real threads
and connections: exactly one lets the person in, the other says "already checked in"."""

from sqlalchemy import func, select

from summit.models import Checkin
from summit.services.checkin.decision import check_in
from tests.checkin_world import MORNING, station, ticket, ticket_type
from tests.threads import in_threads


def test_two_doors_same_ticket_same_moment_exactly_one_ok(app, db, make_event):
    event = make_event(slug="summit2027")
    regular = ticket_type(event)
    doors = [station(event, "Entré A")[0], station(event, "Entré B")[0]]
    secrets = [ticket(event, regular).secret for _ in range(25)]
    for secret in secrets:  # 25 races, each on a fresh ticket
        queue = list(doors)

        def scan(secret=secret, queue=queue):
            verdict = check_in(queue.pop(), secret, now=MORNING)
            return verdict.reason, verdict.station

        outcomes = in_threads(app, 2, scan)
        reasons = sorted(reason or "ok" for reason, _ in outcomes)
        assert reasons == ["already_checked_in", "ok"], outcomes
        # The loser is told where the winner let the person in.
        winner = next(name for reason, name in outcomes if reason is None)
        assert next(name for reason, name in outcomes if reason) == winner
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Checkin)) == len(secrets)


def test_eight_doors_and_retries_on_one_ticket(app, db, make_event):
    event = make_event(slug="summit2027")
    secret = ticket(event, ticket_type(event)).secret
    doors = [station(event, f"Entré {n}")[0] for n in range(4)]
    # Each door sends its scan twice at once (a phone retrying with the same nonce).
    queue = [(door, f"nonce-{n}") for n, door in enumerate(doors) for _ in range(2)]

    def scan():
        door, nonce = queue.pop()
        return door.name, check_in(door, secret, nonce, now=MORNING).reason

    outcomes = in_threads(app, 8, scan)
    admitted = {name for name, reason in outcomes if reason is None}
    assert len(admitted) == 1, outcomes  # one door, both of its requests answered "ok"
    assert sorted(r or "ok" for _n, r in outcomes).count("ok") == 2
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Checkin)) == 1


def test_a_scan_leaves_no_autocommit_behind(app, db, make_event):
    """Scans run in autocommit on PostgreSQL; the next unit of work on the same pooled
    connection must be a real transaction again (row locks depend on it)."""
    event = make_event(slug="summit2027")
    door = station(event)[0]
    secret = ticket(event, ticket_type(event)).secret
    db.session.commit()
    assert check_in(door, secret, now=MORNING).ok
    for _ in range(2):
        connection = db.session.connection()
        assert connection.connection.driver_connection.autocommit is False
        assert connection.get_isolation_level() == "READ COMMITTED"
        db.session.remove()
