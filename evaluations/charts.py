"""The data of the pages' Chart.js charts, built from the selectors' reads.

Each chart is a plain dict the template writes as JSON in a canvas's
``data-chart`` attribute, which static/js/evaluation-charts.js draws; the
server-drawn SVG next to it stays as the page without JavaScript. Colours follow static/css/evaluations.css.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from evaluations.selectors import AveragePoint, BandCount, IndicatorRow, TrendPoint

# The band badges' colours (evaluations.css), best band first.
BAND_COLOURS = {
    "informatif": "#1b5e20",
    "menuju_informatif": "#33691e",
    "cukup_informatif": "#f9a825",
    "kurang_informatif": "#bf360c",
    "tidak_informatif": "#b71c1c",
}
LINE_COLOUR = "#14532d"

Chart = dict[str, Any]


def _month_label(month: Any) -> str:
    return formats.date_format(month, "M Y")


def band_chart(distribution: list[BandCount]) -> Chart:
    """OPDs per band, as bars."""
    return {
        "type": "bar",
        "labels": [row.label for row in distribution],
        "datasets": [
            {
                "label": _("OPDs"),
                "data": [row.count for row in distribution],
                "colors": [
                    BAND_COLOURS.get(row.band, LINE_COLOUR) for row in distribution
                ],
            }
        ],
        "integer": True,
    }


def average_chart(points: list[AveragePoint]) -> Chart:
    """The average score per month, as a line on the 0–100 scale."""
    return {
        "type": "line",
        "labels": [_month_label(p.month) for p in points],
        "datasets": [
            {
                "label": _("Average score"),
                "data": [float(p.average) for p in points],
                "colors": [LINE_COLOUR],
            }
        ],
        "max": 100,
    }


def indicator_chart(rows: list[IndicatorRow]) -> Chart:
    """The share fulfilled per indicator, in percent; an indicator that
    does not apply has no bar."""
    return {
        "type": "bar",
        "labels": [row.indicator.name for row in rows],
        "datasets": [
            {
                "label": _("Fulfilled (%)"),
                "data": [row.percent for row in rows],
                "colors": [LINE_COLOUR],
            }
        ],
        "max": 100,
        "horizontal": True,
    }


def trend_chart(points: list[TrendPoint]) -> Chart:
    """An OPD's score per month, as a line on the 0–100 scale."""
    return {
        "type": "line",
        "labels": [_month_label(p.month) for p in points],
        "datasets": [
            {
                "label": _("Score"),
                "data": [float(p.score) for p in points],
                "colors": [LINE_COLOUR],
            }
        ],
        "max": 100,
    }


def dumps(chart: Chart) -> str:
    """The chart as JSON for a ``data-chart`` attribute (autoescaped)."""
    return json.dumps(chart, ensure_ascii=False, separators=(",", ":"))
