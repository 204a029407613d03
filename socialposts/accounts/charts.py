"""Charts of the social-media pages, drawn on the server as SVG.

Each function returns the geometry a template writes as SVG
(templates/socialposts/_line_chart.html, _bar_chart.html): the plot box,
the axes' ticks with their labels (dates on the x axis, values on the y
axis), and every point or bar with a <title> that the browser shows on
hover. No JavaScript and no inline style, so the pages' strict CSP holds
and the chart reads the same without scripts; screen readers get the
values from the titles.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

# The SVG's user units; the chart scales to its box (social.css).
WIDTH = 400
HEIGHT = 200
# Room for the axes' labels around the plot.
LEFT = 58
RIGHT = 22
TOP = 18
BOTTOM = 34


@dataclass(frozen=True)
class Tick:
    """One labelled mark on an axis, at ``pos`` user units along it."""

    pos: float
    label: str


@dataclass(frozen=True)
class Dot:
    """One day's value on a line chart, with its hover text."""

    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Cut:
    """Where the platform began counting the metric differently."""

    x: float
    day: datetime.date
    name: str


@dataclass(frozen=True)
class LineChart:
    """A daily series over a period, with both axes."""

    label: str
    start: datetime.date
    end: datetime.date
    dots: list[Dot]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    cuts: list[Cut] = field(default_factory=list)
    last: float | None = None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP

    @property
    def right(self) -> int:
        return self.width - RIGHT

    @property
    def bottom(self) -> int:
        return self.height - BOTTOM

    @property
    def dot_radius(self) -> float:
        """Dots of a long period would merge into a thick line."""
        return 3 if len(self.dots) <= 45 else 2

    @property
    def points(self) -> str:
        """The polyline's points."""
        return " ".join("{:.1f},{:.1f}".format(dot.x, dot.y) for dot in self.dots)

    @property
    def y_label_x(self) -> int:
        return self.left - 4

    @property
    def x_label_y(self) -> int:
        return self.bottom + 17

    @property
    def tick_end(self) -> int:
        return self.bottom + 4

    @property
    def x_title_y(self) -> int:
        return self.height - 2


@dataclass(frozen=True)
class Bar:
    """One bar of a bar chart, with its hover text."""

    label: str
    y: float
    height: float
    x: float
    length: float
    value_label: str
    title: str
    href: str = ""

    @property
    def mid(self) -> float:
        return round(self.y + self.height / 2, 1)

    @property
    def value_x(self) -> float:
        return round(self.x + self.length + 3, 1)


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per row (OPDs, platforms), with a value axis."""

    label: str
    bars: list[Bar]
    ticks: list[Tick]
    width: int
    height: int
    left: int
    bar_height: float

    @property
    def right(self) -> int:
        # Room right of the longest bar for its value.
        return self.width - RIGHT - 40

    @property
    def axis_y(self) -> float:
        return self.height - BOTTOM + 4

    @property
    def label_x(self) -> int:
        return self.left - 4

    @property
    def tick_label_y(self) -> float:
        return self.axis_y + 12


def number(value: float) -> str:
    """A figure as the pages print it: Indonesian grouping, no decimals
    for counts, one for smaller fractions."""
    digits = 0 if float(value).is_integer() or abs(value) >= 100 else 1
    return formats.number_format(value, digits, use_l10n=True, force_grouping=True)


def compact(value: float, digits: int = 1) -> str:
    """A tick's figure in few characters (150 rb, 1,5 jt), so that the
    axis labels fit beside the plot; the hover titles keep every digit."""
    size = abs(value)
    if size >= 1_000_000:
        return _("%(number)sM") % {"number": _short(value / 1_000_000, digits)}
    if size >= 100_000:
        return _("%(number)sk") % {"number": _short(value / 1_000, digits)}
    return number(value)


def _short(value: float, digits: int) -> str:
    rounded = round(value, digits)
    if float(rounded).is_integer():
        digits = 0
    return formats.number_format(rounded, digits, use_l10n=True, force_grouping=True)


def tick_labels(values: list[float]) -> list[str]:
    """Labels of an axis's ticks: shortened when one or two decimals say
    each value exactly (1,25 jt), with every digit otherwise (11.975)."""
    for digits in (1, 2):
        if all(_exact(value, digits) for value in values):
            return [compact(value, digits) for value in values]
    return [number(value) for value in values]


def _exact(value: float, digits: int) -> bool:
    unit = 1_000_000 if abs(value) >= 1_000_000 else 1_000
    if abs(value) < 100_000:
        return True
    return abs(value / unit - round(value / unit, digits)) < 1e-9


def day_label(day: datetime.date) -> str:
    return formats.date_format(day, "j M Y")


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round values (1, 2, 2.5 or 5 times a power of ten) from at most
    ``low`` to at least ``high``, about ``count`` steps apart."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(
        m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw - 1e-12
    )
    # Counts are whole: no tick between two integers.
    step = max(step, 1.0)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    ticks = []
    value = first
    while value <= last + step / 2:
        ticks.append(round(value, 6))
        value += step
    return ticks


def date_ticks(start: datetime.date, end: datetime.date, count: int = 4) -> list:
    """``count`` + 1 days spread evenly from ``start`` to ``end``."""
    span = (end - start).days
    if span <= 0:
        return [start]
    steps = min(count, span)
    return sorted(
        {
            start + datetime.timedelta(days=round(span * i / steps))
            for i in range(steps + 1)
        }
    )


def line_chart(
    label: str,
    points: list[tuple[datetime.date, float]],
    start: datetime.date,
    end: datetime.date,
    *,
    from_zero: bool = True,
    breaks: list[dict[str, Any]] | None = None,
) -> LineChart | None:
    """A daily series between ``start`` and ``end`` as a line with axes;
    None when there is nothing to draw. A running total (followers) starts
    its axis at its lowest value, a count at zero."""
    if not points:
        return None
    values = [value for _day, value in points]
    low = min(values)
    if from_zero:
        low = min(0.0, low)
    ticks = nice_ticks(low, max(values))
    bottom_value, top_value = ticks[0], ticks[-1]
    span_days = max((end - start).days, 1)
    chart = LineChart(label, start, end, [], [], [])
    plot_w = chart.right - chart.left
    plot_h = chart.bottom - chart.top

    def x_of(day: datetime.date) -> float:
        return round(chart.left + (day - start).days / span_days * plot_w, 1)

    def y_of(value: float) -> float:
        share = (value - bottom_value) / ((top_value - bottom_value) or 1)
        return round(chart.bottom - share * plot_h, 1)

    dots = [
        Dot(
            x_of(day),
            y_of(value),
            _("%(metric)s, %(day)s: %(value)s")
            % {"metric": label, "day": day_label(day), "value": number(value)},
        )
        for day, value in points
    ]
    cuts = [
        Cut(x_of(cut["day"]), cut["day"], cut["name"])
        for cut in breaks or []
        if start <= cut["day"] <= end
    ]
    return LineChart(
        label=label,
        start=start,
        end=end,
        dots=dots,
        x_ticks=[
            Tick(x_of(day), formats.date_format(day, "j M"))
            for day in date_ticks(start, end)
        ],
        y_ticks=[
            Tick(y_of(value), label)
            for value, label in zip(ticks, tick_labels(ticks), strict=True)
        ],
        cuts=cuts,
        last=values[-1],
    )


def bar_chart(
    label: str,
    rows: list[tuple[str, float, str]],
    *,
    bar_height: float = 16,
    left: int = 96,
) -> BarChart | None:
    """Rows of (name, value, link) as horizontal bars from zero, longest
    first as given; None when every value is zero or missing."""
    if not rows or not any(value for _name, value, _href in rows):
        return None
    ticks = nice_ticks(0, max(value for _name, value, _href in rows), count=3)
    height = int(TOP + len(rows) * bar_height + BOTTOM)
    chart = BarChart(label, [], [], WIDTH, height, left, bar_height)
    length = chart.right - left
    top_value = ticks[-1] or 1
    bars = [
        Bar(
            label=name if len(name) <= 14 else name[:13] + "…",
            y=round(TOP + i * bar_height + 2, 1),
            height=bar_height - 4,
            x=left,
            length=round(max(value, 0) / top_value * length, 1),
            value_label=number(value),
            title="{}: {}".format(name, number(value)),
            href=href,
        )
        for i, (name, value, href) in enumerate(rows)
    ]
    return BarChart(
        label=label,
        bars=bars,
        ticks=[
            Tick(round(left + value / top_value * length, 1), label)
            for value, label in zip(ticks, tick_labels(ticks), strict=True)
        ],
        width=WIDTH,
        height=height,
        left=left,
        bar_height=bar_height,
    )
