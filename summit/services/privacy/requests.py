"""A person's own data (GDPR art. 15) and their request to be erased (art. 17).

Anyone signed in downloads what every data holder keeps about their address. A
request for erasure waits for an organizer of an event the person took part in (or a
site admin) to complete it; completing runs every holder's erasure in one transaction
and logs who did it and what was kept and why.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from ...database import RowLock, unit_of_work
from ...extensions import db
from ...models import (
    ErasureRequest,
    ErasureStatus,
    Event,
    Order,
    Proposal,
    ProposalSpeaker,
    Ticket,
    User,
    WaitingListEntry,
    utcnow,
)
from . import audit, registry
from .errors import PrivacyError


def export_of(user: User) -> dict[str, list[dict[str, str]]]:
    """Everything kept about the signed-in person's address, logged as an export."""
    found = registry.export_person(user.email)
    audit.record("person_export", None, sum(len(r) for r in found.values()), user)
    return found


def open_request(user: User) -> ErasureRequest | None:
    return db.session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.email == registry.normalised(user.email),
            ErasureRequest.status == ErasureStatus.OPEN,
        )
    )


def ask_erasure(user: User) -> ErasureRequest:
    """The person's request; asking again while one is open is the same request."""
    with unit_of_work(RowLock(User, user.id, User.id), keep_loaded=True):
        asked = open_request(user)
        if asked is None:
            asked = ErasureRequest(email=registry.normalised(user.email))
            db.session.add(asked)
    return asked


def event_ids_of(email: str) -> set[int]:
    """The events the address took part in: bought, attended, spoke, waited."""
    email = registry.normalised(email)
    queries = [
        select(Order.event_id).where(func.lower(Order.buyer_email) == email),
        select(Order.event_id)
        .join(Ticket, Ticket.order_id == Order.id)
        .where(func.lower(Ticket.attendee_email) == email),
        select(Proposal.event_id)
        .join(ProposalSpeaker, ProposalSpeaker.proposal_id == Proposal.id)
        .where(func.lower(ProposalSpeaker.email) == email),
        select(WaitingListEntry.event_id).where(func.lower(WaitingListEntry.email) == email),
    ]
    return {event_id for query in queries for event_id in db.session.scalars(query)}


@dataclass
class Listed:
    request: ErasureRequest
    events: list[Event]


def requests_for(event: Event | None, status: ErasureStatus | None = None) -> list[Listed]:
    """Requests of people who took part in the event (None: every request), newest
    first."""
    query = select(ErasureRequest).order_by(ErasureRequest.requested_at.desc())
    if status is not None:
        query = query.where(ErasureRequest.status == status)
    listed = []
    for asked in db.session.scalars(query):
        ids = event_ids_of(asked.email) if asked.status is ErasureStatus.OPEN else set()
        if event is not None and event.id not in ids and asked.status is ErasureStatus.OPEN:
            continue
        if event is not None and asked.status is ErasureStatus.COMPLETED:
            continue  # the completed log lives on the site admins' page
        events = list(db.session.scalars(select(Event).where(Event.id.in_(ids)))) if ids else []
        listed.append(Listed(asked, events))
    return listed


def find(token: str) -> ErasureRequest | None:
    return db.session.scalar(select(ErasureRequest).where(ErasureRequest.token == token))


def complete(asked: ErasureRequest, by: User, event: Event | None) -> ErasureRequest:
    """Erases the person in every holder, in one transaction, and logs who did it and
    what was kept and why. `event`: the organizer's event, which the person must have
    taken part in (None: a site admin). Refused once completed (a second click)."""
    with unit_of_work(RowLock(ErasureRequest, asked.id), keep_loaded=True) as unit:
        unit.reread(asked)
        if asked.status is ErasureStatus.COMPLETED:
            raise PrivacyError("completed")
        if event is not None and event.id not in event_ids_of(asked.email):
            raise PrivacyError("not_for_event")
        by_email, by_id = by.email, by.id
        kept = registry.erase_person(asked.email)
        asked.kept = "\n".join(kept)
        asked.status = ErasureStatus.COMPLETED
        asked.completed_at = utcnow()
        completed_by_still_there = registry.normalised(by_email) != asked.email
        asked.completed_by_id = by_id if completed_by_still_there else None
        asked.completed_by_email = by_email
    return asked
