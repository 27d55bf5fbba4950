"""Group mail in a real browser (issue 16.5): an organizer writes a mailing to the
students and the confirmed speakers, previews who gets it and a sample, sends it with a
double click, and each person's mail arrives once at a real SMTP server, in their
language, with its one-click unsubscribe; the unsubscribe page works from the mail."""

import re
from collections import Counter

import pytest
from playwright.sync_api import expect

from summit.models import Role
from tests import mail_world
from tests.conftest import PASSWORD
from tests.smtp import running_smtp
from tests.threads import worker_running

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(app, db, make_event, make_user, make_call, make_proposal, make_profile, grant):
    made = mail_world.build(make_user, make_call, make_proposal, make_profile, make_event)
    grant(make_user("arrangor@example.org", name="Åsa Arrangör"), made.event, Role.ORGANIZER)
    return made


def sign_in(page, email: str, next_path: str) -> None:
    page.goto(f"/login?next={next_path}")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def test_write_preview_and_send_a_group_mail_that_arrives_once(app, browsing, world):
    page = browsing.new_page()
    sign_in(page, "arrangor@example.org", "/manage/events/summit2027/mail/")
    main = page.get_by_role("main")
    browsing.screenshot(page, "list-empty")
    main.get_by_role("link", name="Nytt utskick").click()
    main.get_by_label("Ämne på svenska").fill("Studentträff, {namn}")
    main.get_by_label("Text på svenska").fill("Hej {namn}!\n\nVälkommen till {evenemang}.")
    main.get_by_label("Ämne på engelska").fill("Student meet-up, {name}")
    main.get_by_label("Text på engelska").fill("Hello {name}!\n\nWelcome to {event}.")
    main.get_by_role("checkbox", name="Student").check()
    main.get_by_role("checkbox", name="Bekräftade talare").check()
    browsing.screenshot(page, "form")
    main.get_by_role("button", name="Spara och förhandsgranska").click()

    # The preview: who and how it reads.
    expect(main.get_by_role("status").filter(has_text="personer får det")).to_have_text(
        "4 personer får det om det skickas nu."
    )
    for email in ("johan@example.org", "karin@example.org", "talare@example.org", "mo@example.org"):
        expect(main.get_by_role("cell", name=email)).to_be_visible()
    sample = main.locator(".mail-sample")
    expect(sample.get_by_text("Hej Johan Ängström!")).to_be_visible()
    main.get_by_role("link", name="Visa exempel för Lars Öst").click()
    expect(sample.get_by_text("Hello Lars Öst!")).to_be_visible()
    browsing.screenshot(page, "preview")

    with running_smtp(app) as smtp, worker_running(app):
        main.get_by_role("button", name="Skicka till 4 personer").dblclick()
        expect(page.get_by_text("Utskicket skickas")).to_be_visible()
        smtp.wait_for(lambda mails: sum(m["Subject"].startswith("Stud") for m in mails) >= 4)
        page.reload()
        expect(main.get_by_role("heading", name="Skicka igen")).to_be_visible()
    group_mail = [r for r in smtp.received if r.message["Subject"].startswith("Stud")]
    per_person = Counter(to for received in group_mail for to in received.rcpt_tos)
    assert per_person == Counter(
        {
            a: 1
            for a in (
                "johan@example.org",
                "karin@example.org",
                "talare@example.org",
                "mo@example.org",
            )
        }
    )
    by_to = {m["To"]: m for m in smtp.messages}
    assert by_to["talare@example.org"]["Subject"] == "Student meet-up, Lars Öst"
    assert by_to["johan@example.org"]["Subject"] == "Studentträff, Johan Ängström"
    browsing.screenshot(page, "sent")
    main.get_by_role("link", name=re.compile("Logg: vilka som fick det")).click()
    expect(main.get_by_role("cell", name="karin@example.org")).to_be_visible()
    browsing.screenshot(page, "log")

    # Karin follows the unsubscribe link of her mail.
    url = str(by_to["karin@example.org"]["List-Unsubscribe"]).strip()[1:-1]
    reader = browsing.new_page()
    reader.goto(url.replace("http://summit.test", browsing.base_url))
    browsing.screenshot(reader, "unsubscribe")
    reader.get_by_role("button", name="Avsluta prenumeration").click()
    expect(reader.get_by_role("status")).to_have_text(
        "Du får inga fler utskick från oss till den här adressen."
    )
    browsing.screenshot(reader, "unsubscribed")
    assert not browsing.console_errors
