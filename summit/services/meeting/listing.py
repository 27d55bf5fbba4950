"""The participant list: ticket holders who chose to be on it, with name, organisation,
sektor and a short "Jag vill träffa…", seen only by other holders who are on it too.

Guarantees:
- Only a signed-in person holding their own valid ticket to the event
  (my_tickets.own_tickets) can be listed; one listing per person and event (a unique
  index); saving again changes it. The exact consent text shown and when it was given
  are kept; withdrawing deletes the listing at once.
- The sektor is the person's answer to the registration question "sektor" when they
  gave one, else one they choose from the event's sektor choices (or the defaults).
- The list is shown only to a person who is listed with a ticket that still holds, and
  shows only listings whose ticket still holds; never email addresses.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    Answer,
    AnswerKind,
    Event,
    Order,
    OrderStatus,
    ParticipantListing,
    Question,
    Ticket,
    TicketStatus,
    User,
    utcnow,
)
from ...models.events import localized
from ...models.search import fold, like_pattern, search_words
from .. import locks
from ..refusal import Refusal
from ..tickets.my_tickets import own_tickets

NAME_MAX = 200
ORGANISATION_MAX = 200
WANTS_MAX = 280
QUERY_MAX = 100
SEKTOR_QUESTION = "sektor"

# MSI's sectors, when the event asks no sektor question with choices of its own.
DEFAULT_SECTORS = [
    {"key": "akademi", "sv": "Akademi", "en": "Academia"},
    {"key": "naringsliv", "sv": "Näringsliv", "en": "Business"},
    {"key": "offentlig", "sv": "Offentlig sektor", "en": "Public sector"},
    {
        "key": "ideburen",
        "sv": "Idéburen sektor / civilsamhälle",
        "en": "Non-profit / civil society",
    },
    {"key": "annat", "sv": "Annat", "en": "Other"},
]

CONSENT = _l(
    "I want to be on the participant list of this event. The other ticket holders who "
    "are on it see my name, organisation, sektor and what I write here, never my email "
    "address. I can change or withdraw this at any time, and withdrawing removes me at once."
)


class MeetingError(Refusal):
    """A refused listing; nothing was stored."""

    messages = {
        "no_ticket": lambda p: str(
            _l("The participant list is for people with their own ticket to the event.")
        ),
        "consent": lambda p: str(_l("Tick the box to agree to be on the list.")),
    }


@dataclass(frozen=True)
class ListingData:
    name: str
    organisation: str
    sektor: str
    wants_to_meet: str
    consent: bool  # the box with CONSENT was ticked


def holder_ticket(event: Event, user: User) -> Ticket | None:
    """The person's own ticket to the event that lists them (the first, by id)."""
    tickets = own_tickets(event, user)
    return tickets[0] if tickets else None


def _sektor_question(event: Event) -> Question | None:
    return db.session.scalar(
        select(Question).where(Question.event_id == event.id, Question.key == SEKTOR_QUESTION)
    )


def sektor_choices(event: Event) -> list[tuple[str, str]]:
    """(key, label in the page's language) of the event's sectors."""
    question = _sektor_question(event)
    choices = question.choices if question and question.kind is AnswerKind.CHOICE else None
    return [
        (c["key"], localized(c.get("sv", ""), c.get("en", ""))) for c in choices or DEFAULT_SECTORS
    ]


def sektor_label(event: Event, key: str) -> str:
    return dict(sektor_choices(event)).get(key, key)


def registered_sektor(event: Event, ticket: Ticket) -> str | None:
    """The ticket's answer to the sektor question (or its order's), if it is one of
    the sectors; None when they gave none."""
    question = _sektor_question(event)
    if question is None or question.kind is not AnswerKind.CHOICE:
        return None
    values = db.session.scalars(
        select(Answer.value)
        .where(
            Answer.question_id == question.id,
            Answer.order_id == ticket.order_id,
            (Answer.ticket_id == ticket.id) | Answer.ticket_id.is_(None),
        )
        .order_by(Answer.ticket_id.is_(None), Answer.id)
    ).all()
    keys = {key for key, _label in sektor_choices(event)}
    return next((v for v in values if v in keys), None)


def listing_of(event: Event, user: User) -> ParticipantListing | None:
    return db.session.scalar(
        select(ParticipantListing).where(
            ParticipantListing.event_id == event.id, ParticipantListing.user_id == user.id
        )
    )


def _check(event: Event, ticket: Ticket, data: ListingData, first: bool) -> tuple[str, ...]:
    name, organisation = data.name.strip(), data.organisation.strip()
    wants = " ".join(data.wants_to_meet.split())
    if not name:
        raise MeetingError("required", "name")
    for value, field, n in (
        (name, "name", NAME_MAX),
        (organisation, "organisation", ORGANISATION_MAX),
        (wants, "wants_to_meet", WANTS_MAX),
    ):
        if len(value) > n:
            raise MeetingError("too_long", field, n=n)
    sektor = registered_sektor(event, ticket) or data.sektor
    if sektor not in {key for key, _label in sektor_choices(event)}:
        raise MeetingError("invalid_choice", "sektor")
    if first and not data.consent:
        raise MeetingError("consent", "consent")
    return name, organisation, sektor, wants


def save_listing(
    event: Event, user: User, data: ListingData, now: datetime | None = None
) -> ParticipantListing:
    """Puts the person on the list, or changes their listing. Commits. The consent text
    (CONSENT, in the language it was shown in) and its time are kept from the opt-in."""
    ticket = holder_ticket(event, user)
    if ticket is None:
        raise MeetingError("no_ticket")
    now = now or utcnow()
    with unit_of_work(locks.person(user.id)) as unit:
        unit.reread(ticket)
        listing = listing_of(event, user)
        name, organisation, sektor, wants = _check(event, ticket, data, listing is None)
        values = {
            "ticket_id": ticket.id,
            "name": name,
            "organisation": organisation,
            "sektor": sektor,
            "wants_to_meet": wants,
            "search_text": search_words(name, organisation, wants),
            "updated_at": now,
        }
        if listing is None:
            listing = ParticipantListing(
                event_id=event.id,
                user_id=user.id,
                consent_text=str(CONSENT),
                consented_at=now,
                **values,
            )
            db.session.add(listing)
        else:
            for key, value in values.items():
                setattr(listing, key, value)
    return listing


def withdraw(event: Event, user: User) -> bool:
    """Takes the person off the list at once (the row is deleted). Commits; True when
    they were on it."""
    with unit_of_work(locks.person(user.id)):
        return bool(
            db.session.execute(
                delete(ParticipantListing).where(
                    ParticipantListing.event_id == event.id,
                    ParticipantListing.user_id == user.id,
                )
            ).rowcount
        )


def _holding():
    """Listings whose ticket still holds (valid, in a confirmed order)."""
    return (
        select(ParticipantListing)
        .join(Ticket, Ticket.id == ParticipantListing.ticket_id)
        .join(Order, Order.id == Ticket.order_id)
        .where(Ticket.status == TicketStatus.VALID, Order.status.in_(OrderStatus.CONFIRMED))
    )


def may_see_list(event: Event, user: User) -> bool:
    """The person is on the event's list, with a ticket that still holds."""
    if not getattr(user, "is_authenticated", False):
        return False
    found = db.session.scalar(
        _holding()
        .where(ParticipantListing.event_id == event.id, ParticipantListing.user_id == user.id)
        .limit(1)
    )
    return found is not None


def visible_listings(
    event: Event, user: User, sektor: str = "", query: str = ""
) -> list[ParticipantListing]:
    """The list as `user` may see it (everyone listed, them too), filtered by sektor
    and by words in the name, organisation or text; by name. Empty for anyone who may
    not see it."""
    if not may_see_list(event, user):
        return []
    statement = _holding().where(ParticipantListing.event_id == event.id)
    if sektor:
        statement = statement.where(ParticipantListing.sektor == sektor)
    if fold(query):
        statement = statement.where(
            ParticipantListing.search_text.like(like_pattern(query[:QUERY_MAX]), escape="\\")
        )
    listings = db.session.scalars(statement.order_by(ParticipantListing.id)).all()
    return sorted(listings, key=lambda entry: (fold(entry.name), entry.id))
