"""The public program as its pages show it: a release's sessions grouped by day and
time, with labels in the visitor's language, computed once per release and language
(a release never changes) and kept in this process. A request only picks a day and
filters: no query, no date formatting per session.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ...i18n import format_date as local_date
from ...i18n import format_time as local_time
from ...models import SessionKind
from ...services.program.cache import BoundedCache
from ...services.program.frab import slugify
from ...services.program.snapshot import PublishedSession, ReleasedProgram

LANGUAGE_LABELS = {"sv": _l("Swedish"), "en": _l("English")}
PAUSE_KINDS = tuple(kind.value for kind in SessionKind if kind.is_pause)


def kind_label(kind: str) -> str:
    try:
        return str(SessionKind(kind).label)
    except ValueError:
        return kind


@dataclass(frozen=True)
class TrackView:
    slug: str  # the filter's value (no internal id in URLs)
    name: str
    css: str  # class giving the track's colour (see the tracks stylesheet)
    color: str


@dataclass(frozen=True)
class Item:
    """A session in the program's list."""

    session: PublishedSession
    day: date
    start: str  # "09:00" local
    end: str
    start_iso: str  # local, with offset, for <time datetime>
    end_iso: str
    track: TrackView | None
    kind_label: str
    language_label: str
    speaker_names: str
    pause: bool

    @property
    def token(self) -> str:
        return self.session.token


@dataclass
class Slot:
    """The sessions starting at one time of a day (parallel sessions)."""

    start: str
    start_iso: str
    items: list[Item] = field(default_factory=list)


@dataclass
class DayView:
    day: date
    iso: str
    label: str  # "tisdag 18 maj"
    weekday: str  # "tis"
    date: str  # "18 maj"
    slots: list[Slot] = field(default_factory=list)


@dataclass
class ProgramView:
    program: ReleasedProgram
    locale: str
    days: list[DayView]
    tracks: list[TrackView]
    languages: list[tuple[str, str]]
    formats: list[tuple[str, str]]
    items: dict[str, Item]  # by session token

    def day(self, iso) -> DayView | None:
        return next((d for d in self.days if d.iso == iso), None)

    def track(self, slug) -> TrackView | None:
        return next((t for t in self.tracks if t.slug == slug), None)


def _track_views(program: ReleasedProgram, english: bool) -> dict[str, TrackView]:
    views, used = {}, set()
    for index, track in enumerate(program.tracks):
        slug = slugify(track["name_sv"] or track["name_en"], limit=None) or "track"
        while slug in used:
            slug += "-x"
        used.add(slug)
        name = (track["name_en"] if english and track["name_en"] else track["name_sv"]) or ""
        views[track["key"]] = TrackView(slug, name, f"track-{index}", track["color"])
    return views


def build_view(program: ReleasedProgram, locale: str) -> ProgramView:
    tz = ZoneInfo(program.event.get("timezone") or "Europe/Stockholm")
    tracks = _track_views(program, locale == "en")
    days: dict[date, DayView] = {}
    for d in program.days:
        days[d["day"]] = _day_view(d["day"], locale)
    items: dict[str, Item] = {}
    for s in program.sessions:
        start, end = s.starts_at.astimezone(tz), s.ends_at.astimezone(tz)
        item = Item(
            session=s,
            day=start.date(),
            start=local_time(start, tz=tz),
            end=local_time(end, tz=tz),
            start_iso=start.isoformat(),
            end_iso=end.isoformat(),
            track=tracks.get(s.track["key"]) if s.track else None,
            kind_label=kind_label(s.kind),
            language_label=str(LANGUAGE_LABELS.get(s.language, s.language)),
            speaker_names=", ".join(sp["name"] for sp in s.speakers),
            pause=s.kind in PAUSE_KINDS,
        )
        items[s.token] = item
        day = days.get(item.day) or days.setdefault(item.day, _day_view(item.day, locale))
        if not day.slots or day.slots[-1].start_iso != item.start_iso:
            day.slots.append(Slot(item.start, item.start_iso))
        slot = day.slots[-1]
        if item.pause and any(_same_pause(item, other) for other in slot.items):
            continue  # one lunch placed in every room is one row in the program
        slot.items.append(item)
    languages = sorted({s.language for s in program.sessions if s.kind not in PAUSE_KINDS})
    kinds = [k.value for k in SessionKind if k.value not in PAUSE_KINDS]
    present = {s.kind for s in program.sessions}
    return ProgramView(
        program=program,
        locale=locale,
        days=sorted(days.values(), key=lambda d: d.day),
        tracks=list(tracks.values()),
        languages=[(code, str(LANGUAGE_LABELS.get(code, code))) for code in languages],
        formats=[(k, kind_label(k)) for k in kinds if k in present],
        items=items,
    )


def _same_pause(item: Item, other: Item) -> bool:
    return (
        other.pause
        and other.session.title == item.session.title
        and other.end == item.end
        and other.session.kind == item.session.kind
    )


def _day_view(day: date, locale: str) -> DayView:
    return DayView(
        day=day,
        iso=day.isoformat(),
        label=format_date(day, "EEEE d MMMM", locale=locale),
        weekday=format_date(day, "EEE", locale=locale).rstrip("."),
        date=format_date(day, "d MMM", locale=locale).rstrip("."),
    )


_VIEWS: BoundedCache[ProgramView] = BoundedCache(32)
_FRAGMENTS: BoundedCache[Markup] = BoundedCache(256)


def program_view(program: ReleasedProgram) -> ProgramView:
    """The release's view in the current language, made once per release and language."""
    locale = str(get_locale() or "sv")
    key = (program.release_id, program.published_at, locale)
    return _VIEWS.get_or_make(key, lambda: build_view(program, locale))


def cached_fragment(key: tuple, render: Callable[[], Markup]) -> Markup:
    """HTML that depends only on `key` (release, language, ...), rendered once and kept
    (the most recently used few hundred per process)."""
    return _FRAGMENTS.get_or_make(key, render)


# -- filters ------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The visitor's choice, each value checked against the release (unknown: ignored)."""

    day: DayView | None
    track: TrackView | None
    language: str | None
    format: str | None

    @property
    def active(self) -> bool:
        return bool(self.track or self.language or self.format)

    @property
    def key(self) -> tuple:
        """What the filtered list depends on (for caching it)."""
        return (
            self.day.iso if self.day else None,
            self.track.slug if self.track else None,
            self.language,
            self.format,
        )

    def matches(self, item: Item) -> bool:
        if item.pause:  # breaks and lunch are for everyone: always shown
            return True
        if self.track is not None and (item.track is None or item.track.slug != self.track.slug):
            return False
        if self.language is not None and item.session.language != self.language:
            return False
        return self.format is None or item.session.kind == self.format


def _one(args, name: str) -> str:
    value = args.get(name, "")
    return value.strip()[:100] if isinstance(value, str) else ""


def read_filters(view: ProgramView, args, today: date | None = None) -> Filters:
    day = view.day(_one(args, "day"))
    if day is None and view.days:
        # During the event the program opens on today; otherwise on its first day.
        day = next((d for d in view.days if d.day == today), view.days[0])
    language = _one(args, "language")
    kind = _one(args, "format")
    return Filters(
        day=day,
        track=view.track(_one(args, "track")),
        language=language if language in dict(view.languages) else None,
        format=kind if kind in dict(view.formats) else None,
    )


def visible_slots(day: DayView | None, filters: Filters) -> list[Slot]:
    """The day's time blocks with only the sessions the filters let through."""
    if day is None:
        return []
    if not filters.active:
        return day.slots
    slots = []
    for slot in day.slots:
        items = [item for item in slot.items if filters.matches(item)]
        if items:
            slots.append(Slot(slot.start, slot.start_iso, items))
    # Breaks always pass the filters; alone, they are not a result: nothing matched.
    if not any(not item.pause for slot in slots for item in slot.items):
        return []
    return slots


# -- the changelog ------------------------------------------------------------------


def placement_label(placement: dict | None, tz: ZoneInfo) -> str:
    """ "tis 19 maj 09:00–09:30 · Sal A" in the page's language."""
    if not placement:
        return ""
    start = datetime.fromisoformat(placement["starts_at"])
    end = datetime.fromisoformat(placement["ends_at"])
    day = local_date(start, "short_weekday", tz=tz)
    text = f"{day} {local_time(start, tz=tz)}–{local_time(end, tz=tz)}"
    return f"{text} · {placement['room']}" if placement.get("room") else text
