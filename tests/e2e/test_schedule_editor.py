"""The schedule editor in a real Chromium (the issue's acceptance 1 and 3): an organizer
drags a confirmed session from the unscheduled list into the grid, drags another session
of the same speaker to the same time and sees the speaker-clash warning appear, moves it
away and sees it go, stretches a session by its lower edge, publishes; the public
program shows the session and its calendar file imports (parsed by `icalendar`). Then
the same scheduling done with the keyboard only, through each session's form.

Pages are English (the browser asks for it): the test finds things by source texts.
The editor's screenshot goes to /tmp/shots/editor.png.
"""

import re
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from summit.models import ProgramSession, ProposalState, Role, SessionKind, Track, utcnow
from summit.services.cfp.confirmation import create_session
from tests.conftest import PASSWORD
from tests.schedule_world import at, program, session

pytestmark = pytest.mark.e2e

SLUG = "summit2027"
DAY = "2027-05-18"
SHOTS = Path("/tmp/shots")  # noqa: S108  (where people look at the screenshots)
ROOMS = ("Stora salen", "Lilla salen", "Verkstan", "Studio A", "Studio B", "Biblioteket")


@pytest.fixture
def summit(app, db, make_event, make_call, make_user, make_proposal, grant):
    event = make_event(
        slug=SLUG, name_sv="Social Innovation Summit 2027", name_en="Social Innovation Summit 2027"
    )
    rooms = program(event, rooms=ROOMS, capacity=120)
    tracks = [
        Track(event=event, name_sv="Kommun", name_en="Municipalities", color="#1f5f8b", position=1),
        Track(
            event=event,
            name_sv="Social ekonomi",
            name_en="Social economy",
            color="#2e7d32",
            position=2,
        ),
        Track(event=event, name_sv="Forskning", name_en="Research", color="#8e3b8e", position=3),
    ]
    db.session.add_all(tracks)
    db.session.commit()
    organizer = grant(make_user("olle@example.org", name="Olle Berg"), event, Role.ORGANIZER)
    anna = make_user("anna.lind@example.org", name="Anna Lind")
    people = [
        make_user(f"p{i}@example.org", name=n)
        for i, n in enumerate(
            ["Bo Ek", "Cecilia Holm", "David Sjö", "Eva Nord", "Farah Ali", "Gustav Lund"]
        )
    ]
    call = make_call(
        event, opens_at=utcnow() - timedelta(days=30), closes_at=utcnow() - timedelta(days=1)
    )
    proposal = make_proposal(
        call,
        anna,
        state=ProposalState.CONFIRMED,
        title="Tillsammans: kommunen och föreningarna",
        track_id=tracks[0].id,
    )
    confirmed = create_session(proposal, utcnow())
    db.session.commit()
    panel = session(
        event,
        "Panel: finansiering som håller",
        [people[0], anna],
        duration=45,
        kind=SessionKind.PANEL,
        track_id=tracks[1].id,
    )
    # The rest of the day, so the grid looks like a working program.
    session(
        event, "Öppning och keynote", [people[1]], rooms[0], at(9), 45, kind=SessionKind.KEYNOTE
    )
    session(event, "Fika", [], rooms[0], at(9, 45), 30, kind=SessionKind.BREAK)
    placed = [
        (1, 10, 15, 45, 1, "Sociala företag i upphandling", people[2]),
        (2, 10, 15, 90, 2, "Workshop: effektmätning i praktiken", people[3]),
        (3, 10, 15, 20, 0, "Medborgardialog som fungerar", people[4]),
        (3, 10, 40, 20, 0, "Digitala verktyg för föreningar", people[5]),
        (4, 11, 0, 60, 2, "Forskning möter praktik", people[1]),
        (5, 10, 30, 30, 1, "Lokala investeringsfonder", people[0]),
    ]
    for room, hour, minute, duration, track, title, who in placed:
        session(
            event, title, [who], rooms[room], at(hour, minute), duration, track_id=tracks[track].id
        )
    session(event, "Lunch", [], rooms[0], at(12), 60, kind=SessionKind.LUNCH)
    session(event, "Ungas inflytande", [people[4]], duration=30, track_id=tracks[0].id)
    return {
        "event": event,
        "rooms": rooms,
        "confirmed": confirmed,
        "panel": panel,
        "organizer": organizer,
    }


@pytest.fixture
def page(chromium, live_server):
    context = chromium().new_context(
        base_url=live_server, locale="en-GB", viewport={"width": 1440, "height": 1700}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    yield page
    context.close()


def sign_in(page, email, next_path):
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password", exact=True).press("Enter")
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))
    # The URL changes when the page is committed, before its deferred script has laid the
    # grid out; a column measured before that is not where the drop lands.
    page.wait_for_load_state()


def slot_point(page, col: int, hour: int, minute: int):
    """The screen point at the top of the 5-minute slot in a room's column."""
    column = page.locator(f'.sched-col[data-col="{col}"]')
    box = column.bounding_box()
    slots = int(page.locator(".sched-grid").get_attribute("data-slots"))
    row = ((hour - 9) * 60 + minute) // 5
    return box["x"] + box["width"] / 2, box["y"] + row * box["height"] / slots + 2


def drag(page, source, to, grab=(20, 6)):
    """Drags source to the point `to()` gives, measured once the drag has begun."""
    box = source.bounding_box()
    page.mouse.move(box["x"] + grab[0], box["y"] + grab[1])
    page.mouse.down()
    page.mouse.move(box["x"] + grab[0] + 10, box["y"] + grab[1] + 10, steps=2)
    x, y = to()
    page.mouse.move(x, y, steps=8)
    page.mouse.up()


def block(page, token):
    return page.locator(f'.sched-grid .sched-block[data-token="{token}"]')


def test_drag_place_clash_fix_publish_and_import(page, summit, db):
    confirmed, panel = summit["confirmed"], summit["panel"]
    sign_in(page, "olle@example.org", f"/manage/events/{SLUG}/program/schedule/{DAY}")
    status = page.locator("#sched-status")

    # The confirmed session, from the unscheduled list to Lilla salen at 13:00.
    card = page.locator(f'.sched-card[data-token="{confirmed.token}"]')
    expect(card).to_contain_text("Anna Lind")
    drag(page, card, lambda: slot_point(page, 1, 13, 0), grab=(30, 4))
    expect(block(page, confirmed.token)).to_contain_text("13:00–13:20")
    expect(status).to_contain_text("Saved.")
    expect(page.locator(f'.sched-card[data-token="{confirmed.token}"]')).to_have_count(0)

    # The panel with the same speaker at the same time in Verkstan: a clash.
    drag(
        page,
        page.locator(f'.sched-card[data-token="{panel.token}"]'),
        lambda: slot_point(page, 2, 13, 0),
        grab=(30, 4),
    )
    expect(block(page, panel.token)).to_contain_text("13:00–13:45")
    expect(status).to_contain_text("Speaker in two places")
    expect(block(page, panel.token)).to_contain_text("Speaker in two places")
    expect(block(page, confirmed.token)).to_have_class(re.compile("has-conflict"))
    expect(page.locator("#sched-conflicts")).to_contain_text("Anna Lind speaks in")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "editor.png"), full_page=True)

    # Moved an hour later (grabbed in its middle): the warning goes away.
    panel_block = block(page, panel.token)
    box = panel_block.bounding_box()

    def an_hour_later():
        now = panel_block.bounding_box()
        start, target = slot_point(page, 2, 13, 0), slot_point(page, 2, 14, 0)
        return target[0], target[1] + (now["height"] / 2) - (start[1] - now["y"]) + 1

    drag(page, panel_block, an_hour_later, grab=(40, box["height"] / 2))
    expect(block(page, panel.token)).to_contain_text("14:00–14:45")
    expect(block(page, panel.token)).not_to_have_class(re.compile("has-conflict"))
    expect(block(page, confirmed.token)).not_to_have_class(re.compile("has-conflict"))
    expect(page.locator("#sched-conflicts")).to_contain_text("No conflicts on this day")
    expect(status).to_contain_text("No conflicts")

    # Stretched by its lower edge from 20 to 35 minutes.
    handle = block(page, confirmed.token).locator(".sched-resize")
    hbox = handle.bounding_box()
    slot = slot_point(page, 1, 9, 5)[1] - slot_point(page, 1, 9, 0)[1]
    page.mouse.move(hbox["x"] + hbox["width"] / 2, hbox["y"] + hbox["height"] / 2)
    page.mouse.down()
    page.mouse.move(
        hbox["x"] + hbox["width"] / 2, hbox["y"] + 3 * slot + hbox["height"] / 2, steps=6
    )
    page.mouse.up()
    expect(block(page, confirmed.token)).to_contain_text("13:00–13:35")

    db.session.rollback()  # a fresh read of what the server wrote
    saved = {s.token: s for s in db.session.query(ProgramSession)}
    assert (
        saved[confirmed.token].starts_at == at(13) and saved[confirmed.token].duration_minutes == 35
    )
    assert (
        saved[panel.token].starts_at == at(14)
        and saved[panel.token].room_id == summit["rooms"][2].id
    )

    # Published from the editor (no conflicts left: nothing to confirm).
    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_text("No conflicts found.")).to_be_visible()
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("Version 1 of the program is published.")).to_be_visible()

    # The public program shows it, at its time and in its room.
    page.goto(f"/events/{SLUG}/program/?day={DAY}")
    card = page.locator("article.prog-card", has_text="Tillsammans: kommunen och föreningarna")
    expect(card).to_contain_text("13:00–13:35")
    expect(card).to_contain_text("Lilla salen")
    expect(card).to_contain_text("Anna Lind")
    card.get_by_role("link", name="Tillsammans: kommunen och föreningarna").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tillsammans")

    # Its calendar file imports: one event at 13:00 Stockholm time, with a stable UID.
    ics_url = page.get_by_role("link", name="Add to calendar").get_attribute("href")
    answer = page.request.get(ics_url)
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(answer.body())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Tillsammans: kommunen och föreningarna"
    start = event.decoded("DTSTART")
    assert start == at(13) and str(start.tzinfo) == "Europe/Stockholm"
    assert start.utcoffset() == timedelta(hours=2)  # summer time in May
    assert event.decoded("DTEND") - start == timedelta(minutes=35)
    assert str(event["UID"]).startswith(confirmed.token)
    assert "Lilla salen" in str(event["LOCATION"])
    assert page.errors == []


# The focused element's label (form fields) or text (links, buttons).
FOCUSED_NAME = """() => {
  const e = document.activeElement;
  const text = e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent || e.value;
  return (text || "").trim();
}"""


def tab_to(page, name: str, limit: int = 250):
    """Press Tab until the focused element's text or label is `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_NAME)
        if focused == name:
            return
    raise AssertionError(f"{name!r} not reached with Tab")


def place_with_keyboard(page, title, room, start, duration):
    tab_to(page, title)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2)).to_contain_text(title)
    tab_to(page, "Room")
    page.keyboard.type(room)  # a closed select picks the option typed
    tab_to(page, "Start time")
    page.keyboard.type(start.replace(":", ""))
    tab_to(page, "Length in minutes")
    page.keyboard.press("Control+A")
    page.keyboard.type(str(duration))
    tab_to(page, "Save placement")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved. The schedule has been updated.")).to_be_visible()


def test_keyboard_only(page, summit, db):
    confirmed, panel = summit["confirmed"], summit["panel"]
    sign_in(page, "olle@example.org", f"/manage/events/{SLUG}/program/schedule/{DAY}")

    place_with_keyboard(page, "Tillsammans: kommunen och föreningarna", "Lilla salen", "13:00", 20)
    expect(page.get_by_text("No conflicts.")).to_be_visible()
    tab_to(page, "Back to the schedule")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/schedule/{DAY}$"))
    page.wait_for_load_state()

    place_with_keyboard(page, "Panel: finansiering som håller", "Verkstan", "13:00", 45)
    expect(page.locator(".sched-conflicts")).to_contain_text("Speaker in two places")
    expect(page.locator(".sched-conflicts")).to_contain_text("Anna Lind")

    # Fixed from the same page: an hour later.
    tab_to(page, "Start time")
    page.keyboard.type("1400")
    tab_to(page, "Save placement")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved. The schedule has been updated.")).to_be_visible()
    expect(page.get_by_text("No conflicts.")).to_be_visible()

    db.session.rollback()  # a fresh read of what the server wrote
    saved = {s.token: s for s in db.session.query(ProgramSession)}
    assert (saved[confirmed.token].starts_at, saved[confirmed.token].room_id) == (
        at(13),
        summit["rooms"][1].id,
    )
    assert (saved[panel.token].starts_at, saved[panel.token].duration_minutes) == (at(14), 45)
    assert page.errors == []
