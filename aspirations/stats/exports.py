"""The month's figures as a CSV table (core/tables.py), numbers only."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from aspirations.stats.selectors import MonthStatistics, OpdFigures
from core.tables import table_csv


def _percent(share: Decimal | None) -> str:
    return "" if share is None else number_format(share * 100, decimal_pos=1)


def _hours(value: Decimal | None) -> str:
    return "" if value is None else number_format(value, decimal_pos=1)


def columns() -> list[str]:
    """The header, the same columns as the page's table."""
    return [
        _("Agency"),
        _("Received"),
        _("Routed"),
        _("Routed on time"),
        _("Followed up"),
        _("Followed up on time"),
        _("Followed up on time (%)"),
        _("First responses within 1×24 hours"),
        _("First responses within 1×24 hours (%)"),
        _("Median first response (office hours)"),
        _("Closed"),
        _("Converted to an information request"),
        _("Referred to SP4N-LAPOR!"),
        _("Archived"),
        _("Overdue now"),
    ]


def row(figures: OpdFigures) -> list[object]:
    """One row of figures, as the CSV and the page show it."""
    return [
        figures.name,
        figures.received,
        figures.routed,
        figures.routed_on_time,
        figures.answered,
        figures.answered_on_time,
        _percent(figures.answered_on_time_share),
        figures.first_response_on_time,
        _percent(figures.first_response_on_time_share),
        _hours(figures.median_first_response_hours),
        figures.closed,
        figures.converted_ppid,
        figures.referred_lapor,
        figures.archived,
        figures.overdue,
    ]


def statistics_csv(stats: MonthStatistics) -> bytes:
    """Every OPD's row, the unrouted cases' and the regency's total."""
    return table_csv(columns(), [row(r) for r in [*stats.rows, stats.total]])
