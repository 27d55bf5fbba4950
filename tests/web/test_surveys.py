"""Survey pages (issue 17.2): an organizer builds a survey and schedules it; each
person answers once through their personal link and may change it until it closes; a
wrong or expired link is a 404; bad input is a 4xx that changes nothing; the results."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from summit.extensions import db
from summit.models import (
    AnswerKind,
    Role,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyRecipient,
    SurveyResponse,
    SurveyStatus,
)
from summit.services.surveys import sending
from tests import survey_world
from tests.conftest import csrf_token
from tests.survey_world import BEFORE, CLOSES_AT, SEND_AT


@pytest.fixture
def world(db, make_event):
    return survey_world.build(make_event)


@pytest.fixture
def organizer(client, world, make_user, grant, login, clock):
    clock.set(BEFORE)
    login(grant(make_user("arrangor@example.org"), world.event, Role.ORGANIZER))
    return client


def post(client, url, data, page=None):
    return client.post(url, data={"csrf_token": csrf_token(client, page or url), **data})


def test_an_organizer_builds_and_schedules_a_survey(organizer, world):
    base = "/manage/events/summit2027/surveys/"
    assert organizer.get(base).status_code == 200
    response = post(
        organizer,
        base + "new",
        {
            "title_sv": "Vad tyckte du?",
            "title_en": "What did you think?",
            "follows": "",
            "audience": "checked_in",
            "send_at": "2027-05-21T09:00",
            "remind_at": "2027-05-24T09:00",
            "closes_at": "2027-05-28T23:00",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    survey = db.session.scalar(select(Survey))
    page = response.headers["Location"]
    assert page == f"{base}{survey.id}/"
    assert survey.send_at == SEND_AT and survey.status is SurveyStatus.DRAFT
    # Scheduling without a question is refused.
    post(organizer, page + "schedule", {}, page)
    db.session.expire_all()
    assert survey.status is SurveyStatus.DRAFT
    for label, kind, choices in (
        ("Betyg", "number", ""),
        ("Vilken sektor?", "choice", "Offentlig | Public\nIdeell | Non-profit"),
        ("Vad tar du med dig?", "long_text", ""),
    ):
        response = post(
            organizer,
            page + "questions/new",
            {
                "label_sv": label,
                "kind": kind,
                "choices": choices,
                "data_class": "ordinary",
                "condition": "",
                "is_active": "y",
                "required": "y" if kind == "number" else "",
            },
        )
        assert response.status_code == 303, response.get_data(as_text=True)
    questions = db.session.scalars(select(SurveyQuestion).order_by(SurveyQuestion.position)).all()
    assert [(q.key, q.kind) for q in questions] == [
        ("betyg", AnswerKind.NUMBER),
        ("vilken_sektor", AnswerKind.CHOICE),
        ("vad_tar_du_med_dig", AnswerKind.LONG_TEXT),
    ]
    # A bad question: nothing stored, the form with its error.
    bad = post(
        organizer,
        page + "questions/new",
        {
            "label_sv": "Val",
            "kind": "choice",
            "choices": "Bara ett",
            "data_class": "ordinary",
            "condition": "",
        },
    )
    assert bad.status_code == 422
    assert db.session.scalar(select(func.count(SurveyQuestion.id))) == 3
    # The last question moves up.
    post(organizer, f"{page}questions/{questions[2].id}/move", {"step": "-1"}, page)
    db.session.expire_all()
    assert [q.key for q in sorted(questions, key=lambda q: q.position)][1] == "vad_tar_du_med_dig"
    assert post(organizer, page + "schedule", {}, page).status_code == 303
    db.session.expire_all()
    assert survey.status is SurveyStatus.SCHEDULED
    html = organizer.get(page).get_data(as_text=True)
    assert "Schemalagt" in html and "Tillbaka till utkast" in html
    # Sent, its settings say what can still change.
    sending.send_due_surveys(SEND_AT)
    edit = organizer.get(page + "edit").get_data(as_text=True)
    assert "Enkäten har skickats" in edit


@pytest.fixture
def sent(world, clock):
    survey = survey_world.survey(world)
    sending.send_due_surveys(SEND_AT)
    clock.set(SEND_AT + timedelta(hours=2))
    questions = {q.key: q for q in db.session.scalars(select(SurveyQuestion))}
    person = db.session.scalar(
        select(SurveyRecipient).where(SurveyRecipient.email == "mo@example.org")
    )
    return survey, questions, f"/survey/{person.token}"


def test_a_personal_link_answers_once_and_can_change_it(client, sent):
    survey, q, url = sent
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Vad tyckte du om summit?" in html and "Betyg 1–5" in html and "Skicka mina svar" in html
    response = post(
        client,
        url,
        {f"q{q['betyg'].id}": "4", f"q{q['sektor'].id}": "ideell", f"q{q['larde'].id}": "Mycket"},
    )
    assert response.status_code == 303
    thanks = client.get(url).get_data(as_text=True)
    assert "Tack! Dina svar är sparade" in thanks and "Ändra mina svar" in thanks
    assert 'value="4"' in thanks  # the form shows the answers given
    response = post(client, url, {f"q{q['betyg'].id}": "5", f"q{q['sektor'].id}": "privat"})
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(SurveyResponse.id))) == 1
    values = dict(
        db.session.execute(
            select(SurveyQuestion.key, SurveyAnswer.value).join(
                SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id
            )
        ).all()
    )
    assert values == {"betyg": "5", "sektor": "privat"}


def test_a_wrong_or_expired_link_is_a_404(client, sent, clock):
    _survey, _q, url = sent
    assert client.get("/survey/" + "x" * 32).status_code == 404
    assert client.get("/survey/" + "x" * 500).status_code == 404
    clock.set(CLOSES_AT)
    closed = client.get(url)
    assert closed.status_code == 404
    assert "Enkäten stängde" in closed.get_data(as_text=True)
    assert post(client, url, {}, "/login").status_code == 404


def _answers(db) -> list:
    db.session.expire_all()
    return db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.value).order_by(SurveyAnswer.id)
    ).all()


def test_a_required_answer_missing_is_a_422_that_stores_nothing(client, sent):
    _survey, q, url = sent
    response = post(client, url, {f"q{q['sektor'].id}": "ideell"})
    assert response.status_code == 422
    assert "Svara på frågan." in response.get_data(as_text=True)
    assert _answers(db) == []
    assert post(client, url, {f"q{q['betyg'].id}": "tolv"}).status_code == 422
    assert (
        post(client, url, {f"q{q['betyg'].id}": "3", f"q{q['sektor'].id}": "annan"}).status_code
        == 422
    )
    assert client.post(url, data={f"q{q['betyg'].id}": "3"}).status_code == 400  # no CSRF
    assert _answers(db) == []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rating=st.text(max_size=30) | st.sampled_from(["1", "4,5", "-3", "1e9", ""]),
    sector=st.text(max_size=20) | st.sampled_from(["offentlig", "ideell", ""]),
    text=st.text(max_size=600),
    extra=st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=3),
)
def test_any_answer_form_is_stored_valid_or_refused_unchanged(
    client, sent, rating, sector, text, extra
):
    _survey, q, url = sent
    before = _answers(db)
    data = {
        **extra,
        f"q{q['betyg'].id}": rating,
        f"q{q['sektor'].id}": sector,
        f"q{q['halsa'].id}": text,
    }
    data.pop("csrf_token", None)
    response = post(client, url, data)
    after = _answers(db)
    if response.status_code == 303:
        stored = {question_id: value for question_id, value in after}
        assert float(stored[q["betyg"].id])  # a number, as stored
        assert stored.get(q["sektor"].id, "") in ("offentlig", "ideell", "privat", "")
        assert "\x00" not in stored.get(q["halsa"].id, "")
    else:
        assert response.status_code in (400, 422), response.status_code
        assert after == before


def test_the_organizer_sees_the_results(organizer, sent, client):
    survey, q, url = sent
    post(client, url, {f"q{q['betyg'].id}": "4", f"q{q['larde'].id}": "Att mötas över sektorer"})
    html = organizer.get(f"/manage/events/summit2027/surveys/{survey.id}/results").get_data(
        as_text=True
    )
    assert "1 av 3 har svarat (33 %)" in html
    assert "Att mötas över sektorer" in html
    assert "medel 4" in html
