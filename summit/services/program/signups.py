"""Workshop sign-ups: an attendee's place in a session with limited places, held by a
ticket, and the session's sign-up list as a check-in list for the door scanner.

Guarantees:
- Never more active sign-ups than the session's limit (its own signup_limit, else its
  room's capacity), however many people sign up at once: the count and the insert
  happen under the session's sign-up lock (locks.signups), the rule tickets use: on
  PostgreSQL its program_sessions row (SELECT ... FOR UPDATE), on SQLite the database
  write lock (unit_of_work). Only sign-ups whose ticket still
  holds (valid, in a paid or invoiced order) take a place.
- One active sign-up per ticket per session (a partial unique index): signing up again
  answers with the sign-up already there.
- Only a session in the latest published release that takes sign-ups, only until it
  starts (its published start: the time attendees were told), only with a valid ticket
  to the event that belongs to the signed-in person.

Whose ticket it is: the attendee's (the ticket's attendee email) and the buyer's (the
order's buyer email, or the account that placed the order). A buyer who bought tickets
for colleagues already manages them (names, changes on the order page), so they may
also sign them up; each colleague can sign up their own ticket too, and both land on
the same sign-up (one per ticket).
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ...database import UnitOfWork, end_reads, unit_of_work
from ...extensions import db
from ...models import (
    CheckinList,
    Event,
    Order,
    OrderStatus,
    ProgramSession,
    Room,
    Ticket,
    TicketStatus,
    User,
    WorkshopSignup,
    utcnow,
)
from .. import locks
from .errors import Full, ProgramError
from .published import published_program
from .signup_mail import add_to_agenda, attendee_account, queue_signup_confirmation
from .snapshot import PublishedSession, effective_signup_limit

LIST_NAME_MAX = 120  # CheckinList.name


class SignupError(ProgramError):
    """A refused sign-up or cancellation, with the words for the reasons only sign-ups
    have; the others are ProgramError's."""


_SIGNUP_MESSAGES = {
    "closed": lambda p: _("Sign-up closed when the session started."),
    "not_your_ticket": lambda p: _(
        "This ticket is not yours: sign up with a ticket bought by you or made out to you."
    ),
    "not_your_signup": lambda p: _("This sign-up is not yours."),
}
SignupError.messages = _SIGNUP_MESSAGES


# Who holds what ---------------------------------------------------------------------------


def _owned_by(user: User):
    """The SQL condition "the ticket is the user's": attendee, buyer or ordering account."""
    email = (user.email or "").strip().lower()
    return or_(
        func.lower(Ticket.attendee_email) == email,
        func.lower(Order.buyer_email) == email,
        Order.user_id == user.id,
    )


def owns(ticket: Ticket, user: User) -> bool:
    email = (user.email or "").strip().lower()
    order = ticket.order
    return bool(email) and (
        ticket.attendee_email.strip().lower() == email
        or order.buyer_email.strip().lower() == email
        or (order.user_id is not None and order.user_id == user.id)
    )


def _holds(ticket: Ticket) -> bool:
    return ticket.status is TicketStatus.VALID and ticket.order.status.is_confirmed


def my_tickets(event: Event, user: User) -> list[Ticket]:
    """The user's valid tickets to the event (their own and those they bought for
    others), to sign up with."""
    return list(
        db.session.scalars(
            select(Ticket)
            .join(Order, Order.id == Ticket.order_id)
            .where(
                Order.event_id == event.id,
                Order.status.in_(OrderStatus.CONFIRMED),
                Ticket.status == TicketStatus.VALID,
                _owned_by(user),
            )
            .options(joinedload(Ticket.order), joinedload(Ticket.ticket_type))
            .order_by(Ticket.attendee_name, Ticket.id)
        ).unique()
    )


# Counting ---------------------------------------------------------------------------------


def _taking_a_place(query):
    """`query` (over sign-ups) narrowed to those that take a place: not cancelled, with
    a ticket that still holds (valid, in a confirmed order)."""
    return (
        query.join(Ticket, Ticket.id == WorkshopSignup.ticket_id)
        .join(Order, Order.id == Ticket.order_id)
        .where(
            WorkshopSignup.cancelled_at.is_(None),
            Ticket.status == TicketStatus.VALID,
            Order.status.in_(OrderStatus.CONFIRMED),
        )
    )


def _active():
    """The number of sign-ups that take a place."""
    return _taking_a_place(select(func.count(WorkshopSignup.id)))


def signup_count(session: ProgramSession) -> int:
    return db.session.scalar(_active().where(WorkshopSignup.session_id == session.id)) or 0


def signup_counts(session_ids: list[int]) -> dict[int, int]:
    """Places taken per session id, for several sessions in one query."""
    if not session_ids:
        return {}
    rows = db.session.execute(
        _active()
        .add_columns(WorkshopSignup.session_id)
        .where(WorkshopSignup.session_id.in_(session_ids))
        .group_by(WorkshopSignup.session_id)
    ).all()
    return {session_id: n for n, session_id in rows}


# The session's own limit, else its room's capacity; None: no limit known.
signup_limit = effective_signup_limit


def places_left(session: ProgramSession) -> int | None:
    limit = signup_limit(session)
    return None if limit is None else max(limit - signup_count(session), 0)


# Signing up and cancelling -----------------------------------------------------------------


def published_session(session: ProgramSession) -> PublishedSession | None:
    """The session as the latest release shows it, or None if it is not in it."""
    program = published_program(session.event)
    return program.session(session.token) if program is not None else None


def _closed_reason(
    session: ProgramSession, published: PublishedSession, now: datetime
) -> str | None:
    """Why the published session takes no sign-ups now: "no_signups" or "closed" (it
    has started); None when it takes them."""
    if not session.takes_signups:
        return "no_signups"
    if now >= published.starts_at:
        return "closed"
    return None


def check_open(session: ProgramSession, now: datetime | None = None) -> PublishedSession:
    """The published session if it takes sign-ups now, else the refusal."""
    published = published_session(session)
    if published is None:
        raise ProgramError("not_published")
    reason = _closed_reason(session, published, now or utcnow())
    if reason == "closed":
        raise SignupError(reason)
    if reason is not None:
        raise ProgramError(reason)
    return published


def signup_state(
    session: ProgramSession, published: PublishedSession, now: datetime | None = None
) -> tuple[str, int | None, int | None]:
    """(state, limit, places left) for the sign-up page: state is "open", "full",
    "closed" or "no_signups"; limit and places left are None when no limit is known."""
    limit, left = signup_limit(session), places_left(session)
    state = _closed_reason(session, published, now or utcnow()) or ("full" if left == 0 else "open")
    return state, limit, left


def _existing(session_id: int, ticket_id: int) -> WorkshopSignup | None:
    return db.session.scalar(
        select(WorkshopSignup).where(
            WorkshopSignup.session_id == session_id,
            WorkshopSignup.ticket_id == ticket_id,
            WorkshopSignup.cancelled_at.is_(None),
        )
    )


def _places(unit: UnitOfWork, session_id: int) -> tuple[bool, int | None]:
    """Take the session's sign-up lock; (takes_signups, limit) read from the locked row."""
    row = unit.lock(locks.signups(session_id))
    limit = row.signup_limit
    if limit is None and row.room_id is not None:
        limit = db.session.scalar(select(Room.capacity).where(Room.id == row.room_id))
    return row.takes_signups, limit


def sign_up(
    session: ProgramSession, ticket: Ticket, user: User, now: datetime | None = None
) -> WorkshopSignup:
    """A place in the session for the ticket, or ProgramError with nothing stored
    (errors.Full when all places are taken). Signing up a ticket again returns its
    sign-up. See the module docstring for the guarantees."""
    now = now or utcnow()
    published = check_open(session, now)
    if ticket.order.event_id != session.event_id or not _holds(ticket):
        raise ProgramError("no_ticket")
    if not owns(ticket, user):
        raise SignupError("not_your_ticket")
    session_id, ticket_id, user_id = session.id, ticket.id, user.id
    end_reads()  # the unit of work reads again under the lock
    try:
        with unit_of_work() as unit:
            takes_signups, limit = _places(unit, session_id)
            if not takes_signups:
                raise ProgramError("no_signups")
            existing = _existing(session_id, ticket_id)
            if existing is not None:
                return existing
            taken = db.session.scalar(_active().where(WorkshopSignup.session_id == session_id))
            if limit is not None and taken >= limit:
                raise Full()
            signup = WorkshopSignup(
                session_id=session_id, ticket_id=ticket_id, user_id=user_id, created_at=now
            )
            db.session.add(signup)
            # The place, the attendee's own program and their confirmation: together.
            account = attendee_account(ticket)
            add_to_agenda(account, session_id)
            queue_signup_confirmation(ticket, session, published, account)
    except IntegrityError:  # the same ticket signed up at the same moment elsewhere
        existing = _existing(session_id, ticket_id)
        if existing is None:
            raise
        return existing
    return signup


def cancel_signup(signup: WorkshopSignup, user: User, now: datetime | None = None) -> bool:
    """Give the place back (it is free for the next person at once). Only the ticket's
    holder (see owns) or whoever signed it up may. False if it was cancelled already."""
    now = now or utcnow()
    if not (owns(signup.ticket, user) or signup.user_id == user.id):
        raise SignupError("not_your_signup")
    signup_id = signup.id
    end_reads()
    with unit_of_work():
        result = db.session.execute(
            WorkshopSignup.__table__.update()
            .where(WorkshopSignup.id == signup_id, WorkshopSignup.cancelled_at.is_(None))
            .values(cancelled_at=now)
        )
    db.session.expire_all()
    return result.rowcount == 1


# Lists -------------------------------------------------------------------------------------


def signups_of(session: ProgramSession) -> list[WorkshopSignup]:
    """The session's active sign-ups (those that take a place), first come first."""
    return list(
        db.session.scalars(
            _taking_a_place(select(WorkshopSignup))
            .where(WorkshopSignup.session_id == session.id)
            .options(
                joinedload(WorkshopSignup.ticket).joinedload(Ticket.order),
                joinedload(WorkshopSignup.ticket).joinedload(Ticket.ticket_type),
            )
            .order_by(WorkshopSignup.created_at, WorkshopSignup.id)
        ).unique()
    )


def my_signups(event: Event, user: User) -> list[WorkshopSignup]:
    """The active sign-ups of the user's tickets to the event (see owns)."""
    return list(
        db.session.scalars(
            _taking_a_place(select(WorkshopSignup))
            .where(
                Order.event_id == event.id,
                or_(_owned_by(user), WorkshopSignup.user_id == user.id),
            )
            .options(
                joinedload(WorkshopSignup.session),
                joinedload(WorkshopSignup.ticket).joinedload(Ticket.order),
            )
            .order_by(WorkshopSignup.created_at, WorkshopSignup.id)
        ).unique()
    )


def find_signup(session: ProgramSession, signup_id) -> WorkshopSignup | None:
    if not isinstance(signup_id, int) or not 0 < signup_id < 2**62:
        return None
    signup = db.session.get(WorkshopSignup, signup_id)
    return signup if signup is not None and signup.session_id == session.id else None


# The door list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignupRow:
    """One line of the organizer's list and its CSV."""

    name: str
    email: str
    organisation: str
    ticket_type: str
    signed_up_at: datetime


def signup_rows(session: ProgramSession) -> list[SignupRow]:
    rows = []
    for signup in signups_of(session):
        ticket, order = signup.ticket, signup.ticket.order
        rows.append(
            SignupRow(
                name=ticket.attendee_name or order.buyer_name,
                email=ticket.attendee_email or order.buyer_email,
                organisation=ticket.attendee_organisation or order.buyer_organisation,
                ticket_type=ticket.ticket_type.name,
                signed_up_at=signup.created_at,
            )
        )
    return rows


def door_list(session: ProgramSession) -> CheckinList | None:
    return db.session.scalar(select(CheckinList).where(CheckinList.session_id == session.id))


def _local_day(session: ProgramSession):
    published = published_session(session)
    start = published.starts_at if published is not None else session.starts_at
    return start.astimezone(session.event.tz).date() if start is not None else None


def _free_name(session: ProgramSession, day) -> str:
    """The session's title as a list name, made unique among the event's lists."""
    taken = set(
        db.session.scalars(select(CheckinList.name).where(CheckinList.event_id == session.event_id))
    )
    title = " ".join(session.title.split())[:LIST_NAME_MAX] or session.token
    if title not in taken:
        return title
    for number in range(2, 1000):
        suffix = f" ({day.isoformat()})" if number == 2 and day else f" ({number})"
        name = title[: LIST_NAME_MAX - len(suffix)] + suffix
        if name not in taken:
            return name
    return f"{title[: LIST_NAME_MAX - 23]} ({session.token[:20]})"


def move_door_lists(event, snapshot: dict) -> None:
    """Give each workshop door list the day its session has in a new release (the
    caller publishes it and commits): door staff scan on the day the public was told."""
    starts = {s["token"]: s["starts_at"] for s in snapshot["sessions"]}
    rows = db.session.execute(
        select(CheckinList, ProgramSession.token)
        .join(ProgramSession, ProgramSession.id == CheckinList.session_id)
        .where(CheckinList.event_id == event.id)
    ).all()
    for door, token in rows:
        if token in starts:
            door.day = datetime.fromisoformat(starts[token]).astimezone(event.tz).date()


def door_list_for(session: ProgramSession) -> CheckinList:
    """The session's door list: a check-in list admitting only the tickets signed up
    for it, named after the session, on its local day. Made once; asking again returns
    it (its day brought up to date if the session moved to another day)."""
    day = _local_day(session)
    existing = door_list(session)
    if existing is not None:
        if day is not None and existing.day != day:
            with unit_of_work():
                existing.day = day
        return existing
    try:
        with unit_of_work():
            position = db.session.scalar(
                select(func.coalesce(func.max(CheckinList.position) + 1, 0)).where(
                    CheckinList.event_id == session.event_id
                )
            )
            made = CheckinList(
                event_id=session.event_id,
                name=_free_name(session, day),
                day=day,
                session_id=session.id,
                position=position,
            )
            db.session.add(made)
    except IntegrityError:  # made at the same moment by another organizer
        found = door_list(session)
        if found is None:
            raise
        return found
    return made
