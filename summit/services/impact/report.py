"""The impact report of one event: who registered and who came, by sector, ticket type,
day and organisation; the no-shows; how full the workshops were; first-time and
returning people; sales over time; and this event against the one before it.

The report is figures only: no name of a person appears in it (organisations do: they
are who MSI reports reaching). Its charts and its Excel and PDF exports are made from
the same ImpactReport (charts.py, export.py).
"""

from dataclasses import dataclass, field, replace
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select

from ...extensions import db
from ...i18n import local_day
from ...models import Event, Role, User, utcnow
from . import contributed
from . import figures as counted
from .figures import EventFigures, WorkshopFill
from .parts import Section, Table

TOP_ORGANISATIONS = 12


@dataclass(frozen=True)
class Row:
    label: str
    registered: int
    attended: int

    @property
    def no_shows(self) -> int:
        return self.registered - self.attended


@dataclass(frozen=True)
class Breakdown:
    key: str  # "sector", "type", "day", "organisation": the anchor and the Excel sheet
    title: str
    column: str  # what a row is: "Sector"
    rows: list[Row]
    note: str = ""
    total_label: str = ""  # the sum's row ("Total" unless told)
    begun: bool = True  # before the event, only who registered

    @property
    def total(self) -> Row:
        return Row(
            self.total_label or _("Total"),
            sum(r.registered for r in self.rows),
            sum(r.attended for r in self.rows),
        )

    def table(self) -> Table:
        rows = [*self.rows, self.total]
        if not self.begun:
            return Table(
                self.key,
                self.title,
                [self.column, _("Registered")],
                [[r.label, r.registered] for r in rows],
            )
        return Table(
            self.key,
            self.title,
            [self.column, _("Registered"), _("Attended"), _("No-shows"), _("Attendance")],
            [
                [r.label, r.registered, r.attended, r.no_shows, _fraction(r.attended, r.registered)]
                for r in rows
            ],
            frozenset({4}),
        )


@dataclass(frozen=True)
class Curve:
    """Registrations so far, by days before the event's first day (0: that day)."""

    event: Event
    points: list[tuple[int, int]]  # (days before, registered by then), days descending


@dataclass
class Comparison:
    """This event and an earlier one, side by side."""

    other: Event
    rows: list[list]  # [what, this event, the other]: numbers (None: not yet known)
    sectors: list[list]  # [sector, share here, share there]: shares from 0 to 1
    curves: list[Curve]

    def tables(self, event: Event) -> list[Table]:
        header = [_("Figure"), event.name, self.other.name]
        tables = [
            Table(
                "compared",
                _("Compared with %(event)s", event=self.other.name),
                header,
                [list(r) for r in self.rows],
            )
        ]
        if self.sectors:
            tables.append(
                Table(
                    "compared-sectors",
                    _("Sectors compared"),
                    [_("Sector"), event.name, self.other.name],
                    self.sectors,
                    frozenset({1, 2}),
                )
            )
        return tables


@dataclass
class ImpactReport:
    event: Event
    begun: bool
    registered: int
    attended: int
    breakdowns: list[Breakdown]
    workshops: list[WorkshopFill]
    first_time: int
    returning: int
    sales: Curve
    comparison: Comparison | None
    sections: list[Section] = field(default_factory=list)  # ratings and surveys, if any

    @property
    def no_shows(self) -> int:
        return self.registered - self.attended if self.begun else 0

    @property
    def attendance_share(self) -> float | None:
        return self.attended / self.registered if self.registered and self.begun else None

    def breakdown(self, key: str) -> Breakdown | None:
        return next((b for b in self.breakdowns if b.key == key), None)

    def key_figures(self) -> Table:
        people = self.first_time + self.returning
        rows = [
            [_("Registered"), self.registered, None],
            [_("Attended"), self.attended if self.begun else None, self.attendance_share],
            [_("No-shows"), self.no_shows if self.begun else None, _no_show_share(self)],
            [_("Came for the first time"), self.first_time, _fraction(self.first_time, people)],
            [
                _("Came back from an earlier event"),
                self.returning,
                _fraction(self.returning, people),
            ],
        ]
        return Table(
            "summary",
            _("Key figures"),
            [_("Figure"), _("Number"), _("Share")],
            rows,
            frozenset({2}),
        )

    def workshop_table(self) -> Table:
        return Table(
            "workshops",
            _("Workshops"),
            [_("Session"), _("Signed up"), _("Places"), _("Filled"), _("Scanned in")],
            [
                [w.session.title, w.signed_up, w.limit, _fraction(w.signed_up, w.limit), w.attended]
                for w in self.workshops
            ],
            frozenset({3}),
        )

    def sales_table(self) -> Table:
        return Table(
            "sales",
            _("Registrations over time"),
            [_("Days before the event"), _("Registered by then")],
            [[days, total] for days, total in self.sales.points],
        )

    def tables(self) -> list[Table]:
        """Every table of the report, in the report's order (the workbook's sheets)."""
        tables = [self.key_figures()]
        tables += [b.table() for b in self.breakdowns]
        if self.workshops:
            tables.append(self.workshop_table())
        tables.append(self.sales_table())
        if self.comparison:
            tables += self.comparison.tables(self.event)
        for section in self.sections:
            tables += section.all_tables()
        return tables


def impact_report(
    event: Event,
    compare: Event | None = None,
    now: datetime | None = None,
    sector: str | None = None,
):
    """The whole report; `compare` is the earlier event to set it against (None: none);
    `sector`, a key of the sector question, shows the surveys' results of its people."""
    now = now or utcnow()
    figures = counted.event_figures(event)
    first_time, returning = counted.returning_people(event)
    begun = event.starts_at <= now
    breakdowns = (
        by_sector(figures),
        by_ticket_type(figures),
        by_day(figures),
        by_organisation(figures),
    )
    report = ImpactReport(
        event=event,
        begun=begun,
        registered=figures.registered,
        attended=figures.attended,
        breakdowns=[replace(b, begun=begun) for b in breakdowns if b is not None],
        workshops=counted.workshop_fill(event),
        first_time=first_time,
        returning=returning,
        sales=sales_curve(figures),
        comparison=None,
    )
    if compare is not None and compare.id != event.id:
        report.comparison = compare_with(report, figures, compare, now)
    report.sections = contributed.sections(
        event, figures.sector_question, sector_label(figures), sector
    )
    return report


def sector_label(figures: EventFigures):
    """A sector's key as people read it ("" is those who did not answer)."""
    question = figures.sector_question
    return lambda key: question.display(key) if key and question else _("Not answered")


# Breakdowns ----------------------------------------------------------------------------


def by_sector(figures: EventFigures) -> Breakdown | None:
    """In the order the question offers its choices; the unanswered last."""
    question = figures.sector_question
    if question is None:
        return None
    place = {choice["key"]: n for n, choice in enumerate(question.choices or [])}
    counts = figures.by_sector
    label = sector_label(figures)
    rows = [
        Row(label(key), *counts[key])
        for key in sorted(counts, key=lambda k: (k == "", place.get(k, len(place)), k))
    ]
    return Breakdown("sector", _("By sector"), _("Sector"), rows)


def by_ticket_type(figures: EventFigures) -> Breakdown:
    """In the shop's order of ticket types."""
    types, counts = figures.types, figures.by_type
    ranked = sorted(counts, key=lambda tid: (types[tid].position, tid))
    return Breakdown(
        "type",
        _("By ticket type"),
        _("Ticket type"),
        [Row(types[t].name, *counts[t]) for t in ranked],
    )


def by_day(figures: EventFigures) -> Breakdown:
    """For each day of the event: the registered tickets that admit to it (the types its
    check-in lists take) and how many people were checked in that day."""
    rows = []
    for day in figures.event.days:
        admitted = figures.day_types.get(day)
        expected = (
            figures.registered
            if admitted is None
            else sum(r for t, (r, _a) in figures.by_type.items() if t in admitted)
        )
        rows.append(Row(local_day(day), expected, figures.attended_on.get(day, 0)))
    # A person on three days is three of the sum: it counts attendee-days.
    return Breakdown("day", _("By day"), _("Day"), rows, total_label=_("Attendee-days in all"))


def by_organisation(figures: EventFigures, top: int = TOP_ORGANISATIONS) -> Breakdown:
    """The organisations with the most registered people; the rest summed in one row."""
    counts = figures.by_organisation
    named = sorted(
        (Row(name, *counts[name]) for name in counts if name),
        key=lambda r: (-r.registered, r.label.casefold()),
    )
    shown = named[:top]
    rest = named[top:]
    if rest:
        shown.append(
            Row(
                _("%(num)d other organisations", num=len(rest)),
                sum(r.registered for r in rest),
                sum(r.attended for r in rest),
            )
        )
    if "" in counts:
        shown.append(Row(_("No organisation given"), *counts[""]))
    return Breakdown(
        "organisation",
        pgettext("impact report", "By organisation"),  # not the badges' sort order
        _("Organisation"),
        shown,
        note=_("%(num)d organisations in all.", num=len(named)),
    )


def sales_curve(figures: EventFigures) -> Curve:
    """Registered by the end of each week before the first day (the last point: all),
    a point a week: the curve's shape, and a table short enough to read."""
    first_day = figures.event.local_start.date()
    total = 0
    weeks: dict[int, tuple[int, int]] = {}
    for day, count in figures.registered_on:
        total += count
        days_before = (first_day - day).days
        weeks[days_before // 7] = (days_before, total)  # the week's last day so far
    return Curve(figures.event, [weeks[week] for week in sorted(weeks, reverse=True)])


# Against an earlier event -------------------------------------------------------------


def _fraction(part: int, whole: int | None) -> float | None:
    return part / whole if whole else None


def _no_show_share(report: "ImpactReport") -> float | None:
    return _fraction(report.no_shows, report.registered) if report.begun else None


def comparable_events(event: Event, user: User) -> list[Event]:
    """Earlier events the user organizes, latest first: what the report may set this
    event against (the first is the default: last year's)."""
    earlier = db.session.scalars(
        select(Event)
        .where(Event.starts_at < event.starts_at, Event.id != event.id)
        .order_by(Event.starts_at.desc())
    )
    return [e for e in earlier if user.has_role(e, Role.ORGANIZER)]


def compare_with(report: ImpactReport, figures: EventFigures, other: Event, now) -> Comparison:
    then = counted.event_figures(other, days=False)
    first_then, _returning_then = counted.returning_people(other)
    begun_then = other.starts_at <= now

    def came(figs: EventFigures, begun: bool) -> int | None:
        return figs.attended if begun else None

    def stayed_away(figs: EventFigures, begun: bool) -> int | None:
        return figs.registered - figs.attended if begun else None

    rows = [
        [_("Registered"), report.registered, then.registered],
        [_("Attended"), came(figures, report.begun), came(then, begun_then)],
        [_("No-shows"), stayed_away(figures, report.begun), stayed_away(then, begun_then)],
        [_("Organisations"), organisations(figures), organisations(then)],
        [_("Came for the first time"), report.first_time, first_then],
    ]
    here, there = by_sector(figures), by_sector(then)
    shares_here = {r.label: r.registered for r in (here.rows if here else [])}
    shares_there = {r.label: r.registered for r in (there.rows if there else [])}
    sectors = [
        [
            label,
            _fraction(shares_here.get(label, 0), figures.registered),
            _fraction(shares_there.get(label, 0), then.registered),
        ]
        for label in [*shares_here, *(k for k in shares_there if k not in shares_here)]
    ]
    return Comparison(other, rows, sectors, [report.sales, sales_curve(then)])


def organisations(figures: EventFigures) -> int:
    return sum(1 for name in figures.by_organisation if name)
