"""The call for speakers in a real browser, from the sign-in link to the confirmed session
(the issue's acceptance 1): a speaker signs in by the link emailed to the aiosmtpd inbox,
fills in the profile, submits a proposal (after a refused first try) and invites a
co-speaker, who signs in with their own link in a second browser and accepts. A
reviewer (signed in with a password in a third browser) scores it on the review page,
where the speakers' names and organisations are hidden; an organizer (a fourth browser)
ticks it in the decision table, sees the decision email's preview and accepts it. The
emails are delivered to the inbox; the speaker opens the link in hers and confirms, and
the session is there, waiting to be scheduled, on the organizer's overview and in the
database.

The pages are English (the browser asks for it): the test finds things by their source
texts while the Swedish catalogue grows. Screenshots of the call page, the form with an
error, the review form, the decision table, the decide page, the confirm page and the
overview go to /tmp/shots/cfp-<viewport>-<step>.jpg.
"""

import io
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from summit.models import (
    CfpQuestion,
    ProgramSession,
    Proposal,
    ProposalState,
    QuestionKind,
    Review,
    Role,
    Track,
    utcnow,
)
from summit.services.outbox import deliver_pending
from tests.conftest import PASSWORD
from tests.smtp import app_config, running_smtp

pytestmark = pytest.mark.e2e

LOCALE = "en-GB"
SLUG = "summit2027"
SHOTS = Path("/tmp/shots")  # noqa: S108  (where people look at the screenshots)
ANNA, BO = "anna.lind@example.org", "bo.ek@example.org"


@pytest.fixture
def summit(app, db, make_event, make_call, make_user, grant):
    event = make_event(
        slug=SLUG,
        name_sv="Social Innovation Summit 2027",
        name_en="Social Innovation Summit 2027",
    )
    db.session.add_all(
        [
            Track(event=event, name_sv="Kommun och civilsamhälle", name_en="Municipalities"),
            Track(event=event, name_sv="Social ekonomi", name_en="Social economy", position=1),
        ]
    )
    now = utcnow()
    call = make_call(
        event,
        opens_at=now - timedelta(days=14),
        closes_at=now + timedelta(days=30),
        intro_sv="Vi söker praktiker från civilsamhälle, kommuner och sociala företag.",
        intro_en=(
            "We are looking for practitioners from civil society, municipalities, social "
            "enterprises and academia: talks, workshops and panels about what works."
        ),
        anonymous_review=True,  # reviewers see no names
    )
    call.questions = [
        CfpQuestion(
            kind=QuestionKind.YES_NO,
            label_sv="Får sessionen filmas?",
            label_en="May the session be filmed?",
            required=True,
        ),
        CfpQuestion(
            kind=QuestionKind.CHOICE,
            label_sv="Nivå",
            label_en="Level",
            options=[
                {"key": "intro", "sv": "Introduktion", "en": "Introduction"},
                {"key": "deep", "sv": "Fördjupning", "en": "In depth"},
            ],
            position=1,
        ),
    ]
    db.session.commit()
    reviewer = grant(make_user("granskare@example.org", "Greta Granskare"), event, Role.REVIEWER)
    organizer = grant(make_user("arrangor@example.org", "Olle Arrangör"), event, Role.ORGANIZER)
    return event, call, reviewer, organizer


@pytest.fixture
def inbox(app, live_server):
    """The aiosmtpd inbox, and links in the emails pointing at the live server."""
    with app_config(app, BASE_URL=live_server), running_smtp(app) as smtp:
        yield smtp


def fresh(db):
    """End the test's read transaction so it sees what the server committed."""
    db.session.commit()
    db.session.expire_all()


def link_in_mail(smtp, to: str, path_part: str) -> str:
    """Send what is queued, then the newest link containing `path_part` in a mail to `to`."""
    deliver_pending()
    for message in reversed(smtp.messages):
        if to in message["To"]:
            text = message.get_body(("plain",)).get_content()
            for url in re.findall(r"https?://\S+", text):
                if path_part in url:
                    return url
    raise AssertionError(f"no mail to {to} with a {path_part} link")


def sign_in_by_link(page, smtp, email: str) -> None:
    """On the emailed-link form: ask for a link, open it from the inbox, press Sign in."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with an emailed link")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(link_in_mail(smtp, email, "/login/link/"))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("You are signed in.")).to_be_visible()


def sign_in(page, email: str, next_path: str) -> None:
    """The password sign-in, arriving at `next_path`."""
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def shot(page, browsing, step: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    taken = browsing.screenshot(page, step)
    shutil.copyfile(taken, SHOTS / f"cfp-{browsing.viewport}-{step}.jpg")


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 300), (11, 90, 90)).save(out, "PNG")
    return out.getvalue()


def test_from_proposal_to_confirmed_session(browsing, summit, inbox, app, db):
    event, call, reviewer, organizer = summit
    smtp = inbox

    # The speaker finds the call and signs in by emailed link.
    anna = browsing.new_page(locale=LOCALE)
    anna.goto(f"/events/{SLUG}/speakers/")
    expect(anna.get_by_role("heading", level=1)).to_have_text("Call for speakers")
    expect(anna.get_by_text("Open for proposals")).to_be_visible()
    expect(anna.get_by_role("main")).to_contain_text("Workshop")
    expect(anna.get_by_role("main")).to_contain_text("90 min")
    shot(anna, browsing, "call")
    anna.get_by_role("link", name="Sign in to submit").click()
    sign_in_by_link(anna, smtp, ANNA)
    expect(anna).to_have_url(re.compile(rf"/events/{SLUG}/speakers/$"))

    # A first proposal needs the speaker profile.
    anna.get_by_role("link", name="New proposal").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Speaker profile")
    anna.get_by_label(re.compile(r"^Name")).fill("Anna Lind")
    anna.get_by_label("Organisation").fill("Malmö stad")
    anna.get_by_label("Title or role").fill("Utvecklingsledare")
    anna.get_by_label("Short bio").fill("Arbetar med social innovation i Malmö.")
    expect(anna.get_by_text("Characters left: 962")).to_be_visible()  # the counter's script
    anna.get_by_label("Pronouns (optional)").fill("hon/henne")
    anna.get_by_label("Photo (optional)").set_input_files(
        {"name": "anna.png", "mimeType": "image/png", "buffer": photo()}
    )
    anna.get_by_role("button", name="Save profile").click()

    # The proposal form: a first try with an abstract over the limit is refused.
    expect(anna.get_by_role("heading", level=1)).to_have_text("New proposal")
    anna.get_by_label(re.compile(r"^Title\b")).fill("Tillsammans: kommunen och föreningarna")
    anna.get_by_label(re.compile(r"^Abstract")).fill("Så gör vi. " * 120)  # 1,320 characters
    expect(anna.get_by_text("Too many characters: 120")).to_be_visible()
    anna.get_by_role("radio", name="Workshop (90 min)").check()
    anna.get_by_label("Track").select_option(label="Municipalities")
    anna.get_by_role("button", name="Submit the proposal").click()
    alert = anna.get_by_role("alert")
    expect(alert).to_contain_text("At most 1200 characters.")
    expect(alert).to_contain_text("May the session be filmed?: This field is required.")
    abstract = anna.get_by_label(re.compile(r"^Abstract"))
    expect(abstract).to_have_attribute("aria-invalid", "true")
    shot(anna, browsing, "proposal-form-error")
    fresh(db)
    assert db.session.scalars(select(Proposal)).all() == []

    abstract.fill(
        "Hur en kommun och lokala föreningar bygger en mötesplats ihop: vad som fungerade, "
        "vad som inte gjorde det, och en metod att ta med hem."
    )
    filmed = anna.get_by_role("group", name=re.compile("May the session be filmed"))
    filmed.get_by_role("radio", name="Yes").check()
    anna.get_by_role("radio", name="In depth").check()
    anna.get_by_role("group", name="Language of the session").get_by_role(
        "radio", name="Svenska"
    ).check()
    anna.get_by_role("button", name="Submit the proposal").click()
    expect(anna.get_by_text("Your proposal is submitted.")).to_be_visible()
    expect(anna.get_by_text("Submitted", exact=True)).to_be_visible()
    assert "Proposal received" in smtp_subjects(smtp, ANNA)

    # She invites a co-speaker.
    anna.get_by_label("Co-speaker's email").fill(BO)
    anna.get_by_role("button", name="Send the invitation").click()
    expect(anna.get_by_text(f"The invitation is sent to {BO}.")).to_be_visible()
    expect(anna.get_by_text("Invited, has not answered")).to_be_visible()

    # The co-speaker, in his own browser, follows the invitation and signs in.
    bo = browsing.new_page(locale=LOCALE)
    bo.goto(link_in_mail(smtp, BO, "/speakers/invitations/"))
    expect(bo.get_by_role("heading", level=1)).to_have_text("Invitation to speak")
    expect(bo.get_by_role("main")).to_contain_text("Anna Lind invites you")
    bo.get_by_role("link", name="Sign in to answer").click()
    sign_in_by_link(bo, smtp, BO)
    expect(bo.get_by_role("heading", level=1)).to_have_text("Invitation to speak")
    bo.get_by_role("button", name="Accept the invitation").click()
    expect(bo.get_by_role("heading", level=1)).to_have_text("Speaker profile")
    bo.get_by_label(re.compile(r"^Name")).fill("Bo Ek")
    bo.get_by_label("Organisation").fill("Föreningen Grannar")
    bo.get_by_role("button", name="Save profile").click()
    expect(bo.get_by_role("heading", level=1)).to_have_text(
        "Tillsammans: kommunen och föreningarna"
    )
    anna.reload()
    expect(anna.get_by_text("Co-speaker, accepted")).to_be_visible()

    fresh(db)
    proposal = db.session.scalars(select(Proposal)).one()
    assert proposal.state is ProposalState.SUBMITTED
    title = proposal.title

    # A reviewer, in a third browser, scores it without seeing who the speakers are.
    greta = browsing.new_page(locale=LOCALE)
    sign_in(greta, reviewer.email, f"/manage/events/{SLUG}/review/")
    main = greta.get_by_role("main")
    expect(main).to_contain_text("Speakers' names and organisations are hidden")
    expect(main).to_contain_text("You have scored 0 of 1 proposal.")
    expect(main).not_to_contain_text("Anna Lind")
    main.get_by_role("link", name=title).click()
    expect(main.get_by_role("heading", level=2, name=title)).to_be_visible()
    expect(main).to_contain_text("Hidden during review")
    expect(main).to_contain_text("Workshop, 90 minutes")
    for hidden in ("Anna Lind", "Malmö stad", "Utvecklingsledare", "Bo Ek", "Grannar"):
        expect(main).not_to_contain_text(hidden)
    expect(main).to_contain_text("scores and comments are shown once you have scored")
    main.get_by_role("group", name="Relevance").get_by_role("radio", name="5").check()
    main.get_by_role("group", name="Impact").get_by_role("radio", name="4").check()
    main.get_by_label("Comment").fill("Konkret och användbart.")
    shot(greta, browsing, "review")
    main.get_by_role("button", name="Save my review").click()
    expect(greta.get_by_text("Your review is saved.")).to_be_visible()
    # Relevance weighs 2: (2 × 5 + 4) / 3.
    expect(main).to_contain_text("Your score: 4.67 (weighted mean).")
    expect(
        main.get_by_role("group", name="Relevance").get_by_role("radio", name="5")
    ).to_be_checked()
    expect(main).to_contain_text("Nobody else has reviewed it yet.")
    for hidden in ("Anna Lind", "Malmö stad"):
        expect(main).not_to_contain_text(hidden)
    fresh(db)
    review = db.session.scalars(select(Review)).one()
    assert review.reviewer_id == reviewer.id and review.comment == "Konkret och användbart."
    names = {s.criterion.name_en: s.score for s in review.scores}
    assert names == {"Relevance": 5, "Impact": 4}

    # An organizer, in a fourth browser, accepts it from the decision table.
    olle = browsing.new_page(locale=LOCALE)
    sign_in(olle, organizer.email, f"/manage/events/{SLUG}/speakers/proposals/")
    main = olle.get_by_role("main")
    expect(main.get_by_role("heading", level=2)).to_have_text("Proposals and decisions")
    row = main.get_by_role("row").filter(has_text=title)
    # Organizers see the names; the score is the review's weighted mean, (2 × 5 + 4) / 3.
    expect(row.get_by_role("cell")).to_have_text(
        [
            f"Select “{title}”",
            f"{title} Anna Lind (Malmö stad), Bo Ek (Föreningen Grannar)",
            "Municipalities",
            "Workshop",
            "Submitted",
            "1",
            "4.67",
            "4.67",
        ]
    )
    row.get_by_role("checkbox", name=f"Select “{title}”").check()
    expect(main.get_by_text("Ticked: 1")).to_be_visible()  # the table's script
    shot(olle, browsing, "decisions")
    main.get_by_role("button", name="Accept…").click()
    expect(main.get_by_role("heading", level=2)).to_have_text("Decision: Accepted")
    expect(main.get_by_role("listitem").filter(has_text=title)).to_contain_text("Submitted")
    expect(
        main.get_by_role("checkbox", name="Send the decision emails to the speakers")
    ).to_be_checked()
    to_anna = main.get_by_role("region", name=f"To {ANNA}, in English")
    expect(to_anna).to_be_visible()
    expect(to_anna).to_contain_text(title)
    expect(main.get_by_role("region", name=re.compile(f"^To {re.escape(BO)}"))).to_be_visible()
    shot(olle, browsing, "decide")
    fresh(db)
    assert db.session.scalars(select(Proposal)).one().state is ProposalState.SUBMITTED
    main.get_by_role("button", name="Accept 1 proposal").click()
    expect(olle.get_by_text("1 proposal accepted. The emails are in the outbox.")).to_be_visible()
    expect(main.get_by_role("heading", level=2, name=title)).to_contain_text("Accepted")
    expect(main).to_contain_text("Waiting for the speaker to confirm or decline.")

    # The speaker confirms through the link in the decision email.
    anna.goto(link_in_mail(smtp, ANNA, "/speakers/respond/"))
    assert f"Your proposal “{title}” is accepted" in smtp_subjects(smtp, BO)
    expect(anna.get_by_role("heading", level=1)).to_have_text("Your proposal is accepted")
    shot(anna, browsing, "confirm")
    anna.get_by_role("button", name="Confirm that I will speak").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Thank you, you are confirmed!")
    expect(anna.get_by_role("main")).to_contain_text("waiting to be scheduled")
    shot(anna, browsing, "confirmed")

    # The organizer sees it among the sessions waiting to be scheduled.
    olle.get_by_role("link", name="Overview").click()
    main = olle.get_by_role("main")
    expect(main.get_by_role("heading", level=2, name="Waiting to be scheduled")).to_be_visible()
    waiting = main.get_by_role("table").filter(has_text="Minutes").get_by_role("row")
    expect(waiting).to_have_count(2)  # the header and the session
    expect(waiting.nth(1).get_by_role("cell")).to_have_text(
        [title, "Anna Lind, Bo Ek", "Workshop", "90", "Municipalities", "Swedish"]
    )
    expect(main).to_contain_text("1 confirmed session has no room and time yet.")
    shot(olle, browsing, "waiting")

    # The session waits to be scheduled, with both speakers.
    fresh(db)
    proposal = db.session.scalars(select(Proposal)).one()
    assert proposal.state is ProposalState.CONFIRMED
    session = db.session.scalars(select(ProgramSession)).one()
    assert session.proposal_id == proposal.id
    assert session.starts_at is None and session.room_id is None
    assert session.duration_minutes == 90
    assert [s.user.email for s in session.speakers] == [ANNA, BO]
    # The refused form came back as 422, which the browser reports; nothing else.
    assert [e for e in browsing.console_errors if "status of 422" not in e] == []


def smtp_subjects(smtp, to: str) -> str:
    deliver_pending()
    return " | ".join(m["Subject"] for m in smtp.messages if to in m["To"])
