"""Issue 12 in a real browser (the acceptance of point 11): an organizer publishes the
program; the speaker of a newly published session finds its day, time and room in the
email the aiosmtpd inbox received and, following its link, on her proposal page. Her
co-speaker, opening the shared confirm link she used, is told who confirmed and when.

Screenshots at 375×800 of the proposal page with its slot, the used confirm link and the
public program filtered to nothing, in Swedish and English, go to /tmp/shots/day1-*.png.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from summit.models import DecisionKind, ProposalState, Role, SessionKind
from summit.services.cfp import decisions
from summit.services.cfp.confirmation import create_session
from summit.services.outbox import deliver_pending
from tests.conftest import PASSWORD
from tests.schedule_world import at, program, session
from tests.smtp import app_config, running_smtp

pytestmark = pytest.mark.e2e

SLUG = "summit27"
SHOTS = Path("/tmp/shots")  # noqa: S108  (where people look at the screenshots)
SMALL = {"viewport": {"width": 375, "height": 800}}
SLOT_EN = "Tuesday 18 May 2027 10:30–10:50, Lilla salen"
SLOT_SV = "tisdag 18 maj 2027 10:30–10:50, Lilla salen"


@pytest.fixture
def inbox(app, live_server):
    with app_config(app, BASE_URL=live_server), running_smtp(app) as smtp:
        yield smtp


@pytest.fixture
def world(db, make_event, make_call, make_user, make_profile, make_proposal, grant):
    event = make_event(slug=SLUG, name_sv="Mötesplats 2027", name_en="Summit 2027")
    rooms = program(event)
    call = make_call(event)
    anna = make_user("anna@example.org", name="Anna Lind", locale="en")
    make_profile(anna, "Åsa Öberg-Lindqvist", language="en")
    bo = make_user("bo@example.org", name="Bo Ek", locale="sv")
    make_profile(bo, "Bo Ek", language="sv")
    organizer = grant(make_user("org@example.org", name="Olga Org"), event, Role.ORGANIZER)
    proposal = make_proposal(call, anna, co_speakers=[bo], title="Tillsammans i kommunen")
    return {
        "event": event,
        "rooms": rooms,
        "anna": anna,
        "bo": bo,
        "organizer": organizer,
        "proposal": proposal,
    }


def mail_to(smtp, to: str, words: str):
    deliver_pending()
    for message in reversed(smtp.messages):
        if to in message["To"] and words in message.get_body(("plain",)).get_content():
            return message
    raise AssertionError(f"no mail to {to} with {words!r}")


def sign_in(page, email: str, next_path: str) -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label(re.compile(r"^(Email|E-post)$")).fill(email)
    page.get_by_label(re.compile(r"^(Password|Lösenord)$")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("Sign in|Logga in")).click()


def small_page(chromium, base_url: str, locale: str):
    context = chromium().new_context(base_url=base_url, locale=locale, **SMALL)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def snap(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"day1-{name}.png"), full_page=True)


def test_a_speaker_finds_her_slot_in_her_mail_and_on_her_proposal(
    browsing, chromium, live_server, world, inbox, app, db
):
    smtp, proposal = inbox, world["proposal"]
    decisions.decide([proposal], DecisionKind.ACCEPTED, world["organizer"])
    anna_link = mail_to(smtp, "anna@example.org", "/speakers/respond/")
    anna_link = re.search(
        r"http\S+/speakers/respond/\S+", anna_link.get_body(("plain",)).get_content()
    )
    bo_mail = mail_to(smtp, "bo@example.org", "/speakers/respond/")
    bo_link = re.search(r"http\S+/speakers/respond/\S+", bo_mail.get_body(("plain",)).get_content())

    # Anna confirms through her copy of the link, without signing in.
    anna = browsing.new_page(locale="en-GB")
    anna.goto(anna_link.group(0))
    anna.get_by_role("button", name="Confirm that I will speak").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Thank you, you are confirmed!")

    # Bo opens his copy afterwards: told who confirmed and when, in his language.
    for locale, words, name in (("sv-SE", "bekräftade", "sv"), ("en-GB", "confirmed", "en")):
        context, bo = small_page(chromium, live_server, locale)
        response = bo.goto(bo_link.group(0))
        assert response.status == 200
        expect(bo.get_by_role("status")).to_contain_text(f"Åsa Öberg-Lindqvist {words}")
        expect(
            bo.get_by_role("link", name=re.compile("Se förslaget|See the proposal"))
        ).to_be_visible()
        snap(bo, f"confirmed-link-{name}")
        context.close()

    # The organizer places the session and publishes version 1 in the browser.
    db.session.commit()
    db.session.expire_all()
    proposal = db.session.get(type(proposal), proposal.id)
    assert proposal.state is ProposalState.CONFIRMED
    talk = create_session(proposal, at(8))
    talk.room_id, talk.starts_at = world["rooms"][1].id, at(10, 30)
    rooms = world["rooms"]
    session(world["event"], "Lunch", [], rooms[0], at(12), 60, kind=SessionKind.LUNCH)
    session(world["event"], "Verkstad", [], rooms[0], at(10, day=1), 90, kind=SessionKind.WORKSHOP)
    db.session.commit()
    olga = browsing.new_page(locale="en-GB")
    sign_in(olga, "org@example.org", f"/manage/events/{SLUG}/program/releases/publish")
    olga.get_by_role("button", name="Publish version 1").click()
    expect(olga.get_by_role("heading", level=2, name="Version 1")).to_be_visible()

    # Anna's mail, as her mail program gets it: the slot, in text and HTML.
    mail = mail_to(smtp, "anna@example.org", SLOT_EN)
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert SLOT_EN in html
    proposal_url = f"{live_server}/events/{SLUG}/speakers/proposals/{proposal.token}"
    assert proposal_url in text and f'href="{proposal_url}"' in html
    assert f"{live_server}/events/{SLUG}/program/sessions/{talk.token}" in text
    assert SLOT_SV in mail_to(smtp, "bo@example.org", SLOT_SV).get_body(("plain",)).get_content()

    # She follows the mail's link to her proposal (signing in on the way): the slot.
    anna.goto(proposal_url)
    sign_in(anna, "anna@example.org", f"/events/{SLUG}/speakers/proposals/{proposal.token}")
    expect(anna.get_by_role("heading", level=1)).to_have_text("Tillsammans i kommunen")
    expect(anna.get_by_role("main")).to_contain_text(SLOT_EN)
    expect(anna.get_by_role("main")).not_to_contain_text("waiting to be scheduled")
    anna.get_by_role("link", name="The session's page").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Tillsammans i kommunen")
    browsing.screenshot(anna, "session-page")
    assert browsing.console_errors == []

    if browsing.viewport != "phone":
        return
    # Screenshots at 375×800, Swedish and English.
    for locale, name, who in (("sv-SE", "sv", "bo"), ("en-GB", "en", "anna")):
        context, page = small_page(chromium, live_server, locale)
        sign_in(page, f"{who}@example.org", f"/events/{SLUG}/speakers/proposals/{proposal.token}")
        expect(page.get_by_role("main")).to_contain_text(SLOT_SV if name == "sv" else SLOT_EN)
        snap(page, f"proposal-slot-{name}")
        page.goto(f"/events/{SLUG}/speakers/proposals/")
        snap(page, f"my-proposals-{name}")
        page.goto(f"/events/{SLUG}/program/?day=2027-05-18&format=workshop")
        expect(page.get_by_role("status")).to_contain_text(
            "Inga pass matchar" if name == "sv" else "No sessions match"
        )
        snap(page, f"no-match-{name}")
        context.close()
