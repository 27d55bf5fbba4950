"""When speakers can speak: a speaker of the program states a few periods (a day and
local times); a speaker who stated none is available throughout. The schedule's
conflicts (conflicts.py) compare sessions with these periods.

Only speakers of the event's program state it: a speaker of a confirmed or accepted
proposal, or of a session in the program.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import delete, exists, select

from ...database import unit_of_work
from ...extensions import db
from ...i18n import format_time, local_day
from ...models import (
    Event,
    ProgramSession,
    Proposal,
    ProposalSpeaker,
    ProposalState,
    SessionSpeaker,
    SpeakerAvailability,
    User,
)
from ..cfp.validation import local_to_utc
from .errors import ProgramError
from .setup import checked, days_of

MAX_PERIODS = 20
SPEAKING_STATES = (ProposalState.ACCEPTED, ProposalState.CONFIRMED)


@dataclass(frozen=True)
class Period:
    """A stretch of one day, in the event's local time."""

    day: date
    starts: time
    ends: time


def is_program_speaker(event: Event, user: User | None) -> bool:
    """The person speaks at the event: an accepted speaker of a proposal that is
    accepted or confirmed, or a speaker of one of the program's sessions."""
    if user is None or not getattr(user, "id", None):
        return False
    of_proposal = exists(
        select(ProposalSpeaker.id)
        .join(Proposal, Proposal.id == ProposalSpeaker.proposal_id)
        .where(
            Proposal.event_id == event.id,
            Proposal.state.in_(SPEAKING_STATES),
            ProposalSpeaker.user_id == user.id,
            ProposalSpeaker.accepted_at.is_not(None),
        )
    )
    of_session = exists(
        select(SessionSpeaker.id)
        .join(ProgramSession, ProgramSession.id == SessionSpeaker.session_id)
        .where(ProgramSession.event_id == event.id, SessionSpeaker.user_id == user.id)
    )
    return bool(db.session.scalar(select(of_proposal | of_session)))


def day_hours(event: Event) -> dict[date, tuple[time, time] | None]:
    """The days a period can be on, with the program's local hours on each: the
    program's days, or the event's days (whole days) while the program has none."""
    program_days = days_of(event)
    if not program_days:
        return {day: None for day in event.days}
    tz = event.tz
    return {
        d.day: (d.starts_at.astimezone(tz).time(), d.ends_at.astimezone(tz).time())
        for d in program_days
    }


def _check(event: Event, periods: Sequence[Period]) -> list[tuple[datetime, datetime]]:
    if len(periods) > MAX_PERIODS:
        raise ProgramError("too_many_periods", n=MAX_PERIODS)
    allowed = day_hours(event)
    tz = event.tz
    stretches = []
    for index, period in enumerate(periods):
        if not isinstance(period, Period) or not isinstance(period.day, date):
            raise ProgramError("not_a_program_day", "day", index=index)
        if period.day not in allowed:
            raise ProgramError("not_a_program_day", "day", index=index)
        for value, name in ((period.starts, "starts"), (period.ends, "ends")):
            if not isinstance(value, time):
                raise ProgramError("required", name, index=index)
        if period.ends <= period.starts:
            raise ProgramError("end_before_start", "ends", index=index)
        hours = allowed[period.day]
        if hours is not None and not (hours[0] <= period.starts and period.ends <= hours[1]):
            raise ProgramError(
                "period_outside_day",
                "starts" if period.starts < hours[0] else "ends",
                index=index,
                day=local_day(period.day),
                start=format_time(hours[0]),
                end=format_time(hours[1]),
            )
        try:
            starts_at = checked(local_to_utc, datetime.combine(period.day, period.starts), tz, "")
            ends_at = checked(local_to_utc, datetime.combine(period.day, period.ends), tz, "")
        except ProgramError as error:
            raise ProgramError(error.reason, "starts", index=index) from None
        stretches.append((starts_at, ends_at, index))
    stretches.sort()
    for (_s, first_end, _i), (second_start, _e, index) in zip(
        stretches, stretches[1:], strict=False
    ):
        if second_start < first_end:
            raise ProgramError("periods_overlap", "starts", index=index)
    return [(s, e) for s, e, _i in stretches]


def set_availability(
    event: Event, user: User, periods: Sequence[Period]
) -> list[SpeakerAvailability]:
    """The speaker's periods become `periods` (the earlier ones are replaced); none
    means available throughout. Refused (not_a_speaker) for people who do not speak at
    the event; each period is on a program day and within its hours, and none overlap."""
    if not is_program_speaker(event, user):
        raise ProgramError("not_a_speaker")
    stretches = _check(event, list(periods))
    event_id, user_id = event.id, user.id
    with unit_of_work():
        db.session.execute(
            delete(SpeakerAvailability).where(
                SpeakerAvailability.event_id == event_id, SpeakerAvailability.user_id == user_id
            )
        )
        rows = [
            SpeakerAvailability(event_id=event_id, user_id=user_id, starts_at=s, ends_at=e)
            for s, e in stretches
        ]
        db.session.add_all(rows)
    return rows


def availability_of(event: Event, user: User) -> list[SpeakerAvailability]:
    """The speaker's stated periods, earliest first; empty: available throughout."""
    return list(
        db.session.scalars(
            select(SpeakerAvailability)
            .where(
                SpeakerAvailability.event_id == event.id,
                SpeakerAvailability.user_id == user.id,
            )
            .order_by(SpeakerAvailability.starts_at)
        )
    )


def _period(row: SpeakerAvailability, tz) -> Period:
    start, end = row.starts_at.astimezone(tz), row.ends_at.astimezone(tz)
    return Period(start.date(), start.time(), end.time())


def periods_of(event: Event, user: User) -> list[Period]:
    """The stated periods as the speaker entered them (local day and times)."""
    return [_period(row, event.tz) for row in availability_of(event, user)]


def periods_by_speaker(event: Event, user_ids: Sequence[int]) -> dict[int, list[Period]]:
    """periods_of for several speakers in one query: user id → periods, earliest first
    (a speaker who stated none is left out)."""
    if not user_ids:
        return {}
    periods: dict[int, list[Period]] = {}
    for row in db.session.scalars(
        select(SpeakerAvailability)
        .where(
            SpeakerAvailability.event_id == event.id,
            SpeakerAvailability.user_id.in_(user_ids),
        )
        .order_by(SpeakerAvailability.starts_at)
    ):
        periods.setdefault(row.user_id, []).append(_period(row, event.tz))
    return periods
