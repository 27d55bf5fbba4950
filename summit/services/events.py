"""Events: creating, editing, publishing, and what the public may see."""

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..database import unit_of_work
from ..extensions import db
from ..models import Event, EventFormat, EventKind, EventStatus, utcnow
from .refusal import Refusal


@dataclass
class EventData:
    """What an organizer fills in for an event. Times are aware datetimes."""

    slug: str
    kind: EventKind
    format: EventFormat
    name_sv: str
    name_en: str
    description_sv: str
    description_en: str
    venue_name: str
    venue_address: str
    stream_url: str
    starts_at: datetime
    ends_at: datetime
    # Invoices: days to pay, and days after the due date (and after the first reminder)
    # before a payment reminder goes out.
    invoice_due_days: int = 30
    invoice_reminder_days: int = 10


# An event's address: 2–64 lowercase letters, digits and hyphens, not at either end.
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


class EventError(Refusal):
    """An event's settings that break a rule; `field` names the setting."""

    messages = {
        "taken": lambda p: _("Another event already has this address."),
        "bad_slug": lambda p: _(
            "Use 2–64 lowercase letters a–z, digits and hyphens, e.g. summit2027."
        ),
        "before_start": lambda p: _("The event must end after it starts."),
        "stream_required": lambda p: _("Online and hybrid events need a stream link."),
    }


def get_event(slug: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.slug == slug))


def get_public_event(slug: str) -> Event | None:
    event = get_event(slug)
    return event if event is not None and event.is_published else None


def upcoming_events(now: datetime | None = None) -> list[Event]:
    """Published events that have not ended, soonest first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.status == EventStatus.PUBLISHED, Event.ends_at >= now)
            .order_by(Event.starts_at)
        )
    )


def _check(data: EventData, event: Event | None) -> None:
    other = get_event(data.slug)
    if other is not None and other is not event:
        raise EventError("taken", "slug")
    if data.ends_at <= data.starts_at:
        raise EventError("before_start", "ends_at")
    if data.format.has_stream and not data.stream_url:
        raise EventError("stream_required", "stream_url")


def save_event(data: EventData, event: Event | None = None) -> Event:
    """Create an event (as a draft) or update one; rules checked before anything is written."""
    _check(data, event)
    with unit_of_work():
        if event is None:
            event = Event(status=EventStatus.DRAFT)
            db.session.add(event)
        for name, value in vars(data).items():
            setattr(event, name, value)
        if not data.format.has_stream:
            event.stream_url = ""
    return event


def publish_event(event: Event) -> None:
    if event.status is not EventStatus.PUBLISHED:
        with unit_of_work():
            event.status = EventStatus.PUBLISHED
            event.published_at = utcnow()


def unpublish_event(event: Event) -> None:
    if event.status is not EventStatus.DRAFT:
        with unit_of_work():
            event.status = EventStatus.DRAFT
