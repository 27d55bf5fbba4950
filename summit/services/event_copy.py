"""Next year from this year: an event copied with its set-up, not its people or orders.

Copied: the event's settings and branding (as a draft, under a new address and name),
its ticket types, rooms, tracks and program days, and the call for speakers with its
formats, questions, review criteria and decision mail texts, and the registration
questions (their ticket types and conditions pointing at the copies). Every date and
time moves by the number of days between the two start dates, keeping its local
wall-clock time (a sale that ended at 23:59 in May ends at 23:59 on the same weekday
next May, summer time or not). Not copied: orders, tickets, answers, vouchers, discount
codes, proposals, sessions, check-ins, access codes and roles; whoever copies becomes
the new event's organizer.
"""

import copy
import re
import secrets
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import inspect, select

from ..database import unit_of_work
from ..extensions import db
from ..models import (
    Addon,
    CallForProposals,
    Event,
    EventRole,
    EventStatus,
    ProgramDay,
    Question,
    Role,
    Room,
    TicketType,
    Track,
    User,
)
from ..models.cfp import DecisionTemplate
from .events import SLUG_RE, EventError, get_event

YEAR = re.compile(r"(?<!\d)20\d\d(?!\d)")
# Never copied from a row: who made it when, the tokens that must stay unique, and the
# impact summary's switch (next year's figures are not this year's).
NOT_COPIED = {"created_at", "updated_at", "published_at", "logo_token", "impact_public"}


def copy_event(
    source: Event,
    slug: str,
    starts_on: date,
    *,
    name_sv: str | None = None,
    name_en: str | None = None,
    by: User | None = None,
) -> Event:
    """A draft copy of `source` starting on `starts_on` (its local date), committed.
    EventError (nothing written) for a slug that is malformed or taken."""
    slug = (slug or "").strip()
    if not SLUG_RE.match(slug):
        raise EventError("bad_slug", "slug")
    if get_event(slug) is not None:
        raise EventError("taken", "slug")
    zone = ZoneInfo(source.timezone)
    days = (starts_on - source.starts_at.astimezone(zone).date()).days

    def moved(value):
        if isinstance(value, datetime):
            return (value.astimezone(zone) + timedelta(days=days)).astimezone(UTC)
        if isinstance(value, date):
            return value + timedelta(days=days)
        return value

    def copied(row, **values):
        return _copy(row, moved, **values)

    with unit_of_work():
        event = copied(
            source,
            slug=slug,
            status=EventStatus.DRAFT,
            name_sv=name_sv or source.name_sv,
            name_en=name_en or source.name_en,
            logo_token=secrets.token_urlsafe(16) if source.logo else None,
        )
        db.session.add(event)
        types = {t.id: copied(t, event=event) for t in _rows(TicketType, source)}
        for model in (Room, Track, ProgramDay):
            for row in _rows(model, source):
                db.session.add(copied(row, event=event))
        db.session.add_all(types.values())
        _copy_questions(source, event, types, copied)
        for addon in _rows(Addon, source):  # offered with the copies of its ticket types
            db.session.add(
                copied(addon, event=event, ticket_types=[types[t.id] for t in addon.ticket_types])
            )
        call = db.session.scalar(
            select(CallForProposals).where(CallForProposals.event_id == source.id)
        )
        if call is not None:
            new_call = copied(
                call, event=event, speaker_ticket_type=types.get(call.speaker_ticket_type_id)
            )
            db.session.add(new_call)
            for child in (*call.formats, *call.questions, *call.criteria):
                db.session.add(copied(child, call=new_call))
            templates = select(DecisionTemplate).where(DecisionTemplate.call_id == call.id)
            for template in db.session.scalars(templates):
                db.session.add(copied(template, call=new_call))
        if by is not None:
            db.session.add(EventRole(event=event, user_id=by.id, role=Role.ORGANIZER))
    return event


def _copy_questions(source: Event, event: Event, types: dict, copied) -> None:
    """The registration questions, with their ticket types and conditions pointing at
    the copies (a condition's question is copied before the question using it)."""
    questions = {q.id: q for q in _rows(Question, source)}
    made: dict[int, Question] = {}

    def copy_of(question: Question) -> Question:
        if question.id not in made:
            parent = questions.get(question.depends_on_id)
            made[question.id] = None  # a loop (the rules forbid one) ends here
            made[question.id] = copied(
                question,
                event=event,
                ticket_types=[types[t.id] for t in question.ticket_types],
                depends_on=copy_of(parent) if parent is not None else None,
            )
            db.session.add(made[question.id])
        return made[question.id]

    for question in questions.values():
        copy_of(question)


def same_weekday_next_year(source: Event) -> date:
    """The first day 52 weeks later: the same weekday (a summit Tuesday stays a Tuesday)."""
    return source.starts_at.astimezone(ZoneInfo(source.timezone)).date() + timedelta(weeks=52)


def next_year_name(source: Event) -> tuple[str, str]:
    """The names with their year, if they have one, one higher."""
    return _next_year(source.name_sv), _next_year(source.name_en)


def next_year_slug(source: Event) -> str:
    """The address with its year one higher, if free; else empty for a person to choose."""
    slug = _next_year(source.slug)
    return slug if slug != source.slug and get_event(slug) is None else ""


def _next_year(text: str) -> str:
    return YEAR.sub(lambda m: str(int(m.group()) + 1), text or "", count=1)


def _rows(model, source: Event) -> list:
    return list(
        db.session.scalars(select(model).where(model.event_id == source.id).order_by(model.id))
    )


def _copy(row, moved, **values):
    """A new row of the same kind with `row`'s column values (dates moved, lists and
    dicts copied), except its key, its links to other rows and NOT_COPIED; `values` set
    the rest (the links, through their relationships)."""
    kind = type(row)
    fields = {}
    for column in inspect(kind).columns:
        if column.primary_key or column.foreign_keys or column.key in NOT_COPIED:
            continue
        value = getattr(row, column.key)
        if not isinstance(value, time):
            value = moved(copy.deepcopy(value))
        fields[column.key] = value
    return kind(**(fields | values))
