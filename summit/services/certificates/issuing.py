"""Who gets which certificate, issuing it, verifying it, withdrawing it.

- Attendance: a ticket that was checked in (a Checkin not undone, on any of the event's
  lists) on at least one day; the certificate lists exactly those days, in the event's
  time zone. Its holder is the person the ticket is made out to.
- Presentation: a speaker of a session in the latest published release of the program
  (never the work in progress); the certificate lists those sessions.

Issuing gives the certificate that states what is true now: the latest one not withdrawn
with the same name, days and sessions, else a new one (the older ones stay genuine:
what they say was true). Its token is the only thing its verification page is found by.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    Certificate,
    CertificateKind,
    Checkin,
    Event,
    Order,
    ProgramSession,
    SessionSpeaker,
    SpeakerProfile,
    Ticket,
    User,
    utcnow,
)
from .. import locks
from ..program.published import published_program
from ..program.snapshot import PublishedSession
from ..refusal import Refusal
from ..tickets.my_tickets import ticket_at

LANGUAGES = ("sv", "en")
MAX_TOKEN = 64


class CertificateRefused(Refusal):
    messages = {
        "not_checked_in": lambda p: _(
            "There is no certificate of attendance: the ticket was never checked in."
        ),
        "not_a_speaker": lambda p: _(
            "There is no certificate of presentation: you speak in no published session."
        ),
        "nobody": lambda p: _("Nobody has earned a certificate of this kind yet."),
    }


# Who gets what -------------------------------------------------------------------------


def checked_in_days(ticket: Ticket) -> list[date]:
    """The days (in the event's time zone) the ticket was checked in, in order."""
    return days_by_ticket([ticket.id], ticket.order.event).get(ticket.id, [])


def days_by_ticket(ticket_ids, event: Event) -> dict[int, list[date]]:
    """Ticket id -> its checked-in days, for those of the tickets ever checked in."""
    ids = list(ticket_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Checkin.ticket_id, Checkin.created_at, Checkin.offline_scanned_at).where(
            Checkin.ticket_id.in_(ids), Checkin.undone_at.is_(None)
        )
    )
    tz = event.tz
    found: dict[int, set[date]] = {}
    for ticket_id, created_at, offline_at in rows:
        # When the person came through the door (an offline scan: the phone's clock).
        found.setdefault(ticket_id, set()).add((offline_at or created_at).astimezone(tz).date())
    return {ticket_id: sorted(days) for ticket_id, days in found.items()}


def presented_sessions(event: Event, user: User) -> tuple[str, list[PublishedSession]]:
    """The speaker's name as published and the sessions of the latest release they speak
    in, by start; ("", []) for someone who speaks in none."""
    program = published_program(event)
    if program is None:
        return "", []
    token = db.session.scalar(
        select(SpeakerProfile.page_token).where(SpeakerProfile.user_id == user.id)
    )
    sessions = program.sessions_of_speaker.get(token or "", [])
    if not sessions:
        return "", []
    return program.speaker(token)["name"], sorted(sessions, key=lambda s: (s.starts_at, s.title))


def speakers_of(event: Event) -> list[User]:
    """Everyone who speaks in the event's published program, by id."""
    program = published_program(event)
    if program is None:
        return []
    tokens = set(program.sessions_of_speaker)
    return list(
        db.session.scalars(
            select(User)
            .join(SpeakerProfile, SpeakerProfile.user_id == User.id)
            .where(SpeakerProfile.page_token.in_(tokens))
            .order_by(User.id)
        )
    )


def attended_tickets(event: Event) -> list[Ticket]:
    """The event's tickets checked in at least once (any ticket or order state: they
    came), by id."""
    checked_in = select(Checkin.id).where(
        Checkin.ticket_id == Ticket.id, Checkin.undone_at.is_(None)
    )
    return list(
        db.session.scalars(
            select(Ticket)
            .join(Order, Order.id == Ticket.order_id)
            .where(Order.event_id == event.id, checked_in.exists())
            .order_by(Ticket.id)
        )
    )


def holder_name(ticket: Ticket) -> str:
    return (ticket.attendee_name or ticket.order.buyer_name or "").strip()


@dataclass(frozen=True)
class Offer:
    """A certificate the person may download: of attendance (`ticket`, `days`) or of
    presentation (`sessions`), at `event`, in `locale` unless they choose the other."""

    kind: CertificateKind
    event: Event
    locale: str
    ticket: Ticket | None = None
    number: int = 0  # the ticket's place in its order (as Mina biljetter counts)
    days: tuple[date, ...] = ()
    sessions: tuple[PublishedSession, ...] = ()


def own_tickets(user: User) -> list[Ticket]:
    """The tickets made out to the person (their email address, in any case), by id:
    a ticket bought for someone else is that person's, not the buyer's."""
    email = (user.email or "").strip().lower()
    if not email:
        return []
    return list(
        db.session.scalars(
            select(Ticket).where(func.lower(Ticket.attendee_email) == email).order_by(Ticket.id)
        )
    )


def own_ticket(user: User, reference: str, number: int) -> Ticket | None:
    """The ticket at `number` (1, 2, ...) in the order with this reference, if it is made
    out to the person; None otherwise (the buyer of someone else's ticket included)."""
    ticket = ticket_at(reference, number)
    if ticket is None:
        return None
    email = (user.email or "").strip().lower()
    return ticket if email and ticket.attendee_email.strip().lower() == email else None


def offers_for(user: User) -> list[Offer]:
    """Every certificate the person may download: attendance for each of their own
    tickets checked in at least once, presentation for each event whose published
    program they speak in. Newest event first."""
    offers = []
    tickets = own_tickets(user)
    for ticket in tickets:
        event = ticket.order.event
        days = checked_in_days(ticket)
        if days:
            number = ticket.order.tickets.index(ticket) + 1
            offers.append(
                Offer(
                    CertificateKind.ATTENDANCE,
                    event,
                    _language(ticket.order.locale),
                    ticket=ticket,
                    number=number,
                    days=tuple(days),
                )
            )
    for event in _events_spoken_at(user):
        _name, sessions = presented_sessions(event, user)
        if sessions:
            offers.append(
                Offer(
                    CertificateKind.PRESENTATION,
                    event,
                    _language(user.locale),
                    sessions=tuple(sessions),
                )
            )
    return sorted(offers, key=lambda o: (o.event.starts_at, o.kind.value), reverse=True)


def _events_spoken_at(user: User) -> list[Event]:
    return list(
        db.session.scalars(
            # By id, not DISTINCT over the event's columns: PostgreSQL cannot compare json.
            select(Event)
            .where(
                Event.id.in_(
                    select(ProgramSession.event_id)
                    .join(SessionSpeaker, SessionSpeaker.session_id == ProgramSession.id)
                    .where(SessionSpeaker.user_id == user.id)
                )
            )
            .order_by(Event.id)
        )
    )


def _language(locale: str | None) -> str:
    return locale if locale in LANGUAGES else "sv"


def check_language(locale) -> str:
    if locale not in LANGUAGES:
        raise CertificateRefused("invalid_choice", "language")
    return locale


# Issuing -------------------------------------------------------------------------------


def issue_attendance(ticket: Ticket, days: list[date] | None = None) -> Certificate:
    """The certificate of attendance stating the ticket's checked-in days now;
    CertificateRefused("not_checked_in") if it never was."""
    days = checked_in_days(ticket) if days is None else days
    if not days:
        raise CertificateRefused("not_checked_in")
    return _issue(
        ticket.order.event,
        CertificateKind.ATTENDANCE,
        holder_name(ticket),
        days=[d.isoformat() for d in days],
        ticket_id=ticket.id,
    )


def issue_presentation(event: Event, user: User) -> Certificate:
    """The certificate of presentation stating the person's published sessions now;
    CertificateRefused("not_a_speaker") if there are none."""
    name, sessions = presented_sessions(event, user)
    if not sessions:
        raise CertificateRefused("not_a_speaker")
    return _issue(
        event,
        CertificateKind.PRESENTATION,
        name or user.name or user.email,
        sessions=[{"title": s.title, "starts_at": s.starts_at.isoformat()} for s in sessions],
        user_id=user.id,
    )


def _issue(event: Event, kind: CertificateKind, name: str, **what) -> Certificate:
    days, sessions = what.pop("days", []), what.pop("sessions", [])
    name = name[:200]
    with unit_of_work(locks.certificates(event.id), keep_loaded=True):
        whose = (
            Certificate.ticket_id == what["ticket_id"]
            if "ticket_id" in what
            else Certificate.user_id == what["user_id"]
        )
        for found in db.session.scalars(
            select(Certificate)
            .where(
                Certificate.event_id == event.id,
                Certificate.kind == kind,
                whose,
                Certificate.withdrawn_at.is_(None),
            )
            .order_by(Certificate.id.desc())
        ):
            if (found.name, found.days, found.sessions) == (name, days, sessions):
                return found
        made = Certificate(
            event_id=event.id, kind=kind, name=name, days=days, sessions=sessions, **what
        )
        db.session.add(made)
    return made


# Verifying and withdrawing --------------------------------------------------------------


def certificate_by_token(token) -> Certificate | None:
    """The certificate with this token (withdrawn ones too), or None."""
    if not isinstance(token, str) or not 16 <= len(token) <= MAX_TOKEN:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.token == token))


def issued(event: Event) -> list[Certificate]:
    """The event's certificates, newest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.event_id == event.id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def withdraw(event: Event, token: str, by: User | None, now: datetime | None = None):
    """Withdraw the event's certificate with this token (its page says so from now on).
    None for a token of another event or none; withdrawing twice changes nothing."""
    with unit_of_work():
        found = db.session.scalar(
            select(Certificate).where(Certificate.token == token, Certificate.event_id == event.id)
        )
        if found is not None and found.withdrawn_at is None:
            found.withdrawn_at = now or utcnow()
            found.withdrawn_by_id = by.id if by is not None else None
    return found
