"""The participant list: only ticket holders may join, with the consent they were shown;
only those on it see it, never an email address; withdrawing removes one at once."""

import pytest
from sqlalchemy import func, select

from summit.models import Answer, AnswerKind, OrderStatus, ParticipantListing, Question
from summit.services.meeting import listing, privacy
from summit.services.meeting.listing import ListingData, MeetingError
from tests import checkin_world


@pytest.fixture
def world(app, db, make_event, make_user):
    event = make_event(slug="summit27")
    of_type = checkin_world.ticket_type(event)
    people = {
        who: make_user(f"{who}@example.org", name=who.capitalize())
        for who in ("eva", "olle", "karin", "nobody")
    }
    tickets = {
        "eva": checkin_world.ticket(event, of_type, name="Eva Ek", email="eva@example.org"),
        "olle": checkin_world.ticket(event, of_type, name="Olle", email="OLLE@example.org"),
        # Karin bought her ticket and it is made out to nobody: it is hers.
        "karin": checkin_world.ticket(event, of_type, email="", buyer_email="karin@example.org"),
    }
    tickets["karin"].attendee_email = ""
    db.session.commit()
    # A ticket Eva bought for a colleague is not hers to be listed with.
    checkin_world.ticket(event, of_type, email="kollega@example.org", buyer_email="eva@example.org")
    return {"event": event, "people": people, "tickets": tickets, "type": of_type}


def join(world, who, sektor="offentlig", wants="Kommuner som vill samverka", consent=True):
    data = ListingData(f"{who.capitalize()} Namn", "Org", sektor, wants, consent)
    return listing.save_listing(world["event"], world["people"][who], data)


def names(world, who, **filters):
    found = listing.visible_listings(world["event"], world["people"][who], **filters)
    return [entry.name for entry in found]


def test_only_ticket_holders_join_and_only_those_on_the_list_see_it(db, world):
    with pytest.raises(MeetingError) as refused:
        join(world, "nobody")
    assert refused.value.reason == "no_ticket"
    made = join(world, "eva")
    assert made.consent_text.startswith("Jag vill finnas med på evenemangets deltagarlista")
    assert made.ticket_id == world["tickets"]["eva"].id
    assert names(world, "eva") == ["Eva Namn"]
    assert names(world, "olle") == [] and not listing.may_see_list(
        world["event"], world["people"]["olle"]
    )
    join(world, "olle", sektor="ideburen")
    join(world, "karin", sektor="akademi", wants="Forskare om sociala investeringar")
    assert names(world, "olle") == ["Eva Namn", "Karin Namn", "Olle Namn"]
    assert names(world, "nobody") == []
    # Filters: by sektor, by words (any case, without the ring and dots).
    assert names(world, "eva", sektor="akademi") == ["Karin Namn"]
    assert names(world, "eva", query="INVESTERINGAR") == ["Karin Namn"]
    assert names(world, "eva", query="forskare", sektor="ideburen") == []
    assert names(world, "eva", query="%") == []


def test_consent_is_needed_once_and_saving_again_changes_the_entry(db, world, clock):
    with pytest.raises(MeetingError) as refused:
        join(world, "eva", consent=False)
    assert refused.value.reason == "consent"
    assert db.session.scalar(select(func.count(ParticipantListing.id))) == 0
    first = join(world, "eva")
    consented = first.consented_at
    again = join(world, "eva", wants="Någon från näringslivet", consent=False)
    assert again.id == first.id and again.wants_to_meet == "Någon från näringslivet"
    assert again.consented_at == consented
    assert db.session.scalar(select(func.count(ParticipantListing.id))) == 1


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("wants", "x" * 281, "too_long"),
        ("sektor", "ingen-sektor", "invalid_choice"),
        ("sektor", "", "invalid_choice"),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(db, world, field, value, reason):
    with pytest.raises(MeetingError) as refused:
        join(world, "eva", **{field: value})
    assert refused.value.reason == reason
    assert db.session.scalar(select(func.count(ParticipantListing.id))) == 0


def test_the_registration_answer_is_the_sektor(db, world):
    event, ticket = world["event"], world["tickets"]["eva"]
    question = Question(
        event=event,
        key="sektor",
        kind=AnswerKind.CHOICE,
        label_sv="Sektor",
        choices=[
            {"key": "kommun", "sv": "Kommun", "en": "Municipality"},
            {"key": "annat", "sv": "Annat", "en": "Other"},
        ],
    )
    db.session.add(question)
    db.session.commit()
    db.session.add(Answer(question=question, order=ticket.order, ticket=ticket, value="kommun"))
    db.session.commit()
    assert listing.sektor_choices(event) == [("kommun", "Kommun"), ("annat", "Annat")]
    assert join(world, "eva", sektor="annat").sektor == "kommun"  # the answer wins
    # Olle answered nothing: he chooses, among the event's own sectors.
    assert join(world, "olle", sektor="annat").sektor == "annat"


def test_withdrawing_removes_at_once_and_a_cancelled_ticket_hides(db, world):
    join(world, "eva")
    join(world, "olle")
    assert listing.withdraw(world["event"], world["people"]["olle"]) is True
    assert names(world, "eva") == ["Eva Namn"]
    assert names(world, "olle") == []
    assert listing.withdraw(world["event"], world["people"]["olle"]) is False
    join(world, "olle")
    world["tickets"]["eva"].order.status = OrderStatus.REFUNDED
    db.session.commit()
    assert names(world, "olle") == ["Olle Namn"]
    assert names(world, "eva") == []


def test_export_and_erase(db, world):
    join(world, "eva")
    rows = privacy.export_person("Eva@Example.org")
    assert len(rows) == 1 and rows[0]["Name"] == "Eva Namn"
    assert rows[0]["Consent given"].startswith("Jag vill finnas med")
    assert "eva@example.org" not in " ".join(rows[0].values())
    assert privacy.erase_person("EVA@example.org") == ""
    assert privacy.export_person("eva@example.org") == []
    assert db.session.scalar(select(func.count(ParticipantListing.id))) == 0
