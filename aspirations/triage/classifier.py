"""Rule-based triage of a citizen's message: its kind, its topic, the OPDs
that should answer it, where it is, and whether it is spam or abusive, each
with the reason shown to staff.

Rules first (data/kinds.csv, data/topic_cues.csv), then what staff taught it:
``learn`` turns stored corrections into weighted word cues that
``classify(learned=…)`` adds to the rules, and says so in the reason.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from aspirations.triage.cues import CueTable, Hit, read_weighted
from aspirations.triage.registry import Directory, by_slug, csv_directory
from aspirations.triage.text import (
    abuse_words,
    content_stems,
    find_desa,
    find_kecamatan,
    split_links,
    strip_accents,
    tokens,
)
from aspirations.triage.topics import OTHER, TOPICS, get_topic

ASPIRATION = "aspiration"
COMPLAINT = "complaint"
QUESTION = "question"
INFORMATION_REQUEST = "information_request"
WHISTLEBLOWING = "whistleblowing"
SPAM = "spam"
KINDS = (ASPIRATION, COMPLAINT, QUESTION, INFORMATION_REQUEST, WHISTLEBLOWING, SPAM)
# Whistle-blowing is about confidentiality, which the citizen asks for (or
# staff grant); words cannot decide it, so it is never guessed or learned.
GUESSED_KINDS = (COMPLAINT, INFORMATION_REQUEST, QUESTION, ASPIRATION)
LEARNED_FIELDS = ("kind", "topic", "opd")

# The weights below were set on the sample messages of
# tests/aspirations/test_triage.py and are not from any source.
QUESTION_MARK_WEIGHT = 1.0
LINK_WEIGHT = 2.0
MAX_COUNTED_LINKS = 2
SPAM_THRESHOLD = 3.0
MIN_TOPIC_SCORE = 1.0
# A message to an OPD's own account is about that OPD unless the words
# point elsewhere with more than this weight (one clear phrase does).
ACCOUNT_WEIGHT = 2.5
ACCOUNT_TOPIC_BONUS = 0.5
KECAMATAN_WEIGHT = 0.5
SECOND_OPD_FACTOR = 0.6
MAX_SUGGESTIONS = 4
# A learned word adds at most this much; one correction gives 3/4 of it.
LEARNED_WEIGHT = 1.5


def kind_label(kind: str) -> str:
    """The kind's name for staff."""
    labels = {
        ASPIRATION: _("aspiration"),
        COMPLAINT: _("complaint"),
        QUESTION: _("question"),
        INFORMATION_REQUEST: _("request for information"),
        WHISTLEBLOWING: _("whistle-blowing"),
        SPAM: _("spam or abuse"),
    }
    return labels.get(kind, kind)


@dataclass(frozen=True)
class OpdSuggestion:
    """An OPD that could answer the message, with how strongly and why."""

    short_name: str
    score: float
    reason: str


@dataclass(frozen=True)
class Triage:
    """What the classifier makes of one message; every guess has its reason."""

    kind: str
    kind_reason: str
    topic: str
    topic_reason: str
    opds: tuple[OpdSuggestion, ...]
    kecamatan: str | None
    desa: str | None
    is_spam: bool
    is_abuse: bool
    confidence: float
    topic_confidence: float
    learned_cues: tuple[str, ...] = ()

    @property
    def opd(self) -> str | None:
        """The first suggested OPD's short name."""
        return self.opds[0].short_name if self.opds else None

    @property
    def opd_short_names(self) -> tuple[str, ...]:
        return tuple(s.short_name for s in self.opds)

    def as_dict(self) -> dict:
        """The triage as JSON-ready data, for the case's stored suggestion."""
        data = dataclasses.asdict(self)
        data["opds"] = [dataclasses.asdict(s) for s in self.opds]
        data["learned_cues"] = list(self.learned_cues)
        return data


@dataclass(frozen=True)
class Learned:
    """Word cues learned from staff corrections: for each field ("kind",
    "topic", "opd"), stem -> value -> weight."""

    cues: Mapping[str, Mapping[str, Mapping[str, float]]] = field(default_factory=dict)
    corrections: int = 0
    skipped: int = 0

    def hits(self, field_name: str, items: Sequence) -> list[tuple[str, float, str]]:
        """(value, weight, the citizen's word) for each learned word in ``items``."""
        table = self.cues.get(field_name, {})
        found = []
        seen = set()
        for token in items:
            for value, weight in table.get(token.stem, {}).items():
                if (value, token.stem) not in seen:
                    seen.add((value, token.stem))
                    found.append((value, weight, token.surface))
        return found


def learn(corrections: Iterable[tuple[str, str, str]]) -> Learned:
    """Learned cues from stored corrections (text, field, corrected value).

    Every content word of a corrected text leans towards the corrected
    value, as much as the corrections agree on it: a word seen in three
    drainage corrections and one roads correction leans 3/4 to drainage.
    Unknown fields and values (a topic since removed, whistle-blowing) are
    skipped, not refused, so old corrections never break the inbox.
    """
    counts: dict[str, dict[str, dict[str, int]]] = {
        f: defaultdict(lambda: defaultdict(int)) for f in LEARNED_FIELDS
    }
    used = skipped = 0
    topic_codes = {topic.code for topic in TOPICS}
    for text, field_name, value in corrections:
        valid = (
            (field_name == "kind" and value in GUESSED_KINDS + (SPAM,))
            or (field_name == "topic" and value in topic_codes and value != OTHER)
            or (field_name == "opd" and bool(value))
        )
        if not valid or not text:
            skipped += 1
            continue
        used += 1
        for root in content_stems(text):
            counts[field_name][root][value] += 1
    cues: dict[str, dict[str, dict[str, float]]] = {}
    for field_name, by_stem in counts.items():
        table = {}
        for root, by_value in by_stem.items():
            total = sum(by_value.values())
            table[root] = {
                value: round(LEARNED_WEIGHT * (n / total) * min(1.0, 0.5 + 0.25 * n), 3)
                for value, n in by_value.items()
            }
        cues[field_name] = table
    return Learned(cues=cues, corrections=used, skipped=skipped)


@functools.cache
def kind_table() -> CueTable:
    # Kinds match on whole words, not stems: Sastrawi gives "diperbaiki"
    # (complaint) and "sebaiknya" (aspiration) the same root.
    return CueTable(read_weighted("kinds.csv", "kind"), use_stems=False)


@functools.cache
def topic_table() -> CueTable:
    return CueTable(read_weighted("topic_cues.csv", "topic"), use_stems=True)


def _quoted(words: Iterable[str]) -> str:
    unique = list(dict.fromkeys(words))
    return ", ".join('"{}"'.format(w) for w in unique)


def _reason(
    label: str, words: list[str], learned_words: list[str], extras: list[str]
) -> str:
    parts = []
    if words:
        parts.append(_("words %(words)s") % {"words": _quoted(words)})
    if learned_words:
        parts.append(
            _("words %(words)s (learned from staff corrections)")
            % {"words": _quoted(learned_words)}
        )
    parts.extend(extras)
    return _("%(cues)s → %(label)s") % {"cues": ", ".join(parts), "label": label}


def _confidence(scores: Mapping[str, float], best: str | None) -> float:
    if best is None or scores.get(best, 0) <= 0:
        return 0.2
    top = scores[best]
    second = max((v for k, v in scores.items() if k != best), default=0.0)
    return round(min(0.99, top / (top + second + 1.0)), 2)


def _scores(hits: list[Hit]) -> tuple[dict[str, float], dict[str, list[str]]]:
    scores: dict[str, float] = defaultdict(float)
    words: dict[str, list[str]] = defaultdict(list)
    for hit in hits:
        scores[hit.label] += hit.weight
        words[hit.label].append(hit.surface)
    return scores, words


def classify(
    text: str,
    *,
    account_opd_slug: str | None = None,
    learned: Learned | None = None,
    directory: Directory | None = None,
) -> Triage:
    """Triage ``text``; ``account_opd_slug`` is the OPD whose account received
    it, ``directory`` the OPDs that exist (the registry's seed file if None;
    the inbox passes ``registry.directory_from_database()``)."""
    directory = directory if directory is not None else csv_directory()
    learned = learned or Learned()
    items = tokens(text)
    _without_links, links = split_links(strip_accents(text or ""))
    account = by_slug(directory, account_opd_slug)
    learned_used: list[str] = []

    # Kind.
    kind_scores, kind_words = _scores(kind_table().match(items))
    kind_learned: dict[str, list[str]] = defaultdict(list)
    for value, weight, surface in learned.hits("kind", items):
        kind_scores[value] += weight
        kind_learned[value].append(surface)
        learned_used.append(surface)
    extras: dict[str, list[str]] = defaultdict(list)
    if "?" in (text or ""):
        kind_scores[QUESTION] += QUESTION_MARK_WEIGHT
        extras[QUESTION].append(_("a question mark"))
    if links:
        kind_scores[SPAM] += LINK_WEIGHT * min(links, MAX_COUNTED_LINKS)
        extras[SPAM].append(_("a link"))
    insults = [t.surface for t in items if t.word in abuse_words()]
    is_abuse = bool(insults)
    best_other = max(GUESSED_KINDS, key=lambda k: kind_scores.get(k, 0.0))
    if kind_scores.get(best_other, 0.0) <= 0:
        best_other = None
    spam_score = kind_scores.get(SPAM, 0.0)
    is_spam = spam_score >= SPAM_THRESHOLD and spam_score >= kind_scores.get(
        best_other, 0.0
    )
    if is_spam:
        kind = SPAM
    elif best_other is not None:
        kind = best_other
    elif is_abuse:
        kind = SPAM
    else:
        kind = ASPIRATION
    kind_defaulted = not (is_spam or best_other is not None or is_abuse)
    if is_abuse:
        extras[SPAM].append(_("insults %(words)s") % {"words": _quoted(insults)})
    if kind_words.get(kind) or kind_learned.get(kind) or extras.get(kind):
        kind_reason = _reason(
            kind_label(kind),
            kind_words.get(kind, []),
            kind_learned.get(kind, []),
            extras.get(kind, []),
        )
    else:
        kind_reason = _("no clear cue; taken as %(kind)s") % {"kind": kind_label(kind)}
    if is_abuse and kind != SPAM:
        kind_reason += "; " + _("insults %(words)s") % {"words": _quoted(insults)}
    confidence = _confidence(kind_scores, kind)

    # Topic.
    topic_scores, topic_words = _scores(topic_table().match(items))
    topic_learned: dict[str, list[str]] = defaultdict(list)
    for value, weight, surface in learned.hits("topic", items):
        topic_scores[value] += weight
        topic_learned[value].append(surface)
        learned_used.append(surface)
    if account is not None:
        for code in list(topic_scores):
            if topic_scores[code] > 0 and account.short_name in get_topic(code).opds:
                topic_scores[code] += ACCOUNT_TOPIC_BONUS
    ranked = sorted(topic_scores, key=lambda code: -topic_scores[code])
    topic = (
        ranked[0] if ranked and topic_scores[ranked[0]] >= MIN_TOPIC_SCORE else OTHER
    )
    # Spam is hidden, not routed.
    if kind == SPAM:
        topic = OTHER
    if topic == OTHER:
        topic_reason = _("no topic cue found")
        topic_confidence = 0.2
    else:
        topic_reason = _reason(
            _("topic %(topic)s") % {"topic": get_topic(topic).name},
            topic_words.get(topic, []),
            topic_learned.get(topic, []),
            [],
        )
        topic_confidence = _confidence(topic_scores, topic)

    # Location.
    kecamatan = find_kecamatan(items)
    desa = find_desa(items)

    # OPDs.
    opds = _suggest_opds(
        topic=topic,
        topic_scores=topic_scores,
        ranked=ranked,
        account=account.short_name if account else None,
        kecamatan=kecamatan,
        learned_opds=learned.hits("opd", items),
        directory=directory,
        learned_used=learned_used,
    )
    if kind == SPAM:
        opds = ()
    if kind_defaulted and topic != OTHER:
        # Most of what reaches the regency is a complaint (5,450 aduan in
        # 2025, issue 19): a message about a topic with no other cue is one.
        kind = COMPLAINT
        kind_reason = _("no clear cue; taken as %(kind)s") % {"kind": kind_label(kind)}

    return Triage(
        kind=kind,
        kind_reason=kind_reason,
        topic=topic,
        topic_reason=topic_reason,
        opds=opds,
        kecamatan=kecamatan[0] if kecamatan else None,
        desa=desa,
        is_spam=kind == SPAM,
        is_abuse=is_abuse,
        confidence=confidence,
        topic_confidence=topic_confidence,
        learned_cues=tuple(dict.fromkeys(learned_used)),
    )


def _suggest_opds(
    *,
    topic: str,
    topic_scores: Mapping[str, float],
    ranked: list[str],
    account: str | None,
    kecamatan: tuple[str, str] | None,
    learned_opds: list[tuple[str, float, str]],
    directory: Directory,
    learned_used: list[str],
) -> tuple[OpdSuggestion, ...]:
    scores: dict[str, float] = defaultdict(float)
    reasons: dict[str, list[str]] = defaultdict(list)

    def add(short_name: str, score: float, reason: str) -> None:
        # An OPD merged away or not in the portal is never suggested.
        if short_name in directory and score > 0:
            scores[short_name] += score
            if reason not in reasons[short_name]:
                reasons[short_name].append(reason)

    if topic != OTHER:
        topics = [topic] + [
            c
            for c in ranked[1:2]
            if topic_scores[c] >= SECOND_OPD_FACTOR * topic_scores[topic]
        ]
        for position, code in enumerate(topics):
            factor = 1.0 if position == 0 else SECOND_OPD_FACTOR
            for rank, short_name in enumerate(get_topic(code).opds):
                add(
                    short_name,
                    topic_scores[code] * factor * (1.0 - 0.25 * rank),
                    _("the topic %(topic)s is this OPD's business")
                    % {"topic": get_topic(code).name},
                )
    if account:
        add(account, ACCOUNT_WEIGHT, _("the message came to this OPD's account"))
    for short_name, weight, surface in learned_opds:
        add(
            short_name,
            weight,
            _("words %(words)s (learned from staff corrections)")
            % {"words": _quoted([surface])},
        )
        if short_name in directory:
            learned_used.append(surface)
    if kecamatan:
        add(
            kecamatan[1],
            KECAMATAN_WEIGHT,
            _("location: Kecamatan %(name)s") % {"name": kecamatan[0]},
        )
    ordered = sorted(scores, key=lambda name: -scores[name])[:MAX_SUGGESTIONS]
    return tuple(
        OpdSuggestion(
            short_name=name,
            score=round(scores[name], 2),
            reason="; ".join(reasons[name]),
        )
        for name in ordered
    )
