"""Surveys (issue 17.2): sent by the worker at the time set and not before, once per
person whatever the rounds; a reminder once, only to those who have not answered; a
follow-up to the people the first survey went to; one response per person, changeable
until it closes; the results; and a person's answers exported and erased."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from summit.extensions import db
from summit.models import (
    OutboxMessage,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyRecipient,
    SurveyResponse,
    SurveyStatus,
)
from summit.services.surveys import answering, privacy, results, sending, setup
from summit.services.surveys.setup import SurveyError
from summit.services.worker import one_round
from tests import survey_world
from tests.survey_world import BEFORE, CLOSES_AT, REMIND_AT, SEND_AT


def mails(subject_part: str = "") -> list[OutboxMessage]:
    """The survey mails queued (those with a personal survey link: the worker's round
    also sends the after-event thanks)."""
    return [
        m
        for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        if subject_part in m.subject and "/survey/" in m.body_text
    ]


def recipient(survey, email) -> SurveyRecipient:
    survey_id = survey if isinstance(survey, int) else survey.id
    return db.session.scalar(
        select(SurveyRecipient).where(
            SurveyRecipient.survey_id == survey_id, SurveyRecipient.email == email
        )
    )


def answer(survey, email, **values):
    person = recipient(survey, email)
    fields = {f"q{q.id}": values[q.key] for q in setup.survey_questions(survey) if q.key in values}
    checked = answering.checked(person, fields)
    assert not checked.errors, checked.errors
    return answering.save_answers(person, checked)


@pytest.fixture
def world(db, make_event):
    return survey_world.build(make_event)


def test_the_worker_sends_at_the_set_time_not_before_and_only_once(world, clock):
    survey_id = survey_world.survey(world).id
    clock.set(SEND_AT - timedelta(minutes=1))
    one_round()
    assert mails() == []
    clock.set(SEND_AT + timedelta(minutes=1))
    one_round()
    sent = mails()
    # Those checked in, each once; in the language of their order.
    assert sorted(m.to_address for m in sent) == [
        "asa@example.org",
        "eva@example.org",
        "mo@example.org",
    ]
    by_to = {m.to_address: m for m in sent}
    assert by_to["asa@example.org"].subject == "Vad tyckte du om summit? – Testevenemang"
    assert by_to["eva@example.org"].subject == "What did you think of the summit? – Test event"
    asa = recipient(survey_id, "asa@example.org")
    assert f"http://summit.test/survey/{asa.token}" in by_to["asa@example.org"].body_text
    assert "du checkades in" in by_to["asa@example.org"].body_text  # why they get it
    assert "you were checked in" in by_to["eva@example.org"].body_text
    assert db.session.get(Survey, survey_id).status is SurveyStatus.SENT
    # A second round, and a third later: nothing again.
    one_round()
    clock.set(SEND_AT + timedelta(hours=2))
    assert sending.send_due_surveys() == 0
    assert len(mails()) == 3


def test_all_ticket_holders_when_the_organizer_chooses_so(world):
    survey_world.survey(world, audience=SurveyAudience.TICKET_HOLDERS)
    assert sending.send_due_surveys(SEND_AT) == 4
    assert sorted(m.to_address for m in mails()) == sorted(world.emails.values())


def test_a_draft_is_never_sent(world):
    survey_world.survey(world, schedule=False)
    assert sending.send_due_surveys(SEND_AT + timedelta(days=1)) == 0


def test_the_reminder_goes_once_only_to_those_who_have_not_answered(world, clock):
    survey = survey_world.survey(world)
    sending.send_due_surveys(SEND_AT)
    clock.set(SEND_AT + timedelta(hours=1))
    answer(survey, "asa@example.org", betyg="5")
    assert sending.send_due_surveys(REMIND_AT - timedelta(minutes=1)) == 0
    assert sending.send_due_surveys(REMIND_AT) == 2
    reminders = mails("minnelse") + mails("Reminder")
    assert sorted(m.to_address for m in reminders) == ["eva@example.org", "mo@example.org"]
    assert sending.send_due_surveys(REMIND_AT + timedelta(hours=1)) == 0
    assert len(mails()) == 5


def test_one_response_per_person_changeable_until_it_closes(world, clock):
    survey = survey_world.survey(world)
    sending.send_due_surveys(SEND_AT)
    clock.set(SEND_AT + timedelta(hours=1))
    answer(survey, "mo@example.org", betyg="4", sektor="ideell", larde="Att mötas.")
    answer(survey, "mo@example.org", betyg="3,5", sektor="privat")
    responses = db.session.scalars(select(SurveyResponse)).all()
    assert len(responses) == 1
    stored = {
        a.question.key: a.value
        for a in db.session.scalars(select(SurveyAnswer).order_by(SurveyAnswer.id))
    }
    # The question left empty the second time lost its answer.
    assert stored == {"betyg": "3.5", "sektor": "privat"}
    person = recipient(survey, "mo@example.org")
    missing = answering.checked(person, {"sektor": "privat"})
    assert "betyg" not in {a.question.key for a in missing.order_questions if not a.error}
    assert missing.errors  # the rating is required
    clock.set(CLOSES_AT)
    checked = answering.checked(person, {f"q{setup.survey_questions(survey)[0].id}": "1"})
    with pytest.raises(answering.SurveyAnswerError) as refused:
        answering.save_answers(person, checked)
    assert refused.value.reason == "closed"
    assert db.session.scalar(select(SurveyAnswer.value).where(SurveyAnswer.value == "1")) is None


def test_a_follow_up_goes_to_the_people_the_first_went_to(world):
    first = survey_world.survey(world)
    later = SEND_AT + timedelta(days=180)
    follow_up = survey_world.survey(
        world,
        audience=SurveyAudience.TICKET_HOLDERS,  # ignored: it follows the first
        follows=first,
        send_at=later,
        remind_at=None,
        closes_at=later + timedelta(days=14),
    )
    # Its time come before the first is sent (a worker down): it waits for it.
    assert sending.expand(follow_up.id, later) is None
    sending.send_due_surveys(SEND_AT)
    first_people = sorted(m.to_address for m in mails())
    assert sending.send_due_surveys(later) == 3
    follow_mails = mails("Ett halvår") + mails("Six months")
    assert sorted(m.to_address for m in follow_mails) == first_people
    tokens = db.session.scalars(select(SurveyRecipient.token)).all()
    assert len(set(tokens)) == 6  # a link of its own for each survey


def test_results_per_question(world, clock):
    survey = survey_world.survey(world)
    sending.send_due_surveys(SEND_AT)
    clock.set(SEND_AT + timedelta(hours=1))
    answer(survey, "asa@example.org", betyg="5", sektor="offentlig", larde="Nätverk")
    answer(survey, "mo@example.org", betyg="4", sektor="offentlig")
    answer(survey, "eva@example.org", betyg="2", sektor="privat", larde="Metoder", halsa="Astma")
    found = results.survey_results(survey)
    assert (found.sent, found.responses) == (3, 3)
    assert found.response_rate == 1.0
    by_key = {r.question.key: r for r in found.questions}
    assert by_key["betyg"].mean == pytest.approx(11 / 3)
    assert (by_key["betyg"].minimum, by_key["betyg"].maximum) == (2, 5)
    assert [(c.value, c.count) for c in by_key["sektor"].counts] == [
        ("offentlig", 2),
        ("ideell", 0),
        ("privat", 1),
    ]
    assert by_key["larde"].texts == ["Nätverk", "Metoder"]
    assert by_key["halsa"].texts == ["Astma"]
    # One group's results (e.g. a sektor's, by their tickets): Eva's alone.
    eva_ticket = select(SurveyRecipient.ticket_id).where(SurveyRecipient.email == "eva@example.org")
    hers = results.survey_results(survey, among=eva_ticket)
    assert (hers.sent, hers.responses) == (1, 1)
    assert {r.question.key: r.mean for r in hers.questions}["betyg"] == 2


def test_export_and_erase_a_person(world, clock):
    survey = survey_world.survey(world)
    sending.send_due_surveys(SEND_AT)
    clock.set(SEND_AT + timedelta(hours=1))
    answer(survey, "asa@example.org", betyg="5", sektor="offentlig", halsa="Astma")
    rows = privacy.export_person("ASA@example.ORG")
    assert {(r["question"], r["answer"]) for r in rows} == {
        ("Betyg 1–5", "5"),
        ("Vilken sektor?", "Offentlig"),
        ("Något om din hälsa vi borde veta?", "Astma"),
    }
    assert rows[0]["survey"] == "Vad tyckte du om summit?"
    assert privacy.erase_person("nobody@example.org") == ""
    with db.session.begin_nested():
        said = privacy.erase_person("asa@example.org")
    db.session.commit()
    assert said.startswith("1 enkätsvar finns kvar") and "anonym statistik" in said
    assert privacy.export_person("asa@example.org") == []
    # The answers stay, unlinked, for the results; her free text (words can name her,
    # sensitive or not) is gone.
    found = {r.question.key: r for r in results.survey_results(survey).questions}
    assert found["betyg"].mean == 5 and found["halsa"].texts == []
    assert found["sektor"].answered == 1
    assert db.session.scalar(select(SurveyResponse.recipient_id)) is None
    erased = db.session.scalar(
        select(SurveyRecipient).where(SurveyRecipient.erased_at.is_not(None))
    )
    assert (erased.email, erased.token, erased.name) == (None, None, "")
    assert answering.recipient_for(None) is None


def test_the_organizers_rules(world, clock):
    survey = survey_world.survey(world, schedule=False)
    data = setup.SurveyData(title_sv="X", send_at=SEND_AT, closes_at=SEND_AT)
    with pytest.raises(SurveyError, match="closes_first"):
        setup.save_survey(world.event, data)
    data.closes_at, data.remind_at = CLOSES_AT, CLOSES_AT + timedelta(days=1)
    with pytest.raises(SurveyError, match="remind_between"):
        setup.save_survey(world.event, data)
    empty = setup.save_survey(world.event, setup.SurveyData("Tom", SEND_AT, CLOSES_AT))
    with pytest.raises(SurveyError, match="no_questions"):
        setup.schedule(empty, now=BEFORE)
    with pytest.raises(SurveyError, match="in_the_past"):
        setup.schedule(survey, now=SEND_AT + timedelta(minutes=1))
    setup.schedule(survey, now=BEFORE)
    clock.set(BEFORE)
    past = setup.SurveyData("Vad tyckte du om summit?", BEFORE - timedelta(hours=1), CLOSES_AT)
    with pytest.raises(SurveyError, match="in_the_past"):
        setup.save_survey(world.event, past, survey)
    sending.send_due_surveys(SEND_AT)
    moved = setup.SurveyData("Vad tyckte du om summit?", SEND_AT + timedelta(days=1), CLOSES_AT)
    with pytest.raises(SurveyError, match="sent"):
        setup.save_survey(world.event, moved, survey)
    with pytest.raises(SurveyError, match="bad_follows"):
        setup.save_survey(
            world.event, setup.SurveyData("F", SEND_AT, CLOSES_AT, follows_id=survey.id), survey
        )
    # A survey with a follow-up cannot become a follow-up itself (one step only).
    other = setup.save_survey(world.event, setup.SurveyData("Annan", SEND_AT, CLOSES_AT))
    setup.save_survey(
        world.event, setup.SurveyData("Uppföljning", SEND_AT, CLOSES_AT, follows_id=other.id)
    )
    with pytest.raises(SurveyError, match="bad_follows"):
        setup.save_survey(
            world.event,
            setup.SurveyData("Annan", SEND_AT, CLOSES_AT, follows_id=survey.id),
            other,
        )


def test_retention_erases_the_answers_to_sensitive_questions(world, clock):
    survey = survey_world.survey(world)
    sending.send_due_surveys(SEND_AT)
    clock.set(SEND_AT + timedelta(hours=1))
    answer(survey, "asa@example.org", betyg="5", halsa="Astma")
    with db.session.begin_nested():
        assert privacy.erase_sensitive_answers(world.event.id) == 1
    db.session.commit()
    found = {r.question.key: r for r in results.survey_results(survey).questions}
    assert found["halsa"].texts == [] and found["betyg"].answered == 1
    assert [r["question"] for r in privacy.export_person("asa@example.org")] == ["Betyg 1–5"]


def test_a_survey_named_after_its_event_does_not_say_the_event_twice(world, clock):
    made = survey_world.survey(world)
    made.title_sv = f"Vad tyckte du om {world.event.name_sv}?"
    db.session.commit()
    clock.set(SEND_AT + timedelta(minutes=1))
    one_round()
    subjects = {m.subject for m in mails() if m.to_address == "asa@example.org"}
    assert subjects == {"Vad tyckte du om Testevenemang?"}
