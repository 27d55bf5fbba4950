"""Issue 12 ("day-one trust"), the call for speakers' part: /cfp/ leads to the call,
the shared confirm link after a co-speaker answered, declining for everyone, the slot
on the proposal page, and an error summary that lists every error."""

import re

import pytest
from sqlalchemy import select

from summit.models import OutboxMessage, ProposalState
from tests.conftest import sign_in


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def mails_to(db, address):
    db.session.commit()
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
    ).all()


# 17: /cfp/ is the call for speakers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/events/summit27/cfp/", "/events/summit27/speakers/"),
        ("/events/summit27/cfp", "/events/summit27/speakers/"),
        ("/events/summit27/cfp/proposals/", "/events/summit27/speakers/proposals/"),
        ("/events/summit27/cfp/profile?next=/x", "/events/summit27/speakers/profile?next=/x"),
    ],
)
def test_the_cfp_address_leads_to_the_call_for_speakers(
    client, make_event, make_call, path, target
):
    make_call(make_event(slug="summit27"))
    response = client.get(path)
    assert response.status_code in (301, 308)
    assert response.location == target
    assert client.get(target.split("?")[0]).status_code in (200, 302)


def test_the_cfp_address_of_an_unknown_event_is_still_404(client):
    response = client.get("/events/nope/cfp/")
    assert response.status_code in (301, 308)
    assert client.get(response.location).status_code == 404


# 11: the slot on the proposal pages ------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "waiting", "slot"),
    [
        ("sv", "väntar på att läggas in i schemat", "tisdag 18 maj 2027 10:30–10:50, Lilla salen"),
        ("en", "waiting to be scheduled", "Tuesday 18 May 2027 10:30–10:50, Lilla salen"),
    ],
)
def test_a_confirmed_proposal_shows_its_published_slot(
    client, db, make_event, make_call, make_user, make_proposal, language, waiting, slot
):
    from summit.services.cfp.confirmation import create_session
    from summit.services.program import releases
    from tests.schedule_world import at, program

    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    event = make_event(slug="summit27")
    rooms = program(event)
    bo = make_user("bo@example.org", name="Bo Ek")
    proposal = make_proposal(make_call(event), bo, state=ProposalState.CONFIRMED)
    talk = create_session(proposal, at(8))
    db.session.commit()
    sign_in(client, bo)
    page = f"/events/summit27/speakers/proposals/{proposal.token}"
    assert waiting in text(client.get(page))  # not scheduled yet
    talk.room_id, talk.starts_at = rooms[1].id, at(10, 30)
    db.session.commit()
    assert waiting in text(client.get(page))  # scheduled, but not published
    releases.publish(event)
    for path in (page, "/events/summit27/speakers/proposals/"):
        html = text(client.get(path))
        assert slot in html, path
        assert waiting not in html
        assert f'href="/events/summit27/program/sessions/{talk.token}"' in html
    # A later release that moves it: the page follows the latest release only.
    talk.starts_at = at(15)
    db.session.commit()
    assert slot in text(client.get(page))
    releases.publish(event)
    assert slot.replace("10:30–10:50", "15:00–15:20") in text(client.get(page))
