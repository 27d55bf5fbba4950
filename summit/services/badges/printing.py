"""Whose badges to print and what is printed on them, and the log of what was printed.

render.py renders Badges to PDF and knows nothing of the database; this module
picks the tickets (valid tickets of confirmed orders), decides each badge's role, puts
the words on it in the badge's language, and logs every badge made for printing, so
"only those not printed yet" is exact and a reprint is a deliberate choice.
"""

from collections.abc import Iterable
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...i18n import event_when
from ...models import (
    BadgePrint,
    BadgeRole,
    Event,
    Order,
    OrderStatus,
    PrintChannel,
    Ticket,
    TicketStatus,
    TicketType,
)
from ...models.search import collation_key
from ..branding import brand_of
from ..tickets.addons import badge_words
from .render import Badge

SORTS = ("last_name", "organisation")
# Each layout of services/badges/render.py, in the words of the person at the printer.
LAYOUT_LABELS = {
    "a6": _l("A6, one per page"),
    "a6x4": _l("4 × A6 on A4"),
    "a7x8": _l("8 × A7 on A4"),
    "durable-54x90": _l("Durable 54 × 90 mm, 10 per A4"),
    "ql-62": _l("Brother QL 62 mm label"),
}
LOCALES = ("sv", "en")


def printable_tickets(
    event: Event,
    *,
    ticket_type_ids: Iterable[int] = (),
    sort: str = "last_name",
    only_unprinted: bool = False,
) -> list[Ticket]:
    """The tickets that get a badge: valid tickets of paid or invoiced orders of the
    event, of the given ticket types (none given: all), sorted by last name or by
    organisation (then last name), in Swedish alphabetical order (… X Y Z Å Ä Ö)."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort: {sort!r}")
    query = _printable(select(Ticket), event, ticket_type_ids, only_unprinted).options(
        joinedload(Ticket.order), joinedload(Ticket.ticket_type)
    )
    tickets = list(db.session.scalars(query).unique())

    def by_last_name(ticket):
        first, last = split_name(holder_name(ticket))
        return (collation_key(last), collation_key(first), ticket.id)

    def by_organisation(ticket):
        return (collation_key(holder_organisation(ticket)) or "\uffff", *by_last_name(ticket))

    return sorted(tickets, key=by_last_name if sort == "last_name" else by_organisation)


def printable_ticket_ids(
    event: Event, *, ticket_type_ids: Iterable[int] = (), only_unprinted: bool = False
) -> list[int]:
    """The ids of printable_tickets, in no particular order: what a run is counted from
    without loading a thousand tickets into the web process."""
    query = _printable(select(Ticket.id), event, ticket_type_ids, only_unprinted)
    return list(db.session.scalars(query.order_by(Ticket.id)))


def _printable(query, event: Event, ticket_type_ids: Iterable[int], only_unprinted: bool):
    query = (
        query.join(Ticket.order)
        .join(Ticket.ticket_type)
        .where(
            Order.event_id == event.id,
            Order.status.in_(OrderStatus.CONFIRMED),
            Ticket.status == TicketStatus.VALID,
        )
    )
    ticket_type_ids = list(ticket_type_ids)
    if ticket_type_ids:
        query = query.where(TicketType.id.in_(ticket_type_ids))
    if only_unprinted:
        printed = select(BadgePrint.id).where(BadgePrint.ticket_id == Ticket.id)
        query = query.where(~printed.exists())
    return query


def split_name(name: str) -> tuple[str, str]:
    """("Anna", "Andersson Berg") from "Anna Andersson Berg": the first word is the name
    printed large, the rest the last name."""
    first, _, last = " ".join(name.split()).partition(" ")
    return first, last


def holder_name(ticket: Ticket) -> str:
    return ticket.attendee_name or ticket.order.buyer_name


def holder_organisation(ticket: Ticket) -> str:
    return ticket.attendee_organisation or ticket.order.buyer_organisation or ""


def confirmed_speaker_emails(event: Event) -> frozenset[str]:
    """E-mail addresses (casefolded) of the event's confirmed speakers, whose badges say
    "talare" whatever their ticket: the speakers (submitter and co-speakers who accepted)
    of the event's confirmed proposals."""
    from ...models import Proposal, ProposalSpeaker, ProposalState, User

    rows = db.session.execute(
        select(ProposalSpeaker.email, User.email)
        .join(Proposal, Proposal.id == ProposalSpeaker.proposal_id)
        .join(User, User.id == ProposalSpeaker.user_id)
        .where(
            Proposal.event_id == event.id,
            Proposal.state == ProposalState.CONFIRMED,
            ProposalSpeaker.accepted_at.is_not(None),
        )
    )
    return frozenset(email.casefold() for row in rows for email in row if email)


def badge_role(ticket: Ticket, speakers: frozenset[str] = frozenset()) -> BadgeRole:
    """The ribbon on the ticket holder's badge: "talare" for a confirmed speaker, else
    what the ticket type says (set by the organizers on the ticket type)."""
    emails = {ticket.attendee_email.casefold(), ticket.order.buyer_email.casefold()} - {""}
    if emails & speakers and ticket.ticket_type.badge_role is not BadgeRole.ORGANIZER:
        return BadgeRole.SPEAKER
    return ticket.ticket_type.badge_role


def badges_for(tickets: list[Ticket], locale: str | None = None) -> list[Badge]:
    """The badges of these tickets (all of one event), in their order. The words on them
    (role, dates) in `locale`, or when None in each order's own language."""
    if locale is not None and locale not in LOCALES:
        raise ValueError(f"unknown badge language: {locale!r}")
    if not tickets:
        return []
    event = tickets[0].order.event
    speakers = confirmed_speaker_emails(event)
    brand = brand_of(event)  # one for all: its logo is encoded once per document
    words: dict[tuple[str, BadgeRole], tuple[str, str, str]] = {}
    extras = badge_words(tickets)  # "Middag": what the attendee has booked besides
    badges = []
    for ticket in tickets:
        role = badge_role(ticket, speakers)
        language = locale or (ticket.order.locale if ticket.order.locale in LOCALES else "sv")
        if (language, role) not in words:
            with force_locale(language):
                words[language, role] = (
                    str(role.label),
                    event_when(event),
                    _("QR code for entry"),
                )
        role_label, dates, qr_label = words[language, role]
        first, last = split_name(holder_name(ticket))
        badges.append(
            Badge(
                first_name=first,
                last_name=last,
                organisation=holder_organisation(ticket),
                role=role.value,
                role_label=" · ".join([role_label, *extras.get(ticket.id, [])]),
                event_name=event.name,
                event_dates=dates,
                secret=ticket.secret,
                brand=brand,
                lang=language,
                qr_label=qr_label,
            )
        )
    return badges


def record_prints(
    ticket_ids: Iterable[int],
    channel: PrintChannel,
    layout: str,
    *,
    by_id: int | None = None,
    station_id: int | None = None,
    job_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Inside a unit of work: log these tickets' badges as printed (one row each).
    Returns how many."""
    rows = [
        BadgePrint(
            ticket_id=ticket_id,
            channel=channel,
            layout=layout,
            printed_by_id=by_id,
            station_id=station_id,
            job_id=job_id,
            **({"printed_at": now} if now else {}),
        )
        for ticket_id in ticket_ids
    ]
    db.session.add_all(rows)
    return len(rows)


def last_printed(ticket_ids: Iterable[int]) -> dict[int, datetime]:
    """When each of these tickets' badges was last printed (tickets never printed are
    missing from the answer)."""
    ticket_ids = list(ticket_ids)
    if not ticket_ids:
        return {}
    rows = db.session.execute(
        select(BadgePrint.ticket_id, func.max(BadgePrint.printed_at))
        .where(BadgePrint.ticket_id.in_(ticket_ids))
        .group_by(BadgePrint.ticket_id)
    )
    return {ticket_id: printed_at for ticket_id, printed_at in rows}
