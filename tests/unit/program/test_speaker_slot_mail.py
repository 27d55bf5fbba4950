"""Issue 12, point 11: every speaker and co-speaker is told where and when they speak
the first time their session is in a published release, and again when it moves,
changes room or is removed: one email per person per release, in their language,
through the outbox, read here as the recipient gets it from a real SMTP server."""

import pytest

from summit.models import ProposalState
from summit.services.cfp.confirmation import create_session
from summit.services.outbox import deliver_pending
from summit.services.program import releases
from tests.schedule_world import at, program, session
from tests.smtp import app_config, running_smtp


@pytest.fixture
def event(make_event):
    return make_event(slug="summit27")


@pytest.fixture
def rooms(event):
    return program(event)


@pytest.fixture
def people(make_user, make_profile):
    ada = make_user("ada@example.org", name="Ada Lind")
    make_profile(ada, "Ada Lind", language="en")
    bo = make_user("bo@example.org", name="Bo Ek")
    make_profile(bo, "Bo Ek", language="sv")
    cy = make_user("cy@example.org", name="Cy Berg")  # no profile: Swedish
    return {"ada": ada, "bo": bo, "cy": cy}


def delivered(app) -> dict[str, tuple[str, str, str]]:
    """The program mails the SMTP server received (not the speaker tickets' order
    confirmations): address -> (subject, text, html)."""
    with running_smtp(app) as smtp:
        deliver_pending()
    result = {}
    for message in smtp.messages:
        if message.get_body(("plain",)).get_content().count("/program/sessions/") == 0 and (
            "Panelen" not in message.get_body(("plain",)).get_content()
        ):
            continue
        assert message["To"] not in result, "one mail per person per release"
        result[message["To"]] = (
            message["Subject"],
            message.get_body(("plain",)).get_content(),
            message.get_body(("html",)).get_content(),
        )
    return result


def test_the_first_release_tells_every_speaker_where_and_when(
    app, db, event, rooms, people, make_call, make_proposal
):
    call = make_call(event)
    proposal = make_proposal(
        call, people["bo"], state=ProposalState.CONFIRMED, co_speakers=[people["ada"]]
    )
    talk = create_session(proposal, at(8))
    talk.room_id, talk.starts_at = rooms[1].id, at(10, 30)
    keynote = session(event, "Öppning", [people["ada"]], rooms[0], at(9), 45)
    session(event, "Lunch", [], rooms[0], at(12), 60)
    db.session.commit()
    with app_config(app, CONTACT_EMAIL="program@motesplats.example"):
        releases.publish(event)
    mails = delivered(app)
    assert sorted(mails) == ["ada@example.org", "bo@example.org"]

    subject, body, html = mails["ada@example.org"]  # English, two sessions in one mail
    assert "Test event" in subject
    for part in (body, html):
        assert "Tuesday 18 May 2027 09:00–09:45, Stora salen" in part
        assert "Tuesday 18 May 2027 10:30–10:50, Lilla salen" in part
        assert f"http://summit.test/events/summit27/program/sessions/{keynote.token}" in part
        assert f"http://summit.test/events/summit27/program/sessions/{talk.token}" in part
        assert f"http://summit.test/events/summit27/speakers/proposals/{proposal.token}" in part
        assert "program@motesplats.example" in part
    assert "“Öppning”" in body and "”Öppning”" not in body  # English quotes in English

    subject, body, html = mails["bo@example.org"]  # Swedish, one session
    assert "Testevenemang" in subject
    assert "tisdag 18 maj 2027 10:30–10:50, Lilla salen" in body
    assert "Öppning" not in body
    assert f"”{proposal.title}”" in body and "“" not in body  # Swedish quotes in Swedish
    assert "program@motesplats.example" in body and "program@motesplats.example" in html


def test_later_releases_tell_who_is_new_moved_or_removed_and_nobody_else(
    app, db, event, rooms, people, make_user
):
    organizer = make_user("org@example.org", name="Olga Org")
    talk = session(event, "Samskapande", [people["ada"]], rooms[0], at(9), 30)
    panel = session(event, "Panelen", [people["bo"]], rooms[1], at(9), 45)
    still = session(event, "Orörd", [people["cy"]], rooms[0], at(10), 30)
    releases.publish(event)
    delivered(app)  # release 1's mails

    talk.room_id = rooms[1].id  # Ada: same time, another room
    talk.starts_at = at(14)
    db.session.delete(panel)  # Bo: removed
    still.speakers.append(type(still.speakers[0])(user_id=people["bo"].id, position=1))  # Bo: new
    still.title = "Orörd, ny titel"  # Cy: only a new title, no mail
    db.session.commit()
    releases.publish(event, by=organizer)  # no CONTACT_EMAIL: who published is named
    mails = delivered(app)
    assert sorted(mails) == ["ada@example.org", "bo@example.org"]
    _subject, body, html = mails["ada@example.org"]
    assert "“Samskapande”" in body  # English quotes in English
    assert "Before: Tuesday 18 May 2027 09:00–09:30, Stora salen" in body
    assert "Now: Tuesday 18 May 2027 14:00–14:30, Lilla salen" in body
    assert "Write to org@example.org." in body and "Write to org@example.org." in html
    _subject, body, html = mails["bo@example.org"]  # one mail, both changes
    assert "”Panelen”" in body and "“" not in body  # Swedish quotes in Swedish
    assert "Skriv till org@example.org." in body
    assert "Panelen" in body and "tisdag 18 maj 2027 09:00–09:45, Lilla salen" in body
    assert "Orörd, ny titel" in body and "tisdag 18 maj 2027 10:00–10:30, Stora salen" in body
    assert "Orörd, ny titel" in html

    releases.publish(event)  # nothing changed: nobody is mailed
    assert delivered(app) == {}
