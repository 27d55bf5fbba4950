"""Who gets which certificate: attendance only for tickets checked in, listing exactly
the days they were (in the event's time zone, undone check-ins not counted); presentation
only for sessions of the published program; issuing, withdrawing and bulk runs."""

import io
import zipfile
from datetime import date, datetime, timedelta

import pytest

from summit.models import BadgeJobStatus, Certificate, CertificateKind, SessionKind
from summit.services.certificates import bulk, issuing
from summit.services.certificates.issuing import CertificateRefused
from summit.services.program import releases
from tests.certificates_world import LONG_NAME, checked_in, paid_order
from tests.pdf import text
from tests.published_world import published_summit
from tests.schedule_world import at, session


@pytest.fixture
def summit(make_event, make_ticket_type):
    event = make_event(slug="summit2027", name_sv="Mötesplats 2027", name_en="Summit 2027")
    return event, make_ticket_type(event, "Ordinarie", name_en="Regular", price=150000)


@pytest.fixture
def tickets(summit):
    event, regular = summit
    order = paid_order(
        event,
        regular,
        [(LONG_NAME, "asa@malmo.se"), ("Kim Ängström", "kim@malmo.se")],
    )
    return order.tickets


def test_a_ticket_never_checked_in_has_no_certificate(db, tickets, make_user):
    asa, _kim = tickets
    assert issuing.checked_in_days(asa) == []
    with pytest.raises(CertificateRefused) as refused:
        issuing.issue_attendance(asa)
    assert refused.value.reason == "not_checked_in"
    assert issuing.offers_for(make_user("asa@malmo.se", name=LONG_NAME)) == []
    assert db.session.query(Certificate).count() == 0


def test_an_undone_check_in_is_no_attendance(db, tickets):
    asa, _kim = tickets
    checked_in(asa, datetime(2027, 5, 18, 9, 0), undone=True)
    assert issuing.checked_in_days(asa) == []
    with pytest.raises(CertificateRefused):
        issuing.issue_attendance(asa)


def test_the_days_are_exactly_the_days_checked_in_in_the_event_time_zone(db, tickets):
    asa, kim = tickets
    checked_in(asa, datetime(2027, 5, 18, 8, 55))
    checked_in(asa, datetime(2027, 5, 18, 13, 5), door="Verkstad")  # the same day again
    checked_in(asa, datetime(2027, 5, 19, 9, 0), undone=True)  # scanned by mistake
    # 00:30 on the 20th in Stockholm is still the 19th in UTC: the event's day counts.
    checked_in(asa, datetime(2027, 5, 20, 0, 30))
    checked_in(kim, datetime(2027, 5, 19, 10, 0))
    assert issuing.checked_in_days(asa) == [date(2027, 5, 18), date(2027, 5, 20)]
    certificate = issuing.issue_attendance(asa)
    assert certificate.kind is CertificateKind.ATTENDANCE
    assert certificate.days == ["2027-05-18", "2027-05-20"]
    assert certificate.name == LONG_NAME
    assert issuing.issue_attendance(kim).days == ["2027-05-19"]


def test_the_same_facts_give_the_same_certificate_and_new_facts_a_new_one(db, tickets):
    asa, _kim = tickets
    checked_in(asa, datetime(2027, 5, 18, 9, 0))
    first = issuing.issue_attendance(asa)
    assert issuing.issue_attendance(asa).token == first.token
    checked_in(asa, datetime(2027, 5, 19, 9, 0))
    second = issuing.issue_attendance(asa)
    assert second.token != first.token
    assert second.days == ["2027-05-18", "2027-05-19"]
    # What the first said was true: it stays genuine.
    assert issuing.certificate_by_token(first.token).withdrawn_at is None
    assert len(first.token) >= 22  # at least 128 bits


def test_only_the_attendee_is_offered_the_certificate_not_the_buyer(db, summit, make_user):
    event, regular = summit
    order = paid_order(
        event, regular, [(LONG_NAME, "asa@malmo.se")], buyer=("Boss", "boss@malmo.se")
    )
    checked_in(order.tickets[0], datetime(2027, 5, 18, 9, 0))
    boss = make_user("boss@malmo.se", name="Boss")
    asa = make_user("ASA@malmo.se", name=LONG_NAME)
    assert issuing.offers_for(boss) == []
    assert issuing.own_ticket(boss, order.reference, 1) is None
    (offer,) = issuing.offers_for(asa)
    assert offer.kind is CertificateKind.ATTENDANCE
    assert offer.ticket == order.tickets[0] and offer.number == 1
    assert offer.days == (date(2027, 5, 18),)
    assert issuing.own_ticket(asa, order.reference.lower(), 1) == order.tickets[0]
    assert issuing.own_ticket(asa, order.reference, 2) is None


def test_presentation_only_for_sessions_of_the_published_program(db, summit, make_user):
    event, _regular = summit
    world = published_summit(event, make_user)
    asa, per = world["asa"], world["per"]
    # Added after the release: the public has not seen it, so no certificate says it.
    late = make_user("late@example.org", name="Lena Sen")
    session(event, "Ej publicerad", [asa, late], world["rooms"][1], at(14, 0), 30)
    name, sessions = issuing.presented_sessions(event, asa)
    assert name == "Åsa Öberg"
    assert [s.title for s in sessions] == [
        "Öppning: social innovation i Sverige",
        "Verkstad: tjänstedesign",
        "Avslutning",
    ]
    certificate = issuing.issue_presentation(event, asa)
    assert [s["title"] for s in certificate.sessions] == [s.title for s in sessions]
    assert [s.title for s in issuing.presented_sessions(event, per)[1]] == [
        "Samskapande i praktiken",
        "Verkstad: tjänstedesign",
    ]
    with pytest.raises(CertificateRefused) as refused:
        issuing.issue_presentation(event, late)
    assert refused.value.reason == "not_a_speaker"
    assert [o.kind for o in issuing.offers_for(late)] == []
    assert [o.kind for o in issuing.offers_for(asa)] == [CertificateKind.PRESENTATION]
    # Once published, it counts.
    releases.publish(event, confirm_conflicts=True)
    assert [s.title for s in issuing.presented_sessions(event, late)[1]] == ["Ej publicerad"]


def test_nothing_published_means_no_presentation(db, summit, make_user):
    event, _regular = summit
    asa = make_user("asa@example.org", name="Åsa Öberg")
    from tests.schedule_world import program

    rooms = program(event, rooms=("Stora salen",))
    session(event, "Keynote", [asa], rooms[0], at(9, 0), 45, kind=SessionKind.KEYNOTE)
    assert issuing.presented_sessions(event, asa) == ("", [])
    assert issuing.offers_for(asa) == []


def test_a_withdrawn_certificate_is_not_reused_and_says_so(db, summit, tickets, make_user):
    event, _regular = summit
    asa, _kim = tickets
    checked_in(asa, datetime(2027, 5, 18, 9, 0))
    first = issuing.issue_attendance(asa)
    organizer = make_user("org@example.org")
    assert issuing.withdraw(event, first.token, organizer).withdrawn_by_id == organizer.id
    assert issuing.certificate_by_token(first.token).is_withdrawn
    assert issuing.issue_attendance(asa).token != first.token
    # Another event's token, or none: nothing happens.
    assert issuing.withdraw(event, "x" * 24, organizer) is None


@pytest.mark.parametrize("token", ["", "short", "x" * 65, None, 12, "ä" * 24])
def test_unknown_tokens_find_nothing(db, token):
    assert issuing.certificate_by_token(token) is None


def test_a_bulk_run_makes_a_zip_with_one_pdf_per_person(db, summit, tickets, make_user):
    event, _regular = summit
    asa, kim = tickets
    checked_in(asa, datetime(2027, 5, 18, 9, 0))
    checked_in(kim, datetime(2027, 5, 19, 9, 0))
    organizer = make_user("org@example.org")
    run = bulk.start_run(event, "attendance", None, requested_by=organizer)
    assert run.status is BadgeJobStatus.QUEUED and run.total == 2
    assert bulk.run_pending_runs() == 1
    db.session.expire_all()
    assert run.status is BadgeJobStatus.DONE and run.done == 2
    with zipfile.ZipFile(io.BytesIO(bulk.run_archive(run))) as archive:
        names = sorted(archive.namelist())
        texts = sorted(text(archive.read(name)) for name in names)
    assert len(names) == 2 and all(n.startswith("intyg-deltagande-summit2027-") for n in names)
    assert "Intyg om deltagande" in texts[0]
    assert any("Kim Ängström" in t for t in texts)
    assert any("Åsa Öberg-Lindqvist" in t for t in texts)
    assert db.session.query(Certificate).count() == 2
    # Nothing to render a second time.
    assert bulk.run_pending_runs() == 0
    # The ZIP is kept a day; the run and the certificates stay.
    assert bulk.purge_old_archives(run.finished_at + timedelta(hours=23)) == 0
    assert bulk.purge_old_archives(run.finished_at + timedelta(hours=25)) == 1
    db.session.expire_all()
    assert bulk.run_archive(run) is None and run.status is BadgeJobStatus.DONE
    assert db.session.query(Certificate).count() == 2


def test_a_bulk_run_for_nobody_is_refused(db, summit, tickets):
    event, _regular = summit
    with pytest.raises(CertificateRefused) as refused:
        bulk.start_run(event, "attendance", "sv")
    assert refused.value.reason == "nobody"
    with pytest.raises(CertificateRefused):
        bulk.start_run(event, "diploma", "sv")
    with pytest.raises(CertificateRefused):
        checked_in(tickets[0], datetime(2027, 5, 18, 9, 0))
        bulk.start_run(event, "attendance", "de")
