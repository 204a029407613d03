"""Reads of the catalogue that join, aggregate or page."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import paging
from core.prepared import PreparedQuery
from opds.models import Opd
from opds.permissions import items_visible_to, opds_visible_to
from ppid.catalogue.cache import PAGE_SECONDS, versioned_key
from ppid.catalogue.filters import InformationItemFilterSet
from ppid.catalogue.models import (
    Category,
    ExclusionDecision,
    InformationFile,
    InformationItem,
    ItemChange,
    exclusions_open_at_end,
    reminder_window,
)
from ppid.catalogue.search import FACET_FIELDS, SearchResults

PUBLIC_FILES = Prefetch(
    "files",
    queryset=InformationFile.objects.only(
        "id", "item_id", "original_name", "size", "content_type", "is_redacted_version"
    ),
)


def catalogue_queryset(user: Any) -> QuerySet[InformationItem]:
    """What ``user`` may list, with what a list row shows, in fixed queries."""
    return (
        items_visible_to(user)
        .select_related("opd", "subtype")
        .prefetch_related(PUBLIC_FILES)
        .defer("extracted_text", "search_vector")
    )


# What a card of the public list prints, and nothing else: the page reads
# twenty rows, and every column and model field read costs on each.
CARD_FIELDS = (
    "title",
    "summary",
    "category",
    "year",
    "published_at",
    "opd__short_name",
)


def public_list_queryset() -> QuerySet[InformationItem]:
    """The public items as the catalogue page's cards show them: the card's
    columns and its OPD's short name in one query, the files counted in it.

    Whoever asks, the public page lists only public items, and everyone may
    see those (``items_visible_to`` always holds them): one visibility
    condition in the SQL, not the account's and then the public one.
    """
    # Building this queryset (the visibility condition and its subquery,
    # the count of files) costs a millisecond of the ORM's time on every
    # search; it depends only on the day and one setting, so it is built
    # once for them and each page takes a copy (a queryset is never
    # evaluated in place: every filter makes a new one).
    return _public_list_base(timezone.localdate(), exclusions_open_at_end()).all()


@lru_cache(maxsize=4)
def _public_list_base(
    today: datetime.date, open_at_end: bool
) -> QuerySet[InformationItem]:
    files = (
        InformationFile.objects.filter(item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        InformationItem.objects.public(today)
        .select_related("opd")
        .only(*CARD_FIELDS)
        .annotate(file_count=Coalesce(Subquery(files), 0))
    )


def public_cards(ids: Sequence[int]) -> list[InformationItem]:
    """The public items of ``ids`` (a page of search results), read as
    :func:`public_list_queryset` reads them, in no particular order."""
    if len(ids) > paging.PAGE_SIZE:
        return list(public_list_queryset().filter(pk__in=ids).order_by())
    return _public_cards(timezone.localdate(), exclusions_open_at_end())(ids)


@lru_cache(maxsize=4)
def _public_cards(today: datetime.date, open_at_end: bool) -> PreparedQuery:
    # A search's page of cards differs from request to request only by its
    # ids: compiled once per day (core.prepared), the read skips the ORM's
    # compiling of the visibility condition and the files' count (about
    # 0.8 ms a search).
    return PreparedQuery(
        InformationItem,
        lambda ids: _public_list_base(today, open_at_end).filter(pk__in=ids).order_by(),
        arity=paging.PAGE_SIZE,
    )


def catalogue_filter(
    *, user: Any, filters: Mapping[str, Any], public_only: bool = False
) -> InformationItemFilterSet:
    """The catalogue filtered and searched; the public site passes ``public_only``
    (and gets its rows as :func:`public_list_queryset` reads them)."""
    if public_only:
        queryset = public_list_queryset()
    else:
        queryset = catalogue_queryset(user)
    filterset = InformationItemFilterSet(filters, queryset=queryset)
    if public_only:
        # The ids of a page come from the filtered read, so the page's rows
        # need only the public condition, which public_cards applies.
        filterset.read_page = public_cards
    return filterset


@dataclass(frozen=True)
class Facet:
    """Counts per value of one facet, for the filter sidebar."""

    name: str
    choices: list[tuple[str, str, int]]


def catalogue_facets(
    queryset: QuerySet[InformationItem] | SearchResults, cache_key: str | None = None
) -> list[Facet]:
    """Counts by category, OPD, sub-type, year and form over the filtered items.

    A search counts over the candidates it has already read. Browsing
    without a query counts over the whole catalogue; with a ``cache_key``
    (the filters) the counts are kept until the catalogue changes.
    """
    if isinstance(queryset, SearchResults):
        # Candidate rows are (pk, *FACET_FIELDS).
        facets = slice(1, 1 + len(FACET_FIELDS))
        return _facets_from_rows(row[facets] for row in queryset.rows)
    if cache_key is not None:
        key = versioned_key("facets", cache_key, ("public-items", "opds"))
        facets = cache.get(key)
        if facets is None:
            facets = catalogue_facets(queryset)
            cache.set(key, facets, PAGE_SECONDS)
        return facets
    # A narrow filter leaves at most a few thousand rows: read them once and
    # count in Python. Browsing the whole catalogue counts in the database.
    rows = list(queryset.order_by().values_list(*FACET_FIELDS)[: FACET_ROWS + 1])
    if len(rows) > FACET_ROWS:
        return _facets_in_database(queryset)
    return _facets_from_rows(rows)


def _facets_from_rows(rows: Iterable[tuple]) -> list[Facet]:
    """Facets from (category, OPD slug, OPD name, sub-type code, sub-type
    name, year, form) rows."""
    rows = list(rows)
    # One pass of Counter's C loop per facet, not five updates per row in
    # Python: a broad search counts a thousand rows.
    years = Counter(row[5] for row in rows)
    counters: dict[str, Counter] = {
        "category": Counter((row[0], row[0]) for row in rows),
        "opd": Counter((row[1], row[2]) for row in rows),
        "subtype": Counter((row[3], row[4]) for row in rows if row[3]),
        "year": Counter({(str(y), str(y)): n for y, n in years.items()}),
        "format": Counter((row[6], row[6]) for row in rows),
    }
    return _facets(counters)


FACET_ROWS = 2500
FACET_NAMES = ("category", "opd", "subtype", "year", "format")
# Every OPD is listed (the page filters the list by name); sub-types and
# years are many, and only the commonest are worth a link.
FACET_LIMITS = {"subtype": 12, "year": 10}


def _facets(counters: dict[str, Counter]) -> list[Facet]:
    labels = {
        "category": dict(Category.choices),
        "format": dict(InformationItem.Format.choices),
    }
    facets = []
    for name in FACET_NAMES:
        items = counters[name].items()
        if name == "year":
            ordered = sorted(items, key=lambda kv: kv[0][0], reverse=True)
        elif name in ("category", "format"):
            ordered = sorted(items, key=lambda kv: kv[0][0])
        else:
            ordered = sorted(items, key=lambda kv: (-kv[1], kv[0][1]))
        choices = [
            (value, str(labels.get(name, {}).get(value, label)), count)
            for (value, label), count in ordered[: FACET_LIMITS.get(name)]
        ]
        facets.append(Facet(name, choices))
    return facets


def _facets_in_database(queryset: QuerySet[InformationItem]) -> list[Facet]:
    plain = queryset.order_by()
    counters: dict[str, Counter] = {name: Counter() for name in FACET_NAMES}
    for row in plain.values("category").annotate(n=Count("id")):
        counters["category"][(row["category"], row["category"])] = row["n"]
    for row in plain.values("opd__slug", "opd__name").annotate(n=Count("id")):
        counters["opd"][(row["opd__slug"], row["opd__name"])] = row["n"]
    for row in (
        plain.exclude(subtype=None)
        .values("subtype__code", "subtype__name")
        .annotate(n=Count("id"))
    ):
        counters["subtype"][(row["subtype__code"], row["subtype__name"])] = row["n"]
    for row in plain.values("year").annotate(n=Count("id")):
        counters["year"][(str(row["year"]), str(row["year"]))] = row["n"]
    for row in plain.values("format").annotate(n=Count("id")):
        counters["format"][(row["format"], row["format"])] = row["n"]
    return _facets(counters)


def item_for_page(pk: int) -> InformationItem | None:
    """One item with its OPD, sub-type and decision, or None; whoever may
    see it. The caller asks ``can_view_item`` (the per-object twin of
    ``items_visible_to``): checking the row in Python spares the page the
    compiling and planning of the visibility condition."""
    return _ITEM_FOR_PAGE.first(pk)


# The item page's three reads differ from request to request only by the
# item's id: compiled once (core.prepared), they cost the ORM nothing more
# than turning their rows into instances.
_ITEM_FOR_PAGE = PreparedQuery(
    InformationItem,
    lambda pk: (
        InformationItem.objects.select_related("opd", "subtype", "exclusion")
        .defer("extracted_text", "search_vector")
        .filter(pk=pk)
        # One row: no sort, as get() leaves none.
        .order_by()
    ),
)

# What the item page lists of a file; never its extracted text.
PAGE_FILE_FIELDS = ("id", "item_id", "original_name", "size", "is_redacted_version")

_ITEM_FILES = PreparedQuery(
    InformationFile,
    lambda pk: (
        InformationFile.objects.filter(item_id=pk)
        .only(*PAGE_FILE_FIELDS)
        .order_by("id")
    ),
)


def item_files(item: InformationItem) -> list[InformationFile]:
    """The item's files as its page lists them."""
    return _ITEM_FILES(item.pk)


def _change_log(actors: bool) -> PreparedQuery[ItemChange]:
    def build(pk: int) -> QuerySet[ItemChange]:
        changes = ItemChange.objects.filter(item_id=pk).order_by("-at", "-id")
        if actors:
            return changes.select_related("actor")
        return changes.defer("actor")

    return PreparedQuery(ItemChange, build)


_CHANGE_LOGS = {True: _change_log(True), False: _change_log(False)}


def item_change_log(item: InformationItem, *, actors: bool) -> list[ItemChange]:
    """The item's change log, newest first; with who made each change when
    the page shows it (staff of the OPD), else without reading the accounts."""
    return _CHANGE_LOGS[actors](item.pk)


REGISTER_FIELDS = (
    "id",
    "ground",
    "ground_point",
    "legal_basis",
    "consequence",
    "public_interest",
    "consequence_tested_on",
    "test_occasion",
    "scope",
    "redacted_summary",
    "period_start",
    "period_end",
    "review_date",
    "opened_at",
    "opened_on_expiry",
    "item__id",
    "item__title",
    "item__status",
    "item__category",
    "item__opd__slug",
    "item__opd__name",
)


def exclusion_register(
    today: datetime.date | None = None,
) -> QuerySet[ExclusionDecision]:
    """The public DIK: decisions of published excluded items still in force."""
    return (
        ExclusionDecision.objects.in_force(today)
        .filter(
            item__status=InformationItem.Status.PUBLISHED,
            item__category=Category.DIKECUALIKAN,
        )
        .select_related("item__opd")
        .only(*REGISTER_FIELDS)
        .order_by("item__opd__name", "item__title")
    )


def opened_exclusions(
    today: datetime.date | None = None,
) -> QuerySet[ExclusionDecision]:
    """The DIK's "opened" list: exclusions that ended, newest first.

    Opened by a PPID decision or at the end of the period (PP 61/2010 Pasal
    11), or ended yesterday and public by law before the daily job has run.
    """
    return (
        ExclusionDecision.objects.ended(today)
        .filter(
            Q(opened_at__isnull=False)
            | Q(
                item__status=InformationItem.Status.PUBLISHED,
                item__category=Category.DIKECUALIKAN,
            )
        )
        .exclude(item__status=InformationItem.Status.WITHDRAWN)
        .select_related("item__opd")
        .only(*REGISTER_FIELDS)
        .order_by(F("opened_at").desc(nulls_first=True), "-period_end", "item__title")
    )


def dip_items(*, opd: Opd | None = None) -> QuerySet[InformationItem]:
    """The Daftar Informasi Publik: public items, grouped by category."""
    queryset = (
        InformationItem.objects.public()
        .select_related("opd", "subtype")
        .defer("extracted_text", "search_vector")
        .order_by("opd__name", "category", "subtype__position", "title")
    )
    return queryset.filter(opd=opd) if opd else queryset


def dip_page_rows(items: QuerySet[InformationItem]) -> QuerySet:
    """What the OPD DIP page shows of each of ``items`` (``dip_items()``),
    in their order, as tuples (pk, category, title, sub-type name or None,
    responsible official, form, retention period, year): no model per row."""
    return items.values_list(
        "pk",
        "category",
        "title",
        "subtype__name",
        "responsible_official",
        "format",
        "retention_period",
        "year",
    )


@dataclass(frozen=True)
class OpdFreshness:
    """Periodic items of one OPD that fall due soon or are overdue."""

    opd: Opd
    due: int
    overdue: int


def freshness_by_opd(
    user: Any, today: datetime.date | None = None
) -> list[OpdFreshness]:
    """Due and overdue periodic items per OPD, for the OPDs ``user`` works
    on: an OPD admin its own only (it may read every OPD's public items,
    but their updates are not its work)."""
    today = today or timezone.localdate()
    items = items_visible_to(user).filter(opd__in=opds_visible_to(user).values("pk"))
    overdue = items.berkala_due_by(today - datetime.timedelta(days=1))
    due_soon = items.berkala_needing_update(today).exclude(pk__in=overdue.values("pk"))
    counts: dict[int, dict[str, int]] = {}
    for key, queryset in (("overdue", overdue), ("due", due_soon)):
        for row in queryset.order_by().values("opd").annotate(n=Count("id")):
            counts.setdefault(row["opd"], {"due": 0, "overdue": 0})[key] = row["n"]
    opds = Opd.objects.in_bulk(list(counts))
    rows = [OpdFreshness(opds[pk], c["due"], c["overdue"]) for pk, c in counts.items()]
    return sorted(rows, key=lambda r: (-r.overdue, -r.due, r.opd.name))


def lapsed_exclusion_ids(today: datetime.date | None = None) -> list[int]:
    """Published DIK entries whose period has ended and that nobody has
    opened yet: the daily job opens them (PP 61/2010 Pasal 11(3))."""
    return list(
        ExclusionDecision.objects.lapsed(today)
        .filter(
            item__status=InformationItem.Status.PUBLISHED,
            item__category=Category.DIKECUALIKAN,
        )
        .order_by("period_end", "pk")
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class ExclusionEnding:
    """An exclusion whose end (or review) needs a PPID decision soon."""

    decision: ExclusionDecision
    first_reminder: datetime.date
    mark: datetime.date

    @property
    def is_late(self) -> bool:
        """Past the legal mark (PP 61/2010 Pasal 11(2))."""
        return timezone.localdate() > self.mark


def exclusions_needing_decision(
    today: datetime.date | None = None,
) -> list[ExclusionEnding]:
    """Exclusions in force whose first end-of-period reminder date has come,
    with the legal mark to decide by, soonest first (staff page)."""
    from ppid.calendar.workdays import WorkingCalendar

    today = today or timezone.localdate()
    window = reminder_window()
    decisions = list(
        ExclusionDecision.objects.ending_by(today + window, today)
        .filter(end_decided_at__isnull=True)
        .select_related("item__opd")
    )
    if not decisions:
        return []
    calendar = WorkingCalendar(today - window, today + window)
    rows = []
    for decision in decisions:
        try:
            first, mark = decision.reminder_dates(calendar)
        except (OverflowError, ValueError):
            continue
        if first <= today:
            rows.append(ExclusionEnding(decision, first, mark))
    return sorted(rows, key=lambda row: (row.mark, row.decision.pk))


def opds_with_items_due(today: datetime.date | None = None) -> list[int]:
    """The ids of the OPDs that have periodic items due or overdue."""
    today = today or timezone.localdate()
    return list(
        InformationItem.objects.berkala_needing_update(today)
        .order_by()
        .values_list("opd_id", flat=True)
        .distinct()
    )
