"""Print on arrival in a real Chromium: a station with printing on scans a ticket, the OK
verdict shows the person's badge in the browser's PDF viewer with a big print button,
"already checked in" offers a deliberate reprint, an offline scan says no badge is
printed, and a station without printing shows no badge at all.

The pages are English (the browser asks for it), as in test_scanner.py.
"""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from summit.models import BadgePrint, PrintChannel
from summit.services.checkin import setup as checkin_setup
from tests import checkin_world, pdf
from tests.e2e.test_scanner import LOCALE, expect_verdict, hand_scan, verdict

pytestmark = pytest.mark.e2e

SLUG = "summit2027"
# Chromium's print dialog cannot be seen or closed headless: in the badge's frame (a PDF
# document) print() is replaced by a counter on the scanner page, so the test sees that
# the button printed the frame that shows the badge.
COUNT_PRINTS = """
if (document.contentType === "application/pdf" && window.top !== window) {
  window.print = function () {
    window.top.__badgePrints = (window.top.__badgePrints || 0) + 1;
  };
}
"""


@pytest.fixture
def printing(app, make_event, db):
    event = make_event(
        slug=SLUG,
        name_sv="Social Innovation Summit 2027",
        name_en="Social Innovation Summit 2027",
    )
    regular = checkin_world.ticket_type(event, "Ordinarie", name_en="Regular", price=150000)
    tickets = {
        "anna": checkin_world.ticket(
            event, regular, name="Anna Andersson", organisation="Malmö stad"
        ),
        "bertil": checkin_world.ticket(event, regular, name="Bertil Berg", organisation="Vinnova"),
        "cecilia": checkin_world.ticket(event, regular, name="Cecilia Chen"),
    }
    station, token = checkin_setup.create_station(
        event, "Utskrift", prints_badges=True, badge_layout="a6"
    )
    _plain, plain_token = checkin_setup.create_station(event, "Entré B")
    return {
        "event": event,
        "tickets": tickets,
        "station": station,
        "links": {
            "printing": f"/events/{SLUG}/checkin/station#{token}",
            "plain": f"/events/{SLUG}/checkin/station#{plain_token}",
        },
    }


PDF_VIEWER = "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/"  # Chromium's own


def dismiss(page) -> None:
    """A tap on the verdict's coloured part (the badge panel below it is not a button)."""
    page.locator("#sc-verdict-next").click()
    expect(verdict(page)).to_be_hidden()


def badge_prints(db) -> list[BadgePrint]:
    db.session.commit()
    return list(db.session.scalars(select(BadgePrint).order_by(BadgePrint.id)))


def open_station(page, link: str, name: str) -> None:
    page.goto(link)
    expect(page.locator("#sc-door")).to_contain_text(name)
    expect(page.locator("#sc-list-age")).to_contain_text("Offline list from")


def frame_type(page) -> str | None:
    return page.evaluate(
        "() => { const f = document.querySelector('#sc-badge-frame iframe');"
        " return f && f.contentDocument ? f.contentDocument.contentType : null; }"
    )


def pdf_viewer_shows_the_badge(page) -> None:
    """Wait until Chromium's PDF viewer (its own extension frame, inside the badge frame)
    says it has loaded the document. The viewer's frame may come a moment after the
    badge frame's load event: waited for, not assumed (the sync API handles no browser
    event between reading page.frames and starting the wait, so none is missed)."""

    def viewer(frame) -> bool:
        return frame.url.startswith(PDF_VIEWER)

    viewers = [f for f in page.frames if viewer(f)]
    shown = viewers[-1] if viewers else page.wait_for_event("framenavigated", predicate=viewer)
    shown.wait_for_function("() => document.querySelector('pdf-viewer')?.loadState_ === 'success'")


def test_ok_scan_shows_the_badge_ready_to_print(browsing, printing, db):
    anna, bertil = printing["tickets"]["anna"], printing["tickets"]["bertil"]
    page = browsing.new_page(locale=LOCALE)
    # The page's timers run on Playwright's clock: "the verdict stays" is shown by
    # moving that clock past every hiding delay, not by waiting.
    page.clock.install()
    page.add_init_script(COUNT_PRINTS)
    open_station(page, printing["links"]["printing"], "Utskrift")

    # What the browser gets for the badge link (the PDF viewer keeps the body to itself).
    badges = []

    def keep(route):
        response = route.fetch()
        badges.append((response.status, response.headers, response.body()))
        route.fulfill(response=response)

    page.route("**/arrival-badge/**", keep)

    # An OK scan: the verdict, and the badge opens by itself in the browser's PDF viewer.
    hand_scan(page, anna.secret)
    expect_verdict(page, "ok", "OK", "Anna Andersson", "Regular")
    page.wait_for_function("() => document.querySelector('#sc-badge[data-state=ready]')")
    [(status, headers, document)] = badges
    assert status == 200
    assert headers["content-type"] == "application/pdf"
    assert headers["cache-control"] == "no-store"
    assert pdf.page_qr_codes(document) == [[anna.secret]]
    assert pdf.page_sizes_mm(document) == [(105.0, 148.0)]

    print_button = page.get_by_role("button", name="Print the badge")
    expect(print_button).to_be_visible()
    expect(print_button).to_be_focused()  # Enter prints; a hand scanner still types
    panel = page.locator("#sc-badge")
    expect(panel).to_contain_text("The badge is shown")
    badge_frame = page.locator("#sc-badge-frame iframe")
    expect(badge_frame).to_be_visible()
    assert badge_frame.bounding_box()["height"] > 150
    expect(badge_frame).to_have_attribute("title", "Badge of Anna Andersson")
    assert frame_type(page) == "application/pdf"
    pdf_viewer_shows_the_badge(page)  # the viewer has drawn it: for the screenshot
    browsing.screenshot(page, "ok-with-badge")
    [printed] = badge_prints(db)
    assert (printed.ticket_id, printed.channel) == (anna.id, PrintChannel.ARRIVAL)
    assert printed.station_id == printing["station"].id

    # The button prints the frame that shows the badge (the browser's print dialog).
    print_button.click()
    assert page.evaluate("window.__badgePrints") == 1
    expect(print_button).to_be_focused()

    # The verdict stays while there is a badge to print (an OK verdict without one hides
    # after 1.5 s, an error after 3 s); the next scan replaces it.
    page.clock.run_for(10_000)
    expect(verdict(page)).to_be_visible()
    hand_scan(page, bertil.secret)
    expect_verdict(page, "ok", "Bertil Berg")
    expect(panel).to_have_attribute("data-state", "ready")
    expect(page.locator("#sc-badge-frame iframe")).to_have_attribute(
        "title", "Badge of Bertil Berg"
    )
    assert [p.ticket_id for p in badge_prints(db)] == [anna.id, bertil.id]
    # A tap on the verdict closes it, the badge with it, and the field is ready.
    dismiss(page)
    expect(page.locator("#sc-badge-frame iframe")).to_have_count(0)
    expect(page.get_by_label("Ticket code")).to_be_focused()

    # Anna again: already checked in, her badge printed at ..., a reprint on request only.
    hand_scan(page, anna.secret)
    expect_verdict(page, "warn", "Already checked in", "Anna Andersson")
    expect(panel).to_contain_text("Badge printed")
    reprint = page.get_by_role("button", name="Print the badge again")
    expect(reprint).to_be_visible()
    expect(page.locator("#sc-badge-frame iframe")).to_have_count(0)
    browsing.screenshot(page, "already-reprint")
    assert len(badge_prints(db)) == 2
    reprint.click()
    expect(panel).to_have_attribute("data-state", "ready")
    assert pdf.page_qr_codes(badges[-1][2]) == [[anna.secret]]
    page.wait_for_function("window.__badgePrints === 2")
    assert [p.ticket_id for p in badge_prints(db)] == [anna.id, bertil.id, anna.id]
    dismiss(page)

    # Offline the phone judges from its list and says that no badge is printed.
    page.context.set_offline(True)
    expect(page.locator("#sc-net")).to_have_text("Offline")
    hand_scan(page, printing["tickets"]["cecilia"].secret)
    expect_verdict(page, "ok", "Cecilia Chen", "Offline: no badge is printed")
    expect(page.get_by_role("button", name="Print the badge")).to_be_hidden()
    browsing.screenshot(page, "offline-no-badge")
    dismiss(page)
    page.context.set_offline(False)
    expect(page.locator("#sc-queue")).to_have_text("All scans uploaded")
    assert len(badge_prints(db)) == 3

    cut = "net::ERR_INTERNET_DISCONNECTED"
    errors = [e for e in browsing.console_errors if cut not in e]
    assert errors == [], errors


def test_a_station_without_printing_shows_no_badge(browsing, printing, db):
    page = browsing.new_page(locale=LOCALE)
    open_station(page, printing["links"]["plain"], "Entré B")
    hand_scan(page, printing["tickets"]["anna"].secret)
    expect_verdict(page, "ok", "Anna Andersson")
    expect(page.locator("#sc-badge")).to_be_hidden()
    expect(verdict(page)).to_be_hidden(timeout=3000)
    assert badge_prints(db) == []
    assert browsing.console_errors == [], browsing.console_errors
