"""The public transparency page of the monthly KIP-readiness evaluation:
each final month's table of OPD scores, for anonymous citizens.

What is public is decided in opds.permissions (``public_evaluation_reports``):
final reports only. The page reads nothing of the review (drafts, replies,
contests, evidence or comments) and nothing of the visitor, so a shared
cache may keep it for a while.
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_cookie

from evaluations import selectors
from evaluations.forms import MonthPickForm
from evaluations.models import MonthlyReport

# Seconds a cache may keep the page: a month becomes final once a month,
# and a correction is a new version that may wait this long to show.
MAX_AGE = 15 * 60


def _page(request: HttpRequest, month: datetime.date | None) -> HttpResponse:
    finals = selectors.public_months()
    months = [report.month for report in finals]
    picker = MonthPickForm(request.GET, months=months)
    if "month" in request.GET and picker.is_valid():
        picked = picker.cleaned_data["month"]
        if picked != month:
            return redirect("evaluations:public-month", month=picked)
    shown: MonthlyReport | None
    if month is None:
        shown = finals[0] if finals else None
    else:
        shown = next((r for r in finals if r.month == month), None)
        if shown is None:
            raise Http404
    return render(
        request,
        "evaluations/public_month.html",
        {
            "table": selectors.public_table(shown, finals) if shown else None,
            "month_form": MonthPickForm(
                initial={"month": "{:%Y-%m}".format(shown.month)} if shown else {},
                months=months,
            ),
        },
    )


# The base template names a logged-in visitor; caches key on the cookie.
@require_safe
@cache_control(public=True, max_age=MAX_AGE)
@vary_on_cookie
def latest(request: HttpRequest) -> HttpResponse:
    """The latest final month (``?month=YYYY-MM`` picks another)."""
    return _page(request, None)


@require_safe
@cache_control(public=True, max_age=MAX_AGE)
@vary_on_cookie
def for_month(request: HttpRequest, month: datetime.date) -> HttpResponse:
    """One final month; a month not final (or unknown) is not found."""
    return _page(request, month)
