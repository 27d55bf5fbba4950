"""Charts of the impact report, drawn on the server as SVG: the same picture on the page,
in the PDF (WeasyPrint draws SVG) and nowhere any script.

Each chart is an image with a name and a description (role="img", <title>, <desc>) and
is followed on the page by the table of its numbers, which is what a screen reader reads.
Every bar and line end carries its number and the second line is dashed, so nothing
depends on telling colours apart; the colours reach 4.5:1 on white (WCAG 2.1, 1.4.11).
Every text in a chart goes through markupsafe's escape(); the rest is numbers.
"""

from dataclasses import dataclass
from itertools import count

from flask_babel import gettext as _
from markupsafe import Markup, escape

# Dark teal, burnt orange, slate: each at least 4.5:1 on white.
COLOURS = ("#0b5a5a", "#a4471c", "#4b5563")
WIDTH = 640
_ids = count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float]


def _text(x, y, content, size=12, anchor="start", weight="normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="#1b1b1b">{escape(content)}</text>'
    )


def _rect(x, y, width, height, colour) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{colour}"/>'
    )


def _line(x1, y1, x2, y2, colour) -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
        'stroke-width="1"/>'
    )


def _short(label: str, limit: int = 30) -> str:
    """A long label cut for the chart; the table under it has it whole."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _legend(names: list[str], y: float) -> list[str]:
    parts, x = [], 0.0
    for n, name in enumerate(names):
        parts += [_rect(x, y - 10, 12, 12, COLOURS[n]), _text(x + 17, y, name)]
        x += 30 + 7.2 * len(name)
    return parts


def _svg(title: str, description: str, height: float, body: list[str]) -> Markup:
    n = next(_ids)
    return Markup(  # noqa: S704 (every text in it went through escape(); the rest is numbers)
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" role="img" '
        f'aria-labelledby="chart-{n}-t chart-{n}-d" '
        'font-family="Liberation Sans, DejaVu Sans, Arial, sans-serif">'
        f'<title id="chart-{n}-t">{escape(title)}</title>'
        f'<desc id="chart-{n}-d">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def bar_chart(title: str, description: str, labels: list[str], series: list[Series]) -> Markup:
    """Horizontal bars, one group per label, one bar per series, each with its number."""
    label_w, bar_h, gap, top = 190, 14, 10, 24
    plot_w = WIDTH - label_w - 50
    largest = max((v for s in series for v in s.values), default=0) or 1
    body = _legend([s.name for s in series], 12)
    y = top
    for i, label in enumerate(labels):
        body.append(_text(0, y + bar_h * len(series) / 2 + 4, _short(label)))
        for n, one in enumerate(series):
            length = plot_w * one.values[i] / largest
            body.append(_rect(label_w, y, length, bar_h - 2, COLOURS[n]))
            body.append(_text(label_w + length + 4, y + bar_h - 4, _number(one.values[i]), 11))
            y += bar_h
        y += gap
    body.append(_line(label_w, top - 4, label_w, y - gap + 2, "#1b1b1b"))
    return _svg(title, description, y, body)


def line_chart(
    title: str, description: str, series: list[tuple[str, list[tuple[float, float]]]], x_label: str
) -> Markup:
    """Lines through (x, y) points, x growing to the right (days before the event are
    given as negative x and labelled without the sign); the last value of each line is
    written at its end."""
    height, left, right, top, bottom = 260, 48, 70, 26, 36
    points = [p for _name, line in series for p in line]
    if not points:
        return _svg(title, description, 40, [_text(0, 20, "–")])
    x_min, x_max = min(p[0] for p in points), max(p[0] for p in points)
    y_max = max(p[1] for p in points) or 1
    x_span = (x_max - x_min) or 1
    plot_w, plot_h = WIDTH - left - right, height - top - bottom

    def at(x, y):
        return left + plot_w * (x - x_min) / x_span, top + plot_h * (1 - y / y_max)

    body = _legend([name for name, _line in series], 12)
    for tick in _ticks(y_max):
        y = at(x_min, tick)[1]
        body += [
            _line(left, y, left + plot_w, y, "#d0d0cb"),
            _text(left - 6, y + 4, _number(tick), 11, "end"),
        ]
    for tick in _ticks(x_max - x_min, x_min):
        body.append(_text(at(tick, 0)[0], top + plot_h + 16, _number(abs(tick)), 11, "middle"))
    body.append(_text(left + plot_w / 2, height - 4, x_label, 11, "middle"))
    for n, (_name, line) in enumerate(series):
        if not line:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(*p) for p in line))
        dashes = ' stroke-dasharray="6 3"' if n else ""  # told apart without colour
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{COLOURS[n]}" stroke-width="2.5"'
            f"{dashes}/>"
        )
        end_x, end_y = at(*line[-1])
        body.append(_text(end_x + 4, end_y + 4, _number(line[-1][1]), 11, weight="bold"))
    return _svg(title, description, height, body)


def _ticks(span: float, start: float = 0) -> list[float]:
    """About five round steps over [start, start + span]."""
    if span <= 0:
        return [start]
    raw = span / 5
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    tick = -(-start // step) * step
    ticks = []
    while tick <= start + span:
        ticks.append(tick)
        tick += step
    return ticks


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


# The report's charts -------------------------------------------------------------------


def breakdown_chart(breakdown) -> Markup:
    """Registered (and, once the event has begun, attended) per row of a breakdown."""
    series = [Series(_("Registered"), [r.registered for r in breakdown.rows])]
    if breakdown.begun:
        series.append(Series(_("Attended"), [r.attended for r in breakdown.rows]))
    total = breakdown.total
    description = _(
        "%(what)s: %(rows)d rows, %(registered)d registered in all. "
        "The table after the chart has every number.",
        what=breakdown.title,
        rows=len(breakdown.rows),
        registered=total.registered,
    )
    return bar_chart(breakdown.title, description, [r.label for r in breakdown.rows], series)


def sales_chart(curves) -> Markup:
    """Registrations so far by days before the first day, one line per event."""
    title = _("Registrations over time")
    lines = [(c.event.name, [(-days, total) for days, total in c.points]) for c in curves]
    description = _(
        "How many had registered by each day before the event's first day: %(events)s. "
        "The table after the chart has the numbers.",
        events=", ".join(f"{name} {points[-1][1] if points else 0}" for name, points in lines),
    )
    return line_chart(title, description, lines, _("Days before the event"))
