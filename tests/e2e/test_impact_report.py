"""From insight to impact in a real browser (issue 17, acceptance 1): an attendee checked
in on the first day rates a session on her phone and answers the survey that the worker
mailed the morning after; the organizer's impact report shows both, by sektor, and the
Excel file it downloads opens (read back with openpyxl)."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from summit.models import Role
from summit.services import worker
from summit.services.events import get_event
from tests import survey_world
from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in_with_password
from tests.feedback_world import FIRST_AFTERNOON, summit_with_attendees
from tests.impact_world import answer, sector_question
from tests.smtp import running_smtp
from tests.survey_world import SEND_AT, SurveyWorld

pytestmark = pytest.mark.e2e


def words(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


@pytest.mark.parametrize("browsing", ["phone"], indirect=True)
def test_a_rating_and_a_survey_answer_reach_the_impact_report_by_sector(
    browsing, app, make_event, make_user, grant, clock
):
    clock.set(FIRST_AFTERNOON)  # Eva was let in this morning: day 1
    event = make_event(slug="summit27")
    world = summit_with_attendees(event, make_user)
    question = sector_question(event)
    answer(question, world["eva_ticket"], "offentlig")
    answer(question, world["olle_ticket"], "ideburen")
    survey_world.survey(SurveyWorld(event, {}, []), now=FIRST_AFTERNOON)
    keynote_token = world["sessions"]["keynote"].token

    # Eva rates the keynote on her phone.
    page = browsing.new_page()
    sign_in_with_password(page, "eva@example.org", PASSWORD)
    page.goto(f"/events/summit27/program/sessions/{keynote_token}")
    page.get_by_role("link", name="Betygsätt programpunkten").tap()
    page.locator('label[for="score-3"]').tap()  # 4 of 5
    page.locator("#comment").fill("Gav mig mod att pröva nytt i förvaltningen.")
    page.locator(".rating-form button[type=submit]").tap()
    expect(page.locator(".flash-success")).to_be_visible()

    # The morning after, the worker mails the survey; she answers from the mail.
    clock.set(SEND_AT + timedelta(minutes=5))

    def survey_link(mail) -> str | None:
        found = re.search(r"https?://\S+/survey/[\w-]+", mail.get_body(("plain",)).get_content())
        return found[0] if found and mail["To"] == "eva@example.org" else None

    with running_smtp(app) as smtp:
        worker.one_round()  # the survey, and the after-event thanks with its rating link
        assert smtp.wait_for(lambda mails: any(survey_link(m) for m in mails))
    link = next(survey_link(m) for m in smtp.messages if survey_link(m))
    survey_page = browsing.new_page()
    survey_page.goto(link.replace("http://summit.test", browsing.base_url))
    survey_page.get_by_label("Betyg 1–5").fill("5")
    survey_page.get_by_role("group", name="Vilken sektor?").get_by_label("Offentlig").check()
    survey_page.get_by_label("Vad lärde du dig?").fill("Att mötas över sektorerna.")
    survey_page.get_by_role("button", name="Skicka mina svar").click()
    expect(survey_page.get_by_text("Tack! Dina svar är sparade.")).to_be_visible()

    # The organizer's report: the rating by the rater's sector, the survey by sector.
    organizer = make_user("org@example.org", name="Omar Haddad")
    grant(organizer, get_event("summit27"), Role.ORGANIZER)  # the worker ended the session
    report = browsing.new_page()
    sign_in_with_password(report, "org@example.org", PASSWORD)
    report.goto("/manage/events/summit27/impact/")
    ratings = report.get_by_role("region", name="Vad deltagarna tyckte om programpunkterna")
    expect(ratings).to_contain_text("1 betyg på 1 programpunkt, i snitt 4,0.")
    sectors = ratings.get_by_role("table").filter(has_text="Per sektor hos dem som gav betyg")
    expect(sectors.get_by_role("row", name=re.compile("Offentlig sektor"))).to_contain_text("4")
    survey = report.get_by_role("region", name="Enkät: Vad tyckte du om summit?")
    who = survey.get_by_role("table").filter(has_text="Vilka som svarade, per sektor")
    expect(who.get_by_role("row", name=re.compile("Offentlig sektor"))).to_contain_text("100 %")
    expect(survey).to_contain_text("Att mötas över sektorerna.")
    browsing.screenshot(report, "report")

    # One sector's survey answers: Idéburen sektor answered nothing.
    report.get_by_label("Enkätsvar från").select_option(label="Idéburen sektor")
    report.get_by_role("button", name="Visa").click()
    expect(report.get_by_role("region", name=re.compile(r"\(Idéburen sektor\)"))).to_contain_text(
        "0 %"
    )
    assert "Att mötas över sektorerna." not in words(report)

    # The workbook, downloaded as the organizer does, opens and says the same.
    report.get_by_label("Enkätsvar från").select_option(label="Alla")
    report.get_by_role("button", name="Visa").click()
    with report.expect_download() as download:
        report.get_by_role("link", name="Excel (.xlsx)").click()
    assert download.value.suggested_filename == "effekt-summit27.xlsx"
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sector_sheet = {row[0]: row[1:3] for row in book["Per sektor"].iter_rows(values_only=True)}
    assert sector_sheet["Offentlig sektor"] == (1, 1)  # Eva, registered and let in
    by_rater = next(s for s in book if s.title.startswith("Per sektor hos dem"))  # 31 chars
    assert ("Offentlig sektor", 1, 4) in list(by_rater.iter_rows(values_only=True))
    free_text = [row for sheet in book for row in sheet.iter_rows(values_only=True)]
    assert ("Vad lärde du dig?", "Att mötas över sektorerna.") in free_text
    assert browsing.console_errors == []
