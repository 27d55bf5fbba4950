"""A checked-in attendee downloads their certificate from My tickets on a phone, in
Swedish and English, and the verification link printed in it opens the page that says
it is genuine (screenshots in test-artifacts/e2e/<test>/)."""

import io
import re
from datetime import datetime

import pikepdf
import pytest
from playwright.sync_api import expect

from tests.certificates_world import LONG_NAME, checked_in, paid_order
from tests.conftest import PASSWORD
from tests.e2e.conftest import Browsing
from tests.pdf import text

pytestmark = pytest.mark.e2e

WORDS = {
    "sv": {
        "locale": "sv-SE",
        "link": "PDF, På svenska",
        "title": "Intyg om deltagande",
        "genuine": "Intyget är äkta",
        "days": "tisdag 18 maj 2027",
        "withdrawn": "är återkallat",
    },
    "en": {
        "locale": "en-GB",
        "link": "PDF, In English",
        "title": "Certificate of attendance",
        "genuine": "This certificate is genuine",
        "days": "Tuesday 18 May 2027",
        "withdrawn": "is withdrawn",
    },
}


@pytest.fixture
def phone(request, chromium, live_server):
    name = request.node.name.replace("[", "-").rstrip("]")
    artifacts = request.config.rootpath / "test-artifacts" / "e2e" / name
    artifacts.mkdir(parents=True, exist_ok=True)
    for old in artifacts.glob("phone-*.jpg"):
        old.unlink()
    browsing = Browsing(chromium, live_server, "phone", artifacts)
    yield browsing
    browsing.close()


def link_uris(pdf: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [
            str(annotation.A.URI)
            for page in document.pages
            for annotation in page.get("/Annots", [])
            if "/A" in annotation and "/URI" in annotation.A
        ]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_attendee_downloads_their_certificate_and_checks_it(
    phone, app, db, live_server, monkeypatch, make_event, make_ticket_type, make_user, lang
):
    # The links printed in documents point at this server.
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    words = WORDS[lang]
    event = make_event(slug="summit2027", name_sv="Mötesplats 2027", name_en="Summit 2027")
    order = paid_order(event, make_ticket_type(event), [(LONG_NAME, "asa@malmo.se")], lang=lang)
    checked_in(order.tickets[0], datetime(2027, 5, 18, 9, 0))
    make_user("asa@malmo.se", name=LONG_NAME)

    page = phone.new_page(locale=words["locale"])
    page.goto("/login")
    page.locator("#email").fill("asa@malmo.se")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_load_state()
    page.goto("/my/tickets")
    certificates = page.locator("section.my-certificates")
    expect(certificates).to_contain_text(words["title"])
    phone.screenshot(page, f"{lang}-my-tickets")

    link = certificates.get_by_role("link", name=re.compile("^" + re.escape(words["link"])))
    # Chromium shows the PDF in its viewer (it is sent inline); the same address fetched
    # with the browser's cookies gives the file it shows.
    href = link.get_attribute("href")
    with page.expect_response(lambda r: "/certificate.pdf" in r.url) as response:
        link.click()
    assert response.value.status == 200
    assert response.value.headers["content-type"] == "application/pdf"
    fetched = page.context.request.get(href)
    assert fetched.status == 200
    pdf = fetched.body()
    assert words["title"] in text(pdf) and LONG_NAME in text(pdf)
    assert words["days"] in text(pdf)

    # One address; a link that wraps onto a second line (its token's letters are wider
    # or narrower) is one clickable area per line, each to the same address.
    (uri,) = set(link_uris(pdf))
    assert re.fullmatch(re.escape(live_server) + r"/certificates/[A-Za-z0-9_-]{22,}", uri)
    page.goto(uri)
    main = page.get_by_role("main")
    expect(main).to_contain_text(words["genuine"])
    expect(main).to_contain_text(LONG_NAME)
    expect(main).to_contain_text(words["days"])
    phone.screenshot(page, f"{lang}-verified")
    # Chromium's PDF viewer asks for /favicon.ico (the site's icon is an SVG our pages
    # name); nothing else went wrong.
    errors = [e for e in phone.console_errors if "/favicon.ico" not in e]
    assert errors == [], errors


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_organizer_makes_everyones_certificates_on_a_phone(
    phone, db, make_event, make_ticket_type, make_user, grant, lang
):
    from summit.models import Certificate, Role
    from summit.services.certificates import bulk

    event = make_event(slug="summit2027", name_sv="Mötesplats 2027", name_en="Summit 2027")
    order = paid_order(
        event, make_ticket_type(event), [(LONG_NAME, "asa@malmo.se"), ("Kim Ängström", "k@x.se")]
    )
    for ticket in order.tickets:
        checked_in(ticket, datetime(2027, 5, 18, 9, 0))
    organizer = grant(make_user("omar@example.org", name="Omar Haddad"), event, Role.ORGANIZER)
    page = phone.new_page(locale=WORDS[lang]["locale"])
    page.goto("/login")
    page.locator("#email").fill(organizer.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_load_state()
    page.goto("/manage/events/summit2027/certificates/")
    phone.screenshot(page, f"{lang}-certificates")
    page.locator("form.badge-form button[type=submit]").click()
    expect(page.locator("#job-status")).to_be_visible()
    phone.screenshot(page, f"{lang}-queued")
    assert bulk.run_pending_runs() == 1  # the worker
    expect(page.locator("#job-download-link")).to_be_visible(timeout=15_000)
    phone.screenshot(page, f"{lang}-done")
    page.goto("/manage/events/summit2027/certificates/")
    withdraw = page.locator("table form.inline-form button").first
    expect(withdraw).to_be_visible()
    withdraw.click()
    expect(page.locator(".flashes")).to_contain_text(WORDS[lang]["withdrawn"])
    phone.screenshot(page, f"{lang}-withdrawn")
    db.session.expire_all()
    assert db.session.query(Certificate).filter(Certificate.withdrawn_at.is_not(None)).count() == 1
    assert phone.console_errors == [], phone.console_errors
