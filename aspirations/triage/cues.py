"""Cue tables: phrases that point to a label (a kind or a topic), matched
against a message's normalised words, longest phrase first."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aspirations.triage.text import Token, tokens

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Cue:
    """A phrase (normalised words and their stems) that adds ``weight`` to ``label``.

    ``prefix``: the last word matches any word it begins ("rusak*" matches
    "rusaknya")."""

    label: str
    phrase: str
    words: tuple[str, ...]
    stems: tuple[str, ...]
    weight: float
    prefix: bool = False

    def matches_at(
        self, items: Sequence[Token], start: int, *, use_stems: bool
    ) -> bool:
        last = len(self.words) - 1
        for offset, (word, root) in enumerate(zip(self.words, self.stems, strict=True)):
            token = items[start + offset]
            # A stem stands for a cue written as a root ("jalan" finds
            # "jalannya"), never for a derived one: "perumahan" (housing)
            # and "rumah" share a stem but not a meaning.
            if (
                token.word == word
                or token.base == word
                or (use_stems and word == root and token.stem == root)
            ):
                continue
            if self.prefix and offset == last and token.word.startswith(word):
                continue
            return False
        return True


@dataclass(frozen=True)
class Hit:
    """A cue found in a message: its label, weight and the citizen's own words."""

    label: str
    weight: float
    surface: str
    start: int
    end: int


class CueTable:
    """Cues indexed by their first word (and stem) for a quick scan."""

    def __init__(self, rows: Iterable[tuple[str, str, float]], *, use_stems: bool):
        self.use_stems = use_stems
        self.by_key: dict[str, list[Cue]] = {}
        self.prefixed: list[Cue] = []
        lengths = set()
        for label, phrase, weight in rows:
            prefix = phrase.endswith("*")
            parsed = tokens(phrase.rstrip("*"))
            if not parsed:
                continue
            cue = Cue(
                label=label,
                phrase=phrase,
                words=tuple(t.word for t in parsed),
                stems=tuple(t.stem for t in parsed),
                weight=weight,
                prefix=prefix,
            )
            lengths.add(len(cue.words))
            if prefix and len(cue.words) == 1:
                self.prefixed.append(cue)
                continue
            self.by_key.setdefault(cue.words[0], []).append(cue)
            if use_stems and cue.stems[0] != cue.words[0]:
                self.by_key.setdefault(cue.stems[0], []).append(cue)
        self.lengths = sorted(lengths, reverse=True)

    def _candidates(self, token: Token) -> list[Cue]:
        found = list(self.by_key.get(token.word, ()))
        if self.use_stems and token.stem != token.word:
            found += self.by_key.get(token.stem, ())
        return found + self.prefixed

    def match(self, items: Sequence[Token]) -> list[Hit]:
        """Every label's cues found in ``items``; a word used by a longer
        phrase is not counted again by a shorter one, and a phrase counts
        once however often it is repeated."""
        used = [False] * len(items)
        seen: set[tuple[str, str]] = set()
        hits: list[Hit] = []
        for length in self.lengths:
            for start in range(len(items) - length + 1):
                if any(used[start : start + length]):
                    continue
                best: dict[str, Cue] = {}
                for cue in self._candidates(items[start]):
                    if len(cue.words) != length:
                        continue
                    if not cue.matches_at(items, start, use_stems=self.use_stems):
                        continue
                    if cue.label not in best or cue.weight > best[cue.label].weight:
                        best[cue.label] = cue
                if not best:
                    continue
                for offset in range(length):
                    used[start + offset] = True
                surface = _surface(items[start : start + length])
                for label, cue in best.items():
                    if (label, cue.phrase) in seen:
                        continue
                    seen.add((label, cue.phrase))
                    hits.append(Hit(label, cue.weight, surface, start, start + length))
        return sorted(hits, key=lambda hit: hit.start)


def _surface(items: Sequence[Token]) -> str:
    # A lexicon entry may stand for two words ("loker"): show it once.
    words: list[str] = []
    for token in items:
        if not words or words[-1] != token.surface:
            words.append(token.surface)
    return " ".join(words)


def read_weighted(name: str, label_column: str) -> list[tuple[str, str, float]]:
    """(label, phrase, weight) rows of a CSV whose ``cues`` column lists
    phrases separated by "|"."""
    rows = []
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for phrase in row["cues"].split("|"):
                if phrase.strip():
                    rows.append(
                        (row[label_column], phrase.strip(), float(row["weight"]))
                    )
    return rows
