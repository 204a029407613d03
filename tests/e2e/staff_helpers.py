"""Helpers of the staff flows (OPD admin, Dinkominfo): the reference data a
transactional test's flush removes, the pages' labels in the site's
language, and a check that a Chart.js canvas was really drawn."""

from __future__ import annotations

import datetime
import importlib
import re

from django.apps import apps
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

# Rows that data migrations load (sub-types, the 2026 framework, the metric
# catalogue): live_server's transactional tests end with a flush that
# removes them, so each flow loads them again (every loader is idempotent).
REFERENCE_DATA = (
    ("ppid.migrations.0002_perki_subtypes", "add_subtypes"),
    ("evaluations.migrations.0002_framework_2026", "load"),
    ("socialposts.migrations.0002_metric_catalog", "load"),
)

# The canvas's chart and how much of it is painted: null until Chart.js has
# made a chart of it.
CHART_STATE = """(canvas) => {
  const chart = window.Chart && window.Chart.getChart(canvas);
  if (!chart || canvas.width === 0 || canvas.height === 0) {
    return null;
  }
  const pixels = canvas
    .getContext("2d")
    .getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) {
    if (pixels[i] !== 0) {
      painted += 1;
    }
  }
  return {
    type: chart.config.type,
    width: canvas.width,
    height: canvas.height,
    painted: painted,
    values: chart.data.datasets[0].data.length,
  };
}"""


def load_reference_data() -> None:
    """Load the data migrations' rows again after an earlier flush."""
    for module, function in REFERENCE_DATA:
        getattr(importlib.import_module(module), function)(apps, None)


def t(msgid: str) -> str:
    """A label as the site shows it (Indonesian once translated)."""
    with translation.override("id"):
        return translation.gettext(msgid)


def month_path(month: datetime.date) -> str:
    return "{:%Y-%m}".format(month)


def expect_chart_drawn(page: Page, canvas: Locator, fallback_id: str = "") -> dict:
    """Wait until Chart.js drew ``canvas`` with visible pixels; the box that
    hid it is shown and the server's SVG fallback hidden visually."""
    expect(canvas).to_be_visible()
    painted = "(canvas) => { const s = (" + CHART_STATE + ")(canvas); "
    painted += "return s !== null && s.painted > 0; }"
    page.wait_for_function(painted, arg=canvas.element_handle())
    state = canvas.evaluate(CHART_STATE)
    assert state["width"] > 50 and state["height"] > 50, state
    # Axes, grid and data: far more than a stray pixel.
    assert state["painted"] > 500, state
    if fallback_id:
        fallback = page.locator("#" + fallback_id)
        expect(fallback).to_have_class(re.compile(r"\bvisually-hidden\b"))
        # Still there for screen readers, but one clipped pixel on screen.
        box = fallback.evaluate("(el) => el.getBoundingClientRect().toJSON()")
        assert box["width"] <= 1 and box["height"] <= 1, box
    return state
