"""Consents given outside the registration form, withdrawn with their time; and the
accessibility statement's reports, refused whole when any part is wrong."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from summit.database import unit_of_work
from summit.models import AccessibilityReport, ConsentPurpose, OutboxMessage, utcnow
from summit.services.privacy import accessibility, consents, registry
from summit.services.privacy.errors import PrivacyError
from summit.services.refusal import Refusal


def test_a_consent_keeps_its_text_and_is_withdrawn_once(db, make_event, make_user, clock):
    event = make_event()
    asa = make_user("Asa@Example.se")
    with unit_of_work():
        consents.give(
            "ASA@example.se", ConsentPurpose.NETWORKING, "Visa mig i deltagarlistan.", event
        )
    assert consents.has_consent("asa@example.se", ConsentPurpose.NETWORKING, event)
    assert not consents.has_consent("asa@example.se", ConsentPurpose.NEWSLETTER)
    [given_] = consents.of_person(asa)
    assert (given_.text, given_.event.id, given_.withdrawn_at) == (
        "Visa mig i deltagarlistan.",
        event.id,
        None,
    )
    moment = clock.stop(utcnow())
    consents.withdraw(asa, "consent", given_.key)
    assert not consents.has_consent("asa@example.se", ConsentPurpose.NETWORKING, event)
    [withdrawn] = consents.of_person(asa)
    assert withdrawn.withdrawn_at == moment and withdrawn.text == "Visa mig i deltagarlistan."
    for kind, key, reason in (
        ("consent", given_.key, "withdrawn"),
        ("consent", "someone-elses", "not_yours"),
        ("answer", "1", "not_yours"),
    ):
        try:
            consents.withdraw(asa, kind, key)
        except PrivacyError as refusal:
            assert refusal.reason == reason
        else:
            raise AssertionError(f"{kind} {key} was not refused")


def test_a_report_is_in_the_persons_data_and_erased_without_its_text(db):
    accessibility.report_problem("/", "Knappen syns inte.", "Karin", "karin@example.org")
    [found] = registry.export_person("Karin@Example.org")["accessibility_reports"]
    assert found["Namn:"] == "Karin" and found["Vad fungerade inte?"] == "Knappen syns inte."
    with unit_of_work():
        registry.erase_person("karin@example.org")
    report = db.session.scalars(select(AccessibilityReport)).one()
    assert (report.name, report.email, report.description) == ("", "", "Knappen syns inte.")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    page=st.text(max_size=600),
    description=st.text(max_size=5100),
    name=st.text(max_size=250),
    email=st.one_of(st.text(max_size=60), st.emails()),
)
def test_a_report_is_stored_whole_or_not_at_all(app, db, page, description, name, email):
    before = db.session.scalar(select(func.count(AccessibilityReport.id)))
    mails = db.session.scalar(select(func.count(OutboxMessage.id)))
    try:
        report = accessibility.report_problem(page, description, name, email)
    except Refusal:
        assert db.session.scalar(select(func.count(AccessibilityReport.id))) == before
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == mails
        return
    assert report.description.strip() and len(report.description) <= 5000
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == mails + 1
