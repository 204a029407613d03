"""Text normalisation for triage: what citizens type on WhatsApp and
Instagram (abbreviations, stretched letters, emoji, Banyumasan words) turned
into words and stems the cue tables can match.

Stemming is the catalogue search's (``ppid.catalogue.analysis.stem``), so
the inbox and the search agree on what a word's root is.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from aspirations.triage.registry import csv_directory
from ppid.catalogue.analysis import dictionary, stem

DATA = Path(__file__).resolve().parent / "data"

# Links are spam's commonest sign; they are cut out before the words are
# read so that "bit.ly/xyz" does not turn into cue words.
URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:ly|id|com|net|xyz|me|co|io|link|site|vip)(?:/\S*)?\b"
)
# Hyphenated words stay whole: "gorong-gorong", "e-ktp", "odong-odong".
TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*|'")
# Chat writes a reduplicated word as "jalan2" or "gorong2".
REDUPLICATED = re.compile(r"^([a-z]{2,})2$")
STRETCHED = re.compile(r"([a-z])\1{2,}")
# The regency's own name is in every address line; only "kecamatan
# purbalingga" means the kecamatan.
AMBIGUOUS_KECAMATAN = frozenset({"purbalingga"})
KECAMATAN_MARKERS = frozenset({"kecamatan", "kec"})
DESA_MARKERS = frozenset({"desa", "ds", "kelurahan", "kel", "dusun", "dsn", "grumbul"})


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@functools.cache
def lexicon() -> dict[str, tuple[str, ...]]:
    """Abbreviations, slang, misspellings and Banyumasan words (data/lexicon.csv),
    each with the Indonesian word(s) it stands for."""
    return {
        row["word"]: tuple(row["replacement"].split()) for row in _rows("lexicon.csv")
    }


@functools.cache
def stopwords() -> frozenset[str]:
    """Words that say nothing about which issue a message is about (data/stopwords.csv)."""
    return frozenset(row["word"] for row in _rows("stopwords.csv"))


@functools.cache
def abuse_words() -> frozenset[str]:
    """A modest list of insults (data/abuse.csv); a hit flags the message, it
    does not make a complaint into spam."""
    return frozenset(row["word"] for row in _rows("abuse.csv"))


@functools.cache
def kecamatan_names() -> dict[str, tuple[str, str]]:
    """Lower-case kecamatan name -> (its name, its OPD short name), from the
    registry's CSV (opds/data/purbalingga_opd.csv)."""
    names = {}
    for opd in csv_directory().values():
        if opd.kind == "kecamatan":
            name = opd.name.removeprefix("Kecamatan ").strip()
            names[name.lower()] = (name, opd.short_name)
    return names


@dataclass(frozen=True)
class Token:
    """One word as the citizen wrote it (``surface``), as Indonesian
    (``word``) and its root (``stem``)."""

    surface: str
    word: str
    stem: str
    # "diangkut" of a reduplicated "diangkut2"; otherwise the word itself.
    base: str = ""


def strip_accents(text: str) -> str:
    """Lower-case ``text`` and drop diacritics, emoji and other symbols."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    kept = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category == "Mn":
            continue
        # Emoji and pictographs (So) become spaces so they split words.
        kept.append(char if char.isascii() else " ")
    return "".join(kept)


@functools.lru_cache(maxsize=50_000)
def unstretch(word: str) -> str:
    """ "rusaaak" -> "rusak", "maaaf" -> "maaf": letters typed three or more
    times become one, or two where only that makes a dictionary word."""
    if not STRETCHED.search(word):
        return word
    single = STRETCHED.sub(r"\1", word)
    double = STRETCHED.sub(r"\1\1", word)
    if single not in dictionary() and double in dictionary():
        return double
    return single


@functools.lru_cache(maxsize=50_000)
def banyumasan_suffix(word: str) -> str:
    """Banyumasan suffixes as Indonesian ones, when only that makes a known
    root: "diusulna" -> "diusulkan", "carane" -> "caranya"."""
    if len(word) < 5 or not word.isalpha() or stem(word) in dictionary():
        return word
    if word.endswith("na") and stem(word[:-2] + "kan") in dictionary():
        return word[:-2] + "kan"
    for suffix in ("ne", "e"):
        if word.endswith(suffix) and word[: -len(suffix)] in dictionary():
            return word[: -len(suffix)] + "nya"
    return word


def split_links(text: str) -> tuple[str, int]:
    """``text`` without its links, and how many there were."""
    found = URL.findall(text)
    return URL.sub(" ", text), len(found)


@functools.lru_cache(maxsize=20_000)
def _tokens(text: str) -> tuple[Token, ...]:
    cleaned, _links = split_links(strip_accents(text))
    tokens: list[Token] = []
    for raw in TOKEN.findall(cleaned):
        if raw == "'":
            continue
        surface = raw
        word = unstretch(raw)
        doubled = REDUPLICATED.match(word)
        if doubled:
            word = "{0}-{0}".format(doubled.group(1))
        base = word
        if doubled:
            base = doubled.group(1)
        elif word not in lexicon():
            word = base = banyumasan_suffix(word)
        for part in lexicon().get(word, (word,)):
            tokens.append(
                Token(
                    surface=surface,
                    word=part,
                    stem=_stem(part),
                    base=base if part == word else part,
                )
            )
    return tuple(tokens)


def tokens(text: str) -> tuple[Token, ...]:
    """The words of ``text``, normalised and stemmed, in order."""
    return _tokens(text or "")


def _stem(word: str) -> str:
    if not word.isalpha() and "-" not in word:
        return word
    return stem(word)


def normalise(text: str) -> str:
    """``text`` as the classifier reads it: normalised Indonesian words."""
    return " ".join(token.word for token in tokens(text))


@functools.lru_cache(maxsize=20_000)
def content_stems(text: str) -> frozenset[str]:
    """The stems that say what a message is about: no stop words, no
    one-letter words."""
    stop = stopwords()
    return frozenset(
        token.stem
        for token in tokens(text)
        if token.word not in stop and token.stem not in stop and len(token.stem) > 1
    )


def find_kecamatan(items: Iterable[Token]) -> tuple[str, str] | None:
    """The kecamatan named in the text as (name, OPD short name), preferring
    one written after "kec."/"kecamatan"."""
    names = kecamatan_names()
    items = list(items)
    first = None
    for index, token in enumerate(items):
        found = names.get(token.word)
        if not found:
            continue
        marked = index > 0 and items[index - 1].word in KECAMATAN_MARKERS
        if marked:
            return found
        if first is None and token.word not in AMBIGUOUS_KECAMATAN:
            first = found
    return first


def find_desa(items: Iterable[Token]) -> str | None:
    """The desa or kelurahan written after "desa"/"ds."/"kel.", lower-case."""
    items = list(items)
    for index, token in enumerate(items[:-1]):
        if token.surface in DESA_MARKERS or token.word in DESA_MARKERS:
            following = items[index + 1].word
            if following.isalpha() and following not in stopwords():
                return following
    return None
