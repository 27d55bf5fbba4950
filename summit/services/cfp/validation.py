"""Small checks shared by the call-for-speakers services: each returns the cleaned value
or raises CfpError naming the field."""

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email

from ...models import wall_clock
from .errors import CfpError

# Control characters other than line breaks and tabs have no business in a text field.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value, field: str, max_length: int, required: bool = False) -> str:
    """One line of text: stripped, inner runs of white space made one space."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise CfpError("required", field)
    value = " ".join(_CONTROL.sub("", value).split())
    return _check_length(value, field, max_length, required)


def clean_long_text(value, field: str, max_length: int, required: bool = False) -> str:
    """Text with paragraphs: line endings made \\n, stripped at both ends."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise CfpError("required", field)
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return _check_length(value, field, max_length, required)


def _check_length(value: str, field: str, max_length: int, required: bool) -> str:
    if required and not value:
        raise CfpError("required", field)
    if len(value) > max_length:
        raise CfpError("too_long", field, n=max_length)
    return value


def clean_int(value, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise CfpError("range", field, low=low, high=high)
    return value


def clean_url(value, field: str, max_length: int = 500, required: bool = False) -> str:
    value = clean_text(value, field, max_length, required)
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in value:
        raise CfpError("invalid_url", field)
    return value


def clean_email(value, field: str = "email") -> str:
    value = clean_text(value, field, 254, required=True)
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise CfpError("invalid_email", field) from error
    return checked.normalized.lower()


def local_to_utc(value: datetime, zone: ZoneInfo, field: str) -> datetime:
    """A time as an aware UTC datetime. A naive value is a wall-clock time in `zone`.

    Around daylight saving changes: a wall-clock time that happens twice (the night the
    clocks go back, e.g. 02:30 on 31 October 2027 in Stockholm) means its first
    occurrence, still in summer time (fold=0); one that never happens (the night the
    clocks go forward, e.g. 02:30 on 28 March 2027) is refused rather than guessed.
    """
    if not isinstance(value, datetime):
        raise CfpError("required", field)
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    moment = wall_clock(value, zone)
    if moment is None:
        raise CfpError("nonexistent_time", field, zone=zone.key)
    return moment.astimezone(UTC)
