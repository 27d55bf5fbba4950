"""Rating a session in the browser's words: from the session page (signed in) and from
the personal link, refused for who did not attend, and the results for organizers and
speakers without anybody's name."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from summit.models import Role, SessionRating
from summit.services.feedback import links
from tests.conftest import csrf_token, sign_in
from tests.feedback_world import FIRST_AFTERNOON, summit_with_attendees

SESSION = "/events/summit27/program/sessions/{token}"


@pytest.fixture
def world(app, db, make_event, make_user, clock):
    event = make_event(slug="summit27")
    made = summit_with_attendees(event, make_user) | {"event": event}
    clock.stop(FIRST_AFTERNOON)  # after publishing: releases are cached by their time
    return made


def ratings(db):
    db.session.rollback()
    return db.session.execute(
        select(SessionRating.ticket_id, SessionRating.score, SessionRating.comment).order_by(
            SessionRating.id
        )
    ).all()


def rate_url(world, name="keynote"):
    return SESSION.format(token=world["sessions"][name].token) + "/rate"


def send(client, url, **form):
    return client.post(url, data={"csrf_token": csrf_token(client, url), **form})


def test_the_session_page_invites_and_the_rating_is_one_per_person(client, db, world, login):
    page = client.get(SESSION.format(token=world["sessions"]["keynote"].token))
    assert rate_url(world) in page.get_data(as_text=True)
    lunch = client.get(SESSION.format(token=world["sessions"]["lunch"].token))
    assert "/rate" not in lunch.get_data(as_text=True)
    login(world["eva"])
    form = client.get(rate_url(world))
    assert form.status_code == 200 and "Betygsätt programpunkten" in form.get_data(as_text=True)
    done = send(client, rate_url(world), score="4", comment="Inspirerande!")
    assert done.status_code == 303
    assert "Tack! Ditt betyg" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert ratings(db) == [(world["eva_ticket"].id, 4, "Inspirerande!")]
    again = client.get(rate_url(world)).get_data(as_text=True)
    assert re.search(r'<input[^>]*(checked[^>]*value="4"|value="4"[^>]*checked)', again)
    send(client, rate_url(world), score="2", comment="")
    assert ratings(db) == [(world["eva_ticket"].id, 2, "")]


@pytest.mark.parametrize("who", ["olle", "asa"])
def test_who_was_not_checked_in_is_refused_403(client, db, world, login, who):
    login(world[who])
    assert client.get(rate_url(world)).status_code == 403
    refused = send(client, rate_url(world), score="5")
    assert refused.status_code == 403
    assert "Bara deltagare som checkats in" in refused.get_data(as_text=True)
    assert ratings(db) == []


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(rate_url(world))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_not_started_unknown_and_pauses(client, db, world, login):
    login(world["eva"])
    closing = client.get(rate_url(world, "closing"))
    assert closing.status_code == 200
    assert "när den har börjat" in closing.get_data(as_text=True)
    assert send(client, rate_url(world, "closing"), score="5").status_code == 409
    assert client.get(rate_url(world, "lunch")).status_code == 404
    assert client.get(SESSION.format(token="nope") + "/rate").status_code == 404
    assert ratings(db) == []


def _a_score(text: str) -> bool:
    """What the form reads as a score from 1 to 5 (int() allows spaces and signs)."""
    try:
        return 1 <= int(text) <= 5
    except ValueError:
        return False


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    score=st.one_of(
        st.text(max_size=8).filter(lambda text: not _a_score(text)),
        st.integers(-(2**70), 2**70).filter(lambda n: not 1 <= n <= 5).map(str),
        st.sampled_from(["", "0", "6", "4.5", "3\x00", "tre"]),
    ),
    comment=st.one_of(st.text(max_size=30), st.just("x" * 2001), st.just("a\x00b")),
)
def test_bad_input_is_4xx_and_changes_nothing(app, db, world, score, comment):
    client = app.test_client()
    sign_in(client, world["eva"])
    before = ratings(db)
    response = send(client, rate_url(world), score=score, comment=comment)
    assert 400 <= response.status_code < 500, (score, comment, response.status_code)
    assert ratings(db) == before


def test_without_the_csrf_token_nothing_is_stored(client, db, world, login):
    login(world["eva"])
    assert client.post(rate_url(world), data={"score": "5"}).status_code in (400, 422)
    assert ratings(db) == []


def test_the_personal_link_needs_no_sign_in(client, db, world):
    token = links.link_token(world["eva_ticket"])
    page = client.get(f"/events/summit27/program/feedback/{token}/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Tack för att du kom, Eva Ek!" in html
    assert page.headers["Cache-Control"] == "private, no-store"
    url = f"/events/summit27/program/feedback/{token}/{world['sessions']['parallel_a'].token}"
    assert url in html and "Avslutning" not in html  # not started yet
    done = send(client, url, score="5", comment="")
    assert done.status_code == 303
    assert "Ditt betyg: 5 av 5" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert ratings(db) == [(world["eva_ticket"].id, 5, "")]
    # A link of a ticket not checked in, and links that are not ours.
    olle = links.link_token(world["olle_ticket"])
    assert client.get(f"/events/summit27/program/feedback/{olle}/").status_code == 403
    assert (
        send(
            client,
            f"/events/summit27/program/feedback/{olle}/{world['sessions']['keynote'].token}",
            score="3",
        ).status_code
        == 403
    )
    for forged in (token[:-3] + "abc", "x", "a" * 300):
        assert client.get(f"/events/summit27/program/feedback/{forged}/").status_code == 404
    assert ratings(db) == [(world["eva_ticket"].id, 5, "")]


def _rated(client, db, world, login):
    login(world["eva"])
    send(client, rate_url(world, "parallel_a"), score="2", comment="Svårt att höra i salen.")
    send(client, rate_url(world), score="5", comment="Bästa öppningen hittills.")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_organizers_see_every_session_without_names(client, db, world, login, make_user, grant):
    _rated(client, db, world, login)
    organizer = grant(make_user("org@example.org"), world["event"], Role.ORGANIZER)
    login(organizer)
    page = client.get("/manage/events/summit27/program/feedback")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Svårt att höra i salen." in html and "Bästa öppningen hittills." in html
    assert "Medel 5,0 av 5" in html and "Medel 2,0 av 5" in html
    assert "Eva" not in html and "eva@example.org" not in html


def test_a_speaker_sees_their_own_sessions_only_and_no_names(client, db, world, login):
    _rated(client, db, world, login)
    login(world["per"])  # speaks in "Samskapande i praktiken" and the workshop
    page = client.get("/events/summit27/speakers/feedback")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Samskapande i praktiken" in html and "Svårt att höra i salen." in html
    assert "Öppning" not in html and "Bästa öppningen" not in html
    assert "Eva" not in html and "eva@example.org" not in html


def test_someone_who_speaks_nowhere_sees_nothing(client, db, world, login):
    _rated(client, db, world, login)
    login(world["olle"])
    html = client.get("/events/summit27/speakers/feedback").get_data(as_text=True)
    assert "Du talar inte i någon programpunkt" in html and "Svårt att höra" not in html
