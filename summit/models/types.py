"""Column types shared by the models: aware UTC datetimes and enums stored as strings."""

import enum
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, Enum, TypeDecorator

# The one clock of the app. Everything asks utcnow() when it needs the time (copies
# made by `from .types import utcnow` are the same function), so setting the clock
# here moves the whole app: tests set it with set_clock() instead of patching modules.
_offset: timedelta | None = None  # set: the clock runs on from a moment set
_stopped_at: datetime | None = None  # set: the clock stands still


def utcnow() -> datetime:
    """Now, timezone-aware in UTC: the real time, or the clock as set_clock() set it."""
    if _stopped_at is not None:
        return _stopped_at
    now = datetime.now(UTC)
    return now if _offset is None else now + _offset


def set_clock(moment: datetime | None, running: bool = True) -> None:
    """Set the app's clock to `moment` (aware, any zone): from there it runs on at the
    real pace, or stands still if not `running`. None: the real time again."""
    global _offset, _stopped_at
    if moment is not None and moment.tzinfo is None:
        raise ValueError("naive datetime given for the clock")
    _offset = _stopped_at = None
    if moment is not None and running:
        _offset = moment - datetime.now(UTC)
    elif moment is not None:
        _stopped_at = moment.astimezone(UTC)


def wall_clock(naive: datetime, zone) -> datetime | None:
    """A wall-clock time in `zone` as an aware datetime: its first occurrence when it
    happens twice (the night the clocks go back), None when it never happens there (the
    hour skipped the night they go forward) rather than a guess."""
    moment = naive.replace(tzinfo=zone, fold=0)
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return moment


class UTCDateTime(TypeDecorator):
    """A datetime stored in UTC and always returned timezone-aware.

    PostgreSQL keeps it as timestamptz; SQLite has no time zones, so the value is
    stored as naive UTC and the zone is put back on load.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def StrEnum(enum_class: type[enum.Enum], length: int = 20) -> Enum:  # noqa: N802
    """An enum stored as its string value (VARCHAR), not as a native database enum."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
