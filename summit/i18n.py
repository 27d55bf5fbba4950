"""Language choice: Swedish first, English complete.

The choice is, in order: what the visitor picked with the language switch (kept in
the session), the signed-in person's saved language, the browser's Accept-Language
between sv and en, and Swedish.
"""

import re
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def init_i18n(app, babel) -> None:
    # Flask-Babel's own format_datetime(x, "short") etc. give the named formats below too.
    babel.date_formats = BabelSizes()
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["event_when"] = event_when
    app.jinja_env.filters["local_day"] = local_day
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["share"] = share
    # Every date in a template goes through the named formats (the Flask-Babel filters
    # of the same names, which gave "12/6/26, 11:03 AM" in English, are replaced).
    app.jinja_env.filters["datetimeformat"] = format_datetime
    app.jinja_env.filters["dateformat"] = format_date
    app.jinja_env.filters["timeformat"] = format_time


# Dates and times --------------------------------------------------------------------------
#
# One set of named formats for every page, mail, PDF and export: day before month and
# the 24-hour clock in both languages, in the event's time zone (Europe/Stockholm).
#
#   name            sv                              en
#   date            6 dec. 2026                     6 Dec 2026
#   long_date       6 december 2026                 6 December 2026
#   datetime        6 dec. 2026 11:03               6 Dec 2026, 11:03
#   long_datetime   6 december 2026 11:03           6 December 2026, 11:03
#   time            11:03                           11:03
#   time_seconds    11:03:07                        11:03:07
#   weekday         söndag 6 december               Sunday 6 December
#   weekday_date    söndag 6 december 2026          Sunday 6 December 2026
#   weekday_time    söndag 6 december 11:03         Sunday 6 December, 11:03
#   short_weekday   sön 6 dec.                      Sun 6 Dec
#   day_month       6 dec.                          6 Dec
#   day_month_time  6 dec. 11:03                    6 Dec, 11:03
#   sortable        2026-12-06 11:03                2026-12-06 11:03   (CSV: sorts as text)
#   sortable_date   2026-12-06                      2026-12-06

DATE_FORMATS: dict[str, dict[str, str]] = {
    "date": {"sv": "d MMM y", "en": "d MMM y"},
    "long_date": {"sv": "d MMMM y", "en": "d MMMM y"},
    "datetime": {"sv": "d MMM y HH:mm", "en": "d MMM y, HH:mm"},
    "long_datetime": {"sv": "d MMMM y HH:mm", "en": "d MMMM y, HH:mm"},
    "time": {"sv": "HH:mm", "en": "HH:mm"},
    "time_seconds": {"sv": "HH:mm:ss", "en": "HH:mm:ss"},
    "weekday": {"sv": "EEEE d MMMM", "en": "EEEE d MMMM"},
    "weekday_date": {"sv": "EEEE d MMMM y", "en": "EEEE d MMMM y"},
    "weekday_time": {"sv": "EEEE d MMMM HH:mm", "en": "EEEE d MMMM, HH:mm"},
    "short_weekday": {"sv": "EEE d MMM", "en": "EEE d MMM"},
    "day_month": {"sv": "d MMM", "en": "d MMM"},
    "day_month_time": {"sv": "d MMM HH:mm", "en": "d MMM, HH:mm"},
    "sortable": {"sv": "yyyy-MM-dd HH:mm", "en": "yyyy-MM-dd HH:mm"},
    "sortable_date": {"sv": "yyyy-MM-dd", "en": "yyyy-MM-dd"},
}
# Babel's sizes, as templates and Flask-Babel name them, mapped onto the named formats.
SIZES = {
    "datetime": {
        "short": "datetime",
        "medium": "datetime",
        "long": "long_datetime",
        "full": "weekday_time",
    },
    "date": {"short": "date", "medium": "date", "long": "long_date", "full": "weekday_date"},
    "time": {"short": "time", "medium": "time", "long": "time_seconds", "full": "time_seconds"},
}
# The CLDR data English is formatted with where a pattern is not ours (intervals):
# British English writes day before month and the 24-hour clock, as the named formats do.
BABEL_LOCALES = {"sv": "sv", "en": "en_GB"}


def _language(locale=None) -> str:
    language = str(locale or get_locale() or "sv").split("_")[0].split("-")[0]
    return language if language in ("sv", "en") else "sv"


def date_pattern(name: str, kind: str = "datetime", locale=None) -> str:
    """The Babel pattern of a named format (or a Babel size) in a language; anything else
    is taken as a pattern of its own."""
    name = SIZES[kind].get(name, name) if name else SIZES[kind]["medium"]
    formats = DATE_FORMATS.get(name)
    return formats[_language(locale)] if formats else name


class BabelSizes(dict):
    """Flask-Babel's date_formats mapping, answering in the current language: its
    "datetime" is "medium" and its "datetime.medium" our "datetime" pattern."""

    def __missing__(self, key: str):
        kind, _, size = key.partition(".")
        if kind not in SIZES:
            raise KeyError(key)
        return date_pattern(size, kind) if size else "medium"


def _zone(tz=None, event=None):
    if event is not None:
        return event.tz
    if tz is not None:
        return ZoneInfo(tz) if isinstance(tz, str) else tz
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Stockholm")


def _local(moment: datetime, tz=None, event=None) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # stored times are UTC
    return moment.astimezone(_zone(tz, event))


def format_datetime(moment, format: str | None = None, tz=None, event=None, locale=None) -> str:
    """A moment in the event's time zone: `format` a named format ("datetime" unless
    told), a Babel size or a pattern. A date alone is formatted as a date."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return format_date(moment, format or "date", locale=locale)
    from babel.dates import format_datetime as babel_format

    return babel_format(
        _local(moment, tz, event),
        date_pattern(format, "datetime", locale),
        locale=BABEL_LOCALES[_language(locale)],
    )


def format_date(day, format: str | None = None, tz=None, event=None, locale=None) -> str:
    """A day ("date" unless told); a moment is first put in the event's time zone."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = _local(day, tz, event).date()
    from babel.dates import format_date as babel_format

    return babel_format(
        day, date_pattern(format, "date", locale), locale=BABEL_LOCALES[_language(locale)]
    )


def format_time(moment, format: str | None = None, tz=None, event=None, locale=None) -> str:
    """A time of day ("time" unless told); a moment is first put in the event's zone."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = _local(moment, tz, event)
    from babel.dates import format_time as babel_format

    return babel_format(
        moment, date_pattern(format, "time", locale), locale=BABEL_LOCALES[_language(locale)]
    )


def event_when(event) -> str:
    """ "18–20 maj 2027" for several days; "10 februari 2027, 08:30–10:00" for one."""
    return _when(event.local_start, event.local_end, _language())


@lru_cache(maxsize=512)
def _when(start, end, language: str) -> str:
    # Babel's interval formatting is slow, and the same few events are shown all day.
    from babel.dates import format_interval

    locale = BABEL_LOCALES[language]
    if start.date() != end.date():
        days = format_interval(start.date(), end.date(), "yMMMMd", locale=locale)
        # "18–20 May 2027" as in Swedish; "28 May – 2 Jun 2027" keeps its plain spaces.
        return re.sub(r"(\d)\u2009–\u2009(\d)", r"\1–\2", days).replace("\u2009", " ")
    day = format_date(start.date(), "long_date", locale=language)
    hours = "–".join(format_time(t.time(), locale=language) for t in (start, end))
    return f"{day}, {hours}"


def money(ore: int, currency: str = "SEK") -> str:
    """An amount in öre as people write it: "1 500 kr", "1 187,50 kr"."""
    from decimal import Decimal

    from babel.numbers import format_currency

    whole = ore % 100 == 0
    return format_currency(
        Decimal(ore) / 100,
        currency,
        format="#,##0\xa0¤" if whole else "#,##0.00\xa0¤",
        currency_digits=False,
        locale=str(get_locale() or "sv"),
    )


def share(fraction: float) -> str:
    """A share as people write it: "42 %" in Swedish, "42%" in English."""
    from babel.numbers import format_percent

    return format_percent(fraction, locale=BABEL_LOCALES[_language()])


def local_day(day) -> str:
    """ "söndag 6 december" / "Sunday 6 December"."""
    return format_date(day, "weekday")


def local_datetime(moment, event=None, format: str = "datetime") -> str:
    """A moment in the event's time zone and the page's language: "6 dec. 2026 11:03"."""
    return format_datetime(moment, format, event=event)
