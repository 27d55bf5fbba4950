"""The demo summit's registration questions — MSI's own sektor (which reports build on),
what other sector, diet and accessibility needs (sensitive), a photo and filming
consent — and plausible answers on the demo orders, made as rows, once."""

import random

from sqlalchemy import select

from ..extensions import db
from ..models import (
    Answer,
    AnswerKind,
    DataClass,
    Event,
    Order,
    OrderStatus,
    Question,
)
from ..services.tickets import question_setup
from ..services.tickets.question_setup import QuestionData

SEKTOR = (
    "akademi | Akademi | Academia\n"
    "naringsliv | Näringsliv | Business\n"
    "offentlig | Offentlig sektor | Public sector\n"
    "ideburen | Idéburen sektor / civilsamhälle | Non-profit sector / civil society\n"
    "annat | Annat | Other"
)
PHOTO_SV = (
    "Jag samtycker till att jag kan komma att fotograferas och filmas under summit, och "
    "att bilderna används i Mötesplats Social Innovations kommunikation."
)
PHOTO_EN = (
    "I agree that I may be photographed and filmed during the summit, and that the "
    "pictures are used in Mötesplats Social Innovation's communication."
)
# Each demo organisation's sector (the rest: drawn).
SECTORS = {
    "Malmö universitet": "akademi",
    "Vinnova": "offentlig",
    "Skandia": "naringsliv",
    "Mitt Liv AB": "naringsliv",
    "Social Venture Network": "annat",
}
OTHER_SECTORS = ["Socialt företag", "Kooperativ", "Stiftelse", "Frilansare", "Nätverk"]
ACCESS = ["", "", "", "", "", "", "", "Rullstol", "Hörslinga", "Teckenspråkstolk"]


def _questions(event: Event) -> list[tuple[str, QuestionData]]:
    sektor_id = _id(event, "sektor")
    return [
        (
            "sektor",
            QuestionData(
                "Vilken sektor arbetar du i?",
                AnswerKind.CHOICE,
                "sektor",
                label_en="Which sector do you work in?",
                choices=SEKTOR,
                required=True,
                position=10,
            ),
        ),
        (
            "sektor_annat",
            QuestionData(
                "Annat: vilken sektor?",
                AnswerKind.TEXT,
                "sektor_annat",
                label_en="Other: which sector?",
                required=True,
                depends_on_id=sektor_id,
                depends_on_value="annat",
                position=20,
            ),
        ),
        (
            "kost",
            QuestionData(
                "Specialkost",
                AnswerKind.TEXT,
                "kost",
                label_en="Dietary needs",
                help_sv="T.ex. vegetarisk, vegansk, glutenfri eller allergier.",
                help_en="E.g. vegetarian, vegan, gluten-free or allergies.",
                data_class=DataClass.SENSITIVE,
                position=30,
            ),
        ),
        (
            "tillganglighet",
            QuestionData(
                "Tillgänglighetsbehov",
                AnswerKind.TEXT,
                "tillganglighet",
                label_en="Accessibility needs",
                help_sv="T.ex. rullstolsplats, hörslinga eller teckenspråkstolk.",
                help_en="E.g. wheelchair access, hearing loop or sign language interpreting.",
                data_class=DataClass.SENSITIVE,
                position=40,
            ),
        ),
        (
            "foto",
            QuestionData(
                PHOTO_SV,
                AnswerKind.CONSENT,
                "foto",
                label_en=PHOTO_EN,
                position=50,
            ),
        ),
    ]


def _id(event: Event, key: str) -> int | None:
    return db.session.scalar(
        select(Question.id).where(Question.event_id == event.id, Question.key == key)
    )


def create_demo_questions(event: Event) -> None:
    """The questions, each made once (a question already there is left as it is)."""
    for key, data in _questions(event):
        if _id(event, key) is None:
            if key == "sektor_annat":
                data.depends_on_id = _id(event, "sektor")
            question_setup.save_question(event, data)


def answer_demo_orders(event: Event) -> int:
    """Answers for every confirmed demo ticket without a sektor answer: its
    organisation's sector (some annat, with what), diet and accessibility needs moved
    from the fixed fields into their questions, and most attendees' photo consent."""
    rng = random.Random(2027_16)
    by_key = {
        q.key: q for q in db.session.scalars(select(Question).where(Question.event_id == event.id))
    }
    sektor = by_key.get("sektor")
    if sektor is None:
        return 0
    answered = set(
        db.session.scalars(select(Answer.ticket_id).where(Answer.question_id == sektor.id))
    )
    orders = db.session.scalars(
        select(Order)
        .where(Order.event_id == event.id, Order.status.in_(OrderStatus.CONFIRMED))
        .order_by(Order.id)
    ).all()
    made = 0
    for order in orders:
        for ticket in order.tickets:
            if ticket.id in answered:
                continue
            sector = SECTORS.get(ticket.attendee_organisation) or _sector_of(order, rng)
            values = {"sektor": sector}
            if sector == "annat":
                values["sektor_annat"] = rng.choice(OTHER_SECTORS)
            if ticket.dietary_needs:
                values["kost"], ticket.dietary_needs = ticket.dietary_needs, ""
            if access := rng.choice(ACCESS):
                values["tillganglighet"] = access
            if rng.random() < 0.85:
                values["foto"] = "yes"
            for key, value in values.items():
                question = by_key.get(key)
                if question is None:
                    continue
                db.session.add(
                    Answer(
                        question=question,
                        order=order,
                        ticket=ticket,
                        value=value,
                        consent_text=question.label_sv if key == "foto" else "",
                        answered_at=order.created_at,
                    )
                )
            made += 1
    db.session.commit()
    return made


def _sector_of(order: Order, rng: random.Random) -> str:
    """The sector an order's ticket type suggests, with some spread."""
    name = order.tickets[0].ticket_type.name_sv
    likely = {
        "Offentlig sektor": "offentlig",
        "Ideell organisation": "ideburen",
        "Student": "akademi",
    }.get(name)
    if likely and rng.random() < 0.9:
        return likely
    return rng.choice(["akademi", "naringsliv", "offentlig", "ideburen", "annat"])
