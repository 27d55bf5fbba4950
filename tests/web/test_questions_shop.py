"""Registration questions in the shop: asked where the details are filled in, checked
on the server (required, kind, choices, conditions), and nothing stored when wrong."""

import pytest
from sqlalchemy import func, select

from summit.models import Answer, AnswerKind, Order, OrderStatus, QuestionScope
from summit.services.tickets import question_setup as setup
from summit.services.tickets.question_setup import QuestionData
from tests.conftest import csrf_token
from tests.unit.test_questions import SEKTOR
from tests.web.test_shop import reserve


@pytest.fixture
def summit(make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    free = make_ticket_type(event, "Deltagare", price=0, vat_percent=0)
    sektor = setup.save_question(
        event,
        QuestionData("Sektor", AnswerKind.CHOICE, "sektor", choices=SEKTOR, required=True),
    )
    other = setup.save_question(
        event,
        QuestionData(
            "Annat: vilken sektor?",
            AnswerKind.TEXT,
            "sektor_annat",
            required=True,
            depends_on_id=sektor.id,
            depends_on_value="annat",
        ),
    )
    consent = setup.save_question(
        event,
        QuestionData(
            "Jag går med på att bli fotograferad.", AnswerKind.CONSENT, "foto", required=True
        ),
    )
    referral = setup.save_question(
        event,
        QuestionData("Hur hörde du om oss?", AnswerKind.TEXT, "kanal", scope=QuestionScope.ORDER),
    )
    return event, free, sektor, other, consent, referral


def details(**answers):
    return {
        "buyer_name": "Åsa Öberg-Lindqvist",
        "buyer_email": "asa@example.se",
        "attendees-0-name": "Åsa Öberg-Lindqvist",
        "method": "free",
        **answers,
    }


def test_checkout_asks_the_questions_instead_of_the_fixed_fields(client, summit):
    event, free, sektor, other, consent, referral = summit
    checkout = reserve(client, event, {free: 1}).headers["Location"]
    page = client.get(checkout).get_data(as_text=True)
    assert f'name="q{sektor.id}-1" value="offentlig"' in page
    assert f'data-condition="q{sektor.id}-1" data-condition-value="annat"' in page
    assert f'name="q{other.id}-1"' in page  # shown without JavaScript, with its condition
    assert "Annat" in page and f'name="q{referral.id}"' in page
    box = f'type="checkbox" id="f-q{consent.id}-1" name="q{consent.id}-1" value="yes"'
    assert box in page
    assert "attendees-0-dietary_needs" not in page
    assert "/js/questions." in page


def test_missing_required_answers_are_422_and_nothing_is_stored(client, db, summit):
    event, free, sektor, other, consent, referral = summit
    checkout = reserve(client, event, {free: 1}).headers["Location"]
    data = details(**{f"q{sektor.id}-1": "annat", f"q{consent.id}-1": "yes"})
    data["csrf_token"] = csrf_token(client, checkout)
    response = client.post(checkout, data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'href="#f-q{other.id}-1"' in page  # the summary links to the question
    assert 'aria-invalid="true"' in page
    assert db.session.scalar(select(func.count(Answer.id))) == 0
    order = db.session.scalars(select(Order)).one()
    assert order.status is OrderStatus.RESERVED and order.buyer_name == ""
    # A choice that is not one of the options: the same.
    data[f"q{sektor.id}-1"] = "Offentlig sektor"
    assert client.post(checkout, data=data).status_code == 422
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_answers_are_stored_and_a_hidden_question_ignored(client, db, summit):
    event, free, sektor, other, consent, referral = summit
    checkout = reserve(client, event, {free: 1}).headers["Location"]
    data = details(
        **{
            f"q{sektor.id}-1": "offentlig",
            f"q{other.id}-1": "typed, then sektor changed: not shown",
            f"q{consent.id}-1": "yes",
            f"q{referral.id}": "LinkedIn",
        }
    )
    data["csrf_token"] = csrf_token(client, checkout)
    response = client.post(checkout, data=data)
    assert response.status_code == 302
    order = db.session.scalars(select(Order)).one()
    assert order.status is OrderStatus.PAID
    stored = {a.question.key: a for a in db.session.scalars(select(Answer))}
    assert {k: a.value for k, a in stored.items()} == {
        "sektor": "offentlig",
        "foto": "yes",
        "kanal": "LinkedIn",
    }
    assert stored["foto"].consent_text == "Jag går med på att bli fotograferad."
    assert stored["kanal"].ticket_id is None


def test_an_event_without_questions_keeps_the_fixed_fields(client, make_event, make_ticket_type):
    event = make_event(slug="seminarium")
    free = make_ticket_type(event, "Deltagare", price=0, vat_percent=0)
    checkout = reserve(client, event, {free: 1}).headers["Location"]
    page = client.get(checkout).get_data(as_text=True)
    assert "attendees-0-dietary_needs" in page and "/js/questions." not in page


def test_attendee_changes_answers_after_purchase_and_history_says_so(client, db, summit):
    from summit.models import OrderEvent
    from summit.services.tickets import history

    event, free, sektor, other, consent, referral = summit
    checkout = reserve(client, event, {free: 1}).headers["Location"]
    data = details(**{f"q{sektor.id}-1": "akademi", f"q{consent.id}-1": "yes"})
    data["csrf_token"] = csrf_token(client, checkout)
    assert client.post(checkout, data=data).status_code == 302
    order = db.session.scalars(select(Order)).one()
    given_at = db.session.scalar(select(Answer.answered_at).where(Answer.question_id == consent.id))
    page = f"/events/summit2027/orders/{order.token}/attendees/1"
    form = client.get(page).get_data(as_text=True)
    assert f'name="q{sektor.id}-1" value="akademi" checked' in form
    assert f'name="q{referral.id}"' not in form  # the buyer's question is not the attendee's
    change = {
        "attendee-name": "Åsa Öberg-Lindqvist",
        f"q{sektor.id}-1": "annat",
        f"q{consent.id}-1": "yes",
        "csrf_token": csrf_token(client, page),
    }
    response = client.post(page, data=change)  # annat needs its "which"
    assert response.status_code == 422
    assert db.session.scalar(select(Answer.value).where(Answer.question_id == sektor.id)) == (
        "akademi"
    )
    change[f"q{other.id}-1"] = "Folkbildning"
    assert client.post(page, data=change).status_code == 302
    db.session.expire_all()
    stored = {a.question.key: a for a in db.session.scalars(select(Answer))}
    assert stored["sektor"].value == "annat" and stored["sektor_annat"].value == "Folkbildning"
    assert stored["foto"].answered_at == given_at  # the same consent, given once
    entry = db.session.scalars(
        select(OrderEvent).where(OrderEvent.action == "answers_changed")
    ).one()
    assert history.describe(entry).endswith("sektor, sektor_annat")


def test_answers_typed_before_the_reservation_ran_out_come_back(client, db, summit):
    from summit.models import utcnow

    event, free, sektor, other, consent, referral = summit
    checkout = reserve(client, event, {free: 1}).headers["Location"]
    token = csrf_token(client, checkout)
    order = db.session.scalars(select(Order)).one()
    order.expires_at = utcnow()
    db.session.commit()
    typed = details(**{f"q{sektor.id}-1": "annat", f"q{other.id}-1": "Folkbildning"})
    ended = client.post(checkout, data=dict(typed, csrf_token=token))
    assert ended.status_code == 409
    assert 'value="Folkbildning"' in ended.get_data(as_text=True)  # kept on the page
    renew = checkout.replace("/checkout", "/renew")
    again = client.post(renew, data=dict(typed, csrf_token=token))
    assert again.status_code == 302
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert f'name="q{sektor.id}-1" value="annat" checked' in page
    assert 'value="Folkbildning"' in page
