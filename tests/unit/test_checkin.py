"""Check-in at the door: every verdict, retries, undo, day lists, offline uploads and
conflicts, search, the figures, and doors scanning at once on SQLite (tests/pg has the
race on PostgreSQL)."""

from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from summit.models import (
    Checkin,
    CheckinConflict,
    OrderStatus,
    Role,
    Station,
    TicketStatus,
)
from summit.services.checkin import lookup as checkin_lookup
from summit.services.checkin import setup as checkin_setup
from summit.services.checkin.decision import (
    CheckinError,
    Door,
    OfflineScan,
    check_in,
    secret_hash,
    station_for_token,
    upload_offline_scans,
)
from summit.services.events import get_event
from tests.checkin_world import MORNING, station, ticket, ticket_type
from tests.threads import in_threads


def count(db, model) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def summit(make_event):
    return make_event(slug="summit2027")


@pytest.fixture
def regular(summit):
    return ticket_type(summit, "Ordinarie", name_en="Regular", price=150000)


@pytest.fixture
def door(summit):
    return station(summit, "Entré A")[0]


class Statements:
    """The SQL statements sent while inside the block (BEGIN not counted)."""

    def __init__(self, db):
        self.engine, self.sent = db.engine, []

    def _sent(self, _conn, _cursor, sql, *_args):
        if not sql.lstrip().upper().startswith("BEGIN"):
            self.sent.append(sql)

    def __enter__(self):
        sa_event.listen(self.engine, "before_cursor_execute", self._sent)
        return self

    def __exit__(self, *_exc):
        sa_event.remove(self.engine, "before_cursor_execute", self._sent)


def test_first_scan_lets_in_and_the_second_says_when_and_where(db, summit, regular, door):
    guest = ticket(summit, regular, name="Anna Svensson", organisation="Malmö stad")
    first = check_in(door, guest.secret, now=MORNING)
    assert first.ok and first.as_json() == {
        "status": "ok",
        "reason": None,
        "attendee": {
            "name": "Anna Svensson",
            "organisation": "Malmö stad",
            "ticket_type": "Ordinarie",
        },
        "checked_in_at": "2027-05-18T06:30:00Z",
        "station": "Entré A",
    }
    other_door = station(summit, "Entré B")[0]
    again = check_in(other_door, guest.secret, now=MORNING + timedelta(minutes=5))
    assert again.reason == "already_checked_in"
    assert again.as_json()["status"] == "error"
    assert again.checked_in_at == MORNING and again.station == "Entré A"
    assert again.attendee.name == "Anna Svensson"
    assert count(db, Checkin) == 1


@pytest.mark.parametrize(
    ("order_status", "ticket_status", "reason"),
    [
        (OrderStatus.PAID, TicketStatus.VALID, None),
        (OrderStatus.INVOICED, TicketStatus.VALID, None),  # confirmed, pays later
        (OrderStatus.RESERVED, TicketStatus.VALID, "unpaid"),
        (OrderStatus.PENDING, TicketStatus.VALID, "unpaid"),
        (OrderStatus.EXPIRED, TicketStatus.VALID, "cancelled"),
        (OrderStatus.CANCELLED, TicketStatus.CANCELLED, "cancelled"),
        (OrderStatus.REFUNDED, TicketStatus.REFUNDED, "cancelled"),
        (OrderStatus.PAID, TicketStatus.REFUNDED, "cancelled"),  # one ticket of the order
        (OrderStatus.PAID, TicketStatus.CANCELLED, "cancelled"),
    ],
)
def test_verdict_follows_the_order_and_the_ticket(
    db, summit, regular, door, order_status, ticket_status, reason
):
    guest = ticket(summit, regular, status=order_status, ticket_status=ticket_status)
    verdict = check_in(door, guest.secret, now=MORNING)
    assert verdict.reason == reason
    assert verdict.attendee.name == guest.attendee_name
    assert count(db, Checkin) == (1 if reason is None else 0)


def test_another_events_ticket(db, summit, regular, door, make_event):
    seminar = make_event(slug="seminarium")
    guest = ticket(seminar, ticket_type(seminar))
    verdict = check_in(door, guest.secret, now=MORNING)
    assert verdict.reason == "other_event"
    assert verdict.attendee is None  # this event's door learns nothing of other events
    assert count(db, Checkin) == 0


def test_unknown_codes_and_garbage_never_reach_the_database(db, summit, regular, door):
    check_in(door, ticket(summit, regular).secret, now=MORNING)  # warm: station and list
    garbage = [
        "",
        " ",
        "x" * 10_000,
        "\x00\xff\xfe binary \x01",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "A" * 65,
        None,
        12345,
        ["a", "b"],
    ]
    with Statements(db) as statements:
        for code in garbage:
            assert check_in(door, code, now=MORNING).reason == "unknown", repr(code)
    assert statements.sent == []
    well_formed_but_unknown = "Q" * 32
    assert check_in(door, well_formed_but_unknown, now=MORNING).reason == "unknown"
    assert count(db, Checkin) == 1


def test_a_scan_is_one_select_and_one_insert(db, summit, regular, door):
    first, second = ticket(summit, regular).secret, ticket(summit, regular).secret
    check_in(door, first, now=MORNING)
    with Statements(db) as statements:
        assert check_in(door, second, now=MORNING).ok
    verbs = [sql.lstrip().split()[0].upper() for sql in statements.sent]
    assert verbs == ["SELECT", "INSERT"], statements.sent
    with Statements(db) as statements:
        assert check_in(door, second, "n-2", now=MORNING).reason == "already_checked_in"
    assert [sql.lstrip().split()[0].upper() for sql in statements.sent] == ["SELECT"]


def test_a_hand_scanners_trailing_newline_is_ignored(db, summit, regular, door):
    guest = ticket(summit, regular)
    assert check_in(door, f"{guest.secret}\r\n", now=MORNING).ok


def test_a_retried_request_counts_once_and_gets_the_first_answer(db, summit, regular, door):
    guest = ticket(summit, regular)
    first = check_in(door, guest.secret, "nonce-1", now=MORNING)
    retry = check_in(door, guest.secret, "nonce-1", now=MORNING + timedelta(seconds=3))
    assert first.ok and retry.ok
    assert retry.checked_in_at == first.checked_in_at == MORNING
    assert count(db, Checkin) == 1
    # A new scan (new nonce) of the same ticket is a second scan.
    assert check_in(door, guest.secret, "nonce-2", now=MORNING).reason == "already_checked_in"
    # Another door's nonces are its own.
    other = station(summit, "Entré B")[0]
    assert check_in(other, guest.secret, "nonce-1", now=MORNING).reason == "already_checked_in"


def test_a_nonce_used_for_another_ticket_is_refused(db, summit, regular, door):
    first, second = ticket(summit, regular), ticket(summit, regular)
    check_in(door, first.secret, "same", now=MORNING)
    with pytest.raises(CheckinError) as refused:
        check_in(door, second.secret, "same", now=MORNING)
    assert refused.value.reason == "nonce_reused"
    with pytest.raises(CheckinError):
        check_in(door, second.secret, "with space", now=MORNING)
    assert count(db, Checkin) == 1


def test_undo_then_scan_again(db, summit, regular, door, make_user):
    organizer = make_user("arrangor@example.org")
    guest = ticket(summit, regular)
    check_in(door, guest.secret, now=MORNING)
    active = checkin_lookup.active_checkin(door_list_id(door), guest.id)
    assert checkin_lookup.undo_checkin(active, organizer, now=MORNING)
    assert not checkin_lookup.undo_checkin(active, organizer)  # once is enough
    again = check_in(door, guest.secret, now=MORNING + timedelta(minutes=1))
    assert again.ok and again.checked_in_at == MORNING + timedelta(minutes=1)
    rows = db.session.scalars(select(Checkin).order_by(Checkin.id)).all()
    assert [r.undone_at is not None for r in rows] == [True, False]
    assert rows[0].undone_by == organizer


def door_list_id(door: Door) -> int:
    return checkin_lookup.door_list(door).id


def test_a_list_admits_only_its_ticket_types(db, summit, regular, door):
    dinner = ticket_type(summit, "Middag", name_en="Dinner")
    gala = checkin_setup.save_list(summit, "Middagen", ticket_type_ids=[dinner.id])
    dinner_door = station(summit, "Middag", gala)[0]
    assert check_in(dinner_door, ticket(summit, regular).secret, now=MORNING).reason == (
        "not_allowed"
    )
    assert check_in(dinner_door, ticket(summit, dinner).secret, now=MORNING).ok
    # The entrance list (no types chosen) admits both.
    assert check_in(door, ticket(summit, dinner).secret, now=MORNING).ok


def test_a_day_list_admits_only_on_its_day(db, summit, regular):
    day_two = checkin_setup.save_list(summit, "Dag 2", day=summit.days[1])
    door = station(summit, "Dag 2-dörren", day_two)[0]
    guest = ticket(summit, regular)
    assert check_in(door, guest.secret, now=MORNING).reason == "not_allowed"
    assert check_in(door, guest.secret, now=MORNING + timedelta(days=1)).ok
    with pytest.raises(checkin_setup.SetupError):
        checkin_setup.save_list(summit, "Efteråt", day=summit.days[-1] + timedelta(days=1))


def test_one_check_in_per_list(db, summit, regular, door):
    """A multi-day summit: each day's list lets the same ticket in once."""
    lists = [
        checkin_setup.save_list(summit, f"Dag {i + 1}", day=d) for i, d in enumerate(summit.days)
    ]
    guest = ticket(summit, regular)
    for number, day_list in enumerate(lists):
        day_door = station(summit, f"Dörr {number}", day_list)[0]
        moment = MORNING + timedelta(days=number)
        assert check_in(day_door, guest.secret, now=moment).ok
        assert check_in(day_door, guest.secret, now=moment).reason == "already_checked_in"
    assert count(db, Checkin) == 3


def test_a_revoked_station_or_an_old_token_stops_at_once(db, summit, regular):
    door, token = station(summit, "Entré A")
    made = db.session.get(Station, door.station_id)
    checkin_setup.revoke_station(made)
    verdict = check_in(door, ticket(summit, regular).secret, now=MORNING)
    assert verdict.stale_door and not verdict.ok
    assert station_for_token(token).revoked
    new_token = checkin_setup.renew_token(made)
    assert station_for_token(token) is None
    assert check_in(door, ticket(summit, regular).secret, now=MORNING).stale_door
    renewed = station_for_token(new_token).door
    assert check_in(renewed, ticket(summit, regular).secret, now=MORNING).ok
    assert count(db, Checkin) == 1


def test_door_staff_account_scans_on_a_chosen_list(db, summit, regular, make_user, grant):
    volunteer = grant(make_user("entre@example.org", name="Volontär Vera"), summit, Role.DOOR)
    door = Door.of_user(volunteer, checkin_setup.list_for_today(summit, MORNING))
    guest = ticket(summit, regular)
    assert check_in(door, guest.secret, "n1", now=MORNING).ok
    assert check_in(door, guest.secret, "n1", now=MORNING).ok  # retry
    again = check_in(station(summit)[0], guest.secret, now=MORNING)
    assert again.reason == "already_checked_in" and again.station == "Volontär Vera"
    assert count(db, Checkin) == 1


def test_doors_scanning_at_once_on_sqlite_never_fail(app, db, summit, regular):
    """Eight doors, eight different people at the same moment: all in, no error."""
    door = station(summit)[0]
    secrets = [ticket(summit, regular).secret for _ in range(8)]
    queue = list(secrets)

    def scan():
        return check_in(door, queue.pop(), now=MORNING).reason

    assert in_threads(app, 8, scan) == [None] * 8
    assert count(db, Checkin) == 8


def test_eight_doors_on_the_same_ticket_let_in_exactly_one(app, db, summit, regular):
    doors = [station(summit, f"Entré {n}")[0] for n in range(8)]
    secret = ticket(summit, regular).secret
    queue = list(doors)

    def scan():
        return check_in(queue.pop(), secret, now=MORNING).reason

    outcomes = in_threads(app, 8, scan)
    assert outcomes.count(None) == 1
    assert outcomes.count("already_checked_in") == 7
    assert count(db, Checkin) == 1


# Offline -------------------------------------------------------------------------------


def test_offline_list_has_hashes_and_states_never_secrets(db, summit, regular, door):
    fine = ticket(summit, regular, name="Fine")
    unpaid = ticket(summit, regular, status=OrderStatus.PENDING)
    gone = ticket(summit, regular, status=OrderStatus.REFUNDED, ticket_status=TicketStatus.REFUNDED)
    inside = ticket(summit, regular)
    check_in(door, inside.secret, now=MORNING)
    result = checkin_lookup.offline_list(door, now=MORNING)
    states = {entry.hash: entry for entry in result.entries}
    assert states[secret_hash(fine.secret)].state == "ok"
    assert states[secret_hash(fine.secret)].attendee.name == "Fine"
    assert states[secret_hash(unpaid.secret)].state == "unpaid"
    assert states[secret_hash(gone.secret)].state == "cancelled"
    assert states[secret_hash(inside.secret)].state == "already_checked_in"
    assert states[secret_hash(inside.secret)].station == "Entré A"
    assert states[secret_hash(inside.secret)].checked_in_at == MORNING
    text = repr(result)
    for secret in (fine.secret, unpaid.secret, gone.secret, inside.secret):
        assert secret not in text


def test_offline_scans_at_two_doors_first_upload_wins_and_the_second_is_a_conflict(
    db, summit, regular
):
    a, b = station(summit, "Entré A")[0], station(summit, "Entré B")[0]
    guest, other = ticket(summit, regular), ticket(summit, regular)
    upload_a = [
        OfflineScan(guest.secret, "a-1", MORNING),
        OfflineScan(other.secret, "a-2", MORNING + timedelta(minutes=1)),
    ]
    later = MORNING + timedelta(minutes=20)
    first = upload_offline_scans(a, upload_a, now=later)
    assert [v.reason for v in first] == [None, None]
    assert first[0].checked_in_at == MORNING  # when the person came in, not the upload
    second = upload_offline_scans(b, [OfflineScan(guest.secret, "b-1", MORNING)], now=later)
    assert second[0].reason == "already_checked_in" and second[0].conflict
    assert second[0].station == "Entré A"
    # The phone uploads again (it never got the answer): nothing is counted twice.
    assert [v.reason for v in upload_offline_scans(a, upload_a, now=later)] == [None, None]
    assert upload_offline_scans(b, [OfflineScan(guest.secret, "b-1", MORNING)], now=later)[
        0
    ].conflict
    # A third door whose phone had no believable clock: still an offline double scan.
    c = station(summit, "Entré C")[0]
    assert upload_offline_scans(c, [OfflineScan(guest.secret, "c-1", None)], now=later)[0].conflict
    assert count(db, Checkin) == 2
    assert count(db, CheckinConflict) == 2
    found = checkin_setup.conflicts(summit)
    assert {c.station.name for c in found} == {"Entré B", "Entré C"}
    assert {c.checkin.station.name for c in found} == {"Entré A"}
    rows = db.session.scalars(select(Checkin).order_by(Checkin.id)).all()
    assert {r.source for r in rows} == {"offline"}
    assert rows[0].offline_scanned_at == MORNING and rows[0].created_at == later


def test_an_offline_scan_uses_its_own_day_and_distrusts_wild_clocks(db, summit, regular):
    day_one = checkin_setup.save_list(summit, "Dag 1", day=summit.days[0])
    door = station(summit, "Dag 1", day_one)[0]
    guest = ticket(summit, regular)
    next_day = MORNING + timedelta(days=1)
    # Scanned on day 1 while offline, uploaded on day 2: admitted on day 1's list.
    assert upload_offline_scans(door, [OfflineScan(guest.secret, "x", MORNING)], now=next_day)[0].ok
    late = ticket(summit, regular)
    future = next_day + timedelta(hours=3)  # the phone's clock is hours ahead: not believed
    verdict = upload_offline_scans(door, [OfflineScan(late.secret, "y", future)], now=next_day)
    assert verdict[0].reason == "not_allowed"


# Search and figures ------------------------------------------------------------------


def test_search_by_name_email_or_reference(db, summit, regular, door):
    anna = ticket(summit, regular, name="Anna Lindqvist", email="anna@kommun.se")
    ticket(summit, regular, name="Bertil Ek")
    check_in(door, anna.secret, now=MORNING)
    checkin_list = checkin_lookup.door_list(door)
    for query in ("lindq", "ANNA", "kommun.se", anna.order.reference):
        hits = checkin_lookup.search(summit.id, query, checkin_list, now=MORNING)
        assert [h.name for h in hits] == ["Anna Lindqvist"], query
    hit = checkin_lookup.search(summit.id, "anna", checkin_list, now=MORNING)[0]
    assert hit.state == "already_checked_in" and hit.station == "Entré A"
    assert checkin_lookup.search(summit.id, "%", checkin_list) == []  # no wildcard trick
    assert checkin_lookup.search(summit.id, "a", checkin_list) == []  # too short


def test_status_counts_per_list_station_and_ten_minutes(db, summit, regular, make_user):
    a, b = station(summit, "Entré A")[0], station(summit, "Entré B")[0]
    guests = [ticket(summit, regular) for _ in range(5)]
    ticket(summit, regular, status=OrderStatus.RESERVED)  # not expected: not paid
    check_in(a, guests[0].secret, now=MORNING)
    check_in(a, guests[1].secret, now=MORNING + timedelta(minutes=4))
    check_in(b, guests[2].secret, now=MORNING + timedelta(minutes=25))
    volunteer = make_user("v@example.org")
    door = Door.of_user(volunteer, checkin_lookup.door_list(a))
    check_in(door, guests[3].secret, now=MORNING + timedelta(minutes=26))
    status = checkin_setup.checkin_status(get_event("summit2027"))
    [entrance] = status.lists
    assert (entrance.checkin_list.name, entrance.expected, entrance.checked_in) == ("Entré", 5, 4)
    assert {s.station.name: s.checked_in for s in status.stations} == {
        "Entré A": 2,
        "Entré B": 1,
    }
    assert status.by_accounts == 1
    series = status.per_10_minutes[MORNING.date()]
    assert [(slot.strftime("%H:%M"), n) for slot, n in series] == [
        ("08:30", 2),
        ("08:40", 0),
        ("08:50", 2),
    ]


def test_the_first_station_brings_a_default_list(db, summit):
    assert checkin_setup.checkin_lists(summit) == []
    station(summit, "Entré A")
    station(summit, "Entré B")
    assert [cl.name for cl in checkin_setup.checkin_lists(summit)] == ["Entré"]
    with pytest.raises(checkin_setup.SetupError):
        checkin_setup.create_station(summit, "   ")
