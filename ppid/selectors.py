"""Reads of the catalogue that join, aggregate or page."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from opds.models import Opd
from opds.permissions import items_visible_to
from ppid.cache import PAGE_SECONDS, versioned_key
from ppid.filters import InformationItemFilterSet
from ppid.models import (
    Category,
    ExclusionDecision,
    InformationFile,
    InformationItem,
    ItemChange,
    Subtype,
)

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


def catalogue_filter(
    *, user: Any, filters: Mapping[str, Any], public_only: bool = False
) -> InformationItemFilterSet:
    """The catalogue filtered and searched; the public site passes ``public_only``."""
    queryset = catalogue_queryset(user)
    if public_only:
        queryset = queryset.public()
    return InformationItemFilterSet(filters, queryset=queryset)


@dataclass(frozen=True)
class Facet:
    """Counts per value of one facet, for the filter sidebar."""

    name: str
    choices: list[tuple[str, str, int]]


def catalogue_facets(
    queryset: QuerySet[InformationItem], cache_key: str | None = None
) -> list[Facet]:
    """Counts by category, OPD, sub-type, year and form over the filtered items.

    Browsing without a query counts over the whole catalogue; with a
    ``cache_key`` (the filters) the counts are kept until the catalogue
    changes.
    """
    if cache_key is not None:
        key = versioned_key("facets", cache_key)
        facets = cache.get(key)
        if facets is None:
            facets = catalogue_facets(queryset)
            cache.set(key, facets, PAGE_SECONDS)
        return facets
    base = queryset.order_by().values("pk")
    plain = InformationItem.objects.filter(pk__in=base).order_by()
    labels = dict(Category.choices)
    categories = [
        (row["category"], str(labels[row["category"]]), row["n"])
        for row in plain.values("category").annotate(n=Count("id")).order_by("category")
    ]
    opds = [
        (row["opd__slug"], row["opd__short_name"], row["n"])
        for row in plain.values("opd__slug", "opd__short_name")
        .annotate(n=Count("id"))
        .order_by("-n", "opd__short_name")[:15]
    ]
    subtypes = [
        (row["subtype__code"], row["subtype__name"], row["n"])
        for row in plain.exclude(subtype=None)
        .values("subtype__code", "subtype__name")
        .annotate(n=Count("id"))
        .order_by("-n", "subtype__name")[:12]
    ]
    years = [
        (str(row["year"]), str(row["year"]), row["n"])
        for row in plain.values("year").annotate(n=Count("id")).order_by("-year")[:10]
    ]
    formats = dict(InformationItem.Format.choices)
    forms = [
        (row["format"], str(formats[row["format"]]), row["n"])
        for row in plain.values("format").annotate(n=Count("id")).order_by("format")
    ]
    return [
        Facet("category", categories),
        Facet("opd", opds),
        Facet("subtype", subtypes),
        Facet("year", years),
        Facet("format", forms),
    ]


def item_detail_queryset(user: Any) -> QuerySet[InformationItem]:
    """One item with its files, decision and change log."""
    return (
        items_visible_to(user)
        .select_related("opd", "subtype", "exclusion")
        .prefetch_related(
            "files",
            Prefetch("changes", queryset=ItemChange.objects.select_related("actor")),
        )
    )


def exclusion_register() -> QuerySet[ExclusionDecision]:
    """The public DIK: decisions of published excluded items still in force."""
    return (
        ExclusionDecision.objects.filter(
            item__status=InformationItem.Status.PUBLISHED,
            item__category=Category.DIKECUALIKAN,
        )
        .select_related("item__opd")
        .only(
            "id",
            "ground",
            "ground_point",
            "legal_basis",
            "consequence",
            "scope",
            "redacted_summary",
            "period_start",
            "period_end",
            "review_date",
            "item__id",
            "item__title",
            "item__opd__slug",
            "item__opd__name",
        )
        .order_by("item__opd__name", "item__title")
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


@dataclass(frozen=True)
class OpdFreshness:
    """Periodic items of one OPD that fall due soon or are overdue."""

    opd: Opd
    due: int
    overdue: int


def freshness_by_opd(
    user: Any, today: datetime.date | None = None
) -> list[OpdFreshness]:
    """Due and overdue periodic items per OPD, for the OPDs ``user`` sees."""
    from django.conf import settings

    today = today or timezone.localdate()
    items = items_visible_to(user)
    overdue = items.berkala_due_by(today - datetime.timedelta(days=1))
    due_soon = items.berkala_due_by(
        today + datetime.timedelta(days=settings.PPID_DUE_SOON_DAYS)
    ).exclude(pk__in=overdue.values("pk"))
    counts: dict[int, dict[str, int]] = {}
    for key, queryset in (("overdue", overdue), ("due", due_soon)):
        for row in queryset.order_by().values("opd").annotate(n=Count("id")):
            counts.setdefault(row["opd"], {"due": 0, "overdue": 0})[key] = row["n"]
    opds = Opd.objects.in_bulk(list(counts))
    rows = [OpdFreshness(opds[pk], c["due"], c["overdue"]) for pk, c in counts.items()]
    return sorted(rows, key=lambda r: (-r.overdue, -r.due, r.opd.name))


def subtypes_by_category() -> dict[str, list[Subtype]]:
    """Active sub-types, for forms and the DIP page."""
    grouped: dict[str, list[Subtype]] = {}
    for subtype in Subtype.objects.filter(is_active=True):
        grouped.setdefault(subtype.category, []).append(subtype)
    return grouped


def exclusions_due_for_opening(today: datetime.date | None = None):
    """Excluded items whose period has ended and that nobody has opened yet."""
    today = today or timezone.localdate()
    return (
        ExclusionDecision.objects.filter(period_end__lt=today, opened_at__isnull=True)
        .filter(~Q(item__status=InformationItem.Status.WITHDRAWN))
        .select_related("item__opd")
        .order_by("period_end")
    )
