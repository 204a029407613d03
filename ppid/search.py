"""Catalogue search: PostgreSQL full text (``indonesian``) with trigram typo
tolerance on titles, and a LIKE fallback on SQLite.

Every caller passes an already permission-scoped queryset (for the public,
``InformationItem.objects.public()``): search narrows, it never widens.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils.functional import cached_property

from ppid.models import InformationItem

CONFIG = "indonesian"
# PostgreSQL ships no Indonesian stop-word list, so the commonest function
# words are dropped from queries here; otherwise "laporan dan anggaran"
# would demand the word "dan" too.
STOP_WORDS = frozenset(
    "dan atau yang di ke dari untuk dengan pada dalam tentang oleh ini itu "
    "adalah sebagai serta juga tahun".split()
)
COUNT_CAP = 1000
# A broad search ranks at most this many of its newest matches; past the
# count cap nobody pages that far anyway.
RANK_CANDIDATES = COUNT_CAP
TRIGRAM_THRESHOLD = 0.45


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def search_terms(q: str) -> list[str]:
    """Words of a query, lower-cased, without stop words and punctuation."""
    words = re.findall(r"\w+", q.lower())
    return [w for w in words if w not in STOP_WORDS][:12]


def search_vector_expression() -> SearchVector:
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector("extracted_text", weight="C", config=CONFIG)
    )


def refresh_search_vectors(queryset: QuerySet[InformationItem]) -> None:
    """Recompute the stored vectors of ``queryset`` (PostgreSQL only)."""
    if is_postgres():
        queryset.update(search_vector=search_vector_expression())


def search_items(
    queryset: QuerySet[InformationItem], q: str, *, by_relevance: bool = True
) -> QuerySet[InformationItem]:
    """Items of ``queryset`` that match ``q``; best first when ``by_relevance``."""
    terms = search_terms(q)
    if not terms:
        return queryset
    if not is_postgres():
        for term in terms:
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(summary__icontains=term)
                | Q(extracted_text__icontains=term)
            )
        return queryset
    query = SearchQuery(" ".join(terms), config=CONFIG, search_type="plain")
    matches = queryset.filter(search_vector=query)
    # The full-text match runs once per request: the ids found here serve
    # the page, the count and the facets, which would otherwise each search
    # again (on a broad query that costs a scan of the table every time).
    ids = list(matches.order_by().values_list("pk", flat=True)[: RANK_CANDIDATES + 1])
    if len(ids) > RANK_CANDIDATES:
        # A broad query: keep the newest candidates. Walking the date index
        # finds them after a few thousand rows, where a selective query
        # would have walked the whole table.
        ids = list(
            matches.order_by("-published_at", "-id").values_list("pk", flat=True)[
                :RANK_CANDIDATES
            ]
        )
    found = queryset.filter(pk__in=ids)
    if not by_relevance:
        return found
    return found.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
        "-rank", "-published_at", "-id"
    )


def similar_titles(
    queryset: QuerySet[InformationItem], q: str, limit: int = 5
) -> list[InformationItem]:
    """Typo tolerance: titles that nearly contain the query (PostgreSQL)."""
    if not is_postgres() or len(q.strip()) < 3:
        return []
    return list(
        queryset.annotate(similarity=TrigramWordSimilarity(q, "title"))
        .filter(similarity__gte=TRIGRAM_THRESHOLD)
        .order_by("-similarity")[:limit]
    )


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP + 1`` rows; pages beyond show "1000+"."""

    @cached_property
    def count(self) -> int:
        # Without the ordering the count skips computing the rank.
        return self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > COUNT_CAP
