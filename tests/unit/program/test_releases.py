"""Publishing the program: numbered releases, frozen snapshots, the changelog, and the
emails to speakers whose sessions moved."""

import pytest
from sqlalchemy import delete, func, select

from summit.models import (
    Order,
    OrderStatus,
    OutboxMessage,
    ProgramRelease,
    SessionKind,
    Ticket,
    TicketType,
)
from summit.services.outbox import deliver_pending
from summit.services.program import releases
from summit.services.program.errors import ProgramError
from summit.services.program.published import published_program
from tests.schedule_world import at, program, session
from tests.smtp import running_smtp


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
    cy = make_user("cy@example.org", name="Cy Berg")
    return {"ada": ada, "bo": bo, "cy": cy}


@pytest.fixture
def sessions(event, rooms, people):
    return {
        "talk": session(event, "Samskapande", [people["ada"]], rooms[0], at(9), 30),
        "panel": session(event, "Panelen", [people["bo"], people["cy"]], rooms[1], at(9), 45),
        "still": session(event, "Orörd", [people["cy"]], rooms[0], at(10), 30),
        "lunch": session(event, "Lunch", [], rooms[0], at(12), 60, kind=SessionKind.LUNCH),
    }


def outbox(db):
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.to_address)).all()


def told_and_cleared(db) -> list[str]:
    """Who release 1 told where and when they speak; the outbox emptied for what follows."""
    told = [m.to_address for m in outbox(db)]
    db.session.execute(delete(OutboxMessage))
    db.session.commit()
    return told


def release_count(db, event):
    return db.session.scalar(
        select(func.count()).select_from(ProgramRelease).where(ProgramRelease.event_id == event.id)
    )


def test_releases_are_numbered_per_event(db, event, sessions, make_event, people):
    other = make_event(slug="seminar")
    other_room = program(other, rooms=("Salen",))[0]
    session(other, "Seminariet", [people["ada"]], other_room, at(9), 30)
    assert [releases.publish(event).number for _ in range(3)] == [1, 2, 3]
    assert releases.publish(other).number == 1
    assert [r.number for r in releases.releases_of(event)] == [3, 2, 1]
    assert releases.release(event, 2).number == 2
    assert releases.release(event, 4) is None
    assert releases.release(event, "2") is None
    assert releases.release(other, 3) is None


def test_the_published_program_is_frozen_until_the_next_release(db, event, sessions, rooms):
    first = releases.publish(event, note="Första versionen")
    assert first.note == "Första versionen"
    talk = sessions["talk"]
    talk.title = "Nytt namn"
    talk.starts_at = at(11)
    session(event, "Ny i arbetsprogrammet", [], rooms[1], at(14), 30)
    db.session.commit()

    shown = published_program(event)
    assert shown.number == 1
    assert shown.session(talk.token).title == "Samskapande"
    assert shown.session(talk.token).starts_at == at(9)
    assert "Ny i arbetsprogrammet" not in [s.title for s in shown.sessions]

    releases.publish(event)
    shown = published_program(event)
    assert shown.number == 2
    assert shown.session(talk.token).title == "Nytt namn"
    assert "Ny i arbetsprogrammet" in [s.title for s in shown.sessions]
    assert releases.release(event, 1).snapshot["sessions"][0]["title"] == "Samskapande"


def test_the_changelog_lists_what_moved_between_releases(db, event, sessions, rooms, people):
    first = releases.publish(event)
    assert first.changes == []  # the first release is the program itself
    sessions["talk"].starts_at = at(11)  # moved in time
    sessions["panel"].room_id = rooms[0].id  # moved to another room...
    sessions["panel"].starts_at = at(13)
    sessions["still"].title = "Omdöpt"
    sessions["still"].speakers[0].user_id = people["ada"].id
    db.session.delete(sessions["lunch"])
    added = session(event, "Nykomling", [], rooms[1], at(15), 20)
    db.session.commit()

    second = releases.publish(event)
    by_kind = {(c["change"], c["title"]): c for c in second.changes}
    assert set(by_kind) == {
        ("moved", "Samskapande"),
        ("moved", "Panelen"),
        ("retitled", "Omdöpt"),
        ("speakers", "Omdöpt"),
        ("removed", "Lunch"),
        ("added", "Nykomling"),
    }
    moved = by_kind[("moved", "Samskapande")]
    assert moved["token"] == sessions["talk"].token
    assert moved["before"] == {
        "starts_at": at(9).astimezone(moved_tz()).isoformat(),
        "ends_at": at(9, 30).astimezone(moved_tz()).isoformat(),
        "room": "Stora salen",
    }
    assert moved["after"]["starts_at"] == at(11).astimezone(moved_tz()).isoformat()
    assert by_kind[("moved", "Panelen")]["before"]["room"] == "Lilla salen"
    assert by_kind[("moved", "Panelen")]["after"]["room"] == "Stora salen"
    assert by_kind[("retitled", "Omdöpt")]["before"] == {"title": "Orörd"}
    assert by_kind[("speakers", "Omdöpt")]["before"] == {"speakers": ["Cy Berg"]}
    assert by_kind[("speakers", "Omdöpt")]["after"] == {"speakers": ["Ada Lind"]}
    assert by_kind[("removed", "Lunch")]["after"] is None
    assert by_kind[("added", "Nykomling")]["token"] == added.token
    # In time order, the way a reader scans them.
    starts = [(c["after"] or c["before"] or {}).get("starts_at") for c in second.changes]
    assert [s for s in starts if s] == sorted(s for s in starts if s)
    # Unchanged program: an empty changelog.
    assert releases.publish(event).changes == []


def moved_tz():
    from datetime import UTC

    return UTC


def test_the_sequence_goes_up_only_for_sessions_that_changed(db, event, sessions):
    releases.publish(event)
    sessions["talk"].starts_at = at(11)
    db.session.commit()
    releases.publish(event)
    releases.publish(event)  # nothing changed: no bump
    shown = published_program(event)
    assert shown.session(sessions["talk"].token).sequence == 1
    assert shown.session(sessions["panel"].token).sequence == 0


def test_speakers_of_moved_or_removed_sessions_get_an_email(app, db, event, sessions, people):
    releases.publish(event)
    # Release 1 tells every speaker where and when (tests/unit/program/test_speaker_slot_mail.py).
    assert told_and_cleared(db) == ["ada@example.org", "bo@example.org", "cy@example.org"]
    sessions["talk"].starts_at = at(14)  # Ada (English)
    db.session.delete(sessions["panel"])  # Bo (Swedish) and Cy (no profile)
    sessions["still"].title = "Bara ny titel"  # Cy again, but a new title is no move
    db.session.commit()

    releases.publish(event)
    mails = outbox(db)
    assert [m.to_address for m in mails] == ["ada@example.org", "bo@example.org", "cy@example.org"]
    ada, bo, cy = mails
    assert "Samskapande" in ada.body_text and "Panelen" not in ada.body_text
    assert "Before: Tuesday 18 May 2027 09:00–09:30, Stora salen" in ada.body_text
    assert "Now: Tuesday 18 May 2027 14:00–14:30, Stora salen" in ada.body_text
    assert f"/events/summit27/program/sessions/{sessions['talk'].token}" in ada.body_text
    assert "Test event" in ada.subject  # the event's English name for Ada
    assert "Panelen" in bo.body_text and "Samskapande" not in bo.body_text
    assert "tisdag 18 maj 2027 09:00–09:45, Lilla salen" in bo.body_text  # in Swedish
    assert "Testevenemang" in bo.subject
    assert "/program/sessions/" not in bo.body_text  # a removed session has no page
    assert "Bara ny titel" not in cy.body_text and "Panelen" in cy.body_text

    with running_smtp(app) as smtp:
        report = deliver_pending()
    assert report.sent == 3
    assert sorted(m["To"] for m in smtp.messages) == [
        "ada@example.org",
        "bo@example.org",
        "cy@example.org",
    ]


def test_the_organizer_who_published_gets_the_replies(db, event, sessions, make_user):
    organizer = make_user("org@example.org", name="Olga")
    releases.publish(event, by=organizer)
    assert {m.reply_to for m in outbox(db)} == {"org@example.org"}
    told_and_cleared(db)
    sessions["talk"].starts_at = at(14)
    db.session.commit()
    second = releases.publish(event, by=organizer)
    assert second.published_by_id == organizer.id
    [mail] = outbox(db)
    assert mail.reply_to == "org@example.org"


def test_unconfirmed_conflicts_are_refused_and_nothing_is_written(db, event, sessions, rooms):
    releases.publish(event)
    told_and_cleared(db)
    sessions["talk"].starts_at = at(14)
    session(event, "Krock", [], rooms[0], at(14), 30)  # same room, same time
    db.session.commit()
    with pytest.raises(ProgramError) as refused:
        releases.publish(event)
    assert refused.value.reason == "unconfirmed_conflicts"
    assert refused.value.params["n"] == 1
    assert "1 conflicts" in refused.value.message or "1 konflikt" in refused.value.message
    assert release_count(db, event) == 1
    assert outbox(db) == []

    confirmed = releases.publish(event, confirm_conflicts=True)
    assert confirmed.number == 2 and confirmed.conflicts_at_publish == 1
    assert len(outbox(db)) == 1


def test_nothing_scheduled_is_nothing_to_publish(db, event, rooms):
    session(event, "Ej schemalagd")
    with pytest.raises(ProgramError) as refused:
        releases.publish(event)
    assert refused.value.reason == "nothing_to_publish"
    assert release_count(db, event) == 0


def test_a_too_long_note_is_refused(db, event, sessions):
    with pytest.raises(ProgramError) as refused:
        releases.publish(event, note="x" * 2001)
    assert refused.value.field == "note"
    assert release_count(db, event) == 0


def test_the_preview_shows_the_changes_and_stores_nothing(db, event, sessions, make_user, rooms):
    first = releases.preview(event)
    assert first.first and first.number == 1 and first.sessions == 4
    # A speaker without a page token gets one only when publishing.
    newcomer = make_user("new@example.org", name="Ny Talare")
    releases.publish(event)
    session(event, "Extra", [newcomer], rooms[1], at(16), 30)
    sessions["talk"].starts_at = at(11)
    db.session.commit()
    preview = releases.preview(event)
    assert preview.number == 2 and not preview.first
    assert preview.counts["added"] == 1 and preview.counts["moved"] == 1
    assert preview.conflicts == []
    assert release_count(db, event) == 1
    from summit.models import SpeakerProfile

    profile = db.session.scalar(select(SpeakerProfile).where(SpeakerProfile.user_id == newcomer.id))
    assert profile is None


def _speaker_tickets(db):
    return sorted(
        db.session.scalars(
            select(Ticket.attendee_email)
            .join(TicketType)
            .join(Order)
            .where(TicketType.name_sv == "Talare", Order.status == OrderStatus.PAID)
        )
    )


def test_everyone_speaking_in_the_published_program_gets_a_speaker_ticket(
    db, event, sessions, people, make_call, make_user
):
    make_call(event)
    # Not in the program yet: no ticket for Dag.
    session(event, "Ej placerad", [make_user("dag@example.org")], duration=30)
    releases.publish(event, confirm_conflicts=True)
    assert _speaker_tickets(db) == ["ada@example.org", "bo@example.org", "cy@example.org"]
    # Release 1 emails each speaker their ticket's confirmation and where and when.
    sent = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert sorted(sent) == sorted(["ada@example.org", "bo@example.org", "cy@example.org"] * 2)
    # Publishing again gives nobody a second ticket.
    releases.publish(event, confirm_conflicts=True)
    assert len(_speaker_tickets(db)) == 3


def test_without_a_call_for_speakers_no_tickets_are_given(db, event, sessions):
    releases.publish(event, confirm_conflicts=True)
    assert _speaker_tickets(db) == []
