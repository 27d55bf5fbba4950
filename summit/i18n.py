"""Language choice: Swedish first, English complete.

The choice is, in order: what the visitor picked with the language switch (kept in
the session), the signed-in person's saved language, the browser's Accept-Language
between sv and en, and Swedish.
"""

from functools import lru_cache

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
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["event_when"] = event_when
    app.jinja_env.filters["local_day"] = local_day
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["money"] = money


def event_when(event) -> str:
    """ "18–20 maj 2027" for several days; "10 februari 2027, 08:30–10:00" for one."""
    return _when(event.local_start, event.local_end, str(get_locale() or "sv"))


@lru_cache(maxsize=512)
def _when(start, end, locale: str) -> str:
    # Babel's interval formatting is slow, and the same few events are shown all day.
    from babel.dates import format_date, format_interval

    if start.date() != end.date():
        return format_interval(start.date(), end.date(), "yMMMMd", locale=locale)
    day = format_date(start.date(), "long", locale=locale)
    hours = format_interval(start.time(), end.time(), "Hm", locale=locale)
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


def local_day(day) -> str:
    from babel.dates import format_date

    return format_date(day, "EEEE d MMMM", locale=str(get_locale() or "sv"))


def local_datetime(moment, event) -> str:
    """A moment as "27 november 2026 08:18" in the event's time zone and the page's
    language."""
    from babel.dates import format_datetime

    return format_datetime(
        moment.astimezone(event.tz), "d MMMM y HH:mm", locale=str(get_locale() or "sv")
    )
