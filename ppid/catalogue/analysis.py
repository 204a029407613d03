"""The text side of catalogue search, shared by both databases: words, the
Indonesian stemmer and the synonym list.

Both PostgreSQL and SQLite index the text this module makes (stems joined by
spaces) and are queried with the stems it makes of a query, so the two
databases find the same items: PostgreSQL stores it with the ``simple``
configuration (which only lower-cases), SQLite in an FTS5 table.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

SYNONYMS_CSV = Path(__file__).resolve().parent / "data" / "synonyms.csv"
STEMS_CSV = Path(__file__).resolve().parent / "data" / "stems.csv"

# Letters and digits only: an underscore or a dot would make PostgreSQL's and
# FTS5's tokenizers cut a word differently.
WORD = re.compile(r"[^\W_]+")
# PostgreSQL's ``simple`` configuration and FTS5 have no stop words, so the
# commonest function words are dropped here, from the text and the query
# alike; otherwise "laporan dan anggaran" would demand the word "dan" too.
STOP_WORDS = frozenset(
    "dan atau yang di ke dari untuk dengan pada dalam tentang oleh ini itu "
    "adalah sebagai serta juga tahun".split()
)
MAX_QUERY_WORDS = 12
# Longer "words" are codes or run-together text: kept, but not stemmed.
MAX_STEMMED_LENGTH = 40

STEMMERS = ("sastrawi", "snowball")
# Chosen on the 50 queries of bench/search_queries.txt (bench/README.md,
# "Search: stemmers compared").
DEFAULT_STEMMER = "sastrawi"


def _sastrawi() -> Callable[[str], str]:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer().stem


def _snowball() -> Callable[[str], str]:
    import snowballstemmer

    return snowballstemmer.stemmer("indonesian").stemWord


_FACTORIES = {"sastrawi": _sastrawi, "snowball": _snowball}
_active = {"name": DEFAULT_STEMMER}


@functools.cache
def _stemmer(name: str) -> Callable[[str], str]:
    return _FACTORIES[name]()


def use_stemmer(name: str) -> None:
    """Switch the stemmer (the benchmark compares them); the index must be
    rebuilt afterwards."""
    if name not in _FACTORIES:
        raise ValueError("unknown stemmer: {}".format(name))
    _active["name"] = name
    stem.cache_clear()
    synonym_groups.cache_clear()
    _synonyms_by_first_stem.cache_clear()


def stemmer_name() -> str:
    return _active["name"]


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, without stop words."""
    return [w for w in WORD.findall(text.lower()) if w not in STOP_WORDS]


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of one lower-case word; numbers and codes stay as they are."""
    if word.isdigit() or len(word) > MAX_STEMMED_LENGTH:
        return word
    fixed = stem_overrides().get(word)
    if fixed:
        return fixed
    # A stemmer that strips a short word to nothing would lose it.
    return _stemmer(_active["name"])(word) or word


def analyse(text: str) -> str:
    """What the databases index: the stems of ``text`` joined by spaces."""
    return " ".join(stem(w) for w in words(text or ""))


def _rows(path: Path) -> Iterable[list[str]]:
    """The rows of a data file, without blank lines and # comments."""
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if row and not row[0].lstrip().startswith("#"):
                yield [cell.strip() for cell in row]


@functools.cache
def stem_overrides() -> dict[str, str]:
    """Stems the stemmer gets wrong for search (data/stems.csv)."""
    return {row[0].lower(): row[1].lower() for row in _rows(STEMS_CSV)}


@functools.cache
def dictionary() -> frozenset[str]:
    """Sastrawi's Indonesian root words, whatever the stemmer in use."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return frozenset(StemmerFactory().get_words())


def is_indonesian_word(word: str) -> bool:
    """True for a correctly spelled Indonesian word (its root is in the
    dictionary): such a word is not "corrected" into another one."""
    if word in dictionary():
        return True
    return _stemmer("sastrawi")(word) in dictionary()


# --- Synonyms ---------------------------------------------------------------

Alternative = tuple[str, ...]  # stems that must all occur
Clause = tuple[Alternative, ...]  # one of the alternatives must occur


@functools.cache
def synonym_groups() -> tuple[tuple[Alternative, ...], ...]:
    """The synonym list (data/synonyms.csv), stemmed: one group a row, each
    of its cells a word or phrase meaning the same."""
    groups = []
    for row in _rows(SYNONYMS_CSV):
        alternatives = []
        for cell in row:
            stems = tuple(analyse(cell).split())
            if stems and stems not in alternatives:
                alternatives.append(stems)
        if len(alternatives) > 1:
            groups.append(tuple(alternatives))
    return tuple(groups)


@functools.cache
def _synonyms_by_first_stem() -> dict[str, list[tuple[Alternative, tuple]]]:
    index: dict[str, list[tuple[Alternative, tuple]]] = {}
    for group in synonym_groups():
        for alternative in group:
            index.setdefault(alternative[0], []).append((alternative, group))
    for entries in index.values():
        # The longest phrase wins: "rumah sakit umum daerah" before "rumah".
        entries.sort(key=lambda entry: -len(entry[0]))
    return index


@dataclass(frozen=True)
class ParsedQuery:
    """A query as both databases run it: every clause must match (or, for
    the fallback, any); a clause matches when one of its alternatives does."""

    words: tuple[str, ...]
    clauses: tuple[Clause, ...]

    def __bool__(self) -> bool:
        return bool(self.clauses)


def parse_query(q: str) -> ParsedQuery:
    """Stem the words of ``q`` and widen each to its synonyms."""
    surface = tuple(words(q or "")[:MAX_QUERY_WORDS])
    stems = [stem(w) for w in surface]
    synonyms = _synonyms_by_first_stem()
    clauses: list[Clause] = []
    i = 0
    while i < len(stems):
        clause: Clause = ((stems[i],),)
        length = 1
        for alternative, group in synonyms.get(stems[i], ()):
            if tuple(stems[i : i + len(alternative)]) == alternative:
                # The words as typed first, then the other ways to say them.
                clause = (alternative, *(a for a in group if a != alternative))
                length = len(alternative)
                break
        if clause not in clauses:
            clauses.append(clause)
        i += length
    return ParsedQuery(surface, tuple(clauses))


def to_tsquery(clauses: Iterable[Clause], *, any_clause: bool = False) -> str:
    """PostgreSQL ``to_tsquery('simple', …)`` text; stems are letters and
    digits only, so quoting them is enough."""

    def alternative(stems: Alternative) -> str:
        return "(" + " & ".join("'{}'".format(s) for s in stems) + ")"

    joiner = " | " if any_clause else " & "
    return joiner.join(
        "(" + " | ".join(alternative(a) for a in clause) + ")" for clause in clauses
    )


def to_fts5(clauses: Iterable[Clause], *, any_clause: bool = False) -> str:
    """The same query in FTS5's syntax (strings in double quotes, so no stem
    is read as an operator)."""

    def alternative(stems: Alternative) -> str:
        return "(" + " AND ".join('"{}"'.format(s) for s in stems) + ")"

    joiner = " OR " if any_clause else " AND "
    return joiner.join(
        "(" + " OR ".join(alternative(a) for a in clause) + ")" for clause in clauses
    )


# --- Spelling -----------------------------------------------------------------


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance of ``a`` and
    ``b``, or ``limit + 1`` as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost
            )
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
