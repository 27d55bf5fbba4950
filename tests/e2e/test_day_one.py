"""Day-one trust (issue 12) in a real Chromium, in Swedish as on the day: door staff sign
in, land on the scanner, find "Öberg-Lindqvist" by typing "oberg" and check her in; an
attendee signs in with the link emailed to the aiosmtpd inbox and finds their ticket
under "Mina biljetter". The signed-in header and the check-in search box are measured on
phone widths."""

import re

import pytest
from playwright.sync_api import expect

from summit.models import Order, OrderStatus, Role, Ticket, TicketType, utcnow
from tests import checkin_world
from tests.checkin_world import DAY_END, DAY_START
from tests.conftest import PASSWORD, event_day_noon
from tests.e2e.test_call_for_speakers import fresh, link_in_mail
from tests.e2e.test_scanner import checkins, expect_verdict
from tests.smtp import app_config, running_smtp

pytestmark = pytest.mark.e2e

SLUG = "summit2027"
PHONES = (360, 375, 390)


@pytest.fixture
def summit(make_event, clock):
    """The summit running today (the app's clock at noon of its first day, so the entrance
    list admits now), with Swedish names."""
    clock.set(event_day_noon())
    event = make_event(
        slug=SLUG,
        name_sv="Social Innovation Summit 2027",
        name_en="Social Innovation Summit 2027",
        starts_at=DAY_START,
        ends_at=DAY_END,
    )
    regular = checkin_world.ticket_type(event, "Ordinarie", name_en="Regular", price=150000)
    people = {
        name: checkin_world.ticket(event, regular, name=name, organisation="Malmö stad")
        for name in ("Karin Öberg-Lindqvist", "Ahmed Åberg", "Åsa Nilsson", "Bertil Berg")
    }
    return event, people


@pytest.fixture
def inbox(app, live_server):
    with app_config(app, BASE_URL=live_server), running_smtp(app) as smtp:
        yield smtp


def sign_in_with_password(page, email: str) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Logga in").click()
    page.get_by_label("E-post", exact=True).fill(email)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logga in").click()


def header_rows(page) -> int:
    """How many rows the header's pieces (brand, menu items, language) sit on."""
    return page.evaluate(
        """() => {
          const items = document.querySelectorAll(
            '.site-header .brand, .site-nav li, .site-header .lang-switch button');
          const boxes = [...items].map(e => e.getBoundingClientRect())
            .filter(b => b.height > 0).sort((a, b) => a.top - b.top);
          const rows = [];
          for (const box of boxes) {
            const row = rows[rows.length - 1];
            if (row && box.top < row.bottom - 4) row.bottom = Math.max(row.bottom, box.bottom);
            else rows.push({bottom: box.bottom});
          }
          return rows.length;
        }"""
    )


def check_phone_header(page, browsing, step: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    browsing.screenshot(page, step)
    for width in PHONES:
        page.set_viewport_size({"width": width, "height": 800})
        assert header_rows(page) <= 2, f"the header wraps to 3 rows at {width} px ({step})"
        no_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert no_scroll, f"the page scrolls sideways at {width} px ({step})"


def test_door_staff_land_on_the_scanner_and_find_oberg(browsing, summit, db, make_user, grant):
    event, people = summit
    karin = people["Karin Öberg-Lindqvist"]
    grant(make_user("entre@example.org", name="Eva Entré"), event, Role.DOOR)
    page = browsing.new_page()
    sign_in_with_password(page, "entre@example.org")
    expect(page).to_have_url(re.compile(rf"/events/{SLUG}/checkin/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Incheckning – skanner – Social Innovation Summit 2027"
    )
    expect(page.locator("#sc-door")).to_contain_text("Eva Entré")
    page.get_by_role("button", name="Sök på namn").click()
    search = page.get_by_role("dialog", name="Sök på namn")
    search.get_by_label("Namn, e-post eller ordernummer").fill("oberg")
    search.get_by_role("button", name="Sök", exact=True).click()
    expect(search).to_contain_text("Karin Öberg-Lindqvist")
    expect(search).not_to_contain_text("Ahmed Åberg")
    if browsing.viewport == "phone":
        page.set_viewport_size({"width": 375, "height": 800})
    browsing.screenshot(page, "scanner-search-oberg")
    search.get_by_role("button", name="Checka in: Karin Öberg-Lindqvist").click()
    expect_verdict(page, "ok", "Karin Öberg-Lindqvist")
    assert checkins(db, karin) == 1

    # The search page for door staff without the scanner: a 16 px box, so phones do not
    # zoom in; found in capitals too.
    page.goto(f"/manage/events/{SLUG}/checkin/search?q=ÅBERG")
    field = page.get_by_label("Namn, e-post eller ordernummer")
    assert (
        page.evaluate("e => parseFloat(getComputedStyle(e).fontSize)", field.element_handle()) >= 16
    )
    assert field.bounding_box()["height"] >= 44
    expect(page.get_by_role("main")).to_contain_text("Ahmed Åberg")
    if browsing.viewport == "phone":
        check_phone_header(page, browsing, "door-search-sv")

    # The scanner in English, from its own menu.
    page.goto(f"/events/{SLUG}/checkin/")
    page.get_by_role("button", name="Meny").click()
    page.get_by_role("dialog", name="Meny").get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check-in scanner – Social Innovation Summit 2027"
    )
    expect(page.locator("#sc-list-age")).to_contain_text("Offline list from")
    if browsing.viewport == "phone":
        page.set_viewport_size({"width": 375, "height": 800})
        browsing.screenshot(page, "scanner-en")
        page.goto(f"/manage/events/{SLUG}/checkin/search?q=AHMED aberg")
        expect(page.get_by_role("main")).to_contain_text("Ahmed Åberg")
        check_phone_header(page, browsing, "door-search-en")
    assert browsing.console_errors == [], browsing.console_errors


def held_ticket(db, event) -> Order:
    """Bought by a colleague for Dora and for Dan."""
    regular = TicketType(event=event, name_sv="Ordinarie", name_en="Regular", price=150000)
    order = Order(
        event=event,
        status=OrderStatus.PAID,
        expires_at=utcnow(),
        buyer_name="Chef Chefsson",
        buyer_email="chef@example.org",
    )
    for name, email in (
        ("Dora Deltagare", "deltagare@example.org"),
        ("Dan Dansson", "dan@example.org"),
    ):
        order.tickets.append(
            Ticket(
                ticket_type=regular,
                price=150000,
                vat_percent=25,
                attendee_name=name,
                attendee_email=email,
            )
        )
    db.session.add(order)
    db.session.commit()
    return order


def test_attendee_signs_in_by_emailed_link_and_finds_their_ticket(
    browsing, summit, inbox, db, make_user
):
    event, _people = summit
    held_ticket(db, event)
    make_user("deltagare@example.org", name="Dora Deltagare", password=None)
    page = browsing.new_page()
    page.goto("/login/link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in med en länk via e-post")
    page.get_by_label("E-post").fill("deltagare@example.org")
    page.get_by_role("button", name="Skicka en länk till min e-post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Titta i din e-post")
    page.goto(link_in_mail(inbox, "deltagare@example.org", "/login/link/"))
    page.get_by_role("main").get_by_role("button", name="Logga in").click()
    expect(page.get_by_text("Du är inloggad.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/my/tickets$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina biljetter")
    menu = page.get_by_role("navigation", name="Huvudmeny")
    expect(menu.get_by_role("link", name="Mina biljetter")).to_have_attribute(
        "aria-current", "page"
    )
    expect(menu.get_by_role("link", name="Administrera")).to_have_count(0)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Social Innovation Summit 2027")).to_be_visible()
    expect(main).to_contain_text("Dora Deltagare")
    expect(main).not_to_contain_text("Dan Dansson")
    pdf = main.get_by_role("link", name=re.compile(r"^Biljett \(PDF\)"))
    answer = page.request.get(pdf.get_attribute("href"))
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    if browsing.viewport == "phone":
        check_phone_header(page, browsing, "my-tickets-sv")
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My tickets")
        check_phone_header(page, browsing, "my-tickets-en")
    fresh(db)
    assert browsing.console_errors == [], browsing.console_errors
