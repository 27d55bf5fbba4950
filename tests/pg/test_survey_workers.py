"""A survey under two workers at once on PostgreSQL: both expand it into the outbox
(batches interleaving under the survey's lock) and both send its reminder; every
attendee gets the survey exactly once and the reminder at most once, and a personal
link sent twice at once makes one response."""

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from summit.models import OutboxMessage, Survey, SurveyAudience, SurveyRecipient, SurveyResponse
from summit.services.surveys import answering, sending, setup
from tests import checkin_world, survey_world
from tests.survey_world import REMIND_AT, SEND_AT
from tests.threads import in_threads


def test_two_workers_send_each_person_the_survey_once(app, db, make_event, clock):
    world = survey_world.build(make_event)
    ordinary = checkin_world.ticket_type(world.event, "Extra")
    for n in range(50):
        checkin_world.ticket(world.event, ordinary, name=f"Ängström {n}", email=f"p{n}@example.org")
    survey_id = survey_world.survey(world, audience=SurveyAudience.TICKET_HOLDERS).id

    def rounds() -> int:
        queued = 0
        for _ in range(30):
            queued += sending.send_due_surveys(SEND_AT, batch=7)
        return queued

    assert sum(in_threads(app, 2, rounds)) == 54
    addresses = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert len(addresses) == len(set(addresses)) == 54
    assert db.session.scalar(select(func.count(SurveyRecipient.id))) == 54

    # Two sends of one personal link at once: one response.
    clock.set(SEND_AT + timedelta(hours=1))
    person = db.session.scalar(
        select(SurveyRecipient).where(SurveyRecipient.email == "p7@example.org")
    )
    rating = next(q for q in setup.survey_questions(person.survey) if q.key == "betyg")
    token = person.token

    def send_answer() -> str:
        me = answering.recipient_for(token)
        answering.save_answers(me, answering.checked(me, {f"q{rating.id}": "4"}))
        return "saved"

    assert in_threads(app, 2, send_answer) == ["saved", "saved"]
    assert db.session.scalar(select(func.count(SurveyResponse.id))) == 1

    def reminders() -> int:
        return sum(sending.send_due_surveys(REMIND_AT, batch=5) for _ in range(30))

    assert sum(in_threads(app, 2, reminders)) == 53
    reminded = Counter(
        m.to_address
        for m in db.session.scalars(select(OutboxMessage))
        if m.subject.startswith(("Påminnelse", "Reminder"))
    )
    assert len(reminded) == 53 and set(reminded.values()) == {1}
    assert "p7@example.org" not in reminded
    db.session.expire_all()
    assert db.session.get(Survey, survey_id).reminded_at is not None
