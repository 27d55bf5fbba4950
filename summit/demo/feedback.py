"""Demo feedback on the summit: ratings with a few comments on some of the first day's
sessions, by attendees who were checked in, and two people on the participant list
(the demo attendee, deltagare@example.org, and one more), so the organizers' results,
the speakers' pages and the list are not empty. Written as rows, once (the sessions
have not happened yet when the demo is made, so the rating rules would refuse)."""

import random

from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    Event,
    Order,
    ParticipantListing,
    ProgramSession,
    SessionRating,
    Ticket,
)
from ..models.search import search_words
from ..services import accounts
from ..services.feedback.attendance import attending
from ..services.feedback.ratings import PAUSES
from ..services.meeting.listing import CONSENT, registered_sektor
from ..services.program.published import published_program
from .program import DEMO_ATTENDEE

COMMENTS = [
    "Konkreta exempel som går att ta med hem till kommunen.",
    "För mycket på för kort tid – hade gärna haft mer tid för frågor.",
    "Bästa passet hittills! Talaren fick hela salen med sig.",
    "Svårt att höra längst bak.",
    "Bra blandning av forskning och praktik.",
    "",
    "",
    "",
]
LISTED = [
    (DEMO_ATTENDEE[0], "Vill träffa forskare och idéburna som arbetar med unga i utanförskap."),
    (None, "Söker kommuner som vill prova sociala investeringar tillsammans med oss."),
]


def create_demo_feedback(summit: Event) -> list[str]:
    made = _ratings(summit) + _listings(summit)
    if not made:
        return []
    slug = summit.slug
    return [
        "",
        "Session feedback and the participant list:",
        f"  /manage/events/{slug}/program/feedback      the ratings (as an organizer)",
        f"  /events/{slug}/participants/                the list (as {DEMO_ATTENDEE[0]})",
    ]


def _checked_in_tickets(summit: Event) -> list[Ticket]:
    return list(db.session.scalars(attending(summit).order_by(Ticket.id)))


def _ratings(summit: Event) -> int:
    program = published_program(summit)
    rated = db.session.scalar(
        select(func.count(SessionRating.id))
        .join(ProgramSession, ProgramSession.id == SessionRating.session_id)
        .where(ProgramSession.event_id == summit.id)
    )
    if program is None or rated:
        return 0
    tickets = _checked_in_tickets(summit)
    tokens = [s.token for s in program.sessions if s.kind not in PAUSES][:10]
    ids = dict(
        db.session.execute(
            select(ProgramSession.token, ProgramSession.id).where(
                ProgramSession.event_id == summit.id, ProgramSession.token.in_(tokens)
            )
        ).all()
    )
    rng = random.Random(2027_17)
    made = 0
    for n, token in enumerate(tokens):
        leaning = 3 + n % 3  # some sessions go down better than others
        for ticket in rng.sample(tickets, min(len(tickets), rng.randint(4, 12))):
            score = max(1, min(5, round(rng.gauss(leaning, 1))))
            db.session.add(
                SessionRating(
                    ticket_id=ticket.id,
                    session_id=ids[token],
                    score=score,
                    comment=rng.choice(COMMENTS),
                )
            )
            made += 1
    db.session.commit()
    return made


def _listings(summit: Event) -> int:
    if db.session.scalar(
        select(func.count(ParticipantListing.id)).where(ParticipantListing.event_id == summit.id)
    ):
        return 0
    made = 0
    checked_in = _checked_in_tickets(summit)
    for email, wants in LISTED:
        ticket = (
            db.session.scalar(
                select(Ticket)
                .join(Order, Order.id == Ticket.order_id)
                .where(Order.event_id == summit.id, Ticket.attendee_email == email)
            )
            if email
            else next((t for t in checked_in if t.attendee_email), None)
        )
        if ticket is None:
            continue
        user = accounts.find_user(ticket.attendee_email) or accounts.create_user(
            ticket.attendee_email, name=ticket.attendee_name, password=None
        )
        sektor = registered_sektor(summit, ticket) or "ideburen"
        db.session.add(
            ParticipantListing(
                event_id=summit.id,
                user_id=user.id,
                ticket_id=ticket.id,
                name=ticket.attendee_name,
                organisation=ticket.attendee_organisation,
                sektor=sektor,
                wants_to_meet=wants,
                search_text=search_words(ticket.attendee_name, ticket.attendee_organisation, wants),
                consent_text=str(CONSENT),
            )
        )
        made += 1
    db.session.commit()
    return made
