"""The public program pages: the latest release only, filters, day tabs, session and
speaker pages, the changelog, and conditional requests (ETag, Last-Modified, 304)."""

import re

import pytest

from summit.models import SessionKind, SpeakerProfile
from summit.services.cfp.speakers import set_photo
from summit.services.program import releases
from tests.conftest import statements
from tests.images import image_bytes
from tests.published_world import published_summit
from tests.schedule_world import at, program, session

PROGRAM = "/events/summit27/program/"


@pytest.fixture
def world(make_event, make_user):
    event = make_event(slug="summit27", venue_name="Folkets hus")
    return {"event": event, **published_summit(event, make_user)}


def text(response) -> str:
    return response.get_data(as_text=True)


def titles(html: str) -> list[str]:
    return re.findall(r'class="prog-card-title"[^>]*><a href="[^"]+">([^<]+)</a>', html)


def test_the_program_shows_the_first_day_by_time(client, world):
    response = client.get(PROGRAM)
    assert response.status_code == 200
    html = text(response)
    assert titles(html) == [
        "Öppning: social innovation i Sverige",
        "Samskapande i praktiken",
        "Design för alla",
    ]
    # Parallel sessions under one time heading; lunch as a full-width row.
    assert html.count('<time datetime="2027-05-18T10:00:00+02:00">10:00</time></h3>') == 1
    assert re.search(r'class="prog-pause".*?12:00.*?13:00.*?Lunch', html, re.S)
    # Room, track name (not colour only), format, language, speakers.
    assert "Stora salen" in html and "Lilla salen" in html
    assert 'class="prog-track"><span class="prog-dot" aria-hidden="true"></span>Innovation' in html
    assert "Åsa Öberg" in html and "Keynote" in html or "Huvudtalare" in html
    assert 'lang="en"' in html
    # Day tabs, the current one marked.
    assert re.search(r'href="/events/summit27/program/\?day=2027-05-18" aria-current="page"', html)
    assert 'href="/events/summit27/program/?day=2027-05-19"' in html
    assert "/events/summit27/program/tracks.css" in html


def test_day_tabs_show_each_day(client, world):
    html = text(client.get(PROGRAM + "?day=2027-05-19"))
    assert titles(html) == ["Verkstad: tjänstedesign"]
    assert re.search(r'href="/events/summit27/program/\?day=2027-05-19" aria-current="page"', html)
    assert titles(text(client.get(PROGRAM + "?day=2027-05-20"))) == ["Avslutning"]


def test_filters_by_track_language_and_format(client, world):
    html = text(client.get(PROGRAM + "?day=2027-05-18&track=design"))
    assert titles(html) == ["Design för alla"]
    assert "Lunch" in html  # breaks are for everyone
    assert '<option value="design" selected>' in html
    assert titles(text(client.get(PROGRAM + "?language=en"))) == ["Samskapande i praktiken"]
    assert titles(text(client.get(PROGRAM + "?format=keynote"))) == [
        "Öppning: social innovation i Sverige"
    ]
    html = text(client.get(PROGRAM + "?day=2027-05-19&format=keynote"))
    assert titles(html) == [] and 'class="prog-none"' in html


@pytest.mark.parametrize(
    "query",
    [
        "?day=nonsense&track=%01%ff&language=xx&format=<script>",
        "?day=2031-01-01&track=&language=&format=",
        "?day=2027-05-18&day=2027-05-19&track[]=1",
        "?day=" + "9" * 5000,
        "?format=break",
    ],
)
def test_garbage_filters_are_ignored(client, world, query):
    response = client.get(PROGRAM + query)
    assert response.status_code == 200
    assert len(titles(text(response))) >= 1
    assert "<script>" not in text(response)


def test_a_nul_in_the_filters_is_a_bad_request(client, world):
    assert client.get(PROGRAM + "?track=%00").status_code == 400


def test_work_in_progress_is_not_shown(client, world, db):
    keynote = world["sessions"]["keynote"]
    keynote.title = "Hemligt arbetsnamn"
    session(world["event"], "Inte publicerad än", [], world["rooms"][1], at(9), 30)
    db.session.commit()
    html = text(client.get(PROGRAM))
    assert "Hemligt arbetsnamn" not in html and "Inte publicerad än" not in html
    assert "Öppning: social innovation i Sverige" in html
    assert client.get(f"/events/summit27/program/sessions/{keynote.token}").status_code == 200


def test_not_published_yet(client, make_event):
    event = make_event(slug="tidigt")
    program(event)
    response = client.get("/events/tidigt/program/")
    assert response.status_code == 200
    assert "not published yet" in text(response) or "inte publicerat" in text(response)
    assert "ETag" not in response.headers
    assert client.get("/events/tidigt/program/speakers/").status_code == 200
    assert client.get("/events/tidigt/program/sessions/whatever-token-1234").status_code == 404
    assert client.get("/events/tidigt/").status_code == 200
    assert "/events/tidigt/program/" not in text(client.get("/events/tidigt/"))


def test_the_event_page_links_the_published_program(client, world):
    assert 'href="/events/summit27/program/"' in text(client.get("/events/summit27/"))


def test_unknown_event_and_tokens_are_404(client, world):
    assert client.get("/events/nope/program/").status_code == 404
    assert client.get(PROGRAM + "sessions/not-a-token").status_code == 404
    assert client.get(PROGRAM + "speakers/not-a-token").status_code == 404


def test_a_draft_event_has_no_public_program(client, make_event, make_user):
    event = make_event(slug="utkast", published=False)
    published_summit(event, make_user)
    assert client.get("/events/utkast/program/").status_code == 404


def test_the_session_page(client, world, db):
    room = world["rooms"][0]
    room.accessibility_notes = "Hörslinga och ramp vid entrén"
    db.session.commit()
    releases.publish(world["event"], confirm_conflicts=True)
    keynote = world["sessions"]["keynote"]
    html = text(client.get(f"/events/summit27/program/sessions/{keynote.token}"))
    assert "<h1" in html and "Öppning: social innovation i Sverige" in html
    assert "Kommun &amp; civilsamhälle: när 3 &lt; 5" in html  # the abstract, escaped
    assert "Stora salen, Folkets hus" in html
    assert "Hörslinga och ramp vid entrén" in html
    assert "Tisdag 18 maj, 09:00–09:45" in html  # Stockholm time, in Swedish
    speaker = db.session.query(SpeakerProfile).filter_by(user_id=world["asa"].id).one()
    assert f'href="/events/summit27/program/speakers/{speaker.page_token}"' in html
    assert f"/events/summit27/program/sessions/{keynote.token}.ics" in html


def test_speaker_pages(client, world, db):
    asa = db.session.query(SpeakerProfile).filter_by(user_id=world["asa"].id).one()
    asa.title, asa.organisation, asa.pronouns = "Forskare", "Malmö universitet", "hon/henne"
    asa.bio = "Forskar om <b>samskapande</b>."
    db.session.commit()
    releases.publish(world["event"], confirm_conflicts=True)
    listing = text(client.get(PROGRAM + "speakers/"))
    assert "Åsa Öberg" in listing and "Per Ähnlund" in listing
    assert listing.index("Per Ähnlund") < listing.index("Åsa Öberg")  # by name (Å last)
    html = text(client.get(f"{PROGRAM}speakers/{asa.page_token}"))
    assert "Forskare, Malmö universitet" in html and "hon/henne" in html
    assert "Forskar om &lt;b&gt;samskapande&lt;/b&gt;." in html
    assert titles(html) == [
        "Öppning: social innovation i Sverige",
        "Verkstad: tjänstedesign",
        "Avslutning",
    ]


def test_a_speakers_new_photo_shows_without_a_new_release(client, world, db):
    asa = world["asa"]
    set_photo(asa, image_bytes("PNG", size=(300, 300)))
    releases.publish(world["event"], confirm_conflicts=True)
    profile = db.session.query(SpeakerProfile).filter_by(user_id=asa.id).one()
    page = text(client.get(f"{PROGRAM}speakers/{profile.page_token}"))
    photo_url = f"{PROGRAM}speakers/{profile.page_token}/photo"
    assert f'src="{photo_url}"' in page
    first = client.get(photo_url)
    assert first.status_code == 200 and first.mimetype.startswith("image/")
    assert (
        client.get(photo_url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    )

    set_photo(asa, image_bytes("JPEG", size=(200, 200)))  # after the release
    again = client.get(photo_url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.data != first.data
    # Only published speakers' photos are served here.
    assert client.get(f"{PROGRAM}speakers/not-a-speaker-token/photo").status_code == 404


def test_the_public_changelog(client, world, db):
    moved = world["sessions"]["parallel_b"]
    moved.starts_at = at(11)
    db.session.delete(world["sessions"]["closing"])
    db.session.commit()
    releases.publish(world["event"], note="Design flyttad till 11.", confirm_conflicts=True)
    html = text(client.get(PROGRAM + "changes"))
    assert "Design flyttad till 11." in html
    assert re.search(r"10:00–10:30 · Lilla salen.*?→.*?11:00–11:30 · Lilla salen", html, re.S)
    assert "Avslutning" in html
    assert html.index("prog-change-moved") < html.index("release-1")


def test_conditional_requests_are_answered_304_without_rendering(client, world):
    first = client.get(PROGRAM)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    with statements() as sent:
        again = client.get(PROGRAM, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    # The event and the release stamp: no snapshot read, nothing rendered.
    assert len(sent) <= 2
    assert not any("snapshot" in sql for sql in sent)
    since = client.get(PROGRAM, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    older = client.get(PROGRAM, headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})
    assert older.status_code == 200


def test_every_public_page_has_an_etag_that_depends_on_the_page(client, world, db):
    keynote = world["sessions"]["keynote"]
    asa = db.session.query(SpeakerProfile).filter_by(user_id=world["asa"].id).one()
    paths = [
        PROGRAM,
        PROGRAM + "?day=2027-05-19",
        PROGRAM + "?track=design",
        f"{PROGRAM}sessions/{keynote.token}",
        PROGRAM + "speakers/",
        f"{PROGRAM}speakers/{asa.page_token}",
        PROGRAM + "changes",
        PROGRAM + "tracks.css",
    ]
    etags = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers.get("ETag") and response.headers.get("Last-Modified"), path
        etags[path] = response.headers["ETag"]
        assert client.get(path, headers={"If-None-Match": etags[path]}).status_code == 304
    assert len(set(etags.values())) == len(paths)
    english = client.get(PROGRAM, headers={"Accept-Language": "en"})
    assert english.headers["ETag"] != etags[PROGRAM]


def test_a_new_release_changes_the_etag(client, world, db):
    first = client.get(PROGRAM)
    world["sessions"]["parallel_b"].title = "Design för alla, version 2"
    db.session.commit()
    releases.publish(world["event"], confirm_conflicts=True)
    again = client.get(PROGRAM, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]
    assert "Design för alla, version 2" in text(again)


def test_signing_in_changes_the_page_and_its_etag(client, world, make_user, login):
    anonymous = client.get(PROGRAM)
    login(make_user("attendee@example.org", name="Deltagare"))
    signed_in = client.get(PROGRAM, headers={"If-None-Match": anonymous.headers["ETag"]})
    assert signed_in.status_code == 200  # not the anonymous page from the cache
    assert signed_in.headers["Cache-Control"] == "private, no-cache"


def test_the_program_page_costs_a_few_queries_whatever_its_size(client, world, db):
    rooms = world["rooms"]
    event = world["event"]
    for i in range(40):
        session(event, f"Extra {i}", [world["asa"]], rooms[i % 3], at(9 + i // 6, 0, day=i % 3), 20)
    session(event, "Fika", [], rooms[1], at(15, 30), 30, kind=SessionKind.BREAK)
    releases.publish(event, confirm_conflicts=True)
    client.get(PROGRAM)  # the release is parsed once per process
    for query in ("", "?day=2027-05-19", "?day=2027-05-20&track=innovation"):
        with statements() as sent:
            response = client.get(PROGRAM + query)
        assert response.status_code == 200
        assert len(sent) <= 3, sent


def test_the_track_colours_are_a_stylesheet(client, world):
    response = client.get(PROGRAM + "tracks.css")
    assert response.mimetype == "text/css"
    assert ".track-0 { --track: #8b1f5f; }" in text(response)
    assert ".track-1 { --track: #1f5f8b; }" in text(response)
