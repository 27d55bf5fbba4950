"""What the survey tests share: the test summit (18–20 May 2027) with attendees checked
in or not, one of them ordering in English, and a survey built as an organizer builds
it: a rating, a choice, a free text and a sensitive free text, sent the morning after."""

from dataclasses import dataclass
from datetime import datetime

from summit.extensions import db
from summit.models import (
    AnswerKind,
    Checkin,
    CheckinList,
    DataClass,
    Event,
    OrderStatus,
    Survey,
    SurveyAudience,
    SurveyQuestion,
)
from summit.services.surveys import setup
from summit.services.tickets.question_setup import QuestionData
from tests import checkin_world
from tests.conftest import STOCKHOLM

# The morning after the summit, a week later it closes; the reminder in between.
SEND_AT = datetime(2027, 5, 21, 9, 0, tzinfo=STOCKHOLM)
REMIND_AT = datetime(2027, 5, 24, 9, 0, tzinfo=STOCKHOLM)
CLOSES_AT = datetime(2027, 5, 28, 23, 0, tzinfo=STOCKHOLM)
BEFORE = datetime(2027, 5, 20, 18, 0, tzinfo=STOCKHOLM)  # the last afternoon


@dataclass
class SurveyWorld:
    event: Event
    emails: dict[str, str]  # who -> address
    checked_in: list[str]  # who was let in


def build(make_event, event=None) -> SurveyWorld:
    event = event or make_event(slug="summit2027")
    ordinary = checkin_world.ticket_type(event, "Ordinarie", price=150000, vat_percent=25)
    people = {
        "asa": ("Åsa Öberg-Lindqvist", "Asa@Example.org"),
        "mohammed": ("Mohammed Ali", "mo@example.org"),
        "johan": ("Johan Ängström", "johan@example.org"),
        "eva": ("Eva Smith", "eva@example.org"),
    }
    tickets = {
        who: checkin_world.ticket(event, ordinary, name=name, email=email)
        for who, (name, email) in people.items()
    }
    tickets["eva"].order.locale = "en"
    checkin_world.ticket(event, ordinary, name="Ej Betald", status=OrderStatus.RESERVED)
    checkin_world.ticket(event, ordinary, name="Avbokad", status=OrderStatus.CANCELLED)
    door = CheckinList(event=event, name="Entré")
    db.session.add(door)
    db.session.flush()
    checked_in = ["asa", "mohammed", "eva"]
    for who in checked_in:
        db.session.add(Checkin(ticket_id=tickets[who].id, checkin_list_id=door.id))
    db.session.commit()
    return SurveyWorld(event, {w: e.lower() for w, (_n, e) in people.items()}, checked_in)


def survey(
    world: SurveyWorld,
    audience=SurveyAudience.CHECKED_IN,
    follows: Survey | None = None,
    schedule: bool = True,
    now: datetime = BEFORE,
    **times,
) -> Survey:
    made = setup.save_survey(
        world.event,
        setup.SurveyData(
            title_sv="Vad tyckte du om summit?" if follows is None else "Ett halvår senare",
            title_en="What did you think of the summit?" if follows is None else "Six months on",
            intro_sv="Det tar fem minuter.",
            audience=audience,
            send_at=times.get("send_at", SEND_AT),
            remind_at=times.get("remind_at", REMIND_AT),
            closes_at=times.get("closes_at", CLOSES_AT),
            follows_id=follows.id if follows else None,
        ),
    )
    questions(made)
    if schedule:
        setup.schedule(made, now=now)
    return made


def questions(survey: Survey) -> dict[str, SurveyQuestion]:
    made = {}
    for key, data in (
        (
            "betyg",
            QuestionData(
                label_sv="Betyg 1–5", label_en="Rating 1–5", kind=AnswerKind.NUMBER, required=True
            ),
        ),
        (
            "sektor",
            QuestionData(
                label_sv="Vilken sektor?",
                label_en="Which sector?",
                kind=AnswerKind.CHOICE,
                choices="offentlig | Offentlig | Public\n"
                "ideell | Ideell | Non-profit\n"
                "privat | Privat | Private",
            ),
        ),
        (
            "larde",
            QuestionData(
                label_sv="Vad lärde du dig?",
                label_en="What did you learn?",
                kind=AnswerKind.LONG_TEXT,
            ),
        ),
        (
            "halsa",
            QuestionData(
                label_sv="Något om din hälsa vi borde veta?",
                kind=AnswerKind.TEXT,
                data_class=DataClass.SENSITIVE,
            ),
        ),
    ):
        data.key = key
        made[key] = setup.save_question(survey, data)
    return made
