"""Badges in a real browser: an organizer opens the badge page, chooses a layout, starts
the print run, watches it become ready (the page's script polls) and downloads the PDF,
whose pages and QR codes are checked as a printer and a door scanner would.

The pages are English (the browser asks for it): the test finds things by their source
texts while the Swedish catalogue grows.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from summit.models import BadgeJob, BadgePrint, BadgeRole, PrintChannel, Role, TicketType
from tests import pdf
from tests.conftest import PASSWORD
from tests.threads import worker_running
from tests.unit.test_sales import buy

pytestmark = pytest.mark.e2e

LOCALE = "en-GB"
SLUG = "summit2027"
# Sorted by last name in Swedish order, as the PDF must be.
PEOPLE = ["Anna Andersson", "Bo Zetterberg", "Åsa Åberg", "Ärla Ängström", "Örjan Öberg"]


@pytest.fixture
def summit(app, db, make_event, make_user, grant):
    event = make_event(
        slug=SLUG,
        name_sv="Social Innovation Summit 2027",
        name_en="Social Innovation Summit 2027",
    )
    regular = TicketType(event=event, name_sv="Ordinarie", name_en="Regular", price=150000)
    speaker = TicketType(
        event=event,
        name_sv="Talare",
        name_en="Speaker",
        price=0,
        vat_percent=0,
        badge_role=BadgeRole.SPEAKER,
    )
    db.session.add_all([regular, speaker])
    db.session.commit()
    tickets = {}
    for name in reversed(PEOPLE):
        kind = speaker if name == "Bo Zetterberg" else regular
        order = buy(event, {kind: 1}, how="free" if kind is speaker else "invoice", buyer=name)
        tickets[name] = order.tickets[0]
    organizer = grant(make_user("omar@example.org", name="Omar Organizer"), event, Role.ORGANIZER)
    return {"event": event, "tickets": tickets, "organizer": organizer}


def fresh(db):
    db.session.commit()
    db.session.expire_all()


def sign_in(page, email: str, next_path: str) -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def test_organizer_prints_the_badges_of_the_event(app, browsing, summit, db):
    page = browsing.new_page(locale=LOCALE)
    sign_in(page, summit["organizer"].email, f"/manage/events/{SLUG}/badges/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=2, name="Badges")).to_be_visible()
    expect(main.get_by_role("radio", name="Only those not printed yet (5)")).to_be_checked()
    expect(main.get_by_role("radio", name="A6, one per page")).to_be_checked()
    main.get_by_role("radio", name="4 × A6 on A4").check()
    main.get_by_role("radio", name="English").check()
    browsing.screenshot(page, "badge-page")

    # The web server only queues the run: until a worker takes it the page waits, and
    # its script has to bring the news when one has.
    main.get_by_role("button", name="Make the PDF").click()
    expect(page).to_have_url(re.compile(rf"/manage/events/{SLUG}/badges/runs/[\w-]+/$"))
    expect(page.locator("#job-status")).to_have_text("Waiting")
    expect(page.locator("#job-count")).to_have_text("0 of 5")
    expect(page.get_by_role("link", name="Download the PDF")).to_be_hidden()
    browsing.screenshot(page, "run-waiting")

    with worker_running(app):
        expect(page.locator("#job-status")).to_have_text("Ready", timeout=60_000)
    expect(page.locator("#job-count")).to_have_text("5 of 5")
    expect(page.locator("#job-bar")).to_have_attribute("value", "5")
    browsing.screenshot(page, "run-ready")

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the PDF").click()
    download = downloading.value
    assert download.suggested_filename == f"namnbrickor-{SLUG}-a6x4.pdf"
    document = Path(download.path()).read_bytes()
    assert pdf.page_sizes_mm(document) == [(210.0, 297.0), (210.0, 297.0)]  # 4 + 1 on A4
    pages = pdf.page_qr_codes(document)
    assert [len(codes) for codes in pages] == [4, 1]
    secrets = {summit["tickets"][name].secret for name in PEOPLE}
    assert {code for codes in pages for code in codes} == secrets
    text = pdf.text(document).upper()
    assert "SPEAKER" in text and "ATTENDEE" in text  # the badges are in English

    fresh(db)
    job = db.session.scalars(select(BadgeJob)).one()
    assert job.requested_by_id == summit["organizer"].id
    logged = db.session.scalars(select(BadgePrint)).all()
    assert len(logged) == 5
    assert {(p.channel, p.job_id) for p in logged} == {(PrintChannel.SHEETS, job.id)}

    # Back on the badge page: the run is listed, and nothing is left unprinted.
    page.get_by_role("link", name="Back to the badge page").click()
    expect(main.get_by_role("radio", name="Only those not printed yet (0)")).to_be_visible()
    expect(main.get_by_role("table")).to_contain_text("4 × A6 on A4")
    expect(main.get_by_role("table")).to_contain_text("Ready")
    browsing.screenshot(page, "badge-page-after")

    # A lost badge: one more, from the attendee's order page.
    ticket = summit["tickets"]["Åsa Åberg"]
    page.goto(f"/manage/events/{SLUG}/orders/{ticket.order.reference}")
    expect(main).to_contain_text("Printed ")
    browsing.screenshot(page, "order-page")
    with page.expect_download() as downloading:
        main.get_by_role("button", name=re.compile(r"^Badge PDF")).click()
    single = Path(downloading.value.path()).read_bytes()
    assert pdf.page_sizes_mm(single) == [(105.0, 148.0)]
    assert pdf.page_qr_codes(single) == [[ticket.secret]]
    fresh(db)
    assert (
        len(db.session.scalars(select(BadgePrint).where(BadgePrint.ticket_id == ticket.id)).all())
        == 2
    )
    assert browsing.console_errors == [], browsing.console_errors
