"""Catalogue search, the same on PostgreSQL and SQLite.

The text is stemmed in Python (ppid.catalogue.analysis) and indexed as stems:
PostgreSQL keeps them in ``search_vector`` with the ``simple`` configuration
(title A, summary B, files C), SQLite in the FTS5 table ``ppid_item_fts``
(made by migration 0013). A query is stemmed and widened to its synonyms the
same way, so both databases find the same items. When no item has every
word, the items with some of them are shown, those with most words first,
and a spelling from the catalogue's own words is offered ("Maksud Anda").

Every caller passes an already permission-scoped queryset (for the public,
``InformationItem.objects.public()``): search narrows, it never widens.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import (
    Case,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from ppid.catalogue.analysis import (
    MAX_QUERY_WORDS,
    WORD,
    Clause,
    ParsedQuery,
    analyse,
    edit_distance,
    is_indonesian_word,
    parse_query,
    to_fts5,
    to_tsquery,
    words,
)
from ppid.catalogue.cache import PAGE_SECONDS, versioned_key
from ppid.catalogue.models import ExclusionDecision, InformationItem, SearchTerm

# Stems are indexed as they are: the stemming is done in Python.
CONFIG = "simple"
FTS_TABLE = "ppid_item_fts"
# SQLite's index, by a constant table name with the values bound (bandit
# cannot see that the name is not input).
FTS_DELETE = f"DELETE FROM {FTS_TABLE}"  # nosec B608 # constant name
FTS_DELETE_ONE = f"DELETE FROM {FTS_TABLE} WHERE rowid = %s"  # nosec B608
FTS_INSERT = (
    f"INSERT INTO {FTS_TABLE} (rowid, title, summary, body) "  # nosec B608
    "VALUES (%s, %s, %s, %s)"
)
FTS_MATCH = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # nosec B608
# bm25 weights of the FTS5 columns (title, summary, body), in the spirit of
# PostgreSQL's A, B and C weights.
FTS_WEIGHTS = (10.0, 4.0, 1.0)
COUNT_CAP = 1000
# A broad search ranks at most this many of its newest matches; past the
# count cap nobody pages that far anyway.
RANK_CANDIDATES = COUNT_CAP
# Words shorter than this are not corrected: "sk" or "kk" are not typos.
MIN_CORRECTED_LENGTH = 4
INDEX_BATCH = 500
PG_INDEX = (
    "UPDATE ppid_informationitem AS item SET search_vector = "
    "setweight(to_tsvector('simple', v.title), 'A') || "
    "setweight(to_tsvector('simple', v.summary), 'B') || "
    "setweight(to_tsvector('simple', v.body), 'C') "
    "FROM (VALUES {values}) AS v(id, title, summary, body) "
    "WHERE item.id = v.id::bigint"
)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def search_terms(q: str) -> list[str]:
    """Words of a query, lower-cased, without stop words and punctuation."""
    return words(q)[:MAX_QUERY_WORDS]


# --- Indexing ---------------------------------------------------------------


def refresh_search_vectors(queryset: QuerySet[InformationItem]) -> None:
    """Re-index the items of ``queryset`` and learn the words of their titles
    and summaries; called after every change of their text."""
    rows = queryset.order_by().values_list("pk", "title", "summary", "extracted_text")
    batch: list[tuple[int, str, str, str]] = []
    for row in rows.iterator(chunk_size=INDEX_BATCH):
        batch.append(row)
        if len(batch) >= INDEX_BATCH:
            _index(batch)
            batch = []
    if batch:
        _index(batch)


def forget_item(pk: int) -> None:
    """Take a deleted item out of SQLite's separate index (PostgreSQL keeps
    the index on the row itself)."""
    if not is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(FTS_DELETE_ONE, [pk])


def reindex_everything() -> int:
    """Index every item again and recount the vocabulary: after a bulk load
    (loaddata, a restore) or a change of the stemmer, stems or synonyms."""
    if not is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(FTS_DELETE)
    refresh_search_vectors(InformationItem.objects.all())
    rebuild_vocabulary()
    return InformationItem.objects.count()


def _index(rows: list[tuple[int, str, str, str]]) -> None:
    analysed = [(pk, analyse(t), analyse(s), analyse(x)) for pk, t, s, x in rows]
    if is_postgres():
        # One UPDATE from a VALUES list: a bulk_update's CASE would compare
        # every row with every id of the batch.
        values = ", ".join(["(%s, %s, %s, %s)"] * len(analysed))
        with connection.cursor() as cursor:
            cursor.execute(
                PG_INDEX.format(values=values),
                [value for row in analysed for value in row],
            )
    else:
        with connection.cursor() as cursor:
            cursor.executemany(FTS_DELETE_ONE, [(row[0],) for row in analysed])
            cursor.executemany(FTS_INSERT, analysed)
    learn_words(" ".join((title, summary)) for _pk, title, summary, _x in rows)


def _vocabulary_words(text: str) -> Iterable[str]:
    for word in words(text):
        if 3 <= len(word) <= 40 and not word.isdigit():
            yield word


def _term(word: str, frequency: int = 1) -> SearchTerm:
    return SearchTerm(term=word, prefix=word[:2], length=len(word), frequency=frequency)


def learn_words(texts: Iterable[str]) -> None:
    """Add the new words of ``texts`` to the vocabulary of suggestions."""
    found = {word for text in texts for word in _vocabulary_words(text)}
    if found:
        SearchTerm.objects.bulk_create(
            [_term(word) for word in sorted(found)],
            ignore_conflicts=True,
            batch_size=INDEX_BATCH,
        )


def rebuild_vocabulary() -> int:
    """Count again every word of the public titles and summaries (a full read
    of the catalogue: for the nightly job, never a page)."""
    counts: Counter[str] = Counter()
    rows = InformationItem.objects.public().order_by().values_list("title", "summary")
    for title, summary in rows.iterator(chunk_size=2000):
        counts.update(set(_vocabulary_words("{} {}".format(title, summary))))
    # One transaction: suggestions never see an empty vocabulary.
    with transaction.atomic():
        SearchTerm.objects.all().delete()
        SearchTerm.objects.bulk_create(
            [_term(word, n) for word, n in sorted(counts.items())], batch_size=2000
        )
    return len(counts)


# --- Matching -----------------------------------------------------------------


def match_q(clauses: Sequence[Clause], *, any_clause: bool = False) -> Q:
    """The condition "matches ``clauses``" on either database."""
    if is_postgres():
        query = to_tsquery(clauses, any_clause=any_clause)
        return Q(search_vector=SearchQuery(query, config=CONFIG, search_type="raw"))
    query = to_fts5(clauses, any_clause=any_clause)
    return Q(pk__in=RawSQL(FTS_MATCH, (query,)))  # nosec B611 # constant, bound


def _pg_query(clauses: Sequence[Clause], *, any_clause: bool) -> SearchQuery:
    return SearchQuery(
        to_tsquery(clauses, any_clause=any_clause), config=CONFIG, search_type="raw"
    )


def _sqlite_ranks(
    ids: list[int], clauses: Sequence[Clause], *, any_clause: bool
) -> dict[int, float]:
    """bm25 of the given rows (higher is better, as PostgreSQL's rank)."""
    if not ids:
        return {}
    weights = ", ".join(str(w) for w in FTS_WEIGHTS)
    marks = ", ".join(["%s"] * len(ids))
    sql = "SELECT rowid, bm25({0}, {1}) FROM {0} WHERE {0} MATCH %s AND rowid IN ({2})"
    with connection.cursor() as cursor:
        cursor.execute(
            sql.format(FTS_TABLE, weights, marks),
            [to_fts5(clauses, any_clause=any_clause), *ids],
        )
        return {pk: -score for pk, score in cursor.fetchall()}


def search_items(
    queryset: QuerySet[InformationItem], q: str, *, by_relevance: bool = True
) -> QuerySet[InformationItem]:
    """Items of ``queryset`` that match ``q``, as a queryset; best first when
    ``by_relevance``. Lists use :class:`SearchResults`, which is cheaper."""
    if not parse_query(q):
        return queryset
    return SearchResults(queryset, q, by_relevance=by_relevance).as_queryset()


# The values the catalogue's facets count, in the order selectors reads them.
FACET_FIELDS = (
    "category",
    "opd__slug",
    "opd__name",
    "subtype__code",
    "subtype__name",
    "year",
    "format",
)
# What a candidate row carries besides its id: the facets. The date the
# rows are sorted by stays in the SQL: the sort by rank is stable, and
# turning a thousand timestamps into datetimes cost a broad search a
# millisecond of CPU.
CANDIDATE_FIELDS = ("pk", *FACET_FIELDS)


class SearchResults(Sequence):
    """The matches of one search, ordered, counted and faceted from one read.

    The full-text match runs once per request: it returns the ids and the
    facet values of at most ``RANK_CANDIDATES`` matches, so the
    count, the facets and the order come from memory, and a page fetches
    only its own rows. When no item has every word of the query, the items
    with any of them are read instead (``fallback``), most words first.
    """

    def __init__(
        self,
        queryset: QuerySet[InformationItem],
        q: str,
        *,
        by_relevance: bool = True,
        read_page: Callable[[list[int]], list[InformationItem]] | None = None,
    ) -> None:
        self.queryset = queryset
        # Reads a page's items by id when the queryset's own conditions need
        # not be repeated (the ids come from it); else the queryset does.
        self.read_page = read_page
        self.q = q
        self.parsed: ParsedQuery = parse_query(q)
        self.terms = list(self.parsed.words)
        self.by_relevance = by_relevance
        self.fallback = False
        self._capped = False

    @property
    def is_capped(self) -> bool:
        """True when more than ``RANK_CANDIDATES`` items match."""
        return bool(self.rows) and self._capped

    @cached_property
    def rows(self) -> list[tuple]:
        """Candidate rows in display order: CANDIDATE_FIELDS."""
        plain = self.queryset.order_by()
        clauses = self.parsed.clauses
        if not clauses:
            return self._read(plain, any_clause=False)
        rows = self._read(plain.filter(match_q(clauses)), any_clause=False)
        if not rows and len(clauses) > 1:
            rows = self._read(
                plain.filter(match_q(clauses, any_clause=True)), any_clause=True
            )
            self.fallback = bool(rows)
        return rows

    def _read(self, matches: QuerySet[InformationItem], *, any_clause: bool) -> list:
        clauses = self.parsed.clauses
        fields: tuple[str, ...] = CANDIDATE_FIELDS
        order: tuple[Any, ...] = ("-published_at", "-id")
        if any_clause:
            # How many of the query's words (clauses) an item has: the same
            # count on both databases, and the first key of the fallback.
            matches = matches.annotate(
                coverage=sum(
                    (
                        Case(
                            When(match_q([clause]), then=Value(1)),
                            default=Value(0),
                            output_field=IntegerField(),
                        )
                        for clause in clauses
                    ),
                    start=Value(0, output_field=IntegerField()),
                )
            )
            fields = (*fields, "coverage")
            if self.by_relevance:
                order = ("-coverage", *order)
        ranked_in_sql = self.by_relevance and clauses and is_postgres()
        if ranked_in_sql:
            matches = matches.annotate(
                rank=SearchRank(
                    F("search_vector"), _pg_query(clauses, any_clause=any_clause)
                )
            )
            fields = (*fields, "rank")
        # Newest first in SQL: for a rare word the planner takes the
        # full-text index and sorts a few hundred rows; for a common one it
        # walks the date index and stops at the cap, so a broad query ranks
        # only its newest candidates.
        rows = list(
            matches.order_by(*order).values_list(*fields)[: RANK_CANDIDATES + 1]
        )
        self._capped = len(rows) > RANK_CANDIDATES
        del rows[RANK_CANDIDATES:]
        if not (self.by_relevance and clauses):
            return [row[: len(CANDIDATE_FIELDS)] for row in rows]
        if ranked_in_sql:
            ranks = {row[0]: row[-1] for row in rows}
        else:
            ranks = _sqlite_ranks(
                [row[0] for row in rows], clauses, any_clause=any_clause
            )
        coverage_at = len(CANDIDATE_FIELDS)

        def key(row: tuple) -> tuple:
            covered = row[coverage_at] if any_clause else 0
            return (covered, ranks.get(row[0], 0.0))

        # The sort is stable: equal ranks stay newest first.
        rows.sort(key=key, reverse=True)
        return [row[: len(CANDIDATE_FIELDS)] for row in rows]

    @cached_property
    def ids(self) -> list[int]:
        return [row[0] for row in self.rows]

    def count(self) -> int:
        return len(self.rows)

    def as_queryset(self) -> QuerySet[InformationItem]:
        """The same matches as a queryset in the same order, for exports and
        callers that need one."""
        ids = self.ids
        found = self.queryset.filter(pk__in=ids)
        if not ids:
            return found
        position = Case(
            *(When(pk=pk, then=Value(n)) for n, pk in enumerate(ids)),
            output_field=IntegerField(),
        )
        return found.order_by(position)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int):
            return self[index : index + 1][0]
        ids = self.ids[index]
        if self.read_page is not None:
            found = self.read_page(ids)
        else:
            found = self.queryset.order_by().filter(pk__in=ids)
        by_id = {item.pk: item for item in found}
        return [by_id[pk] for pk in ids if pk in by_id]


# --- "Maksud Anda …?" ---------------------------------------------------------


def _closest_word(word: str) -> str | None:
    """The catalogue's word nearest to ``word`` (at most one edit for short
    words, two for longer ones), the commonest among equals."""
    limit = 1 if len(word) <= 5 else 2
    candidates = SearchTerm.objects.filter(
        prefix=word[:2], length__range=(len(word) - limit, len(word) + limit)
    ).values_list("term", "frequency")
    best: tuple[int, int, str] | None = None
    for term, frequency in candidates:
        distance = edit_distance(word, term, limit)
        if distance <= limit:
            key = (distance, -frequency, term)
            if best is None or key < best:
                best = key
    return best[2] if best else None


def suggest_query(queryset: QuerySet[InformationItem], q: str) -> str | None:
    """``q`` with its unknown words replaced by the nearest words of the
    catalogue, when that finds something in ``queryset``; else None.

    Reads the few vocabulary rows that share a word's first letters and
    length, and checks the suggestion with one search: it never offers a
    word that only unpublished items contain.
    """
    typed = [w for w in search_terms(q) if not w.isdigit()]
    unknown = set(typed) - set(
        SearchTerm.objects.filter(term__in=typed).values_list("term", flat=True)
    )
    fixes = {}
    for word in unknown:
        if len(word) >= MIN_CORRECTED_LENGTH and not is_indonesian_word(word):
            better = _closest_word(word)
            if better and better != word:
                fixes[word] = better
    if not fixes:
        return None

    def replace(match: re.Match) -> str:
        return fixes.get(match.group(0).lower(), match.group(0))

    suggestion = WORD.sub(replace, q.strip())
    parsed = parse_query(suggestion)
    if not parsed or not queryset.filter(match_q(parsed.clauses)).exists():
        return None
    return suggestion


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


def similar_titles(
    queryset: QuerySet[InformationItem], q: str, limit: int = 5
) -> list[InformationItem]:
    """The first items the suggested spelling of ``q`` finds, if any."""
    suggestion = suggest_query(queryset, q)
    if not suggestion:
        return []
    return SearchResults(queryset, suggestion)[0:limit]
