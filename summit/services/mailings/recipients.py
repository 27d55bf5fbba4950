"""Who a mailing goes to: groups of people, narrowed by criteria, one mail per address.

A Selection is what the organizer chose, stored as JSON on the mailing. It names groups
(the event's attendees, its confirmed speakers) and, for attendees, criteria; each
criterion is a small class that narrows the attendees' tickets with one SQL condition,
so they combine (all must hold) and a new kind is one more class in CRITERIA. An
address gets one mail whatever the number of its tickets or roles: the first group
that names it gives its name, language and link.
"""

from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import exists, false, select

from ...extensions import db
from ...models import (
    Addon,
    Checkin,
    Event,
    Order,
    OrderStatus,
    ProgramSession,
    Ticket,
    TicketAddon,
    TicketStatus,
    TicketType,
    WaitingListEntry,
    WaitingStatus,
    WorkshopSignup,
)
from ...urls import external_url
from ..tickets import answers
from .errors import MailingError


@dataclass(frozen=True)
class Recipient:
    email: str  # lower case
    name: str
    locale: str
    link: str  # their order page, Mina biljetter, or the event's page
    ticket_id: int | None = None  # an attendee's (first) ticket


# Attendee criteria ----------------------------------------------------------------------


class Criterion:
    """Narrows the event's attendees (valid tickets of confirmed orders)."""

    key: ClassVar[str]

    def clause(self, event: Event):  # pragma: no cover - each criterion says
        raise NotImplementedError

    def to_json(self):  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class TicketTypeIs(Criterion):
    """Holds a ticket of one of these types."""

    key: ClassVar[str] = "ticket_types"
    ids: tuple[int, ...]

    def clause(self, event):
        return Ticket.ticket_type_id.in_(self.ids)

    def check(self, event):
        _all_of_event(TicketType, self.ids, event, self.key)

    def to_json(self):
        return list(self.ids)

    @classmethod
    def from_json(cls, value):
        return cls(_ids(value, cls.key))


@dataclass(frozen=True)
class CheckedIn(Criterion):
    """Has been let in at the door (on any list, not undone), or has not."""

    key: ClassVar[str] = "checked_in"
    yes: bool

    def clause(self, event):
        let_in = exists().where(Checkin.ticket_id == Ticket.id, Checkin.undone_at.is_(None))
        return let_in if self.yes else ~let_in

    def check(self, event):
        pass

    def to_json(self):
        return self.yes

    @classmethod
    def from_json(cls, value):
        if not isinstance(value, bool):
            raise MailingError("unknown_choice", cls.key)
        return cls(value)


@dataclass(frozen=True)
class SignedUpFor(Criterion):
    """Holds a place (not cancelled) in one of these program sessions (workshops)."""

    key: ClassVar[str] = "sessions"
    ids: tuple[int, ...]

    def clause(self, event):
        return exists().where(
            WorkshopSignup.ticket_id == Ticket.id,
            WorkshopSignup.session_id.in_(self.ids),
            WorkshopSignup.cancelled_at.is_(None),
        )

    def check(self, event):
        _all_of_event(ProgramSession, self.ids, event, self.key)

    def to_json(self):
        return list(self.ids)

    @classmethod
    def from_json(cls, value):
        return cls(_ids(value, cls.key))


@dataclass(frozen=True)
class AnswerIs(Criterion):
    """Answered a registration question so: "sektor:offentlig", a question's key and a
    value as the order list filters on (tickets.answers.filter_choices)."""

    key: ClassVar[str] = "answer"
    choice: str

    def clause(self, event):
        found = answers.chosen_filter(event, self.choice)
        if found is None:  # the question was deleted since: nobody answered it
            return false()
        return Ticket.id.in_(answers.matching_ticket_ids(event, *found))

    def check(self, event):
        if self.choice not in {value for value, _words in answers.filter_choices(event)}:
            raise MailingError("unknown_choice", self.key)

    def words(self, event) -> str:
        """The choice as the organizer saw it ("Sektor – Offentlig sektor")."""
        return dict(answers.filter_choices(event)).get(self.choice, self.choice)

    def to_json(self):
        return self.choice

    @classmethod
    def from_json(cls, value):
        if not isinstance(value, str) or ":" not in value or len(value) > 100:
            raise MailingError("unknown_choice", cls.key)
        return cls(value)


@dataclass(frozen=True)
class HasAddon(Criterion):
    """Holds one of these add-ons (the conference dinner, a study visit), bought and
    confirmed, on their ticket."""

    key: ClassVar[str] = "addons"
    ids: tuple[int, ...]

    def clause(self, event):
        return exists().where(
            TicketAddon.ticket_id == Ticket.id,
            TicketAddon.addon_id.in_(self.ids),
            TicketAddon.status == TicketStatus.VALID,
            TicketAddon.order_id.in_(
                select(Order.id).where(Order.status.in_(OrderStatus.CONFIRMED))
            ),
        )

    def check(self, event):
        _all_of_event(Addon, self.ids, event, self.key)

    def to_json(self):
        return list(self.ids)

    @classmethod
    def from_json(cls, value):
        return cls(_ids(value, cls.key))


CRITERIA: dict[str, type[Criterion]] = {
    c.key: c for c in (TicketTypeIs, CheckedIn, SignedUpFor, AnswerIs, HasAddon)
}


def _ids(value, key: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not value or len(value) > 500:
        raise MailingError("unknown_choice", key)
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**31 for v in value):
        raise MailingError("unknown_choice", key)
    return tuple(sorted(set(value)))


def _all_of_event(model, ids, event: Event, key: str) -> None:
    found = db.session.scalars(
        select(model.id).where(model.id.in_(ids), model.event_id == event.id)
    ).all()
    if len(found) != len(ids):
        raise MailingError("unknown_choice", key)


# Groups ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The groups a mailing goes to. `attendees` with `criteria` (all must hold; none:
    every attendee); `speakers`: the confirmed speakers of the call; `waiting`: those in
    line on the event's waiting lists."""

    attendees: bool = False
    criteria: tuple[Criterion, ...] = ()
    speakers: bool = False
    waiting: bool = False  # in line on a waiting list, or holding an offer

    def __post_init__(self):
        # One order whatever order they were given in: equal selections are equal.
        object.__setattr__(self, "criteria", tuple(sorted(self.criteria, key=lambda c: c.key)))

    def to_json(self) -> dict:
        return {
            "attendees": self.attendees,
            "criteria": {c.key: c.to_json() for c in self.criteria},
            "speakers": self.speakers,
            "waiting": self.waiting,
        }

    @classmethod
    def from_json(cls, data) -> "Selection":
        """Read a stored or posted selection; MailingError for anything else."""
        if not isinstance(data, dict):
            raise MailingError("no_group")
        raw = data.get("criteria", {})
        if not isinstance(raw, dict) or any(key not in CRITERIA for key in raw):
            raise MailingError("unknown_choice")
        criteria = tuple(CRITERIA[key].from_json(value) for key, value in sorted(raw.items()))
        return cls(
            attendees=data.get("attendees") is True,
            criteria=criteria,
            speakers=data.get("speakers") is True,
            waiting=data.get("waiting") is True,
        )

    def check(self, event: Event) -> None:
        """Refuse a selection of nobody, or naming what is not the event's."""
        if not (self.attendees or self.speakers or self.waiting):
            raise MailingError("no_group", "attendees")
        for criterion in self.criteria:
            criterion.check(event)

    def criterion(self, key: str) -> Criterion | None:
        return next((c for c in self.criteria if c.key == key), None)


def recipients(event: Event, selection: Selection) -> list[Recipient]:
    """Everyone the selection names, one per address, in the order of the groups and then
    by name."""
    found: dict[str, Recipient] = {}
    groups = []
    if selection.attendees:
        groups.append(_attendees(event, selection.criteria))
    if selection.speakers:
        groups.append(_speakers(event))
    if selection.waiting:
        groups.append(_waiting(event))
    for group in groups:
        for recipient in sorted(group, key=lambda r: (r.name.casefold(), r.email)):
            found.setdefault(recipient.email, recipient)
    return list(found.values())


def _attendees(event: Event, criteria) -> list[Recipient]:
    rows = db.session.execute(
        select(
            Ticket.attendee_email,
            Ticket.attendee_name,
            Order.buyer_email,
            Order.buyer_name,
            Order.locale,
            Order.token,
            Ticket.id,
        )
        .join(Order, Order.id == Ticket.order_id)
        .where(
            Order.event_id == event.id,
            Order.status.in_(OrderStatus.CONFIRMED),
            Ticket.status == TicketStatus.VALID,
            *[c.clause(event) for c in criteria],
        )
        .order_by(Order.id, Ticket.id)
    ).all()
    my_tickets = external_url("site.my_tickets")
    people = []
    for attendee_email, attendee_name, buyer_email, buyer_name, locale, token, ticket_id in rows:
        email = (attendee_email or buyer_email or "").strip().lower()
        if not email:
            continue
        is_buyer = email == (buyer_email or "").strip().lower()
        name = attendee_name or (buyer_name if is_buyer else "")
        link = (
            external_url("tickets.order", slug=event.slug, token=token) if is_buyer else my_tickets
        )
        people.append(Recipient(email, name, locale or "sv", link, ticket_id))
    return people


def _speakers(event: Event) -> list[Recipient]:
    from ..cfp.speakers import language_of, profiles_for
    from ..tickets.vouchers import confirmed_speakers

    users = confirmed_speakers(event)
    profiles = profiles_for(u.id for u in users)
    link = external_url("site.event", slug=event.slug)
    return [
        Recipient(
            user.email.lower(),
            (profiles.get(user.id) and profiles[user.id].display_name) or user.name,
            language_of(user, profiles.get(user.id)),
            link,
        )
        for user in users
    ]


def _waiting(event: Event) -> list[Recipient]:
    """Those still in line on one of the event's waiting lists (or holding an offer),
    with their own waiting-list page as their link."""
    rows = db.session.execute(
        select(
            WaitingListEntry.email,
            WaitingListEntry.name,
            WaitingListEntry.locale,
            WaitingListEntry.token,
        )
        .where(
            WaitingListEntry.event_id == event.id,
            WaitingListEntry.status.in_(WaitingStatus.ACTIVE),
        )
        .order_by(WaitingListEntry.id)
    ).all()
    return [
        Recipient(
            email.strip().lower(),
            name,
            locale or "sv",
            external_url("tickets.waiting_entry", slug=event.slug, token=token),
        )
        for email, name, locale, token in rows
        if email
    ]


def sessions_with_signups(event: Event) -> list[ProgramSession]:
    """The sessions a mailing can pick sign-ups of (those that take them), by time."""
    return list(
        db.session.scalars(
            select(ProgramSession)
            .where(ProgramSession.event_id == event.id, ProgramSession.takes_signups.is_(True))
            .order_by(ProgramSession.starts_at, ProgramSession.title)
        )
    )
