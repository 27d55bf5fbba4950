"""Registration questions: what an order asks, the rules its answers must meet, how
they are stored (choices by key, consent with its words) and found again."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from summit.database import unit_of_work
from summit.models import Answer, AnswerKind, DataClass, PaymentMethod, QuestionScope
from summit.services.payments import core as payments
from summit.services.tickets import answers, questions
from summit.services.tickets import question_setup as setup
from summit.services.tickets.ordering import (
    AttendeeDetails,
    BuyerDetails,
    fill_details,
    reserve_tickets,
)
from summit.services.tickets.question_setup import QuestionData, QuestionError

SEKTOR = (
    "akademi | Akademi | Academia\n"
    "naringsliv | Näringsliv | Business\n"
    "offentlig | Offentlig sektor | Public sector\n"
    "ideburen | Idéburen sektor / civilsamhälle | Non-profit / civil society\n"
    "annat | Annat | Other"
)


@pytest.fixture
def asked(db, make_event, make_ticket_type):
    """A free summit asking sektor (and what, when annat), diet, a photo consent, an
    order question for the buyer and a question only students get."""
    event = make_event(slug="summit2027")
    regular = make_ticket_type(event, "Ordinarie", price=0, vat_percent=0)
    student = make_ticket_type(event, "Student", price=0, vat_percent=0)
    sektor = setup.save_question(
        event,
        QuestionData(
            "Vilken sektor arbetar du i?",
            AnswerKind.CHOICE,
            "sektor",
            choices=SEKTOR,
            required=True,
        ),
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
    diet = setup.save_question(
        event,
        QuestionData("Specialkost", AnswerKind.LONG_TEXT, "kost", data_class=DataClass.SENSITIVE),
    )
    photo = setup.save_question(
        event,
        QuestionData(
            "Jag går med på att bli fotograferad och filmad.",
            AnswerKind.CONSENT,
            "foto",
            label_en="I agree to being photographed and filmed.",
            required=True,
        ),
    )
    invoice = setup.save_question(
        event,
        QuestionData(
            "Vill du ha nyhetsbrevet?",
            AnswerKind.YES_NO,
            "nyhetsbrev",
            scope=QuestionScope.ORDER,
        ),
    )
    school = setup.save_question(
        event,
        QuestionData(
            "Lärosäte",
            AnswerKind.TEXT,
            "larosate",
            required=True,
            ticket_type_ids=[student.id],
        ),
    )
    return (
        event,
        regular,
        student,
        dict(sektor=sektor, other=other, diet=diet, photo=photo, invoice=invoice, school=school),
    )


def said(reason):
    return questions.AnswerError(reason).message


def names(asked, number=None):
    return {key: questions.field_name(q, number) for key, q in asked[3].items()}


def register(event, order, checked):
    payments.start_payment(
        order,
        PaymentMethod.FREE,
        None,
        (
            BuyerDetails("Åsa Öberg-Lindqvist", "asa@example.se"),
            [AttendeeDetails(t.attendee_name or "Mohammed Ali") for t in order.tickets],
            checked,
        ),
    )


def test_answers_are_checked_and_stored_by_choice_key(db, asked):
    event, regular, student, q = asked
    order = reserve_tickets(event, {regular.id: 1, student.id: 1})
    one, two = names(asked, 1), names(asked, 2)
    data = {
        one["sektor"]: "offentlig",
        one["other"]: "Sent anyway: the condition is not met",
        one["photo"]: "yes",
        two["sektor"]: "annat",
        two["other"]: "  Folkbildning ",
        two["photo"]: "yes",
        two["school"]: "Lunds universitet",
        two["diet"]: "Vegan\r\nNötter",
        names(asked)["invoice"]: "no",
    }
    checked = questions.check_answers(order, data)
    assert checked.errors == {}
    # Only students are asked about their school; the order question once.
    assert [a.question.key for a in checked.ticket_questions[0]] == [
        "sektor",
        "sektor_annat",
        "kost",
        "foto",
    ]
    assert "larosate" in [a.question.key for a in checked.ticket_questions[1]]
    assert [a.question.key for a in checked.order_questions] == ["nyhetsbrev"]
    register(event, order, checked)
    stored = {(a.question.key, a.ticket_id): a for a in db.session.scalars(select(Answer))}
    first, second = order.tickets
    assert stored[("sektor", first.id)].value == "offentlig"
    assert ("sektor_annat", first.id) not in stored  # hidden: not stored
    assert stored[("sektor_annat", second.id)].value == "Folkbildning"
    assert stored[("kost", second.id)].value == "Vegan\nNötter"
    assert stored[("nyhetsbrev", None)].value == "no"
    consent = stored[("foto", first.id)]
    assert consent.value == "yes"
    assert consent.consent_text == "Jag går med på att bli fotograferad och filmad."
    assert consent.answered_at is not None
    shown = answers.answers_by_ticket(order)
    assert [(s.question.key, s.text) for s in shown[first.id]] == [
        ("sektor", "Offentlig sektor"),
        ("foto", q["photo"].display("yes")),
    ]


def test_required_and_conditional_answers_missing_are_errors(db, asked):
    event, regular, student, q = asked
    order = reserve_tickets(event, {regular.id: 1, student.id: 1})
    one, two = names(asked, 1), names(asked, 2)
    checked = questions.check_answers(order, {two["sektor"]: "annat", two["photo"]: "on"})
    required, choice = said("required"), said("choice")
    assert checked.errors == {
        one["sektor"]: required,
        one["photo"]: said("consent"),
        two["other"]: required,  # shown, as sektor is annat
        two["photo"]: choice,
        two["school"]: required,
    }
    with pytest.raises(questions.AnswerError), unit_of_work():
        fill_details(
            order,
            BuyerDetails("Åsa", "asa@example.se"),
            [AttendeeDetails("Åsa"), AttendeeDetails("Mohammed")],
            checked,
        )
    assert db.session.scalar(select(func.count(Answer.id))) == 0
    db.session.refresh(order)
    assert order.buyer_name == ""


def test_number_date_and_choice_values_are_of_their_kind(db, make_event, make_ticket_type):
    event = make_event()
    kind = make_ticket_type(event, price=0)
    made = {
        k: setup.save_question(event, QuestionData(k, kind_, k, choices=SEKTOR))
        for k, kind_ in (
            ("antal", AnswerKind.NUMBER),
            ("datum", AnswerKind.DATE),
            ("flera", AnswerKind.MULTIPLE_CHOICE),
            ("janej", AnswerKind.YES_NO),
        )
    }
    order = reserve_tickets(event, {kind.id: 1})

    def answer(key, value):
        checked = questions.check_answers(order, {questions.field_name(made[key], 1): value})
        error = checked.errors.get(questions.field_name(made[key], 1))
        return error or next((a[2] for a in checked.answers if a[0].key == key), "")

    assert answer("antal", "12,50") == "12.5"
    assert answer("antal", "1 200") == "1200"
    assert answer("antal", "tolv") == said("number")
    assert answer("datum", "2027-05-18") == "2027-05-18"
    assert answer("datum", "2027-02-30") == said("date")
    assert answer("datum", "18/5") == said("date")
    assert answer("flera", ["annat", "akademi", "akademi"]) == "akademi,annat"
    assert answer("flera", ["akademi", "Akademi"]) == said("choice")
    assert answer("janej", "kanske") == said("choice")
    assert answer("janej", "") == ""  # optional


GARBAGE = st.one_of(
    st.text(max_size=60),
    st.lists(st.text(max_size=12), max_size=4),
    st.sampled_from(["yes", "no", "annat", "akademi", "12,5", "2027-05-18", "\x00", "x" * 600]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sent=st.dictionaries(st.sampled_from(range(13)), GARBAGE, max_size=13))
def test_garbage_answers_are_errors_or_valid_values_never_a_crash(db, asked, sent):
    event, regular, student, q = asked
    order = reserve_tickets(event, {regular.id: 1, student.id: 1})
    fields = [*names(asked, 1).values(), *names(asked, 2).values()][:13] + ["q999-1"]
    checked = questions.check_answers(order, {fields[i]: v for i, v in sent.items()})
    for question, _ticket, value, _consent in checked.answers:
        if question.kind is AnswerKind.CHOICE:
            assert value in question.choice_keys
        if question.kind in (AnswerKind.YES_NO, AnswerKind.CONSENT):
            assert value in ("yes", "no")
        assert "\x00" not in value and len(value) <= questions.MAX_LONG_TEXT
    if checked.errors:
        with pytest.raises(questions.AnswerError), unit_of_work():
            questions.store_answers(order, checked)
        assert db.session.scalar(select(func.count(Answer.id))) == 0
    with unit_of_work():  # the next example starts from nothing
        db.session.delete(order)


def test_attendees_matching_finds_confirmed_attendees_by_answer(db, asked):
    event, regular, student, q = asked
    chosen = ["offentlig", "akademi", "offentlig"]
    orders = []
    for number, sektor in enumerate(chosen, start=1):
        order = reserve_tickets(event, {regular.id: 1})
        order.tickets[0].attendee_name = f"Deltagare {number}"
        n = names(asked, 1)
        data = {n["sektor"]: sektor, n["photo"]: "yes", names(asked)["invoice"]: "yes"}
        if number < 3:
            register(event, order, questions.check_answers(order, data))
        else:  # reserved, not confirmed: not an attendee (yet)
            with unit_of_work() as unit:
                unit.reread(order)
                fill_details(
                    order,
                    BuyerDetails("X", "x@example.se"),
                    [AttendeeDetails("Deltagare 3")],
                    questions.check_answers(order, data),
                )
        orders.append(order)
    found = answers.attendees_matching(event, "sektor", "offentlig")
    assert [t.order_id for t in found] == [orders[0].id]
    assert [t.order_id for t in answers.attendees_matching(event, q["sektor"].id, "akademi")] == [
        orders[1].id
    ]
    # An order question matches every ticket of the order.
    assert len(answers.attendees_matching(event, "nyhetsbrev", "yes")) == 2
    assert answers.attendees_matching(event, "finns_inte", "x") == []
    assert answers.attendees_matching(event, "sektor", "%") == []


def test_several_choices_match_each_of_their_keys(db, make_event, make_ticket_type):
    event = make_event()
    kind = make_ticket_type(event, price=0, vat_percent=0)
    workshops = setup.save_question(
        event,
        QuestionData(
            "Spår", AnswerKind.MULTIPLE_CHOICE, "spar", choices="a | A\nab | AB\nb_c | B C"
        ),
    )
    order = reserve_tickets(event, {kind.id: 1})
    register(event, order, questions.check_answers(order, {f"q{workshops.id}-1": ["ab", "b_c"]}))
    assert answers.attendees_matching(event, "spar", "ab")
    assert answers.attendees_matching(event, "spar", "b_c")
    assert not answers.attendees_matching(event, "spar", "a")
    assert not answers.attendees_matching(event, "spar", "b%")


def test_organizer_rules_for_questions(db, asked):
    event, regular, student, q = asked
    with pytest.raises(QuestionError) as refused:
        setup.save_question(event, QuestionData("Sektor igen", AnswerKind.TEXT, "sektor"))
    assert (refused.value.reason, refused.value.field) == ("key_taken", "key")
    with pytest.raises(QuestionError) as refused:
        setup.save_question(event, QuestionData("Ett val", AnswerKind.CHOICE, choices="Bara ett"))
    assert refused.value.reason == "no_choices"
    with pytest.raises(QuestionError) as refused:
        setup.save_question(
            event,
            QuestionData(
                "Villkor", AnswerKind.TEXT, depends_on_id=q["diet"].id, depends_on_value="x"
            ),
        )
    assert refused.value.reason == "bad_condition"  # a long text is no condition
    with pytest.raises(QuestionError) as refused:  # the buyer's question on an attendee's
        setup.save_question(
            event,
            QuestionData(
                "Villkor",
                AnswerKind.TEXT,
                scope=QuestionScope.ORDER,
                depends_on_id=q["sektor"].id,
                depends_on_value="annat",
            ),
        )
    assert refused.value.reason == "bad_condition"
    follow = setup.save_question(
        event,
        QuestionData(
            "Följdfråga",
            AnswerKind.YES_NO,
            "folj",
            depends_on_id=q["sektor"].id,
            depends_on_value="annat",
        ),
    )
    data = QuestionData(
        "Vilken sektor arbetar du i?",
        AnswerKind.CHOICE,
        "sektor",
        choices=setup.choices_text(q["sektor"]),
        depends_on_id=follow.id,
        depends_on_value="yes",
    )
    with pytest.raises(QuestionError) as refused:
        setup.save_question(event, data, q["sektor"])
    assert refused.value.reason == "condition_loop"
    assert setup.key_from("Idéburen sektor / civilsamhälle") == "ideburen_sektor_civilsamhalle"
    # Reworded labels keep their keys; the keys stay what answers store.
    text = setup.choices_text(q["sektor"]).replace("Annat", "Annan sektor")
    setup.save_question(
        event,
        QuestionData("Sektor", AnswerKind.CHOICE, "sektor", choices=text, required=True),
        q["sektor"],
    )
    assert q["sektor"].choice_keys[-1] == "annat"
    assert q["sektor"].choice_label("annat") == "Annan sektor"


def test_answered_questions_keep_what_answers_need(db, asked):
    event, regular, student, q = asked
    order = reserve_tickets(event, {regular.id: 1})
    n = names(asked, 1)
    register(
        event,
        order,
        questions.check_answers(
            order, {n["sektor"]: "annat", n["other"]: "Kyrkan", n["photo"]: "yes"}
        ),
    )
    fewer = "\n".join(setup.choices_text(q["sektor"]).splitlines()[:-1])
    with pytest.raises(QuestionError) as refused:
        setup.save_question(
            event, QuestionData("Sektor", AnswerKind.CHOICE, "sektor", choices=fewer), q["sektor"]
        )
    assert refused.value.params == {"key": "annat"}
    with pytest.raises(QuestionError) as refused:
        setup.save_question(event, QuestionData("Sektor", AnswerKind.TEXT, "sektor"), q["sektor"])
    assert refused.value.reason == "kind_in_use"
    with pytest.raises(QuestionError) as refused:
        setup.delete_question(q["other"])
    assert refused.value.reason == "has_answers"
    with pytest.raises(QuestionError) as refused:
        setup.delete_question(q["school"].depends_on or q["sektor"])
    assert refused.value.reason in ("has_answers", "has_dependents")
    setup.deactivate_question(q["other"])
    assert "sektor_annat" not in [x.key for x in questions.active_questions(event)]
    setup.delete_question(q["school"])  # never answered
    assert "larosate" not in [x.key for x in questions.event_questions(event)]


def test_questions_move_up_and_down(db, asked):
    event, regular, student, q = asked
    setup.move_question(q["diet"], -1)
    keys = [x.key for x in questions.event_questions(event)]
    assert keys[:3] == ["sektor", "kost", "sektor_annat"]
    setup.move_question(q["sektor"], -1)  # already first: stays
    assert [x.key for x in questions.event_questions(event)][0] == "sektor"
