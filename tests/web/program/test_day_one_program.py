"""Issue 12 ("day-one trust"), the program's part: filters that match nothing say so,
breaks in the frab exports carry an empty list of persons, pronouns next to speakers'
names, and a workshop sign-up that shows, lands in "Mitt program" and is confirmed by
mail."""

import json
import re

import pytest
from lxml import etree
from sqlalchemy import select

from summit.models import SpeakerProfile, WorkshopSignup
from summit.services.outbox import deliver_pending
from summit.services.program import releases
from tests import checkin_world
from tests.conftest import csrf_token, sign_in
from tests.oracles import schedule_schema
from tests.published_world import published_summit
from tests.signup_world import ticket, workshop
from tests.smtp import running_smtp

PROGRAM = "/events/summit27/program/"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def titles(html: str) -> list[str]:
    return re.findall(r'class="prog-card-title"[^>]*><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def world(make_event, make_user):
    event = make_event(slug="summit27", venue_name="Folkets hus")
    return {"event": event, **published_summit(event, make_user)}


# 18: filters with no match ----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "says", "clear"),
    [("sv", "Inga pass matchar", "Rensa"), ("en", "No sessions match", "Clear")],
)
def test_filters_that_match_nothing_say_so_not_a_day_of_breaks(
    client, world, language, says, clear
):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    # The first day has a keynote, talks and lunch, but no workshop.
    response = client.get(PROGRAM + "?day=2027-05-18&format=workshop")
    assert response.status_code == 200
    html = text(response)
    assert titles(html) == []
    assert says in html
    assert "Lunch" not in html  # not a day of only breaks as if it were the result
    link = re.search(r'<p class="prog-none"[^>]*>.*?<a href="([^"]+)">([^<]+)</a>', html)
    assert link, html
    assert link.group(1) == "/events/summit27/program/?day=2027-05-18"
    assert clear in link.group(2)
    # The link back shows the day again, breaks and all.
    back = text(client.get(link.group(1).replace("&amp;", "&")))
    assert "Lunch" in back and len(titles(back)) == 3


def test_a_filter_that_matches_still_shows_the_breaks_around_it(client, world):
    html = text(client.get(PROGRAM + "?day=2027-05-18&track=design"))
    assert titles(html) == ["Design för alla"]
    assert "Lunch" in html
    assert "Inga pass matchar" not in html


def test_breaks_in_the_frab_exports_have_an_empty_persons_list(client, world):
    lunch = world["sessions"]["lunch"]
    xml = client.get("/events/summit27/schedule.xml").get_data()
    root = etree.fromstring(xml)
    schedule_schema().assertValid(root)
    event = root.find(f".//event[title='{lunch.title}']")
    persons = event.find("persons")
    assert persons is not None and len(persons) == 0
    data = json.loads(client.get("/events/summit27/schedule.json").get_data())
    found = [
        e
        for day in data["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for e in room
        if e["type"] == "lunch"
    ]
    assert found and all(e["persons"] == [] for e in found)


# 19: pronouns on the public pages ---------------------------------------------------------


def test_pronouns_show_next_to_the_speakers_name(client, world, db):
    asa = db.session.query(SpeakerProfile).filter_by(user_id=world["asa"].id).one()
    asa.pronouns = "hon/henne"
    db.session.commit()
    releases.publish(world["event"], confirm_conflicts=True)
    keynote = world["sessions"]["keynote"]
    session_page = text(client.get(f"{PROGRAM}sessions/{keynote.token}"))
    assert re.search(r'Åsa Öberg <span class="pronouns">\(hon/henne\)</span>', session_page)
    speaker_page = text(client.get(f"{PROGRAM}speakers/{asa.page_token}"))
    assert "hon/henne" in speaker_page
    listing = text(client.get(f"{PROGRAM}speakers/"))
    assert "(hon/henne)" in listing


# 15: workshop sign-up ------------------------------------------------------------------------


@pytest.fixture
def signup_world(make_event, make_user):
    event = make_event(slug="summit2027")
    regular = checkin_world.ticket_type(event, "Ordinarie", name_en="Regular", price=150000)
    made = workshop(event, limit=2)[0]
    return event, regular, made


@pytest.mark.parametrize(
    ("locale", "signed_up", "cancel", "mail_words"),
    [
        ("sv", "Du är anmäld", "Avboka", ("Du är anmäld till", "tisdag 18 maj 2027 14:00–15:30")),
        (
            "en",
            "You are signed up",
            "Cancel",
            ("You are signed up for", "Tuesday 18 May 2027 14:00–15:30"),
        ),
    ],
)
def test_signing_up_shows_it_adds_it_to_my_program_and_mails_a_confirmation(
    app, client, db, make_user, signup_world, locale, signed_up, cancel, mail_words
):
    event, regular, made = signup_world
    anna = make_user("anna@example.org", name="Anna Ek", locale=locale)
    held = ticket(event, regular, "anna@example.org", name="Anna Ek")
    sign_in(client, anna)
    page = f"/events/summit2027/program/sessions/{made.token}/signup"
    token = csrf_token(client, page)
    posted = client.post(page, data={"action": "sign_up", "item": held.id, "csrf_token": token})
    assert posted.status_code == 303
    response = client.get(posted.location)
    assert response.status_code == 200
    html = text(response)
    assert signed_up in html
    # No button offers to sign up again; one offers to cancel.
    buttons = re.findall(r"<button[^>]*>(.*?)</button>", html)
    assert not any(re.match(r"(Anmäl|Sign up)\b", b) for b in buttons), buttons
    assert any(b.startswith(cancel) for b in buttons), buttons
    # In "Mitt program".
    agenda = text(client.get("/events/summit2027/program/agenda"))
    assert "Tjänstedesign" in agenda
    assert client.get("/events/summit2027/program/agenda/items").get_json()["tokens"] == [
        made.token
    ]
    # A confirmation mail, as Anna gets it.
    with running_smtp(app) as smtp:
        deliver_pending()
    [mail] = [
        m
        for m in smtp.messages
        if m["To"] == "anna@example.org" and "Tjänstedesign" in m["Subject"]
    ]
    body = mail.get_body(("plain",)).get_content()
    page_html = mail.get_body(("html",)).get_content()
    for words in mail_words:
        assert words in body, body
        assert words in page_html
    assert "Stora salen" in body
    assert f"http://summit.test/events/summit2027/program/sessions/{made.token}/signup" in body
    assert (
        f'href="http://summit.test/events/summit2027/program/sessions/{made.token}/signup"'
        in page_html
    )
    # The cancel link leads to the page with the cancel button.
    assert cancel in text(client.get(page))


def test_a_refused_sign_up_mails_nothing_and_adds_nothing(app, client, db, make_user, signup_world):
    event, regular, made = signup_world
    anna = make_user("anna@example.org", name="Anna Ek")
    ticket(event, regular, "someone@example.org", name="Someone")
    sign_in(client, anna)
    page = f"/events/summit2027/program/sessions/{made.token}/signup"
    token = csrf_token(client, page)
    response = client.post(page, data={"action": "sign_up", "item": 999999, "csrf_token": token})
    assert response.status_code == 422
    assert db.session.scalars(select(WorkshopSignup)).all() == []
    assert client.get("/events/summit2027/program/agenda/items").get_json()["tokens"] == []
