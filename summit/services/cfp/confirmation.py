"""What a confirmed proposal brings: its session in the program (waiting to be
scheduled) and a complimentary speaker ticket for each of its speakers.

The ticket is an order like any 0 kr order (paid, by the free method) of a hidden
ticket type that is never sold ("Talare", badge role speaker), made once per event; the
speaker gets the usual confirmation email with the ticket PDF and is on the door list.
Complimentary tickets do not wait for free seats: a speaker is never sold out. Callers
hold the event's sales lock (locks.sales) and commit.
"""

import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    BadgeRole,
    CallForProposals,
    Order,
    OrderStatus,
    PaymentMethod,
    ProgramSession,
    Proposal,
    ProposalState,
    SessionKind,
    SessionSpeaker,
    Ticket,
    TicketStatus,
    TicketType,
    User,
)
from .. import locks
from ..tickets import order_mail
from ..tickets.ordering import AttendeeDetails, update_attendee
from .cfp_setup import get_call, next_position
from .speakers import display_name_of, language_of, profile_of

SPEAKER_TICKET_NAME_SV = "Talare"
SPEAKER_TICKET_NAME_EN = "Speaker"


def speaker_ticket_type(call: CallForProposals) -> TicketType:
    """The event's speaker ticket type, made the first time it is needed."""
    if call.speaker_ticket_type_id is not None:
        ticket_type = db.session.get(TicketType, call.speaker_ticket_type_id)
        if ticket_type is not None:
            return ticket_type
    ticket_type = TicketType(
        event_id=call.event_id,
        name_sv=SPEAKER_TICKET_NAME_SV,
        name_en=SPEAKER_TICKET_NAME_EN,
        description_sv="Fribiljett för bekräftade talare.",
        description_en="Complimentary ticket for confirmed speakers.",
        price=0,
        is_visible=False,
        # Not on sale: these tickets are only given. The code (required of a hidden type
        # by the ticket type form) unlocks nothing while the type is inactive.
        is_active=False,
        access_code=secrets.token_hex(12).upper(),
        max_per_order=1,
        badge_role=BadgeRole.SPEAKER,
        position=next_position(TicketType.position, TicketType.event_id == call.event_id),
    )
    db.session.add(ticket_type)
    db.session.flush()
    call.speaker_ticket_type_id = ticket_type.id
    return ticket_type


def _speaker_tickets(ticket_type: TicketType, emails) -> dict[str, Ticket]:
    """The valid, paid speaker tickets held by these (lower-case) emails, in one query."""
    held = {}
    for ticket in db.session.scalars(
        select(Ticket)
        .join(Order, Order.id == Ticket.order_id)
        .where(
            Ticket.ticket_type_id == ticket_type.id,
            Ticket.status == TicketStatus.VALID,
            Order.status == OrderStatus.PAID,
            func.lower(Ticket.attendee_email).in_(set(emails)),
        )
        .order_by(Ticket.id)
    ):
        held.setdefault(ticket.attendee_email.lower(), ticket)
    return held


def give_speaker_ticket(call: CallForProposals, user: User, now: datetime) -> Ticket:
    """The speaker's complimentary ticket: the one they have, or a new one (with its
    confirmation email queued). A speaker of two sessions gets one ticket."""
    ticket_type = speaker_ticket_type(call)
    email = user.email.lower()
    existing = _speaker_tickets(ticket_type, [email]).get(email)
    if existing is not None:
        return existing
    return _new_speaker_ticket(call, ticket_type, user, now)


def _new_speaker_ticket(
    call: CallForProposals, ticket_type: TicketType, user: User, now: datetime
) -> Ticket:
    email = user.email.lower()
    profile = profile_of(user)
    name = display_name_of(user, "", profile)
    organisation = profile.organisation if profile else ""
    order = Order(
        event_id=call.event_id,
        status=OrderStatus.PAID,
        payment_method=PaymentMethod.FREE,
        expires_at=now,
        created_at=now,
        confirmed_at=now,
        paid_at=now,
        locale=language_of(user, profile),
        user_id=user.id,
        buyer_name=name,
        buyer_email=email,
        buyer_organisation=organisation,
    )
    ticket = Ticket(ticket_type=ticket_type, price=0, vat_percent=ticket_type.vat_percent)
    update_attendee(ticket, AttendeeDetails(name=name, email=email, organisation=organisation))
    order.tickets.append(ticket)
    db.session.add(order)
    db.session.flush()  # the ticket's id names its PDF in the email
    order_mail.order_confirmed(order)
    return ticket


def give_program_speakers_tickets(event, users: list[User], now: datetime) -> None:
    """A ticket for every speaker of the program, also those organizers put in sessions
    of their own (keynotes): who speaks is on the door list and gets a speaker badge.
    The speaker ticket type belongs to the event's call for speakers: without a call,
    nothing is given. Idempotent (one ticket per speaker)."""
    call = get_call(event)
    if call is None or not users:
        return
    emails = {user.email.lower() for user in users}
    known = call.speaker_ticket_type_id and db.session.get(TicketType, call.speaker_ticket_type_id)
    if known and emails <= _speaker_tickets(known, emails).keys():
        return
    # Tickets (and their type) are made under the event's sales lock, one per speaker
    # however many confirm at once; taken only when someone lacks one, so republishing
    # the program does not wait for ticket sales. All is read again under it.
    locks.sales(event.id).take()
    db.session.refresh(call)
    ticket_type = speaker_ticket_type(call)
    held = _speaker_tickets(ticket_type, emails)
    for user in users:
        email = user.email.lower()
        if email not in held:
            held[email] = _new_speaker_ticket(call, ticket_type, user, now)


def session_of(proposal: Proposal) -> ProgramSession | None:
    return db.session.scalar(
        select(ProgramSession).where(ProgramSession.proposal_id == proposal.id)
    )


def create_session(proposal: Proposal, now: datetime) -> ProgramSession:
    """The confirmed proposal's session, not scheduled (no room, no start), with its
    speakers in the proposal's order. Made once."""
    session = session_of(proposal)
    if session is not None:
        return session
    session_format = proposal.format
    session = ProgramSession(
        event_id=proposal.event_id,
        proposal_id=proposal.id,
        title=proposal.title,
        abstract=proposal.abstract,
        kind=session_format.kind if session_format else SessionKind.TALK,
        duration_minutes=session_format.duration_minutes if session_format else 20,
        track_id=proposal.track_id,
        language=proposal.language,
        created_at=now,
    )
    for position, speaker in enumerate(proposal.accepted_speakers):
        session.speakers.append(SessionSpeaker(user_id=speaker.user_id, position=position))
    db.session.add(session)
    return session


def confirm_speakers(proposal: Proposal, now: datetime) -> ProgramSession:
    """On confirmation: the session, and a ticket for every speaker of it."""
    session = create_session(proposal, now)
    for speaker in proposal.accepted_speakers:
        give_speaker_ticket(proposal.call, speaker.user, now)
    return session


def add_late_speaker(proposal: Proposal, user: User, now: datetime) -> None:
    """A co-speaker who accepted after the proposal was confirmed: onto the session, and
    a ticket."""
    session = create_session(proposal, now)
    if all(s.user_id != user.id for s in session.speakers):
        position = max((s.position for s in session.speakers), default=-1) + 1
        session.speakers.append(SessionSpeaker(user_id=user.id, position=position))
    give_speaker_ticket(proposal.call, user, now)


def waiting_to_be_scheduled(event) -> list[ProgramSession]:
    """The sessions of the event's confirmed proposals that have no start yet, oldest
    first (the program's schedule editor places them)."""
    return list(
        db.session.scalars(
            select(ProgramSession)
            .join(Proposal, Proposal.id == ProgramSession.proposal_id)
            .where(
                ProgramSession.event_id == event.id,
                ProgramSession.starts_at.is_(None),
                Proposal.state == ProposalState.CONFIRMED,
            )
            .order_by(ProgramSession.created_at, ProgramSession.id)
            .options(selectinload(ProgramSession.speakers), selectinload(ProgramSession.track))
        )
    )
