"""Group mail by a registration answer (issue 16.5 with 16.1): "sektor:offentlig" narrows
the attendees like any other criterion, and combines with them."""

import pytest
from sqlalchemy import select

from summit.database import unit_of_work
from summit.models import Answer, AnswerKind, Ticket
from summit.services.mailings.errors import MailingError
from summit.services.mailings.recipients import AnswerIs, Selection, TicketTypeIs, recipients
from summit.services.tickets import question_setup as setup
from summit.services.tickets.question_setup import QuestionData
from tests import mail_world
from tests.unit.test_questions import SEKTOR


@pytest.fixture
def world(db, make_event, make_user, make_call, make_proposal, make_profile):
    return answered_world(db, make_event, make_user, make_call, make_proposal, make_profile)


def answered_world(db, make_event, make_user, make_call, make_proposal, make_profile):
    """The group mail world, where Åsa and Johan answered sektor = offentlig, Karin
    akademi (and one not confirmed offentlig too)."""
    built = mail_world.build(make_user, make_call, make_proposal, make_profile, make_event)
    sektor = setup.save_question(
        built.event, QuestionData("Sektor", AnswerKind.CHOICE, "sektor", choices=SEKTOR)
    )
    chosen = {
        "Åsa Öberg-Lindqvist": "offentlig",
        "Johan Ängström": "offentlig",
        "Karin Åberg": "akademi",
        "Ej Betald": "offentlig",  # not confirmed: never mailed
    }
    with unit_of_work():
        for ticket in db.session.scalars(select(Ticket)):
            if ticket.attendee_name in chosen:
                db.session.add(
                    Answer(
                        question=sektor,
                        order_id=ticket.order_id,
                        ticket=ticket,
                        value=chosen[ticket.attendee_name],
                    )
                )
    return built


def names(world, *criteria):
    return sorted(r.name for r in recipients(world.event, Selection(True, criteria)))


def test_an_answer_narrows_the_attendees_and_combines(world):
    public = AnswerIs("sektor:offentlig")
    assert names(world, public) == ["Johan Ängström", "Åsa Öberg-Lindqvist"]
    assert names(world, AnswerIs("sektor:akademi")) == ["Karin Åberg"]
    assert names(world, AnswerIs("sektor:annat")) == []
    students = TicketTypeIs((world.student.id,))
    assert names(world, public, students) == ["Johan Ängström"]
    public.check(world.event)
    assert public.words(world.event) == "Sektor – Offentlig sektor"
    # Stored and read back as JSON, like every criterion.
    selection = Selection(True, (public,))
    assert Selection.from_json(selection.to_json()) == selection


@pytest.mark.parametrize("garbage", [None, 3, "sektor", "x" * 200, ["sektor:akademi"]])
def test_a_garbage_answer_criterion_is_refused(world, garbage):
    with pytest.raises(MailingError):
        Selection.from_json({"attendees": True, "criteria": {"answer": garbage}})


@pytest.mark.parametrize("choice", ["sektor:nope", "finns:inte"])
def test_an_answer_the_event_does_not_offer_is_refused(world, choice):
    with pytest.raises(MailingError):
        Selection(True, (AnswerIs(choice),)).check(world.event)
