"""Reports of the same issue: the same road written about ten times is one
issue with ten citizens.

Two messages are alike by the overlap of their content stems (Jaccard on
stems after stop words are dropped); the same topic, the same kecamatan or
desa raise the score, a different topic lowers it, and only reports within
a time window are compared.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Hashable, Iterable

from django.utils.translation import gettext as _

from aspirations.triage.text import (
    DESA_MARKERS,
    KECAMATAN_MARKERS,
    content_stems,
    find_desa,
    kecamatan_names,
    tokens,
)

# Set on the sample messages of tests/aspirations/test_triage.py; not from a source.
DEFAULT_THRESHOLD = 0.35
DEFAULT_WINDOW_DAYS = 30
SAME_TOPIC_BOOST = 0.15
OTHER_TOPIC_PENALTY = 0.2
SAME_KECAMATAN_BOOST = 0.1
# A road or a lamp is in one place: two kecamatan, two issues.
OTHER_KECAMATAN_PENALTY = 0.3
SAME_DESA_BOOST = 0.15
MAX_SHOWN_WORDS = 5
# "other" says nothing about two messages being alike.
UNINFORMATIVE_TOPICS = frozenset({"", "other"})

Candidate = tuple[
    Hashable,
    str,
    "str | None",
    "str | None",
    "datetime.date | datetime.datetime | None",
]


@functools.lru_cache(maxsize=20_000)
def issue_stems(text: str) -> frozenset[str]:
    """The content stems of ``text`` without place names: where is scored
    apart, so two issues in one village are not alike for the village."""
    places = set(DESA_MARKERS) | KECAMATAN_MARKERS | set(kecamatan_names())
    desa = find_desa(tokens(text))
    if desa:
        places.add(desa)
    return content_stems(text) - places


def similar(a: str, b: str) -> float:
    """Jaccard overlap (0-1) of the content stems of two texts, place names left out."""
    first, second = issue_stems(a or ""), issue_stems(b or "")
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def _day(value: datetime.date | datetime.datetime | None) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def find_duplicates(
    text: str,
    candidates: Iterable[Candidate],
    *,
    topic: str | None = None,
    kecamatan: str | None = None,
    on: datetime.date | datetime.datetime | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[tuple[Hashable, float, str]]:
    """The candidates (id, text, topic, kecamatan, date) that report the same
    issue as ``text`` (of ``topic``, in ``kecamatan``, received ``on``), best
    first, as (id, score, reason)."""
    stems = issue_stems(text or "")
    if not stems:
        return []
    desa = find_desa(tokens(text or ""))
    day = _day(on)
    window = datetime.timedelta(days=window_days)
    found = []
    for (
        candidate_id,
        candidate_text,
        candidate_topic,
        candidate_kecamatan,
        candidate_date,
    ) in candidates:
        candidate_day = _day(candidate_date)
        if day and candidate_day and abs(day - candidate_day) > window:
            continue
        other = issue_stems(candidate_text or "")
        shared = stems & other
        if not shared:
            continue
        score = len(shared) / len(stems | other)
        reasons = [
            _("shared words %(words)s")
            % {
                "words": ", ".join(
                    '"{}"'.format(w) for w in sorted(shared)[:MAX_SHOWN_WORDS]
                )
            }
        ]
        if (
            topic not in UNINFORMATIVE_TOPICS
            and candidate_topic not in UNINFORMATIVE_TOPICS
            and topic is not None
        ):
            if candidate_topic == topic:
                score += SAME_TOPIC_BOOST
                reasons.append(_("same topic"))
            elif candidate_topic is not None:
                score -= OTHER_TOPIC_PENALTY
        if kecamatan and candidate_kecamatan:
            if kecamatan.lower() == candidate_kecamatan.lower():
                score += SAME_KECAMATAN_BOOST
                reasons.append(_("same kecamatan"))
            else:
                score -= OTHER_KECAMATAN_PENALTY
        if desa and desa == find_desa(tokens(candidate_text or "")):
            score += SAME_DESA_BOOST
            reasons.append(_("same desa"))
        if score >= threshold:
            found.append((candidate_id, round(min(score, 1.0), 3), "; ".join(reasons)))
    found.sort(key=lambda row: -row[1])
    return found
