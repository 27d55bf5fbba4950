"""The door scanner in a real Chromium: a station link and a hand scanner, the camera
with a fake video of a ticket's QR code, a door-staff account, and two doors offline
at once whose uploads meet on the server.

The pages are English (the browser asks for it), so the test reads the source strings
while the Swedish catalogue grows.
"""

import hashlib
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from summit.models import CancelPolicy, Checkin, CheckinConflict, OrderStatus, Role, Ticket
from summit.services.checkin import setup as checkin_setup
from tests import checkin_world
from tests.conftest import PASSWORD
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.fake_camera import qr_video

pytestmark = pytest.mark.e2e

LOCALE = "en-GB"
SLUG = "summit2027"


@dataclass
class Door:
    event: object
    tickets: dict
    tokens: dict

    def link(self, station: str = "Entré A") -> str:
        return f"/events/{self.event.slug}/checkin/station#{self.tokens[station]}"


@pytest.fixture
def door(app, make_event, db):
    """The summit, paid tickets for four people, one unpaid, and two doors."""
    event = make_event(
        slug=SLUG,
        name_sv="Social Innovation Summit 2027",
        name_en="Social Innovation Summit 2027",
    )
    regular = checkin_world.ticket_type(event, "Ordinarie", name_en="Regular", price=150000)
    student = checkin_world.ticket_type(event, "Student", price=50000, position=1)
    tickets = {
        "anna": checkin_world.ticket(
            event, regular, name="Anna Andersson", organisation="Malmö stad"
        ),
        "bertil": checkin_world.ticket(event, regular, name="Bertil Berg", organisation="Vinnova"),
        "cecilia": checkin_world.ticket(
            event, student, name="Cecilia Chen", organisation="Lunds universitet"
        ),
        "dora": checkin_world.ticket(event, regular, name="Dora Dahl"),
        "unpaid": checkin_world.ticket(
            event, regular, status=OrderStatus.PENDING, name="Olle Obetald"
        ),
    }
    # A code with both "-" and "_", which hand scanners on the wrong keyboard layout mistype.
    tickets["erik"] = checkin_world.ticket(event, regular, name="Erik Ek")
    tickets["erik"].secret = "Erik_Ek-2027_door-test-0001"
    db.session.commit()
    tokens = {}
    for name in ("Entré A", "Entré B"):
        _station, tokens[name] = checkin_setup.create_station(event, name)
    return Door(event, tickets, tokens)


def checkins(db, ticket: Ticket) -> int:
    db.session.commit()  # a fresh read of what the server committed
    return db.session.scalar(
        select(func.count())
        .select_from(Checkin)
        .where(Checkin.ticket_id == ticket.id, Checkin.undone_at.is_(None))
    )


def hand_scan(page, code: str) -> None:
    """What a USB or Bluetooth scanner does: type the code into the focused field, Enter
    (key by key, as fast as the browser takes them)."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def verdict(page):
    return page.locator("#sc-verdict")


def expect_verdict(page, tone: str, *texts: str) -> None:
    shown = verdict(page)
    expect(shown).to_be_visible()
    expect(shown).to_have_attribute("data-tone", tone)
    for text in texts:
        expect(shown).to_contain_text(text)


def dismiss(page) -> None:
    verdict(page).click()
    expect(verdict(page)).to_be_hidden()


def open_station(page, door: Door, station: str = "Entré A") -> None:
    page.goto(door.link(station))
    # The token leaves the address bar at once, and the door is known.
    expect(page).to_have_url(re.compile(r"/checkin/station$"))
    expect(page.locator("#sc-door")).to_contain_text(station)
    expect(page.locator("#sc-net")).to_have_text("Online")
    expect(page.locator("#sc-list-age")).to_contain_text("Offline list from")


def test_station_link_and_hand_scanner(browsing, door, db):
    anna = door.tickets["anna"]
    page = browsing.new_page(locale=LOCALE)
    open_station(page, door)
    stored = page.evaluate(f"localStorage.getItem('summit.checkin.{SLUG}.token')")
    assert stored == door.tokens["Entré A"]
    field = page.get_by_label("Ticket code")
    expect(field).to_be_focused()
    browsing.screenshot(page, "ready")

    # The menu says where this phone scans; closing it gives the field back.
    page.get_by_role("button", name="Menu").click()
    menu = page.get_by_role("dialog", name="Menu")
    expect(menu).to_contain_text("Social Innovation Summit 2027")
    expect(menu).to_contain_text("Entré A")
    browsing.screenshot(page, "menu")
    menu.get_by_role("button", name="Close").click()
    expect(field).to_be_focused()

    # First scan: green, with the name large and the ticket type.
    hand_scan(page, anna.secret)
    expect_verdict(page, "ok", "OK", "Anna Andersson", "Regular")
    expect(page.locator("#sc-live")).to_contain_text("Anna Andersson")
    browsing.screenshot(page, "verdict-ok")
    assert checkins(db, anna) == 1

    # The verdict goes by itself, and the field is ready for the next ticket.
    expect(verdict(page)).to_be_hidden(timeout=3000)
    expect(field).to_be_focused()

    # The same ticket again: amber, already checked in, when and where.
    hand_scan(page, anna.secret)
    expect_verdict(page, "warn", "Already checked in", "Anna Andersson")
    expect(verdict(page)).to_contain_text(re.compile(r"Checked in .*\d\d[:.]\d\d"))
    browsing.screenshot(page, "verdict-already")
    assert checkins(db, anna) == 1

    # A scan during a verdict is taken at once (the next person does not wait).
    hand_scan(page, door.tickets["unpaid"].secret)
    expect_verdict(page, "bad", "Not paid", "Olle Obetald")
    browsing.screenshot(page, "verdict-unpaid")
    dismiss(page)
    expect(field).to_be_focused()

    hand_scan(page, "<script>alert(1)</script>' OR 1=1 --")
    expect_verdict(page, "bad", "Unknown code")
    browsing.screenshot(page, "verdict-unknown")
    dismiss(page)

    # A scanner set to a US layout on a Swedish keyboard types "+" for "-", "?" for "_".
    hand_scan(page, "Erik?Ek+2027?door+test+0001")
    expect_verdict(page, "ok", "Erik Ek")
    dismiss(page)

    # Undo the last check-in: Anna can come in again.
    hand_scan(page, door.tickets["bertil"].secret)
    expect_verdict(page, "ok", "Bertil Berg")
    dismiss(page)
    page.get_by_role("button", name="Undo: Bertil Berg").click()
    dialog = page.get_by_role("dialog", name="Undo check-in")
    expect(dialog).to_contain_text("Bertil Berg")
    browsing.screenshot(page, "undo")
    dialog.get_by_role("button", name="Undo check-in").click()
    expect(page.locator("#sc-toast")).to_contain_text("Check-in of Bertil Berg undone")
    assert checkins(db, door.tickets["bertil"]) == 0

    # Someone without their QR code: found by name and checked in by hand.
    page.get_by_role("button", name="Find by name").click()
    search = page.get_by_role("dialog", name="Find by name")
    search.get_by_label("Name, email or order number").fill("cecilia")
    search.get_by_role("button", name="Search").click()
    expect(search).to_contain_text("Cecilia Chen")
    expect(search).to_contain_text("Not checked in")
    browsing.screenshot(page, "search")
    search.get_by_role("button", name="Check in: Cecilia Chen").click()
    expect_verdict(page, "ok", "Cecilia Chen", "Student")
    assert checkins(db, door.tickets["cecilia"]) == 1
    dismiss(page)

    # The organizer revokes the station: the phone says so plainly.
    station = next(s for s in checkin_setup.stations(door.event) if s.name == "Entré A")
    checkin_setup.revoke_station(station)
    hand_scan(page, door.tickets["dora"].secret)
    blocked = page.locator("#sc-blocked")
    expect(blocked).to_be_visible()
    expect(blocked.get_by_role("heading", level=1)).to_have_text(
        "This station link is revoked or wrong"
    )
    browsing.screenshot(page, "revoked")
    assert checkins(db, door.tickets["dora"]) == 0

    # A page without a station link says what to do.
    other = browsing.new_page(locale=LOCALE)
    other.goto(f"/events/{SLUG}/checkin/station")
    expect(other.locator("#sc-blocked h1")).to_have_text("Open this page with the station link")

    # The browser logs the API's refusal after the revocation; nothing else may go wrong.
    refusal = re.compile(r"status of 403 .*/api/v1/events/summit2027/checkin\)$")
    errors = [e for e in browsing.console_errors if not refusal.search(e)]
    assert errors == [], errors


def test_door_staff_account_scans(browsing, door, db, make_user, grant):
    staff = grant(make_user("entre@example.org", name="Eva Entré"), door.event, Role.DOOR)
    page = browsing.new_page(locale=LOCALE)
    page.goto(f"/login?next=/events/{SLUG}/checkin/")
    page.get_by_label("Email", exact=True).fill(staff.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/events/{SLUG}/checkin/$"))
    expect(page.locator("#sc-door")).to_contain_text("Eva Entré")
    expect(page.locator("#sc-list-age")).to_contain_text("Offline list from")
    hand_scan(page, door.tickets["dora"].secret)
    expect_verdict(page, "ok", "Dora Dahl")
    browsing.screenshot(page, "account-ok")
    assert checkins(db, door.tickets["dora"]) == 1
    made = db.session.scalar(select(Checkin).where(Checkin.ticket_id == door.tickets["dora"].id))
    assert made.user_id == staff.id and made.station_id is None
    assert browsing.console_errors == [], browsing.console_errors


# Records, in the page, when the decoder (the vendored zxing BarcodeDetector) read a
# code, and how many scans the scanner sent to the API (a POST to its check-in URL).
WATCH_DECODER_AND_SCANS = """
(() => {
  window.__codesRead = [];
  window.__scansSent = 0;
  const realFetch = window.fetch;
  window.fetch = function (url, options) {
    const path = String(url).split("?")[0];
    if (options && options.method === "POST" && path.endsWith("/checkin")) window.__scansSent++;
    return realFetch.apply(this, arguments);
  };
  let lib;
  Object.defineProperty(window, "BarcodeDetectionAPI", {
    configurable: true,
    get() { return lib; },
    set(value) {
      lib = value;
      const detect = value.BarcodeDetector.prototype.detect;
      value.BarcodeDetector.prototype.detect = function () {
        return detect.apply(this, arguments).then((codes) => {
          if (codes && codes.length) window.__codesRead.push(Date.now());
          return codes;
        });
      };
    },
  });
})();
"""


def test_camera_reads_the_ticket(phone, door, db, tmp_path):
    anna = door.tickets["anna"]
    video = qr_video(anna.secret, tmp_path / "ticket.y4m")
    # A Chromium of its own: the fake camera is chosen when the browser starts.
    browser = phone.launch().browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        phone.launch = lambda: browser
        page = phone.new_page(locale=LOCALE)
        # Chromium on Linux has no BarcodeDetector of its own; should this one grow one,
        # hide it, so that the vendored decoder is what this test proves.
        page.add_init_script("delete window.BarcodeDetector")
        page.add_init_script(WATCH_DECODER_AND_SCANS)
        open_station(page, door)
        page.get_by_role("button", name="Start camera").click()
        expect(page.get_by_role("button", name="Stop camera")).to_be_visible()
        expect_verdict(page, "ok", "OK", "Anna Andersson", "Regular")
        phone.screenshot(page, "camera-ok")
        expect(page.locator(".sc-view")).to_have_attribute("data-decoder", "vendored")
        # The code stays in front of the camera: it is not scanned again.
        expect(verdict(page)).to_be_hidden(timeout=3000)
        expect(page.locator("#sc-camera")).to_be_visible()
        phone.screenshot(page, "camera-view")
        # Wait until the decoder has read the code again and again for longer than the
        # scanner's SAME_CODE_MS (2 s) after the verdict went: all that time nothing
        # was sent. Scanning a code calls fetch in the same turn as the read that found it,
        # so the count below is final when the wait ends.
        hidden_at = page.evaluate("Date.now()")
        page.wait_for_function(
            """(since) => {
                const seen = window.__codesRead.filter((t) => t > since);
                return seen.length >= 5 && seen[seen.length - 1] - seen[0] > 2500;
            }""",
            arg=hidden_at,
            timeout=20_000,
        )
        assert page.evaluate("window.__scansSent") == 1
        expect(verdict(page)).to_be_hidden()
        assert checkins(db, anna) == 1
        page.get_by_role("button", name="Stop camera").click()
        expect(page.locator("#sc-camera")).to_be_hidden()
        assert phone.console_errors == [], phone.console_errors
    finally:
        for context in phone.contexts:
            context.close()
        phone.contexts.clear()
        browser.close()


def test_offline_doors_queue_and_report_the_conflict(phone, door, db):
    bertil, cecilia = door.tickets["bertil"], door.tickets["cecilia"]
    a = phone.new_page(locale=LOCALE)
    open_station(a, door, "Entré A")
    b = phone.new_page(locale=LOCALE)
    open_station(b, door, "Entré B")

    # Dora comes in while the network is up, at door A.
    hand_scan(a, door.tickets["dora"].secret)
    expect_verdict(a, "ok", "Dora Dahl")
    dismiss(a)

    for page in (a, b):
        page.context.set_offline(True)
        expect(page.locator("#sc-net")).to_have_text("Offline")

    # Door A judges from its list, and queues what it let in.
    hand_scan(a, bertil.secret)
    expect_verdict(a, "ok", "Bertil Berg", "Checked offline against the list from")
    phone.screenshot(a, "offline-ok")
    dismiss(a)
    hand_scan(a, cecilia.secret)
    expect_verdict(a, "ok", "Cecilia Chen")
    dismiss(a)
    hand_scan(a, bertil.secret)
    expect_verdict(a, "warn", "Already checked in", "Bertil Berg")
    dismiss(a)
    hand_scan(a, door.tickets["dora"].secret)
    expect_verdict(a, "warn", "Already checked in", "Dora Dahl")
    dismiss(a)
    hand_scan(a, door.tickets["unpaid"].secret)
    expect_verdict(a, "bad", "Not paid")
    dismiss(a)
    hand_scan(a, "not-a-ticket-of-ours-0000000000")
    expect_verdict(a, "bad", "Unknown code", "Not on the offline list")
    dismiss(a)
    expect(a.locator("#sc-queue")).to_have_text("Waiting to upload: 2")
    phone.screenshot(a, "offline-waiting")

    # A phone that reloads the page without network still has its scanner and queue.
    reloaded = a.reload()
    assert reloaded.from_service_worker
    expect(a.locator("#sc-net")).to_have_text("Offline")
    expect(a.locator("#sc-queue")).to_have_text("Waiting to upload: 2")
    expect(a.get_by_label("Ticket code")).to_be_focused()

    # Door B, also offline, lets Bertil in too: it cannot know.
    hand_scan(b, bertil.secret)
    expect_verdict(b, "ok", "Bertil Berg")
    dismiss(b)
    expect(b.locator("#sc-queue")).to_have_text("Waiting to upload: 1")
    assert checkins(db, bertil) == 0

    # The network returns at A first: its scans are uploaded.
    a.context.set_offline(False)
    expect(a.locator("#sc-net")).to_have_text("Online")
    expect(a.locator("#sc-queue")).to_have_text("All scans uploaded")
    expect(a.locator("#sc-notices")).to_be_hidden()
    assert checkins(db, bertil) == 1
    assert checkins(db, cecilia) == 1

    # Then at B: Bertil was let in at two doors, and B says so.
    b.context.set_offline(False)
    expect(b.locator("#sc-queue")).to_have_text("All scans uploaded")
    notices = b.locator("#sc-notices")
    expect(notices).to_be_visible()
    expect(notices).to_contain_text("Scanned at another door while offline: Bertil Berg")
    expect(notices).to_contain_text("Entré A")
    phone.screenshot(b, "conflict")

    assert checkins(db, bertil) == 1
    db.session.commit()
    conflicts = db.session.scalars(select(CheckinConflict)).all()
    assert [c.ticket_id for c in conflicts] == [bertil.id]
    # Requests tried while the network was cut fail in the console; nothing else may.
    cut = "net::ERR_INTERNET_DISCONNECTED"
    errors = [e for e in phone.console_errors if cut not in e]
    assert errors == [], errors


# Every file the scanner page names is in the cache `name` (what keepForOffline keeps).
KEPT_FOR_OFFLINE = """(name) => {
  const named = [location.pathname];
  document.querySelectorAll("link[rel=stylesheet], link[rel=icon], link[rel=modulepreload]")
    .forEach((link) => named.push(link.href));
  document.querySelectorAll("script[type=module][src]").forEach((script) => named.push(script.src));
  return caches.has(name).then((has) => has && caches.open(name).then((cache) =>
    Promise.all(named.map((url) => cache.match(url))).then((hits) => hits.every(Boolean))));
}"""
# Only that cache is left: the service worker of its release dropped the others.
ONLY_CACHE = "(name) => caches.keys().then((names) => names.join() === name)"
# Asked again until it answers true, for at most 10 s (wait_for_function cannot wait
# for a promise: it takes one for true).
UNTIL = """async (arg) => {
  const condition = %s;
  for (const until = Date.now() + 10000; Date.now() < until; ) {
    if (await condition(arg)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}"""


def wait_until(page, condition: str, arg) -> None:
    assert page.evaluate(UNTIL % condition, arg), (condition, arg)


def scanner_cache(page) -> str:
    return page.evaluate("JSON.parse(document.getElementById('scanner-config').textContent).cache")


def test_a_deploy_reaches_a_phone_that_keeps_the_scanner(phone, door, deploy_static):
    """The phone keeps the scanner's files for offline use and the browser keeps them a
    year. After a deploy it runs the new modules (never one of those it kept), keeps the
    new release's files, drops the old ones, and opens the new release without network."""
    page = phone.new_page(locale=LOCALE)
    open_station(page, door)
    first = scanner_cache(page)
    wait_until(page, KEPT_FOR_OFFLINE, first)

    deploy_static({"js/scanner/page.js": '\ndocument.documentElement.dataset.release = "next";\n'})
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-release", "next")
    expect(page.locator("#sc-door")).to_contain_text("Entré A")
    second = scanner_cache(page)
    assert second != first
    wait_until(page, KEPT_FOR_OFFLINE, second)
    wait_until(page, ONLY_CACHE, second)
    assert phone.console_errors == [], phone.console_errors

    page.context.set_offline(True)
    reloaded = page.reload()
    assert reloaded.from_service_worker
    expect(page.locator("html")).to_have_attribute("data-release", "next")
    expect(page.locator("#sc-net")).to_have_text("Offline")
    expect(page.get_by_label("Ticket code")).to_be_focused()


def test_a_transferred_tickets_old_code_is_cancelled_online_and_offline(phone, door, db):
    """Issue 16, acceptance 3, at real doors: the buyer passes Dora's ticket on; the old
    code is "cancelled" online at once, and offline once the phone has a list from after
    the transfer, while the new code lets the new attendee in. A door whose list is from
    before, and that let the old code in offline, is told when it uploads."""
    dora = door.tickets["dora"]
    door.event.cancel_policy = CancelPolicy.TRANSFER_ONLY
    db.session.commit()
    old, order_token = dora.secret, dora.order.token
    a = phone.new_page(locale=LOCALE)
    open_station(a, door, "Entré A")
    stale = phone.new_page(locale=LOCALE)
    open_station(stale, door, "Entré B")
    stale.context.set_offline(True)
    expect(stale.locator("#sc-net")).to_have_text("Offline")

    # The buyer transfers the ticket on the order page.
    buyer = phone.new_page(locale=LOCALE)
    buyer.goto(f"/events/{SLUG}/orders/{order_token}/")
    buyer.get_by_role("link", name="Transfer Dora Dahl").click()
    buyer.get_by_label("The new attendee's name").fill("Mohammed Ängström")
    buyer.get_by_label("The new attendee's email").fill("mohammed@example.se")
    buyer.get_by_role("button", name="Transfer the ticket").click()
    expect(buyer.locator(".flashes")).to_contain_text("Mohammed Ängström")
    db.session.commit()
    new = db.session.get(Ticket, dora.id).secret
    assert new != old

    # Online: the old code is refused at once.
    hand_scan(a, old)
    expect_verdict(a, "bad", "Cancelled or refunded")
    phone.screenshot(a, "transferred-old-online")
    dismiss(a)

    # Door A refreshes its list, then loses the network: offline, the old code is
    # cancelled and the new one lets Mohammed in.
    a.get_by_role("button", name="Menu").click()
    a.get_by_role("dialog", name="Menu").get_by_role(
        "button", name="Upload and refresh the list now"
    ).click()
    new_hash = hashlib.sha256(new.encode()).hexdigest()
    a.wait_for_function(
        """(hash) => Object.keys(localStorage).some(
            (key) => key.endsWith(".offline-list") && localStorage.getItem(key).includes(hash))""",
        arg=new_hash,
    )
    a.context.set_offline(True)
    expect(a.locator("#sc-net")).to_have_text("Offline")
    hand_scan(a, old)
    expect_verdict(a, "bad", "Cancelled or refunded", "Checked offline against the list from")
    phone.screenshot(a, "transferred-old-offline")
    dismiss(a)
    hand_scan(a, new)
    expect_verdict(a, "ok", "Mohammed Ängström", "Checked offline against the list from")
    dismiss(a)
    a.context.set_offline(False)
    expect(a.locator("#sc-queue")).to_have_text("All scans uploaded")
    assert checkins(db, dora) == 1

    # The door with the list from before let the old code in while offline: its upload
    # is refused as cancelled, nothing is checked in, and the door is told.
    hand_scan(stale, old)
    expect_verdict(stale, "ok", "Dora Dahl")
    dismiss(stale)
    stale.context.set_offline(False)
    expect(stale.locator("#sc-queue")).to_have_text("All scans uploaded")
    expect(stale.locator("#sc-notices")).to_contain_text("Cancelled or refunded (Dora Dahl)")
    phone.screenshot(stale, "transferred-stale-door-told")
    assert checkins(db, dora) == 1
    cut = "net::ERR_INTERNET_DISCONNECTED"
    errors = [e for e in phone.console_errors if cut not in e]
    assert errors == [], errors
