"""The public statistics of the aspiration inbox: per OPD and month, numbers
only (issue 19 point 8). Nothing of a case's text, citizen or number is
read, so every visitor sees the same page and the cache may keep it."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from aspirations.stats import exports, selectors
from core.months import parse_month
from ppid.catalogue.cache import cached_for_visitors


def _month(request: HttpRequest) -> tuple[datetime.date, list[datetime.date]]:
    """The month asked for (``?bulan=YYYY-MM``, this month by default) and
    the months that may be asked for; 404 for any other."""
    months = selectors.months_with_cases()
    text = request.GET.get("bulan", "")
    if not text:
        return months[0], months
    month = parse_month(text)
    if month is None or month not in months:
        raise Http404
    return month, months


@require_safe
@cached_for_visitors
def statistics_page(request: HttpRequest) -> HttpResponse:
    """The month's figures per OPD, the regency's total, per channel and topic."""
    month, months = _month(request)
    stats = selectors.month_statistics(month)
    return render(
        request,
        "aspirations/stats.html",
        {
            "stats": stats,
            "months": months,
            "month": month,
            "columns": exports.columns(),
            "table": [
                (figures, exports.row(figures))
                for figures in [*stats.rows, stats.total]
            ],
            "now": timezone.now(),
        },
    )


@require_safe
@cached_for_visitors
def statistics_csv(request: HttpRequest) -> HttpResponse:
    """The page's table as CSV."""
    month, _months = _month(request)
    body = exports.statistics_csv(selectors.month_statistics(month))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        'attachment; filename="statistik-aspirasi-{:%Y-%m}.csv"'.format(month)
    )
    return response
