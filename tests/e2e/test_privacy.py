"""Personal data in a real Chromium (acceptance 3): a person with an order, a proposal
and consent answers withdraws a consent and asks for erasure from Mina biljetter on a
phone; the organizer sees the dry run and completes the request; what remains in the
database is exactly what the request's log says was kept. The accessibility
statement's form too. Screenshots in test-artifacts/e2e/<test>/, Swedish and English."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from summit.models import AccessibilityReport, Answer, ErasureRequest, ProposalState, Role
from tests import privacy_world
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in_with_password

pytestmark = pytest.mark.e2e

WORDS = {
    "sv": {
        "locale": "sv-SE",
        "withdraw": "Återkalla samtycke",
        "withdrawn": "Ditt samtycke är återkallat",
        "ask": "Begär att mina uppgifter raderas",
        "asked": "Din begäran om radering är skickad",
        "complete": "Genomför: radera",
        "completed": "Begäran är genomförd",
        "rule": "Känsliga svar",
        "send": "Skicka anmälan",
        "what": "Vad fungerade inte?",
        "thanks": "Tack! Din anmälan har skickats till oss.",
        "required": "Beskriv problemet.",
    },
    "en": {
        "locale": "en-GB",
        "withdraw": "Withdraw consent",
        "withdrawn": "Your consent has been withdrawn",
        "ask": "Ask for erasure of my data",
        "asked": "Your request for erasure has been sent",
        "complete": "Complete: erase",
        "completed": "The request is completed",
        "rule": "Sensitive answers",
        "send": "Send the report",
        "what": "What did not work?",
        "thanks": "Thank you. Your report has been sent to us.",
        "required": "Describe the problem.",
    },
}


def sign_in(page, email: str) -> None:
    sign_in_with_password(page, email, PASSWORD)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_person_withdraws_a_consent_and_is_erased(
    phone, language, db, make_event, make_user, make_call, make_proposal, grant, clock
):
    words = WORDS[language]
    world = privacy_world.build(make_event)
    clock.set(world.event.ends_at + timedelta(days=5))
    asa = make_user(privacy_world.BUYER, name="Åsa Öberg", locale=language)
    make_proposal(make_call(world.event), asa, state=ProposalState.SUBMITTED)
    organizer = grant(make_user("olga@example.org", locale=language), world.event, Role.ORGANIZER)

    page = phone.new_page(words["locale"])
    sign_in(page, asa.email)
    page.goto("/my/tickets")
    page.get_by_role("button", name=words["withdraw"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["withdrawn"])
    phone.screenshot(page, "consent-withdrawn")
    db.session.commit()  # a new read: the server wrote it
    assert db.session.scalar(select(Answer.withdrawn_at).where(Answer.value == "withdrawn"))
    page.goto("/my/data")
    expect(page.get_by_role("main")).to_contain_text(world.paid.reference)
    phone.screenshot(page, "my-data")
    page.get_by_role("button", name=words["ask"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["asked"])
    phone.screenshot(page, "erasure-asked")

    office = phone.new_page(words["locale"])
    sign_in(office, organizer.email)
    office.goto(f"/manage/events/{world.event.slug}/privacy")
    expect(office.get_by_role("table")).to_contain_text(words["rule"])
    phone.screenshot(office, "organizer-dry-run")
    office.get_by_role("button", name=f"{words['complete']} {privacy_world.BUYER}").click()
    expect(office.locator(".flashes")).to_contain_text(words["completed"])
    phone.screenshot(office, "organizer-completed")
    assert not phone.console_errors

    db.session.commit()
    done = db.session.scalars(select(ErasureRequest)).one()
    assert done.completed_by_email == organizer.email
    assert len(done.kept_lines) == 1 and world.paid.reference in done.kept_lines[0]
    assert privacy_world.tables_holding(privacy_world.ASA_WORDS) == privacy_world.KEPT_AFTER_ERASURE


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_accessibility_statement_takes_a_report(phone, language, db):
    words = WORDS[language]
    page = phone.new_page(words["locale"])
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role(
        "link", name="Tillgänglighetsredogörelse" if language == "sv" else "Accessibility statement"
    ).click()
    page.get_by_role("button", name=words["send"]).click()
    expect(page.locator(".error-summary")).to_contain_text(words["required"])
    phone.screenshot(page, "statement-error")
    page.get_by_label(words["what"]).fill("Menyn går inte att öppna med tangentbordet.")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["thanks"])
    phone.screenshot(page, "statement-sent")
    # The form sent empty came back as 422, as it should; nothing else went wrong.
    assert [e for e in phone.console_errors if "422" not in e] == []
    db.session.commit()
    assert db.session.scalars(select(AccessibilityReport.description)).all() == [
        "Menyn går inte att öppna med tangentbordet."
    ]
