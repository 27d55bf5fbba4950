"""Organizer pages for registration questions: add, edit (with a condition), reorder,
deactivate and delete; answers on the order page, in the attendee CSV and as a filter
of the order list."""

import csv
import io

import pytest
from sqlalchemy import select

from summit.models import Answer, AnswerKind, Question, Role, TicketType
from summit.services.tickets import question_setup as setup
from summit.services.tickets import questions
from summit.services.tickets.question_setup import QuestionData
from tests.unit.test_questions import SEKTOR
from tests.unit.test_sales import buy
from tests.web.test_manage_ticketing import BASE, flashes, post


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027")


@pytest.fixture
def organizer(client, event, make_user, grant, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = grant(make_user("omar@example.org"), event, Role.ORGANIZER)
    login(user)
    return user


def question_form(**changes):
    data = {
        "label_sv": "Vilken sektor arbetar du i?",
        "label_en": "Which sector do you work in?",
        "kind": "choice",
        "choices": "Akademi | Academia\nOffentlig sektor | Public sector\nAnnat | Other",
        "key": "sektor",
        "scope": "attendee",
        "required": "y",
        "data_class": "ordinary",
        "condition": "",
        "is_active": "y",
    }
    data.update(changes)
    return data


def test_organizer_adds_edits_orders_and_removes_questions(client, db, event, organizer):
    student = TicketType(event=event, name_sv="Student", price=0)
    db.session.add(student)
    db.session.commit()
    response = post(client, f"{BASE}/questions/new", question_form())
    assert response.status_code == 302, response.text
    sektor = db.session.scalars(select(Question)).one()
    assert sektor.choice_keys == ["akademi", "offentlig_sektor", "annat"]
    assert sektor.required and sektor.label_en == "Which sector do you work in?"
    # A conditional follow-up, only for students.
    follow = question_form(
        label_sv="Annat: vilken sektor?",
        label_en="",
        kind="text",
        choices="",
        key="",
        required="",
        condition=f"{sektor.id}:annat",
        ticket_types=[str(student.id)],
    )
    response = post(client, f"{BASE}/questions/new", follow)
    assert response.status_code == 302
    other = db.session.scalar(select(Question).where(Question.id != sektor.id))
    assert (other.key, other.depends_on_id, other.depends_on_value) == (
        "annat_vilken_sektor",
        sektor.id,
        "annat",
    )
    assert [t.name_sv for t in other.ticket_types] == ["Student"]
    page = client.get(f"{BASE}/questions/").text
    assert "Which sector do you work in?" in page and "Only when" in page
    # A condition on the question itself is not offered; a forged one is refused.
    edit = f"{BASE}/questions/{sektor.id}/"
    response = post(client, edit, question_form(condition=f"{sektor.id}:annat"))
    assert response.status_code == 422
    # Up and down.
    response = post(
        client, f"{BASE}/questions/{other.id}/move", {"step": "-1"}, f"{BASE}/questions/"
    )
    assert response.status_code == 302
    assert [q.key for q in questions.event_questions(event)] == ["annat_vilken_sektor", "sektor"]
    # A question nobody answered is deleted; one with dependents is not.
    response = post(client, f"{BASE}/questions/{sektor.id}/delete", page=edit)
    assert "change them first" in flashes(client.get(response.headers["Location"]))
    other_id = other.id
    response = post(client, f"{BASE}/questions/{other_id}/delete", page=edit)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, other_id) is None


def test_a_bad_question_is_422_and_nothing_stored(client, db, event, organizer):
    for bad in (
        question_form(choices="Bara ett"),
        question_form(key="Sektor med mellanslag"),
        question_form(kind="no-such-kind"),
        question_form(label_sv=""),
        question_form(condition="999:annat"),
        question_form(ticket_types=["999"]),
    ):
        response = post(client, f"{BASE}/questions/new", bad)
        assert response.status_code == 422, bad
    assert db.session.scalars(select(Question)).all() == []


def test_answered_question_is_deactivated_not_deleted(client, db, event, organizer):
    kind = TicketType(event=event, name_sv="Deltagare", price=0, vat_percent=0)
    db.session.add(kind)
    db.session.commit()
    sektor = setup.save_question(
        event, QuestionData("Sektor", AnswerKind.CHOICE, "sektor", choices=SEKTOR)
    )
    order = buy(event, {kind: 1}, how="reserved", names=["Åsa Öberg"])
    with_answers(order, {f"q{sektor.id}-1": "akademi"})
    edit = f"{BASE}/questions/{sektor.id}/"
    page = client.get(edit).text
    assert "1 answer has been given" in page and "/delete" not in page
    response = post(client, f"{BASE}/questions/{sektor.id}/delete", page=edit)
    assert "deactivate it instead" in flashes(client.get(response.headers["Location"]))
    post(client, f"{BASE}/questions/{sektor.id}/deactivate", page=edit)
    db.session.refresh(sektor)
    assert not sektor.is_active and db.session.scalars(select(Answer)).one()


def with_answers(order, data):
    from summit.database import unit_of_work

    with unit_of_work() as unit:
        unit.reread(order)
        questions.store_answers(order, questions.check_answers(order, data))


@pytest.fixture
def answered(db, event):
    kind = TicketType(event=event, name_sv="Deltagare", price=0, vat_percent=0)
    db.session.add(kind)
    db.session.commit()
    sektor = setup.save_question(
        event,
        QuestionData("Sektor", AnswerKind.CHOICE, "sektor", choices=SEKTOR, label_en="Sector"),
    )
    diet = setup.save_question(
        event, QuestionData("Specialkost", AnswerKind.TEXT, "kost", label_en="Diet")
    )
    made = []
    for buyer, chosen, food in (
        ("Åsa Öberg-Lindqvist", "offentlig", "=1+1"),
        ("Mohammed Ali", "akademi", ""),
        ("Erik Ängström", "offentlig", "Vegan"),
    ):
        order = buy(event, {kind: 1}, how="reserved", buyer=buyer, names=[buyer])
        with_answers(order, {f"q{sektor.id}-1": chosen, f"q{diet.id}-1": food})
        from summit.models import PaymentMethod
        from summit.services.payments import core as payments

        payments.start_payment(order, PaymentMethod.FREE)
        made.append(order)
    return made


def test_answers_show_on_the_order_page(client, event, organizer, answered):
    page = client.get(f"{BASE}/orders/{answered[2].reference}").text
    assert "Sector:</span> Public sector" in page and "Diet:</span> Vegan" in page


def test_attendee_csv_has_a_column_per_question_and_filters(client, event, organizer, answered):
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"{BASE}/attendees.csv").data.decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0][-2:] == ["Sector", "Diet"]
    by_name = {row[2]: row[-2:] for row in rows[1:]}
    assert by_name == {
        "Åsa Öberg-Lindqvist": ["Public sector", "'=1+1"],  # no formula in Excel
        "Mohammed Ali": ["Academia", ""],
        "Erik Ängström": ["Public sector", "Vegan"],
    }
    only = client.get(f"{BASE}/attendees.csv?answer=sektor:offentlig").data.decode("utf-8-sig")
    names = [row[2] for row in csv.reader(io.StringIO(only), delimiter=";")][1:]
    assert sorted(names) == ["Erik Ängström", "Åsa Öberg-Lindqvist"]


def test_order_list_filters_on_an_answer(client, event, organizer, answered):
    page = client.get(f"{BASE}/orders/").text
    assert '<option value="sektor:offentlig">Sector – Public sector</option>' in page
    page = client.get(f"{BASE}/orders/?answer=sektor:offentlig").text
    assert answered[0].reference in page and answered[2].reference in page
    assert answered[1].reference not in page
    assert "2 attendees (paid or invoiced) answered so." in page
    assert "attendees.csv?answer=sektor:offentlig" in page.replace("%3A", ":")
    # Garbage in the filter is no filter, not an error.
    for junk in ("nope:x", "sektor", "x" * 300, "sektor:%"):
        response = client.get(f"{BASE}/orders/", query_string={"answer": junk})
        assert response.status_code == 200
