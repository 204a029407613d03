"""Catalogue search: PostgreSQL full text (``indonesian``) with trigram typo
tolerance on titles, and a LIKE fallback on SQLite.

Every caller passes an already permission-scoped queryset (for the public,
``InformationItem.objects.public()``): search narrows, it never widens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils.functional import cached_property

from ppid.catalogue.cache import PAGE_SECONDS, versioned_key
from ppid.catalogue.models import ExclusionDecision, InformationItem

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
    """Items of ``queryset`` that match ``q``, as a queryset; best first when
    ``by_relevance``. Lists use :class:`SearchResults`, which is cheaper."""
    terms = search_terms(q)
    if not terms:
        return queryset
    return SearchResults(queryset, q, by_relevance=by_relevance).as_queryset()


def _like_filter(
    queryset: QuerySet[InformationItem], terms: list[str]
) -> QuerySet[InformationItem]:
    for term in terms:
        queryset = queryset.filter(
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(extracted_text__icontains=term)
        )
    return queryset


# The values the catalogue's facets count, in the order selectors reads them.
FACET_FIELDS = (
    "category",
    "opd__slug",
    "opd__short_name",
    "subtype__code",
    "subtype__name",
    "year",
    "format",
)
# What a candidate row carries besides its id: the sort key and the facets.
CANDIDATE_FIELDS = ("pk", "published_at", *FACET_FIELDS)


class SearchResults(Sequence):
    """The matches of one search, ordered, counted and faceted from one read.

    The full-text match runs once per request: it returns the ids, the sort keys and the facet values of at most
    ``RANK_CANDIDATES`` matches, so the count, the facets and the order come
    from memory, and a page fetches only its own rows. On SQLite the LIKE
    fallback does the same over every match.
    """

    def __init__(
        self, queryset: QuerySet[InformationItem], q: str, *, by_relevance: bool = True
    ) -> None:
        self.queryset = queryset
        self.terms = search_terms(q)
        self.by_relevance = by_relevance
        self.query = SearchQuery(
            " ".join(self.terms), config=CONFIG, search_type="plain"
        )
        self._capped = False

    @property
    def is_capped(self) -> bool:
        """True when more than ``RANK_CANDIDATES`` items match."""
        return bool(self.rows) and self._capped

    @cached_property
    def rows(self) -> list[tuple]:
        """Candidate rows in display order: CANDIDATE_FIELDS, then the rank."""
        plain = self.queryset.order_by()
        if not self.terms:
            matches = plain
        elif is_postgres():
            matches = plain.filter(search_vector=self.query)
        else:
            matches = _like_filter(plain, self.terms)
        if self.by_relevance and self.terms and is_postgres():
            matches = matches.annotate(rank=SearchRank(F("search_vector"), self.query))
            fields = (*CANDIDATE_FIELDS, "rank")
        else:
            fields = CANDIDATE_FIELDS
        # Newest first in SQL: for a rare word the planner takes the
        # full-text index and sorts a few hundred rows; for a common one it
        # walks the date index and stops at the cap, so a broad query ranks
        # only its newest candidates.
        rows = list(
            matches.order_by("-published_at", "-id").values_list(*fields)[
                : RANK_CANDIDATES + 1
            ]
        )
        if len(rows) > RANK_CANDIDATES:
            self._capped = True
            del rows[RANK_CANDIDATES:]
        # The sort is stable: equal ranks stay newest first.
        if len(fields) > len(CANDIDATE_FIELDS):
            rows.sort(key=lambda row: row[-1], reverse=True)
        return rows

    @cached_property
    def ids(self) -> list[int]:
        return [row[0] for row in self.rows]

    def count(self) -> int:
        return len(self.rows)

    def as_queryset(self) -> QuerySet[InformationItem]:
        """The same matches as a queryset ordered in SQL, for exports and
        callers that need one."""
        found = self.queryset.filter(pk__in=self.ids)
        if self.by_relevance and is_postgres():
            found = found.annotate(rank=SearchRank(F("search_vector"), self.query))
            return found.order_by("-rank", "-published_at", "-id")
        return found.order_by("-published_at", "-id")

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int):
            return self[index : index + 1][0]
        ids = self.ids[index]
        by_id = {item.pk: item for item in self.queryset.order_by().filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]


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


# The models whose every change bumps the catalogue's version.
CATALOGUE_MODELS = (InformationItem, ExclusionDecision)


class CappedPaginator(Paginator):
    """Pages of a search (counted from its candidates, "more than 1,000"
    past the cap) or of a plain list (counted once per catalogue version)."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, SearchResults):
            return len(self.object_list)
        # Only the catalogue's changes bump the key's version: a cached count
        # of anything else (requests, posts) would hide its new rows.
        if getattr(self.object_list, "model", None) not in CATALOGUE_MODELS:
            return super().count
        # Counting a whole list costs a scan of the table; the count stays
        # true until the catalogue changes, which bumps the key's version.
        # Without the ordering the count skips computing any rank.
        plain = self.object_list.order_by()
        try:
            sql = str(plain.query)
        except EmptyResultSet:
            return 0
        key = versioned_key("count", sql)
        count = cache.get(key)
        if count is None:
            count = plain.count()
            cache.set(key, count, PAGE_SECONDS)
        return count

    @property
    def is_capped(self) -> bool:
        if isinstance(self.object_list, SearchResults):
            return self.object_list.is_capped
        return False
