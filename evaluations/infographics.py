"""The infographic cards made of a final month: an OPD's KIP-readiness card
and the kabupaten's ranking. ``socialposts.infographics`` draws them; this
module says what they show, and is registered there when the app starts."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from core.links import absolute_url
from evaluations import selectors
from evaluations.models import MonthlyReport
from opds.models import Opd
from socialposts.infographics.services import MonthCards, month_label

RANKING_ROWS = 10


def _final_month(month: datetime.date) -> tuple[MonthlyReport, Any]:
    """The month's latest final report and its public table; a month that
    is not final (or unknown) is refused, naming ``month``."""
    finals = selectors.public_months()
    report = next((r for r in finals if r.month == month), None)
    if report is None:
        raise ValidationError(
            {"month": [_("Choose a month whose evaluation is final.")]}
        )
    return report, selectors.public_table(report, finals)


def final_months() -> list[datetime.date]:
    """The months a KIP or ranking card may be made of, newest first."""
    return [report.month for report in selectors.public_months()]


def kip_card_data(opd: Opd, month: datetime.date) -> tuple[dict[str, Any], Any]:
    """An OPD's KIP-readiness card of a final month, and the report it
    comes from: score, band and the change since the previous final month."""
    report, table = _final_month(month)
    row = next((r for r in table.rows if r.opd_slug == opd.slug), None)
    if row is None:
        raise ValidationError({"month": [_("This OPD has no score in that month.")]})
    data = {
        "opd_name": opd.name,
        "month_label": month_label(month),
        "score": float(row.score),
        "band_label": row.band_label,
        "change": float(row.change) if row.change is not None else None,
        "url": absolute_url(reverse("evaluations:public-month", args=[month])),
    }
    return data, report


def ranking_card_data(month: datetime.date) -> tuple[dict[str, Any], Any]:
    """The kabupaten's top ten of a final month, and the report."""
    report, table = _final_month(month)
    data = {
        "month_label": month_label(month),
        "rows": [
            {
                "rank": row.rank,
                "opd_name": row.opd_name,
                "score": float(row.score),
                "band_label": row.band_label,
            }
            for row in table.rows[:RANKING_ROWS]
        ],
        "url": absolute_url(reverse("evaluations:public-month", args=[month])),
    }
    return data, report


MONTH_CARDS = MonthCards(
    final_months=final_months, kip_card=kip_card_data, ranking_card=ranking_card_data
)
