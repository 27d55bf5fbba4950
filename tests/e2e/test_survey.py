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


def survey_mails(mails) -> list:
    """The survey's mails (the worker's round also sends the after-event thanks)."""
    return [m for m in mails if "/survey/" in m.get_body(("plain",)).get_content()]


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
        assert smtp.wait_for(lambda mails: len(survey_mails(mails)) >= 3)
    by_to = {m["To"]: m for m in survey_mails(smtp.messages)}
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


def test_an_organizer_builds_a_survey_and_reads_its_results(
    browsing, app, db, make_event, make_user, grant, clock
):
    from summit.models import Role
    from summit.services.surveys import answering, sending
    from tests.conftest import PASSWORD
    from tests.survey_world import BEFORE

    clock.set(BEFORE)
    world = survey_world.build(make_event)
    grant(make_user("arrangor@example.org", name="Åsa Arrangör"), world.event, Role.ORGANIZER)
    page = browsing.new_page()
    page.goto("/login?next=/manage/events/summit2027/surveys/")
    page.locator("#email").fill("arrangor@example.org")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    main = page.get_by_role("main")
    main.get_by_role("link", name="Ny enkät").click()
    main.get_by_label("Rubrik på svenska").fill("Vad tyckte du?")
    main.get_by_label("Rubrik på engelska").fill("What did you think?")
    main.get_by_label("Inledning på svenska").fill("Tre frågor, tre minuter.")
    main.get_by_label("Deltagare som checkades in").check()
    main.get_by_label("Skickas", exact=True).fill("2027-05-21T09:00")
    main.get_by_label("Påminnelse").fill("2027-05-24T09:00")
    main.get_by_label("Stänger").fill("2027-05-28T23:00")
    browsing.screenshot(page, "survey-form")
    main.get_by_role("button", name="Spara enkäten").click()
    expect(page.get_by_text("Enkäten är sparad.")).to_be_visible()
    main.get_by_role("link", name="Ny fråga").click()
    main.get_by_label("Fråga (svenska)").fill("Hur nöjd är du, från 1 till 5?")
    main.get_by_label("Fråga (engelska)").fill("How satisfied are you, from 1 to 5?")
    main.get_by_label("Typ av svar").select_option("number")
    main.get_by_label("Svar krävs").check()
    browsing.screenshot(page, "question-form")
    main.get_by_role("button", name="Spara frågan").click()
    main.get_by_role("link", name="Ny fråga").click()
    main.get_by_label("Fråga (svenska)").fill("Vad tar du med dig?")
    main.get_by_label("Typ av svar").select_option("long_text")
    main.get_by_role("button", name="Spara frågan").click()
    main.get_by_role("button", name=re.compile("Schemalägg")).click()
    expect(page.get_by_text("Enkäten är schemalagd")).to_be_visible()
    browsing.screenshot(page, "survey-page")

    # The morning after: sent; two answer.
    sending.send_due_surveys(SEND_AT)
    clock.set(SEND_AT + timedelta(hours=3))
    from summit.models import SurveyRecipient

    people = db.session.scalars(select(SurveyRecipient).order_by(SurveyRecipient.id)).all()
    questions = db.session.scalars(select(SurveyQuestion).order_by(SurveyQuestion.id)).all()
    for person, (rating, text) in zip(people, [("5", "Nya kontakter."), ("3", "")], strict=False):
        checked = answering.checked(
            person, {f"q{questions[0].id}": rating, f"q{questions[1].id}": text}
        )
        answering.save_answers(person, checked)
    page.reload()
    main.get_by_role("link", name="Resultat").click()
    expect(main.get_by_role("status")).to_have_text("2 av 3 har svarat (67 %).")
    expect(main.get_by_text("Nya kontakter.")).to_be_visible()
    expect(main.get_by_text(re.compile("medel 4"))).to_be_visible()
    browsing.screenshot(page, "results")
    page.get_by_role("button", name="English").click()
    expect(main.get_by_role("status")).to_have_text("2 of 3 answered (67 %).")
    browsing.screenshot(page, "results-en")
    assert browsing.console_errors == []
