"""What the group mail tests share: a summit with two ticket types, attendees in
several groups (checked in or not, signed up to a workshop), a confirmed speaker and
one who is not, and a mailing written the way an organizer writes it."""

from dataclasses import dataclass

from summit.extensions import db
from summit.models import (
    Checkin,
    CheckinList,
    Event,
    Order,
    OrderStatus,
    ProgramSession,
    ProposalState,
    TicketType,
    WorkshopSignup,
)
from summit.services.mailings.recipients import (
    CheckedIn,
    Selection,
    SignedUpFor,
    TicketTypeIs,
)
from summit.services.mailings.sending import MailingData, save_mailing
from tests import checkin_world, signup_world


@dataclass
class MailWorld:
    event: Event
    ordinary: TicketType
    student: TicketType
    workshop: ProgramSession
    emails: dict[str, str]  # who -> address


def build(make_user, make_call, make_proposal, make_profile, make_event=None, event=None):
    event = event or make_event(slug="summit2027")
    ordinary = checkin_world.ticket_type(event, "Ordinarie", price=150000, vat_percent=25)
    student = checkin_world.ticket_type(
        event, "Student", name_en="Student", price=50000, vat_percent=25
    )
    workshop, _talk = signup_world.workshop(event)
    asa = checkin_world.ticket(event, ordinary, name="Åsa Öberg-Lindqvist", email="asa@example.org")
    mohammed = checkin_world.ticket(event, ordinary, name="Mohammed Ali", email="mo@example.org")
    johan = checkin_world.ticket(event, student, name="Johan Ängström", email="johan@example.org")
    # Bought for someone else: the attendee gets the mail, with Mina biljetter as link.
    karin = checkin_world.ticket(
        event,
        student,
        name="Karin Åberg",
        email="karin@example.org",
        buyer_email="chef@example.org",
    )
    # Not confirmed, or cancelled: no mail.
    checkin_world.ticket(event, ordinary, name="Ej Betald", status=OrderStatus.RESERVED)
    checkin_world.ticket(event, ordinary, name="Avbokad", status=OrderStatus.CANCELLED)
    # English-speaking buyer.
    eva = checkin_world.ticket(event, ordinary, name="Eva Smith", email="eva@example.org")
    eva.order.locale = "en"
    door = CheckinList(event=event, name="Entré")
    db.session.add(door)
    db.session.flush()
    db.session.add(Checkin(ticket_id=asa.id, checkin_list_id=door.id))
    db.session.add(WorkshopSignup(session_id=workshop.id, ticket_id=johan.id))
    db.session.add(WorkshopSignup(session_id=workshop.id, ticket_id=mohammed.id))
    db.session.commit()

    call = make_call(event)
    speaker = make_user("talare@example.org", name="Lars Öst")
    make_profile(speaker, display_name="Lars Öst", language="en")
    make_proposal(call, speaker, state=ProposalState.CONFIRMED)
    undecided = make_user("osaker@example.org", name="Osäker Talare")
    make_proposal(call, undecided, state=ProposalState.ACCEPTED, title="Inte bekräftad")
    # Also an attendee: one mail to the address, as an attendee.
    make_proposal(
        call,
        make_user("mo@example.org", name="Mo"),
        state=ProposalState.CONFIRMED,
        title="Mo talar",
    )
    emails = {
        "asa": asa.attendee_email,
        "mohammed": mohammed.attendee_email,
        "johan": johan.attendee_email,
        "karin": karin.attendee_email,
        "eva": eva.attendee_email,
        "speaker": speaker.email,
    }
    assert isinstance(asa.order, Order)
    return MailWorld(event, ordinary, student, workshop, emails)


def data(selection: Selection | None = None, essential=False, **texts) -> MailingData:
    return MailingData(
        subject_sv=texts.get("subject_sv", "Välkommen till {evenemang}"),
        subject_en=texts.get("subject_en", "Welcome to {event}"),
        body_sv=texts.get(
            "body_sv", "Hej {namn}!\n\nDin beställning: {orderlänk}\n\nVälkommen den 18 maj."
        ),
        body_en=texts.get("body_en", "Hello {name}!\n\nYour order: {order_link}"),
        selection=selection or Selection(attendees=True),
        essential=essential,
        essential_reason="Ny lokal" if essential else "",
    )


def mailing(world: MailWorld, selection=None, essential=False, **texts):
    return save_mailing(world.event, data(selection, essential, **texts))


__all__ = ["CheckedIn", "SignedUpFor", "TicketTypeIs", "build", "data", "mailing"]
