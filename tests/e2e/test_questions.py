"""Registration questions in a real browser: a phone buyer answers the summit's questions
(sektor; "Other: which sector?" appears only when Other is chosen; a photo consent),
then an organizer finds the attendee by filtering the order list on sektor, and mails
that group: the mail arrives (aiosmtpd) once, to her only."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from summit.database import unit_of_work
from summit.models import Answer, AnswerKind, DataClass, Order, OrderStatus, Role
from summit.services.mailings import sending
from summit.services.outbox import deliver_pending
from summit.services.tickets import question_setup as setup
from summit.services.tickets.question_setup import QuestionData
from tests.conftest import PASSWORD
from tests.smtp import running_smtp
from tests.unit.test_questions import SEKTOR
from tests.unit.test_sales import buy

pytestmark = pytest.mark.e2e


@pytest.fixture
def summit(app, db, make_event, make_ticket_type, make_user, grant):
    event = make_event(slug="summit2027", name_sv="Social Innovation Summit 2027")
    free = make_ticket_type(event, "Deltagare", name_en="Participant", price=0, vat_percent=0)
    sektor = setup.save_question(
        event,
        QuestionData(
            "Vilken sektor arbetar du i?",
            AnswerKind.CHOICE,
            "sektor",
            label_en="Which sector do you work in?",
            choices=SEKTOR,
            required=True,
        ),
    )
    setup.save_question(
        event,
        QuestionData(
            "Annat: vilken sektor?",
            AnswerKind.TEXT,
            "sektor_annat",
            label_en="Other: which sector?",
            required=True,
            depends_on_id=sektor.id,
            depends_on_value="annat",
        ),
    )
    setup.save_question(
        event,
        QuestionData(
            "Specialkost",
            AnswerKind.TEXT,
            "kost",
            label_en="Dietary needs",
            data_class=DataClass.SENSITIVE,
        ),
    )
    setup.save_question(
        event,
        QuestionData(
            "Jag går med på att bli fotograferad och filmad.",
            AnswerKind.CONSENT,
            "foto",
            label_en="I agree to being photographed and filmed.",
            required=True,
        ),
    )
    organizer = grant(make_user("omar@example.org"), event, Role.ORGANIZER)
    # Mohammed registered earlier, from the public sector: not in the "other" group.
    earlier = buy(event, {free: 1}, how="free", buyer="Mohammed Ali", names=["Mohammed Ali"])
    with unit_of_work():
        db.session.add(
            Answer(question=sektor, order=earlier, ticket=earlier.tickets[0], value="offentlig")
        )
    return event, free, organizer


def fresh(db):
    db.session.commit()
    db.session.expire_all()


@pytest.mark.parametrize("browsing", ["phone"], indirect=True)
def test_buyer_answers_the_questions_and_the_organizer_filters_on_them(browsing, summit, app, db):
    event, free, organizer = summit
    page = browsing.new_page(locale="en-GB")
    page.goto(f"/events/{event.slug}/tickets/")
    page.get_by_label("Number Participant").select_option("1")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/orders/[\w-]+/checkout$"))

    buyer = page.get_by_role("group", name="You who order")
    buyer.get_by_label("Your name").fill("Åsa Öberg-Lindqvist")
    buyer.get_by_label("Your email").fill("asa@example.se")
    ticket = page.get_by_role("group", name="Ticket 1: Participant")
    ticket.get_by_label("Name", exact=True).fill("Åsa Öberg-Lindqvist")
    # The fixed diet field gives way to the event's own question.
    expect(ticket.get_by_label("Dietary needs (optional)")).to_be_visible()
    other = ticket.get_by_label("Other: which sector?")
    expect(other).to_be_hidden()  # only when "Other" is the sector
    sector = ticket.get_by_role("group", name="Which sector do you work in?")
    sector.get_by_label("Public sector").check()
    expect(other).to_be_hidden()
    sector.get_by_label("Other").check()
    expect(other).to_be_visible()
    browsing.screenshot(page, "questions-en")
    # Register without the consent or the other sector: told what is missing.
    page.get_by_role("button", name="Register").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Other: which sector?")
    expect(summary).to_contain_text("I agree to being photographed and filmed.")
    browsing.screenshot(page, "questions-errors-en")
    ticket = page.get_by_role("group", name="Ticket 1: Participant")
    expect(ticket.get_by_role("radio", name="Other")).to_be_checked()  # kept
    ticket.get_by_label("Other: which sector?").fill("Folkbildning")
    ticket.get_by_label("Dietary needs (optional)").fill("Vegan")
    ticket.get_by_label("I agree to being photographed and filmed.").check()
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(rf"/events/{event.slug}/orders/[\w-]+/$"))

    fresh(db)
    order = db.session.scalars(select(Order).order_by(Order.id.desc())).first()
    assert order.status is OrderStatus.PAID
    answers = {
        a.question.key: a for a in db.session.scalars(select(Answer).where(Answer.order == order))
    }
    assert {k: a.value for k, a in answers.items()} == {
        "sektor": "annat",
        "sektor_annat": "Folkbildning",
        "kost": "Vegan",
        "foto": "yes",
    }
    assert answers["foto"].consent_text == "I agree to being photographed and filmed."

    # The organizer filters the orders on the sector and finds her.
    staff = browsing.new_page(locale="en-GB")
    orders = f"/manage/events/{event.slug}/orders/"
    staff.goto(f"/login?next={orders}")
    staff.get_by_label("Email", exact=True).fill(organizer.email)
    staff.get_by_label("Password", exact=True).fill(PASSWORD)
    staff.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(staff).to_have_url(re.compile(re.escape(orders) + "$"))
    staff.get_by_label("Answer to a question").select_option(
        label="Which sector do you work in? – Other"
    )
    staff.get_by_role("button", name="Search").click()
    expect(staff.get_by_role("main")).to_contain_text(order.reference)
    expect(staff.get_by_role("main")).to_contain_text("1 attendee (paid or invoiced) answered so.")
    staff.get_by_role("link", name=order.reference).click()
    expect(staff.get_by_role("main")).to_contain_text("Folkbildning")
    browsing.screenshot(staff, "organizer-order-en")

    # ... and mails those who answered Other.
    staff.goto(f"/manage/events/{event.slug}/mail/new")
    staff.get_by_label("Subject in Swedish").fill("Till er i andra sektorer, {namn}")
    staff.get_by_label("Text in Swedish").fill("Hej {namn}!")
    staff.get_by_label("Only those who answered").select_option(
        label="Which sector do you work in? – Other"
    )
    staff.get_by_role("button", name="Save and preview").click()
    main = staff.get_by_role("main")
    expect(main).to_contain_text("asa@example.se")
    expect(main).not_to_contain_text("mohammed.ali@example.org")
    staff.get_by_label("Send now").check()
    staff.get_by_role("button", name="Send to 1 person").click()
    expect(staff.get_by_role("button", name="Send to 1 person")).to_have_count(0)
    fresh(db)
    assert sending.send_due_mailings() == 1
    with running_smtp(app) as smtp:
        deliver_pending()
        deliver_pending()  # a second round sends nothing again
    group = [m for m in smtp.messages if "andra sektorer" in m["Subject"]]
    assert [m["To"] for m in group] == ["asa@example.se"]
    assert "Åsa Öberg-Lindqvist" in group[0]["Subject"]
    # The browser reports the 422 of the form sent back; nothing else went wrong.
    assert [e for e in browsing.console_errors if "status of 422" not in e] == []
