"""Rendered parts of the evaluation's staff pages, cached by what they show.

A built report version changes only through the services (manual scores
in a draft, an accepted contest), and each of those writes the report's
new SHA-256 (services._fingerprint: every score, band, rank and item
fulfilment). The kabupaten page's figures (band distribution, average
trend, ranking, heatmap, movers, stale data) are therefore rendered once
per report content and served from the cache: the key holds the report's
hash and everything else the part shows that is read on every view
anyway (the ranked rows with their OPD names, replies and contests to
decide, last month's scores, the trend, the indicators, the kind filter
and the language). A change to any of them is a new key; nothing needs
to be invalidated, and a report built before this cache simply fills it
on its first view.

The rest of what the page reads (every visible report for the versions,
the month picker and the trend; the contests; the replies) is kept too,
as data, while the regency's work counter holds (``core/work.py``: every
write to a report, a score, a reply, a contest, an item or an OPD bumps
it): ``cached_month`` and ``keep_month``. The page is rendered on every
request, with its forms and their CSRF token.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import functools
import hashlib
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core import work
from evaluations import selectors
from evaluations.models import Contest, Indicator, Item, MonthlyReport, OpdScore

FIGURES_TEMPLATE = "evaluations/_report_figures.html"
# Bump when what the template is given changes shape; a change of the
# template itself makes new keys on its own (``_template_digest``).
FIGURES_VERSION = 1
# A version's figures are read for its month, then rarely: a day is plenty.
FIGURES_SECONDS = 24 * 3600


def _template_digest() -> str:
    """The figures template's source and its includes', hashed once per
    process: a deployment that changes them serves none of the old. With
    DEBUG on, every time, so an edited template shows at once."""
    return _digest_now() if settings.DEBUG else _digest_once()


@functools.cache
def _digest_once() -> str:
    return _digest_now()


def _digest_now() -> str:
    sources = [
        get_template(name).template.source
        for name in (
            FIGURES_TEMPLATE,
            "evaluations/_band.html",
            "evaluations/_change.html",
            "evaluations/_report_head.html",
            "evaluations/_preview.html",
            "evaluations/_status.html",
        )
    ]
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()[:16]


def figures_key(
    report: MonthlyReport,
    ranking: list[tuple],
    compared_with: MonthlyReport | None,
    indicators: list[Indicator],
    trend: list[selectors.AveragePoint],
    kind: str,
    items: list[tuple] = (),
) -> str:
    """The cache key of the kabupaten figures of ``report`` as shown:
    ``ranking`` is ``selectors.ranking_state``, ``trend`` the page's
    average trend."""
    shown = (
        FIGURES_VERSION,
        _template_digest(),
        get_language(),
        kind,
        (
            report.pk,
            report.version,
            str(report.month),
            report.status,
            report.sha256,
            # A draft computed again keeps its hash when no fulfilment
            # changed, not its evidence (the stale accounts and items).
            str(report.computed_at),
            report.framework_id,
            str(report.judged_on),
        ),
        # Last month's scores (the change and the movers) are its content.
        (
            (compared_with.pk, str(compared_with.month), compared_with.version)
            + (compared_with.sha256 or "unhashed-{}".format(compared_with.pk),)
            if compared_with
            else None
        ),
        [(i.pk, i.name, str(i.weight)) for i in indicators],
        # Items' weights, indicators and rules are edited in the admin and
        # read live by the heatmap and the stale-data list.
        [tuple(map(str, row)) for row in items],
        [tuple(map(str, row)) for row in ranking],
        [(str(p.month), str(p.average), p.opds, p.version, p.status) for p in trend],
    )
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()
    return "evaluations:figures:{}:{}".format(report.pk, digest)


def figures_with_key(
    report: MonthlyReport,
    compared_with: MonthlyReport | None,
    scores: QuerySet[OpdScore],
    trend: list[selectors.AveragePoint],
    kind: str,
    render: Callable[[selectors.Known], str],
) -> tuple[str | None, SafeString]:
    """The figures of ``report`` (compared with ``compared_with``, its
    ``selectors.comparison_report``) over ``scores`` (the page's, filtered)
    from the cache, or rendered by ``render`` (given what was read for the
    key) and stored, with their cache key (None: not kept). A report
    without a hash (made outside the services, or a comparison month
    without one) is rendered each time: nothing would tell its changes
    apart."""
    indicators = selectors.indicators_of(report)
    ranking = selectors.ranking_state(report, scores)
    known = selectors.Known(
        compared_with, indicators, {row[0]: row[-1] for row in ranking}
    )
    if not report.sha256 or (compared_with is not None and not compared_with.sha256):
        return None, mark_safe(render(known))  # nosec B308 B703 # rendered by the template engine
    items = list(
        Item.objects.filter(indicator__framework_id=report.framework_id)
        .order_by("pk")
        .values_list("pk", "indicator_id", "weight", "rule")
    )
    key = figures_key(report, ranking, compared_with, indicators, trend, kind, items)
    html: Any = _memo.get(key) or cache.get(key)
    if html is None:
        html = render(known)
        cache.set(key, html, FIGURES_SECONDS)
    _remember(key, html)
    return key, mark_safe(html)  # nosec B308 B703 # rendered by the template engine


# The figures last served by this process, by key: a key names one content
# (its report's hash and everything shown), so no entry here is ever stale,
# and a page kept with its figures' key (MonthPage) takes them from here
# without fetching ~100 kB from the cache on every view.
_memo: collections.OrderedDict[str, str] = collections.OrderedDict()
MEMO_SIZE = 16


_memo_lock = threading.Lock()


def _remember(key: str, html: str) -> None:
    with _memo_lock:  # threaded workers share the memo
        _memo[key] = html
        _memo.move_to_end(key)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)


def figures_by_key(key: str) -> str | None:
    """The figures kept under ``key``: this process's, else the cache's;
    None once evicted from both."""
    html = _memo.get(key)
    if html is None:
        html = cache.get(key)
        if html is not None:
            _remember(key, html)
    return html


# --- The month page's data ------------------------------------------------------------

# Bump when what ``MonthPage`` holds changes shape.
MONTH_FORMAT = 3
# The top of the page (versions, month and kind pickers, files): no form
# that posts, so no CSRF token, kept rendered with the data.
HEAD_TEMPLATE = "evaluations/_report_head.html"
# Every write the page's data is read from moves it (core/work.py).
MONTH_COUNTERS = [work.REGENCY]


@dataclasses.dataclass
class MonthPage:
    """What the kabupaten page of a month read from the database."""

    report: MonthlyReport
    versions: list[int]
    months: list[datetime.date]
    # The figures, unless kept under ``figures_key`` (figures_by_key).
    figures: str
    figures_key: str | None = None
    contests: list[Contest] | None = None
    replies: selectors.Replies | None = None
    finalise_refusal: str = ""
    # HEAD_TEMPLATE rendered.
    head: str = ""


def month_key(request: HttpRequest, month: datetime.date, today: datetime.date) -> str:
    """The cache key of the page of ``month`` as asked (its version and kind
    filter), for the user's role, in its language, today, in this time
    bucket (the reply deadline passes with the clock)."""
    user = request.user
    shown = (
        MONTH_FORMAT,
        _template_digest(),
        str(month),
        sorted(request.GET.lists()),
        user.role,
        user.is_superuser,
        get_language(),
        str(today),
        work.bucket(),
    )
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()[:32]
    return "evaluations:month:{}".format(digest)


def cached_month(
    request: HttpRequest, month: datetime.date, today: datetime.date
) -> MonthPage | None:
    """The page's data as kept, if no write changed it since."""
    key = month_key(request, month, today)
    return work.fetch(request, MONTH_COUNTERS, {"month": key}).get("month")


def keep_month(
    request: HttpRequest, month: datetime.date, today: datetime.date, page: MonthPage
) -> None:
    """Keep the page's data until a write changes it (its figures apart,
    when they are kept under their own key)."""
    key = month_key(request, month, today)
    if page.figures_key:
        page = dataclasses.replace(page, figures="")
    work.store(request, MONTH_COUNTERS, "month", key, page)


def figures_of(page: MonthPage) -> str | None:
    """The page's figures; None when they are no longer kept."""
    if page.figures_key:
        return figures_by_key(page.figures_key)
    return page.figures
