"""The impact summary an organizer may show on a public page: numbers only, never a
person or an organisation (a small organisation's row would name its one attendee)."""

from dataclasses import dataclass

from ...database import unit_of_work
from ...models import Event, utcnow
from . import figures as counted
from .report import by_sector, organisations


@dataclass(frozen=True)
class PublicSummary:
    registered: int
    attended: int | None  # None until the event has begun
    organisations: int
    sectors: list[tuple[str, float]]  # (sector, share of those registered)
    days: int


def public_summary(event: Event) -> PublicSummary:
    figures = counted.event_figures(event)
    begun = event.starts_at <= utcnow()
    sectors = by_sector(figures)
    return PublicSummary(
        registered=figures.registered,
        attended=figures.attended if begun else None,
        organisations=organisations(figures),
        sectors=[
            (row.label, row.registered / figures.registered)
            for row in (sectors.rows if sectors and figures.registered else [])
        ],
        days=len(event.days),
    )


def set_public(event: Event, public: bool) -> None:
    with unit_of_work():
        event.impact_public = public
