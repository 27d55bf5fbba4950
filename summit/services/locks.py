"""Every lock a unit of work takes, named for what it protects (database.unit_of_work).

On SQLite a unit of work holds the database's single write lock from its first
statement, which covers all of these. On PostgreSQL each is a row lock (SELECT ... FOR
UPDATE) or a transaction-scoped advisory lock keyed on (purpose, id), held until the
unit commits or rolls back. Locks keyed per purpose do not block each other: publishing
an event's program never waits for its ticket sales, nor a sale for a release.
"""

from sqlalchemy import select

from ..database import AdvisoryLock, Lock, RowLock, RowsLock
from ..extensions import db
from ..models import (
    AccessCode,
    Event,
    Mailing,
    Order,
    ProgramSession,
    Proposal,
    Room,
    Survey,
    SurveyRecipient,
    User,
    Voucher,
)

# Advisory lock purposes (the first half of the key; the second is the id).
_PROGRAM = 1
_INVOICE_NUMBERS = 2
_CERTIFICATES = 20
_BANK_FILES = 25


def sales(event_id: int) -> RowLock:
    """Seats, vouchers, discount uses and the state of every order of one event: taken
    before anything is counted or an order changes state (the event's row)."""
    return RowLock(Event, event_id, Event.id)


def order(order_id: int) -> RowLock:
    """One order, read again under the lock: for a change of its own state that must not
    overwrite one made meanwhile under the sales lock (a reservation expiring)."""
    return RowLock(Order, order_id)


def voucher(voucher_id: int) -> RowLock:
    """One voucher, read again under the sales lock: withdrawn meanwhile or not."""
    return RowLock(Voucher, voucher_id, Voucher.revoked_at)


def program(event_id: int) -> AdvisoryLock:
    """The event's program releases (numbered n, n+1, never two n's)."""
    return AdvisoryLock(_PROGRAM, event_id)


def invoice_numbers() -> AdvisoryLock:
    """The invoice numbers, one sequence over all events without gaps or repeats."""
    return AdvisoryLock(_INVOICE_NUMBERS)


def bank_files() -> AdvisoryLock:
    """Reading bank files in: one at a time, so the same file or payment sent twice at
    once is taken once."""
    return AdvisoryLock(_BANK_FILES)


def certificates(event_id: int) -> AdvisoryLock:
    """The certificates of one event: the same one is never issued twice at once."""
    return AdvisoryLock(_CERTIFICATES, event_id)


def person(user_id: int) -> RowLock:
    """What belongs to one person (their agenda, their account's sign-in state)."""
    return RowLock(User, user_id, User.id)


class _AccountLock(Lock):
    def __init__(self, email: str):
        self.email = email

    def take(self):
        return db.session.scalar(
            select(User)
            .where(User.email == self.email)
            .with_for_update()
            .execution_options(populate_existing=True)
        )


def account(email: str) -> Lock:
    """One address's account (None: it has none yet), read again under the lock: its
    sign-in state, so an emailed link signs in once."""
    return _AccountLock(email)


class _ProposalLock(RowLock):
    def take(self):
        locked = super().take()
        if locked is not None:
            db.session.expire(locked, ["speakers"])  # read again too, when next used
        return locked


def proposal(proposal_id: int) -> RowLock:
    """One proposal, read again under the lock (its state, version and speakers)."""
    return _ProposalLock(Proposal, proposal_id)


def proposals(proposal_ids) -> RowsLock:
    """Several proposals decided at once, read again under the lock."""
    return RowsLock(Proposal, proposal_ids)


def access_code(code_id: int) -> RowLock:
    """A call-for-speakers access code and its uses."""
    return RowLock(AccessCode, code_id)


def signups(session_id: int) -> RowLock:
    """The places of one program session: (takes_signups, signup_limit, room_id)."""
    return RowLock(
        ProgramSession,
        session_id,
        ProgramSession.takes_signups,
        ProgramSession.signup_limit,
        ProgramSession.room_id,
    )


def row(model, row_id: int) -> RowLock:
    """One row of the program's setup (a room, a track, a session), read again."""
    return RowLock(model, row_id)


def room_kept(room_id: int) -> RowLock:
    """A room may not be deleted while a session is put in it (a shared lock)."""
    return RowLock(Room, room_id, Room.id, shared=True)


class _SkippingRowLock(RowLock):
    def take(self):
        return db.session.execute(
            select(self.model)
            .where(self.model.id == self.row_id)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()


def mailing(mailing_id: int, skip_locked: bool = False) -> RowLock:
    """One group mailing, read again under the lock: its state and round (who expands a
    round into outbox messages, one worker at a time). `skip_locked`: None at once when
    another holds it (on PostgreSQL), for a worker that has other work to do meanwhile."""
    return (_SkippingRowLock if skip_locked else RowLock)(Mailing, mailing_id)


def survey(survey_id: int, skip_locked: bool = False) -> RowLock:
    """One survey, read again under the lock: its state (who sends its mails and
    reminders, one worker at a time; an organizer's change waits for them).
    `skip_locked`: None at once when another holds it (on PostgreSQL)."""
    return (_SkippingRowLock if skip_locked else RowLock)(Survey, survey_id)


def survey_recipient(recipient_id: int) -> RowLock:
    """One person's link to a survey: their one response, written one request at a time
    (two sends at once make one response)."""
    return RowLock(SurveyRecipient, recipient_id, SurveyRecipient.id)
