"""Issue 12 ("day-one trust"), the call for speakers' part: /cfp/ leads to the call,
the shared confirm link after a co-speaker answered, declining for everyone, the slot
on the proposal page, and an error summary that lists every error."""

import re

import pytest
from sqlalchemy import select

from summit.models import OutboxMessage, ProposalState, Role
from summit.services.outbox import deliver_pending
from tests.conftest import STOCKHOLM, csrf_token, sign_in
from tests.smtp import running_smtp


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


# 12: the shared confirm link -----------------------------------------------------------------


@pytest.fixture
def accepted(app, db, make_event, make_call, make_user, make_profile, make_proposal, grant):
    """An accepted proposal of Bo (Swedish) with Ada (English) as co-speaker, the decision
    mails delivered: returns the proposal, the people and each speaker's confirm link."""
    from summit.models import DecisionKind
    from summit.services.cfp.decisions import decide

    event = make_event(slug="summit27")
    call = make_call(event)
    bo = make_user("bo@example.org", name="Bo Ek", locale="sv")
    make_profile(bo, "Bo Ek", language="sv")
    ada = make_user("ada@example.org", name="Ada Lind", locale="en")
    make_profile(ada, "Ada Lind", language="en")
    organizer = grant(make_user("org@example.org", name="Olga Org"), event, Role.ORGANIZER)
    proposal = make_proposal(call, bo, co_speakers=[ada])
    decide([proposal], DecisionKind.ACCEPTED, organizer)
    with running_smtp(app) as smtp:
        deliver_pending()
    links = {}
    for message in smtp.messages:
        body = message.get_body(("plain",)).get_content()
        for url in re.findall(r"https?://\S+", body):
            if "/speakers/respond/" in url:
                links[message["To"]] = url.replace("http://summit.test", "")
    assert sorted(links) == ["ada@example.org", "bo@example.org"]
    return {"proposal": proposal, "bo": bo, "ada": ada, "organizer": organizer, "links": links}


def browser(app, language=None):
    other = app.test_client()
    if language:
        other.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return other


def answer(client, link, **data):
    return client.post(link, data=dict(data, csrf_token=csrf_token(client, link)))


@pytest.mark.parametrize(
    ("language", "words", "see"),
    [("sv", "Bo Ek bekräftade", "Se förslaget"), ("en", "Bo Ek confirmed", "See the proposal")],
)
def test_the_co_speaker_is_told_who_confirmed_and_when(app, db, accepted, language, words, see):
    from summit.services.cfp import proposals as cfp

    bo_browser = browser(app, "sv")
    confirmed = answer(bo_browser, accepted["links"]["bo@example.org"], yes="1")
    assert confirmed.status_code == 302
    proposal = cfp.get_proposal(accepted["proposal"].token)
    assert proposal.state is ProposalState.CONFIRMED
    assert proposal.responded_by_id == accepted["bo"].id
    when = proposal.responded_at.astimezone(STOCKHOLM)

    response = browser(app, language).get(accepted["links"]["ada@example.org"])
    assert response.status_code == 200
    html = text(response)
    assert f'<html lang="{language}"' in html
    assert words in html
    assert str(when.year) in html and when.strftime("%H:%M") in html
    assert f'href="/events/summit27/speakers/proposals/{proposal.token}"' in html
    assert see in html
    assert "Länken kan inte användas" not in html and "cannot be used" not in html
    assert 'name="yes"' not in html  # nothing to answer any more
    # Bo, reloading his own link, sees the same.
    again = browser(app, language).get(accepted["links"]["bo@example.org"])
    assert words in text(again)


def test_once_published_the_used_link_shows_the_slot(app, db, accepted):
    from summit.models import ProgramSession
    from summit.services.program import releases
    from tests.schedule_world import at, program

    answer(browser(app), accepted["links"]["bo@example.org"], yes="1")
    event = accepted["proposal"].event
    rooms = program(event)
    talk = db.session.scalars(select(ProgramSession)).one()
    talk.room_id, talk.starts_at = rooms[0].id, at(9)
    db.session.commit()
    releases.publish(event)
    html = text(browser(app, "en").get(accepted["links"]["ada@example.org"]))
    assert "Tuesday 18 May 2027 09:00–09:20, Stora salen" in html
    assert "waiting to be scheduled" not in html


def test_signed_in_the_page_is_in_the_accounts_language(app, db, accepted):
    answer(browser(app), accepted["links"]["bo@example.org"], yes="1")
    ada = browser(app, "sv")  # a Swedish browser, an English account
    sign_in(ada, accepted["ada"])
    html = text(ada.get(accepted["links"]["ada@example.org"]))
    assert '<html lang="en"' in html and "Bo Ek confirmed" in html


def test_declining_asks_first_then_declines_for_all_and_tells_the_others(app, db, accepted):
    from summit.services.cfp import proposals as cfp

    ada = browser(app, "en")
    link = accepted["links"]["ada@example.org"]
    told = len(mails_to(db, "bo@example.org"))  # the decision
    asked = answer(ada, link, no="1")
    assert asked.status_code == 200
    html = text(asked)
    assert "for all speakers" in html and "Bo Ek" in html and "Ada Lind" in html
    assert re.search(r'<button[^>]*name="no"[^>]*>', html)
    assert 'name="decline_for_all"' in html
    assert cfp.get_proposal(accepted["proposal"].token).state is ProposalState.ACCEPTED
    assert len(mails_to(db, "bo@example.org")) == told  # nothing declined, nobody told

    declined = answer(ada, link, no="1", decline_for_all="1")
    assert declined.status_code == 302
    proposal = cfp.get_proposal(accepted["proposal"].token)
    assert proposal.state is ProposalState.DECLINED
    assert proposal.responded_by_id == accepted["ada"].id

    with running_smtp(app) as smtp:
        deliver_pending()
    received = {m["To"]: m for m in smtp.messages}
    assert sorted(received) == ["bo@example.org", "org@example.org"]  # not Ada herself
    bo = received["bo@example.org"]  # Swedish
    for part in (bo.get_body(("plain",)).get_content(), bo.get_body(("html",)).get_content()):
        assert "Ada Lind har tackat nej" in part
        assert proposal.title in part
        assert f"http://summit.test/events/summit27/speakers/proposals/{proposal.token}" in part
    organizer = received["org@example.org"]
    assert "Ada Lind" in organizer.get_body(("plain",)).get_content()

    # Bo opens his link afterwards: told, not refused.
    html = text(browser(app, "sv").get(accepted["links"]["bo@example.org"]))
    assert "Ada Lind tackade nej" in html


def test_a_made_up_link_is_refused_in_the_readers_language(app, db, accepted):
    response = browser(app, "en").get("/events/summit27/speakers/respond/" + "x" * 43)
    assert response.status_code == 404
    assert "The link cannot be used" in text(response)


# 19: the profile form's error summary lists every error ------------------------------------


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ("Name", "Short bio", "Pronouns (optional)", "Photo (optional)")),
        ("sv", ("Namn", "Kort presentation", "Pronomen (frivilligt)", "Foto (frivilligt)")),
    ],
)
def test_the_profile_forms_summary_lists_every_error_with_its_label(
    client, db, make_event, make_call, make_user, language, labels
):
    import io

    from summit.models import SpeakerProfile

    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    make_call(make_event(slug="summit27"))
    sign_in(client, make_user("bo@example.org", name="Bo Ek"))
    page = "/events/summit27/speakers/profile"
    response = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            "display_name": "   ",
            "bio": "x" * 1001,
            "pronouns": "p" * 41,
            "preferred_language": "sv",
            "photo": (io.BytesIO(b"not an image"), "me.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</ul>', text(response))
    assert summary, text(response)
    items = re.findall(r'<li><a href="#([\w-]+)">([^<]+)</a></li>', summary.group(0))
    assert [target for target, _words in items] == ["display_name", "bio", "pronouns", "photo"]
    for (_target, words), label in zip(items, labels, strict=True):
        assert words.startswith(label + ":"), words
    assert db.session.scalars(select(SpeakerProfile)).all() == []  # nothing stored
