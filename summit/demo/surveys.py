"""The demo summit's surveys: the one sent the morning after, as if the summit had
been (to those checked in at the demo door, some of whom answered), and its follow-up
half a year later, a draft. Made once; the first survey's personal links work until it
closes, so its page can be tried."""

import random
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..extensions import db
from ..models import (
    AnswerKind,
    DataClass,
    Event,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyRecipient,
    SurveyResponse,
    SurveyStatus,
)
from ..services.surveys import sending, setup
from ..services.tickets.question_setup import QuestionData

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TITLE = "Vad tyckte du om Social Innovation Summit 2027?"
FOLLOW_UP = "Vad har du gjort med det du lärde dig?"
VALUABLE = (
    "moten | Möten med andra sektorer | Meeting other sectors\n"
    "foredrag | Föredragen | The talks\n"
    "workshoppar | Workshopparna | The workshops\n"
    "natverk | Nya kontakter | New contacts"
)
LEARNED = [
    "Hur kommuner och idéburna organisationer kan bygga IOP tillsammans.",
    "Att mäta social effekt utan att drunkna i indikatorer.",
    "Nya kontakter i Region Skåne som vi ska följa upp.",
    "Metoder för medskapande med unga.",
    "",
]


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def _questions() -> list[QuestionData]:
    return [
        QuestionData(
            "Hur nöjd är du med summit som helhet, från 1 till 5?",
            AnswerKind.NUMBER,
            "helhet",
            label_en="How satisfied are you with the summit as a whole, from 1 to 5?",
            required=True,
        ),
        QuestionData(
            "Vad var mest värdefullt?",
            AnswerKind.MULTIPLE_CHOICE,
            "vardefullt",
            label_en="What was most valuable?",
            choices=VALUABLE,
        ),
        QuestionData(
            "Kommer du tillbaka nästa år?",
            AnswerKind.YES_NO,
            "tillbaka",
            label_en="Will you come back next year?",
        ),
        QuestionData(
            "Vad tar du med dig hem?",
            AnswerKind.LONG_TEXT,
            "med_dig",
            label_en="What do you take home with you?",
        ),
        QuestionData(
            "Var det något som gjorde det svårt för dig att delta (tillgänglighet, hälsa)?",
            AnswerKind.LONG_TEXT,
            "hinder",
            label_en="Did anything make it hard for you to take part (accessibility, health)?",
            data_class=DataClass.SENSITIVE,
        ),
    ]


def create_demo_surveys(summit: Event) -> list[str]:
    survey = db.session.scalar(
        select(Survey).where(Survey.event_id == summit.id, Survey.title_sv == TITLE)
    )
    if survey is None:
        survey = setup.save_survey(
            summit,
            setup.SurveyData(
                title_sv=TITLE,
                title_en="What did you think of Social Innovation Summit 2027?",
                intro_sv="Fem frågor, fem minuter. Svaren hjälper oss att göra nästa "
                "summit bättre.",
                intro_en="Five questions, five minutes. Your answers help us make the next "
                "summit better.",
                audience=SurveyAudience.CHECKED_IN,
                send_at=_at(2027, 5, 21, 9, 0),
                remind_at=_at(2027, 5, 26, 9, 0),
                closes_at=_at(2027, 6, 4, 23, 59),
            ),
        )
        for data in _questions():
            setup.save_question(survey, data)
        _as_if_sent(survey)
        later = setup.save_survey(
            summit,
            setup.SurveyData(
                title_sv=FOLLOW_UP,
                title_en="What have you done with what you learned?",
                intro_sv="Ett halvår efter summit: vi vill veta vad som hänt sedan.",
                send_at=_at(2027, 11, 22, 9, 0),
                closes_at=_at(2027, 12, 10, 23, 59),
                follows_id=survey.id,
            ),
        )
        setup.save_question(
            later,
            QuestionData(
                "Vad har du gjort med det du lärde dig?",
                AnswerKind.LONG_TEXT,
                "gjort",
                label_en="What have you done with what you learned?",
                required=True,
            ),
        )
    link = db.session.scalar(
        select(SurveyRecipient.token)
        .outerjoin(SurveyResponse, SurveyResponse.recipient_id == SurveyRecipient.id)
        .where(SurveyRecipient.survey_id == survey.id, SurveyResponse.id.is_(None))
        .order_by(SurveyRecipient.id)
        .limit(1)
    )
    lines = ["", "Surveys: /manage/events/summit2027/surveys/"]
    if link:
        lines.append(f"  answer the survey as an attendee: /survey/{link}")
    return lines


def _as_if_sent(survey: Survey) -> None:
    """Recipients as the worker writes them (without mail: the demo's summit has not
    been yet), and answers from about half of them."""
    rng = random.Random(2027_17)
    questions = {q.key: q for q in setup.survey_questions(survey)}
    people = sending.people(survey)
    for number, person in enumerate(people):
        recipient = SurveyRecipient(
            survey_id=survey.id,
            email=person.email,
            name=person.name[:200],
            locale=person.locale,
            ticket_id=person.ticket_id,
            invited_at=survey.send_at,
        )
        db.session.add(recipient)
        if number % 2:
            continue
        response = SurveyResponse(
            survey_id=survey.id,
            recipient=recipient,
            submitted_at=survey.send_at,
            updated_at=survey.send_at,
        )
        values = {
            "helhet": str(rng.choice([3, 4, 4, 5, 5, 5])),
            "vardefullt": ",".join(
                k for k in questions["vardefullt"].choice_keys if rng.random() < 0.5
            ),
            "tillbaka": rng.choice(["yes", "yes", "yes", "no"]),
            "med_dig": rng.choice(LEARNED),
            "hinder": "Hörslingan i Sal B fungerade inte." if number == 4 else "",
        }
        for key, value in values.items():
            if value:
                db.session.add(
                    SurveyAnswer(
                        response=response,
                        question_id=questions[key].id,
                        value=value,
                        answered_at=survey.send_at,
                    )
                )
    survey.status, survey.sent_at = SurveyStatus.SENT, survey.send_at
    db.session.commit()
