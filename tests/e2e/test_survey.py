"""A survey in a real browser (issue 17.2): the worker sends it the morning after; an
attendee opens the personal link of the mail that reached a real SMTP server, on a
phone, answers, and comes back to change an answer; an English-speaking attendee gets
it in English."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from summit.models import SurveyAnswer, SurveyQuestion, SurveyResponse
from summit.services import worker
from tests import survey_world
from tests.smtp import running_smtp
from tests.survey_world import SEND_AT

pytestmark = pytest.mark.e2e


def link_in(mail, base_url: str) -> str:
    body = mail.get_body(("plain",)).get_content()
    match = re.search(r"https?://\S+/survey/[\w-]+", body)
    assert match, body
    return match.group(0).replace("http://summit.test", base_url)


@pytest.mark.parametrize("browsing", ["phone"], indirect=True)
def test_an_attendee_answers_the_survey_from_the_mail_on_a_phone(
    browsing, app, db, make_event, clock
):
    world = survey_world.build(make_event)
    survey_world.survey(world)
    clock.set(SEND_AT + timedelta(minutes=5))
    with running_smtp(app) as smtp:
        worker.one_round()
        assert smtp.wait_for(lambda mails: len(mails) >= 3)
    by_to = {m["To"]: m for m in smtp.messages}
    assert sorted(by_to) == ["asa@example.org", "eva@example.org", "mo@example.org"]
    mail = by_to["mo@example.org"]
    assert mail["Subject"] == "Vad tyckte du om summit? – Testevenemang"
    assert "List-Unsubscribe" not in mail

    page = browsing.new_page()
    page.goto(link_in(mail, browsing.base_url))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vad tyckte du om summit?")
    browsing.screenshot(page, "survey")
    page.get_by_role("button", name="Skicka mina svar").click()
    # The rating is required: said by the field, nothing stored.
    expect(page.get_by_role("alert")).to_contain_text("Svara på frågan.")
    page.get_by_label("Betyg 1–5").fill("4")
    page.get_by_role("group", name="Vilken sektor?").get_by_label("Ideell").check()
    page.get_by_label("Vad lärde du dig?").fill("Att mötas över sektorerna.")
    browsing.screenshot(page, "filled")
    page.get_by_role("button", name="Skicka mina svar").click()
    expect(page.get_by_text("Tack! Dina svar är sparade.")).to_be_visible()
    browsing.screenshot(page, "thanks")

    # Back later through the same link: the answers are there, and one changes.
    again = browsing.new_page()
    again.goto(link_in(mail, browsing.base_url))
    expect(again.get_by_label("Betyg 1–5")).to_have_value("4")
    again.get_by_label("Betyg 1–5").fill("5")
    again.get_by_role("button", name="Ändra mina svar").click()
    expect(again.get_by_text("Tack! Dina svar är sparade.")).to_be_visible()

    db.session.expire_all()
    assert len(db.session.scalars(select(SurveyResponse)).all()) == 1
    stored = dict(
        db.session.execute(
            select(SurveyQuestion.key, SurveyAnswer.value).join(
                SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id
            )
        ).all()
    )
    assert stored == {"betyg": "5", "sektor": "ideell", "larde": "Att mötas över sektorerna."}

    # Eva ordered in English: her mail and page are in English.
    eva = browsing.new_page(locale="en-GB")
    assert by_to["eva@example.org"]["Subject"].startswith("What did you think of the summit?")
    eva.goto(link_in(by_to["eva@example.org"], browsing.base_url))
    expect(eva.get_by_role("heading", level=1)).to_have_text("What did you think of the summit?")
    browsing.screenshot(eva, "survey-en")
    # The browser reports the 422 of the form sent back without the rating; nothing else.
    assert [e for e in browsing.console_errors if "status of 422" not in e] == []
