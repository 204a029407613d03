"""The realistic mixed run of ``make bench`` (issue 20): traffic that looks
like visitors, with a staff client editing the catalogue meanwhile.

The fixed-list runs of bench/catalogue.py repeat 30 queries and 1,000 items,
so nearly every request is a hit of the visitors' cache. Here anonymous
visitors (no cookies) draw their pages at random, in the proportions of
``MIX``: searches drawn with a Zipf distribution from more than 10,000
distinct queries built from the words of the seeded catalogue (one to three
words, a share of them misspelt), item pages drawn uniformly from every
public item, category and OPD pages, the home page and the public API. An
OPD admin saves one public item a second through the real edit form, as a
browser does (GET the form, POST it back with its CSRF token); every save
is a change the cache must follow.

The client is this module: threads, one closed loop each, and one TCP
connection a request (gunicorn's sync workers close every connection, as
they do for wrk). It measures the trivial view with the same client in the
same run, so the ratio is fair to a client slower than wrk, and it reports
its own CPU share. It counts the ``X-Cache: hit`` / ``X-Cache: miss`` header
of the visitors' cache for the hit rate; without that header the hit rate
is unknown, and said so.

The first section (Zipf sampler, misspellings, query generation, the mix)
is pure and tested in tests/bench/; the rest needs Django set up by the
harness of bench/load.py.
"""

from __future__ import annotations

import bisect
import datetime
import math
import os
import random
import re
import socket
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import accumulate
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

# --- What the visitors ask for --------------------------------------------------

# Shares of the visitors' requests by page kind. Most visits to a public
# catalogue land on one item (from a search engine or a shared link); the
# site's own search comes next; browsing by category or by OPD, the home
# page and the API (open-data users and integrators) share the rest.
MIX: tuple[tuple[str, float], ...] = (
    ("item", 0.38),
    ("search", 0.26),
    ("category", 0.08),
    ("opd items", 0.05),
    ("opd profile", 0.05),
    ("opd dip", 0.02),
    ("home", 0.04),
    ("api search", 0.06),
    ("api list", 0.06),
)
# What each kind requests (the first page most of the time; see path()).
KIND_PATHS = {
    "item": "/informasi/<public item>/",
    "search": "/informasi/?q=<Zipf query>[&page=2]",
    "category": "/informasi/?category=<public category>[&page=2..5]",
    "opd items": "/informasi/?opd=<slug>",
    "opd profile": "/perangkat-daerah/<slug>/",
    "opd dip": "/perangkat-daerah/<slug>/dip/",
    "home": "/",
    "api search": "/api/v1/information/?q=<Zipf query>",
    "api list": "/api/v1/information/[?page=2..5]",
}
QUERY_COUNT = 12_000
MIN_DISTINCT_QUERIES = 10_000
# Query logs follow Zipf's law with an exponent near 1.
ZIPF_S = 1.0
# Share of the distinct queries with one typo; the most popular 1 % are
# spelt right (a typo is rarely a popular query).
MISSPELT_SHARE = 0.10
# One, two and three words.
LENGTH_WEIGHTS = (0.35, 0.45, 0.20)
# The summaries of this many items feed the vocabulary (titles: all).
SUMMARY_SAMPLE = 20_000

# The run: c = 8 as the targets, a warm-up not counted, one save a
# second by the staff client, and the trivial view with the same client
# before and after (FLOOR_S each, after FLOOR_WARMUP_S).
CONNECTIONS = 8
DURATION_S = 60
WARMUP_S = 5
FLOOR_S = 10
FLOOR_WARMUP_S = 2
EDITS_PER_SECOND = 1.0
# The client gives up on an answer after this long, as wrk at c = 8.
TIMEOUT_S = 10.0


def _check_mix(mix: Sequence[tuple[str, float]]) -> None:
    total = sum(share for _, share in mix)
    if abs(total - 1.0) > 1e-9:
        raise ValueError("the shares of the mix add up to {}, not 1".format(total))


_check_mix(MIX)


class ZipfSampler:
    """Ranks 0 … n-1 drawn with P(rank k) ∝ 1 / (k + 1)^s.

    Inverse transform over the cumulative weights: one uniform draw and a
    binary search, cheap enough for the client's hot loop.
    """

    def __init__(self, n: int, s: float = ZIPF_S) -> None:
        if n < 1:
            raise ValueError("a Zipf sampler needs at least one rank")
        self.n = n
        self.s = s
        self.cumulative = list(accumulate(1.0 / (k**s) for k in range(1, n + 1)))

    def probability(self, rank: int) -> float:
        """The share of draws that fall on ``rank``."""
        return (1.0 / ((rank + 1) ** self.s)) / self.cumulative[-1]

    def __call__(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])


class KindPicker:
    """Page kinds drawn in the shares of a mix."""

    def __init__(self, mix: Sequence[tuple[str, float]] = MIX) -> None:
        _check_mix(mix)
        self.kinds = [kind for kind, _ in mix]
        self.cumulative = list(accumulate(share for _, share in mix))

    def __call__(self, rng: random.Random) -> str:
        index = bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        return self.kinds[min(index, len(self.kinds) - 1)]


def misspell(word: str, rng: random.Random) -> str:
    """``word`` with one typo: a dropped, a doubled or two swapped letters.

    The first letter stays (people rarely get it wrong, and the portal's
    suggestions look words up by their first letters); words shorter than
    four letters are returned unchanged. The result always differs.
    """
    if len(word) < 4:
        return word
    operation = rng.choice(("drop", "swap", "double"))
    if operation == "swap":
        places = [i for i in range(1, len(word) - 1) if word[i] != word[i + 1]]
        if places:
            i = rng.choice(places)
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        operation = "drop"
    i = rng.randrange(1, len(word) - 1)
    if operation == "double":
        return word[: i + 1] + word[i:]
    return word[:i] + word[i + 1 :]


def misspell_query(query: str, rng: random.Random) -> str | None:
    """``query`` with a typo in one of its words, or None if no word is long
    enough to have one."""
    words = query.split(" ")
    places = [i for i, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    if not places:
        return None
    i = rng.choice(places)
    words[i] = misspell(words[i], rng)
    return " ".join(words)


_SENTENCE = re.compile(r"[.,;:!?()\[\]\"/]+")
_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def tokens(text: str) -> list[list[str]]:
    """The lower-cased words of ``text``, one list a sentence or clause
    (a typed phrase does not run across a full stop)."""
    return [
        _TOKEN.findall(part)
        for part in _SENTENCE.split(text.lower())
        if part and not part.isspace()
    ]


def _usable(word: str, stop_words: frozenset[str]) -> bool:
    if word.isdigit():
        return len(word) == 4  # a year
    return len(word) >= 3 and word not in stop_words


def ngram_counts(
    texts: Iterable[str],
    stop_words: frozenset[str] = frozenset(),
    weight: int = 1,
    counts: list[Counter[str]] | None = None,
) -> list[Counter[str]]:
    """How often each run of one, two and three words occurs in ``texts``
    (each occurrence counted ``weight`` times, added to ``counts``).

    A run neither starts nor ends with a stop word or a number other than a
    year, and has no word shorter than three letters: what a visitor types.
    """
    if counts is None:
        counts = [Counter(), Counter(), Counter()]
    for text in texts:
        for sentence in tokens(text):
            ok = [_usable(word, stop_words) for word in sentence]
            for i, word in enumerate(sentence):
                if not ok[i] or word.isdigit():
                    continue
                counts[0][word] += weight
                for n in (2, 3):
                    end = i + n
                    if end > len(sentence):
                        break
                    run = sentence[i:end]
                    if not ok[end - 1] or any(
                        len(w) < 3 and not w.isdigit() for w in run
                    ):
                        continue
                    counts[n - 1][" ".join(run)] += weight
    return counts


def build_queries(
    titles: Iterable[str],
    count: int,
    rng: random.Random,
    *,
    other_texts: Iterable[str] = (),
    title_weight: int = 3,
    stop_words: frozenset[str] = frozenset(),
    misspelt_share: float = MISSPELT_SHARE,
    length_weights: Sequence[float] = LENGTH_WEIGHTS,
) -> tuple[list[str], list[bool]]:
    """Up to ``count`` distinct queries in Zipf rank order (the most popular
    first), and which of them are misspelt.

    The candidates are the most frequent runs of one to three words (each
    query's length drawn with ``length_weights``), a run in a title counting
    ``title_weight`` times one in ``other_texts``: phrases visitors could
    type and find something with. Their popularity is then drawn at random
    (a seeded shuffle), not taken from their frequency: in the seeded
    catalogue the most frequent runs are its templates' boilerplate
    ("kabupaten purbalingga", a kecamatan's name), which match nearly every
    item and are not what people search for most. Then ``misspelt_share``
    of the ranks below the top 1 % get a typo (a new, distinct query).
    Fewer than ``count`` come back when the texts hold fewer runs.
    """
    counts = ngram_counts(titles, stop_words, title_weight)
    ngram_counts(other_texts, stop_words, 1, counts)
    by_length: list[list[str]] = []
    for counter in counts:
        runs = list(counter)
        # Ties are broken at random (seeded), not by the order of the texts.
        rng.shuffle(runs)
        runs.sort(key=lambda run: counter[run], reverse=True)
        by_length.append(runs)
    positions = [0, 0, 0]
    queries: list[str] = []
    lengths = [0, 1, 2]
    while len(queries) < count:
        wanted = rng.choices(lengths, weights=length_weights)[0]
        # An exhausted length hands over to the next one that has runs left.
        for length in [wanted, *[n for n in lengths if n != wanted]]:
            if positions[length] < len(by_length[length]):
                queries.append(by_length[length][positions[length]])
                positions[length] += 1
                break
        else:
            break
    rng.shuffle(queries)
    typos = [False] * len(queries)
    seen = set(queries)
    top = max(1, len(queries) // 100)
    for rank in range(top, len(queries)):
        if rng.random() >= misspelt_share:
            continue
        typo = misspell_query(queries[rank], rng)
        if typo is not None and typo not in seen:
            seen.discard(queries[rank])
            seen.add(typo)
            queries[rank] = typo
            typos[rank] = True
    return queries, typos


def percentile(sorted_values: Sequence[float], p: float) -> float | None:
    """The nearest-rank ``p``-th percentile of values sorted ascending."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


# --- The client ----------------------------------------------------------------------


@dataclass
class Answer:
    """One HTTP response, read to the end."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key == name:
                return value
        return None

    def all(self, name: str) -> list[str]:
        name = name.lower()
        return [value for key, value in self.headers if key == name]


def http(
    host: str,
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    timeout: float = 10.0,
) -> Answer:
    """One request on a connection of its own (``Connection: close``), read
    until the server closes it: gunicorn's sync workers close it anyway."""
    lines = [
        "{} {} HTTP/1.1".format(method, path),
        "Host: {}:{}".format(host, port),
        "User-Agent: bench-realistic",
        "Accept-Encoding: identity",
        "Connection: close",
    ]
    for key, value in (headers or {}).items():
        lines.append("{}: {}".format(key, value))
    if body or method == "POST":
        lines.append("Content-Length: {}".format(len(body)))
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    chunks = []
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(request)
        while True:
            data = sock.recv(262_144)
            if not data:
                break
            chunks.append(data)
    raw = b"".join(chunks)
    head, _, payload = raw.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/"):
        raise OSError("not an HTTP answer")
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split(" ", 2)[1])
    parsed = []
    for line in head_lines[1:]:
        key, _, value = line.partition(":")
        parsed.append((key.strip().lower(), value.strip()))
    return Answer(status, parsed, payload)


# --- The traffic -------------------------------------------------------------------


@dataclass
class Traffic:
    """What the visitors ask for: queries by Zipf rank, every public item,
    the OPDs with public items, the public categories."""

    queries: list[str]
    item_ids: list[int]
    opd_slugs: list[str]
    categories: list[str]
    # Which queries hold a word the catalogue does not.
    typos: list[bool] = field(default_factory=list)
    zipf: ZipfSampler = field(init=False)

    def __post_init__(self) -> None:
        self.zipf = ZipfSampler(len(self.queries))

    def query(self, rng: random.Random) -> str:
        return quote_plus(self.queries[self.zipf(rng)])

    def path(self, kind: str, rng: random.Random) -> str:
        """A path of ``kind``; later pages of a list now and then."""
        if kind == "item":
            return "/informasi/{}/".format(rng.choice(self.item_ids))
        if kind == "search":
            page = "&page=2" if rng.random() < 0.10 else ""
            return "/informasi/?q={}{}".format(self.query(rng), page)
        if kind == "category":
            page = "" if rng.random() < 0.70 else "&page={}".format(rng.randint(2, 5))
            return "/informasi/?category={}{}".format(rng.choice(self.categories), page)
        if kind == "opd items":
            return "/informasi/?opd={}".format(rng.choice(self.opd_slugs))
        if kind == "opd profile":
            return "/perangkat-daerah/{}/".format(rng.choice(self.opd_slugs))
        if kind == "opd dip":
            return "/perangkat-daerah/{}/dip/".format(rng.choice(self.opd_slugs))
        if kind == "home":
            return "/"
        if kind == "api search":
            return "/api/v1/information/?q={}".format(self.query(rng))
        if kind == "api list":
            if rng.random() < 0.60:
                return "/api/v1/information/"
            return "/api/v1/information/?page={}".format(rng.randint(2, 5))
        raise ValueError(kind)

    def misspelt_request_share(self) -> float:
        """The share of search requests whose query holds a typo."""
        return sum(
            self.zipf.probability(r) for r, typo in enumerate(self.typos) if typo
        )


def accept(kind: str) -> str:
    return "application/json" if kind.startswith("api") else "text/html,*/*;q=0.8"


def load_traffic(seed: int, log: Callable[[str], None]) -> Traffic:
    """Queries, items, OPDs and categories from the seeded catalogue."""
    from ppid.catalogue.analysis import STOP_WORDS
    from ppid.catalogue.models import PUBLIC_CATEGORIES, InformationItem

    began = time.monotonic()
    public = InformationItem.objects.public().order_by("pk")
    rows = list(public.values_list("pk", "title", "opd__slug"))
    rng = random.Random(seed)  # nosec B311 # sampling, not a secret
    sample = rng.sample([pk for pk, _, _ in rows], min(SUMMARY_SAMPLE, len(rows)))
    summaries = list(
        InformationItem.objects.filter(pk__in=sample)
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    queries, typos = build_queries(
        [title for _, title, _ in rows],
        QUERY_COUNT,
        rng,
        other_texts=summaries,
        stop_words=STOP_WORDS,
    )
    if len(queries) < MIN_DISTINCT_QUERIES:
        raise ValueError(
            "the catalogue yields {} distinct queries, fewer than {}".format(
                len(queries), MIN_DISTINCT_QUERIES
            )
        )
    traffic = Traffic(
        queries=queries,
        item_ids=[pk for pk, _, _ in rows],
        opd_slugs=sorted({slug for _, _, slug in rows}),
        categories=[c.value for c in PUBLIC_CATEGORIES],
        typos=typos,
    )
    log(
        "Realistic traffic: {} distinct queries (one/two/three words: {}), {} "
        "misspelt ({:.1%} of searches by Zipf weight); the five most popular: {}; "
        "{} public items, {} OPDs; built in {:.1f} s.".format(
            len(queries),
            "/".join(
                str(sum(1 for q in queries if q.count(" ") == n)) for n in range(3)
            ),
            sum(typos),
            traffic.misspelt_request_share(),
            ", ".join(repr(q) for q in queries[:5]),
            len(traffic.item_ids),
            len(traffic.opd_slugs),
            time.monotonic() - began,
        )
    )
    return traffic


# --- The staff client ----------------------------------------------------------------


class FormReader(HTMLParser):
    """The fields of every POST form of a page, as a browser would send
    them without a change (files left empty)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = [] if a.get("method", "get").lower() == "post" else None
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("file", "submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.append(
                (name, a.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and name and "disabled" not in a:
            self._select, self._select_value, self._select_first = name, None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._select_value = value
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            value = self._select_value
            if value is None:
                value = self._select_first or ""
            self._form.append((self._select, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            text = "".join(self._text)
            self._form.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """``fields`` as a browser sends a form with a file input."""
    boundary = "----bench{}".format(uuid.uuid4().hex)
    parts = []
    for name, value in fields:
        parts.append(
            '--{}\r\nContent-Disposition: form-data; name="{}"\r\n\r\n'.format(
                boundary, name
            ).encode()
            + value.encode()
            + b"\r\n"
        )
    body = b"".join(parts) + "--{}--\r\n".format(boundary).encode()
    return body, "multipart/form-data; boundary={}".format(boundary)


def toggled_summary(summary: str) -> str:
    """The summary with its final full stop taken off or put back: a real
    save of a content field (the item's date of update, its search text and
    its change log move) that leaves its words, hence search results and
    vocabulary, as they were."""
    stripped = summary.rstrip()
    return stripped[:-1] if stripped.endswith(".") else stripped + "."


@dataclass
class EditLog:
    """What the staff client did."""

    planned: int = 0
    done: int = 0
    failed: list[str] = field(default_factory=list)
    form_s: list[float] = field(default_factory=list)
    save_s: list[float] = field(default_factory=list)
    edited: list[int] = field(default_factory=list)
    done_measured: int = 0


class Editor(threading.Thread):
    """An OPD admin saving one public item of its OPD every ``1 / rate`` s
    through the item form (dasbor/informasi/<pk>/ubah/), each item once."""

    def __init__(
        self,
        host: str,
        port: int,
        session_cookie: str,
        item_ids: list[int],
        rate: float = EDITS_PER_SECOND,
    ) -> None:
        super().__init__(name="bench-editor", daemon=True)
        self.host, self.port = host, port
        self.cookie = session_cookie
        self.items = list(item_ids)
        self.interval = 1.0 / rate
        # The measured window (perf_counter), set by drive().
        self.window = (0.0, 0.0)
        self.stop = threading.Event()
        self.log = EditLog()

    def run(self) -> None:
        began = time.perf_counter()
        k = 0
        while not self.stop.is_set() and self.items:
            due = began + k * self.interval
            wait = due - time.perf_counter()
            if wait > 0 and self.stop.wait(wait):
                break
            if time.perf_counter() - due > self.interval:
                # Too far behind (slow saves): start the schedule again
                # rather than saving in a burst.
                began, k = time.perf_counter(), 0
            k += 1
            pk = self.items.pop()
            self.log.planned += 1
            self.log.edited.append(pk)
            started = time.perf_counter()
            try:
                self.edit(pk)
            except Exception as exc:  # a failed save is reported, not fatal
                self.log.failed.append("{}: {!r}".format(pk, exc))
                continue
            self.log.done += 1
            if self.window[0] <= started < self.window[1]:
                self.log.done_measured += 1

    def edit(self, pk: int) -> None:
        path = "/dasbor/informasi/{}/ubah/".format(pk)
        began = time.perf_counter()
        page = http(self.host, self.port, "GET", path, {"Cookie": self.cookie})
        self.log.form_s.append(time.perf_counter() - began)
        if page.status != 200:
            raise ValueError("the form answered {}".format(page.status))
        reader = FormReader()
        reader.feed(page.body.decode("utf-8", "replace"))
        form = next(
            (f for f in reader.forms if any(n == "summary" for n, _ in f)), None
        )
        if form is None:
            raise ValueError("no item form on the page")
        csrf = None
        for value in page.all("set-cookie"):
            name, _, rest = value.partition("=")
            if name.strip() == "csrftoken":
                csrf = rest.split(";", 1)[0]
        fields = [
            (name, toggled_summary(value) if name == "summary" else value)
            for name, value in form
        ]
        body, content_type = multipart(fields)
        cookie = self.cookie + ("; csrftoken={}".format(csrf) if csrf else "")
        began = time.perf_counter()
        saved = http(
            self.host,
            self.port,
            "POST",
            path,
            {"Cookie": cookie, "Content-Type": content_type},
            body,
        )
        self.log.save_s.append(time.perf_counter() - began)
        location = saved.header("location") or ""
        if saved.status != 302 or "/informasi/{}/".format(pk) not in location:
            raise ValueError(
                "the save answered {} {}".format(saved.status, location or "")
            )


def editable_items(opd: Any, count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` public items of ``opd`` an OPD admin may edit, with what
    restore_items() puts back."""
    from ppid.catalogue.models import Category, InformationItem

    rows = list(
        InformationItem.objects.public()
        .filter(opd=opd, status=InformationItem.Status.PUBLISHED)
        .exclude(category=Category.DIKECUALIKAN)
        .order_by("pk")
        .values("pk", "summary", "last_updated_at", "updated_at")
    )
    rng = random.Random(seed)  # nosec B311 # sampling, not a secret
    return rng.sample(rows, min(count, len(rows)))


def restore_items(
    originals: list[dict[str, Any]], edited: list[int], actor: Any
) -> None:
    """Put the edited items back as they were: summary, dates, search text,
    and no change-log rows of the bench account (the shared bench data must
    not drift from run to run)."""
    from django.db import transaction

    from ppid.catalogue.cache import bump_catalogue_version
    from ppid.catalogue.models import InformationItem, ItemChange
    from ppid.catalogue.search import refresh_search_vectors

    touched = set(edited)
    rows = [row for row in originals if row["pk"] in touched]
    with transaction.atomic():
        for row in rows:
            InformationItem.objects.filter(pk=row["pk"]).update(
                summary=row["summary"],
                last_updated_at=row["last_updated_at"],
                updated_at=row["updated_at"],
            )
        ItemChange.objects.filter(actor=actor).delete()
        refresh_search_vectors(InformationItem.objects.filter(pk__in=touched))
        bump_catalogue_version()


# --- Load ----------------------------------------------------------------------------


@dataclass
class KindStats:
    """Answers of one page kind."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    cache: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)

    def merge(self, other: KindStats) -> None:
        self.latencies.extend(other.latencies)
        self.statuses.update(other.statuses)
        self.cache.update(other.cache)
        self.errors.update(other.errors)


def _visitor(
    host: str,
    port: int,
    traffic: Traffic | None,
    picker: KindPicker,
    seed: int,
    window: tuple[float, float],
    stop: threading.Event,
    *,
    out: dict[str, KindStats],
) -> None:
    rng = random.Random(seed)  # nosec B311 # traffic, not a secret
    while not stop.is_set():
        if traffic is None:
            kind, path = "floor", "/bench-floor/"
        else:
            kind = picker(rng)
            path = traffic.path(kind, rng)
        started = time.perf_counter()
        try:
            answer = http(
                host, port, "GET", path, {"Accept": accept(kind)}, timeout=TIMEOUT_S
            )
        except TimeoutError:
            error = "timeout"
            answer = None
        except Exception as exc:  # counted; a visitor never stops early
            error = type(exc).__name__
            answer = None
        took = time.perf_counter() - started
        if not window[0] <= started < window[1]:
            if started >= window[1]:
                return
            continue
        stats = out.setdefault(kind, KindStats())
        if answer is None:
            stats.errors[error] += 1
            continue
        stats.latencies.append(took)
        stats.statuses[answer.status] += 1
        state = answer.header("x-cache")
        if state is not None:
            stats.cache[state.lower()] += 1


def _cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU of processes (from /proc; 0 for those gone)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path("/proc/{}/stat".format(pid)).read_text().rsplit(")", 1)[1]
        except OSError:
            continue
        parts = fields.split()
        total += int(parts[11]) + int(parts[12])
    return total / ticks


def drive(
    base: str,
    traffic: Traffic | None,
    seconds: float,
    warmup: float,
    connections: int,
    seed: int,
    server_pids: Sequence[int] = (),
    editor: Editor | None = None,
) -> dict[str, Any]:
    """``connections`` visitors for ``warmup`` + ``seconds``, and ``editor``
    meanwhile; the answers of the measured window by kind, the client's and
    the server's CPU. Without ``traffic`` the visitors ask for the trivial
    view only."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    picker = KindPicker()
    now = time.perf_counter()
    window = (now + warmup, now + warmup + seconds)
    stop = threading.Event()
    outs: list[dict[str, KindStats]] = [{} for _ in range(connections)]
    threads = [
        threading.Thread(
            target=_visitor,
            args=(host, int(port), traffic, picker, seed * 1000 + i, window, stop),
            kwargs={"out": outs[i]},
            daemon=True,
        )
        for i in range(connections)
    ]
    if editor is not None:
        editor.window = window
        editor.start()
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, window[0] - time.perf_counter()))
    cpu_before, server_before = os.times(), _cpu_seconds(server_pids)
    wall_before = time.perf_counter()
    time.sleep(max(0.0, window[1] - time.perf_counter()))
    cpu_after, server_after = os.times(), _cpu_seconds(server_pids)
    wall = time.perf_counter() - wall_before
    # Visitors stop by themselves at their first request past the window;
    # one still waiting for an answer gets its timeout.
    stop.set()
    if editor is not None:
        editor.stop.set()
    for thread in threads:
        thread.join(TIMEOUT_S + 5)
    if editor is not None:
        editor.join(TIMEOUT_S * 2 + 5)
    merged: dict[str, KindStats] = {}
    for out in outs:
        for kind, stats in out.items():
            merged.setdefault(kind, KindStats()).merge(stats)
    client_cpu = (cpu_after.user + cpu_after.system) - (
        cpu_before.user + cpu_before.system
    )
    return {
        "kinds": merged,
        "seconds": seconds,
        "wall_s": wall,
        "client_cpu_share": client_cpu / wall if wall else None,
        "server_cpu_share": (server_after - server_before) / wall if wall else None,
    }


def summarise(stats: KindStats, seconds: float) -> dict[str, Any]:
    """Counts, throughput, latency percentiles (ms) and the cache's answers."""
    values = sorted(stats.latencies)
    answered = len(values)
    non_200 = answered - stats.statuses.get(200, 0)
    hits, misses = stats.cache.get("hit", 0), stats.cache.get("miss", 0)
    p50, p95, p99 = (percentile(values, p) for p in (50, 95, 99))
    return {
        "requests": answered + sum(stats.errors.values()),
        "answered": answered,
        "rps": answered / seconds if seconds else 0.0,
        "p50_ms": p50 * 1000 if p50 is not None else None,
        "p95_ms": p95 * 1000 if p95 is not None else None,
        "p99_ms": p99 * 1000 if p99 is not None else None,
        "mean_ms": statistics.fmean(values) * 1000 if values else None,
        "non_200": non_200,
        "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
        "errors": dict(stats.errors),
        "cache_hits": hits,
        "cache_misses": misses,
        "hit_rate": hits / (hits + misses) if hits + misses else None,
    }


def ms_stats(values: list[float]) -> dict[str, float | None]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": (percentile(ordered, 50) or 0) * 1000 if ordered else None,
        "p95_ms": (percentile(ordered, 95) or 0) * 1000 if ordered else None,
    }


# --- Gunicorn's workers ------------------------------------------------------------


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def _kb(path: Path, key: str) -> int | None:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def worker_memory(master_pid: int) -> list[dict[str, Any]]:
    """RSS (and PSS, which shares the common pages out) of each worker."""
    rows = []
    for pid in children(master_pid):
        rss = _kb(Path("/proc/{}/status".format(pid)), "VmRSS")
        pss = _kb(Path("/proc/{}/smaps_rollup".format(pid)), "Pss")
        if rss is None:
            continue
        rows.append(
            {
                "pid": pid,
                "rss_mb": rss / 1024,
                "pss_mb": pss / 1024 if pss is not None else None,
            }
        )
    return rows


def now_utc() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


# --- The run and its report --------------------------------------------------------


def run(
    base: str,
    server_pid: int,
    traffic: Traffic,
    admin: Any,
    admin_cookie: str,
    seconds: float,
    seed: int,
    log: Callable[[str], None],
    wrk_floor: Callable[[], float] | None = None,
) -> dict[str, Any]:
    """The trivial view, the mixed run with the staff client's saves, the
    trivial view again; then the workers' memory. The edited items are put
    back whatever happens. ``wrk_floor`` measures the trivial view with wrk
    for comparison with this client."""
    from django.core.cache import cache
    from django.db import connections

    host, port = base.removeprefix("http://").rsplit(":", 1)
    workers = children(server_pid)
    log(
        "Realistic run: trivial view with the same client ({} s + {} s warm-up, "
        "c={}) ...".format(FLOOR_S, FLOOR_WARMUP_S, CONNECTIONS)
    )
    floor_before = drive(
        base, None, FLOOR_S, FLOOR_WARMUP_S, CONNECTIONS, seed, workers
    )
    planned = math.ceil((seconds + WARMUP_S) * EDITS_PER_SECOND) + 5
    originals = editable_items(admin.opd, planned, seed)
    if len(originals) < planned:
        log(
            "Warning: {} has {} editable public items for {} saves; the staff "
            "client stops when they are used up.".format(
                admin.opd.slug, len(originals), planned
            )
        )
    editor = Editor(host, int(port), admin_cookie, [row["pk"] for row in originals])
    # Every run starts from an empty visitors' cache; the warm-up fills it.
    cache.clear()
    connections.close_all()
    log(
        "Realistic run: mixed traffic, {} s + {} s warm-up at c={}, {} save(s) "
        "a second by {} ...".format(
            seconds, WARMUP_S, CONNECTIONS, EDITS_PER_SECOND, admin.username
        )
    )
    try:
        mixed = drive(
            base, traffic, seconds, WARMUP_S, CONNECTIONS, seed, workers, editor
        )
    finally:
        editor.stop.set()
        editor.join(TIMEOUT_S * 2 + 5)
        restore_items(originals, editor.log.edited, admin)
    log("Realistic run: trivial view again ...")
    floor_after = drive(
        base, None, FLOOR_S, FLOOR_WARMUP_S, CONNECTIONS, seed + 1, workers
    )
    memory = worker_memory(server_pid)
    result = report(traffic, floor_before, mixed, floor_after, editor.log, memory)
    if wrk_floor is not None:
        log("Realistic run: trivial view with wrk, for comparison ...")
        result["floor"]["wrk_rps"] = wrk_floor()
    return result


def report(
    traffic: Traffic,
    floor_before: dict[str, Any],
    mixed: dict[str, Any],
    floor_after: dict[str, Any],
    edits: EditLog,
    memory: list[dict[str, Any]],
) -> dict[str, Any]:
    """The figures of a realistic run, as written to the JSON."""
    floors = [
        summarise(f["kinds"].get("floor", KindStats()), f["seconds"])
        for f in (floor_before, floor_after)
    ]
    floor_rps = statistics.fmean(f["rps"] for f in floors)
    kinds = {
        kind: summarise(mixed["kinds"][kind], mixed["seconds"])
        for kind, _ in MIX
        if kind in mixed["kinds"]
    }
    everything = KindStats()
    for stats in mixed["kinds"].values():
        everything.merge(stats)
    overall = summarise(everything, mixed["seconds"])
    overall["ratio_to_floor"] = overall["rps"] / floor_rps if floor_rps else None
    return {
        "mix": dict(MIX),
        "paths": KIND_PATHS,
        "connections": CONNECTIONS,
        "duration_s": mixed["seconds"],
        "warmup_s": WARMUP_S,
        "queries": {
            "distinct": len(traffic.queries),
            "zipf_s": ZIPF_S,
            "length_weights": list(LENGTH_WEIGHTS),
            "misspelt_distinct": sum(traffic.typos),
            "misspelt_request_share": traffic.misspelt_request_share(),
            "top": traffic.queries[:20],
        },
        "public_items": len(traffic.item_ids),
        "opds": len(traffic.opd_slugs),
        "floor": {
            "rps": floor_rps,
            "runs": floors,
            "client_cpu_share": [
                f["client_cpu_share"] for f in (floor_before, floor_after)
            ],
            "server_cpu_share": [
                f["server_cpu_share"] for f in (floor_before, floor_after)
            ],
        },
        "kinds": kinds,
        "overall": overall,
        # None: no answer carried the X-Cache header (the hit rate is unknown).
        "hit_rate": overall["hit_rate"],
        "client_cpu_share": mixed["client_cpu_share"],
        "server_cpu_share": mixed["server_cpu_share"],
        "edits": {
            "rate_per_s": EDITS_PER_SECOND,
            "planned": edits.planned,
            "done": edits.done,
            "done_in_window": edits.done_measured,
            "failed": len(edits.failed),
            "failures": edits.failed[:10],
            "form": ms_stats(edits.form_s),
            "save": ms_stats(edits.save_s),
            "how": "HTTP: GET dasbor/informasi/<pk>/ubah/, POST the form back "
            "(multipart, CSRF token) with the summary's final full stop toggled",
        },
        "workers": memory,
        "finished_at": now_utc(),
    }


def _fmt(value: float | None, spec: str = "{:8.1f}") -> str:
    width = len(spec.format(0.0))
    return "{:>{}}".format("n/a", width) if value is None else spec.format(value)


def hit_rate_text(result: dict[str, Any]) -> str:
    rate = result["hit_rate"]
    overall = result["overall"]
    if rate is None:
        return "unknown (no answer carried an X-Cache header)"
    return "{:.1%} ({} hits, {} misses; {} answers without the header)".format(
        rate,
        overall["cache_hits"],
        overall["cache_misses"],
        overall["answered"] - overall["cache_hits"] - overall["cache_misses"],
    )


def print_report(result: dict[str, Any], log: Callable[[str], None]) -> None:
    """The per-kind table, the ratio, the saves, the CPU shares and memory."""
    floor = result["floor"]["rps"]
    header = "{:<14} {:>6} {:>7} {:>8} {:>8} {:>8} {:>7} {:>8} {:>7}".format(
        "kind",
        "share",
        "done",
        "req/s",
        "p50 ms",
        "p95 ms",
        "×floor",
        "non-200",
        "hits",
    )
    log("")
    log(
        "Realistic mixed run (anonymous visitors at c={}, {:.0f} s after a {} s "
        "warm-up; one save a second by an OPD admin; queries: {} distinct, Zipf "
        "s={}, {:.1%} of searches misspelt):".format(
            result["connections"],
            result["duration_s"],
            result["warmup_s"],
            result["queries"]["distinct"],
            result["queries"]["zipf_s"],
            result["queries"]["misspelt_request_share"],
        )
    )
    log(header)
    log("-" * len(header))
    rows = [(kind, result["mix"][kind], r) for kind, r in result["kinds"].items()]
    rows.append(("all visitors", 1.0, result["overall"]))
    for kind, share, r in rows:
        hits = "{:.0%}".format(r["hit_rate"]) if r["hit_rate"] is not None else "–"
        # One kind's req/s over the floor says little in a mix: only the
        # whole traffic gets a ratio.
        ratio = r.get("ratio_to_floor")
        log(
            "{:<14} {:>5.0%} {:>7} {:>8.1f} {} {} {:>7} {:>8} {:>7}".format(
                kind,
                share,
                r["answered"],
                r["rps"],
                _fmt(r["p50_ms"]),
                _fmt(r["p95_ms"]),
                "{:.3f}".format(ratio) if ratio is not None else "",
                r["non_200"] + sum(r["errors"].values()),
                hits,
            )
        )
    log(
        "{:<14} {:>6} {:>7} {:>8.1f} {} {} {:>7.3f}".format(
            "floor (same)",
            "",
            sum(f["answered"] for f in result["floor"]["runs"]),
            floor,
            _fmt(statistics.fmean(f["p50_ms"] or 0 for f in result["floor"]["runs"])),
            _fmt(statistics.fmean(f["p95_ms"] or 0 for f in result["floor"]["runs"])),
            1.0,
        )
    )
    wrk_rps = result["floor"].get("wrk_rps")
    log(
        "floor = the trivial view with this client, mean of a run before and one "
        "after ({:.0f} and {:.0f} req/s{}); non-200 = other statuses + socket "
        "errors + timeouts ({:.0f} s); hits = X-Cache: hit among answers with "
        "the header.".format(
            result["floor"]["runs"][0]["rps"],
            result["floor"]["runs"][1]["rps"],
            "; wrk got {:.0f} req/s, so this client reaches {:.0%} of it".format(
                wrk_rps, floor / wrk_rps
            )
            if wrk_rps
            else "",
            TIMEOUT_S,
        )
    )
    log("Hit rate of the visitors' cache: {}".format(hit_rate_text(result)))
    e = result["edits"]
    log(
        "Saves by the staff client: {} done of {} tried ({} in the measured "
        "window), {} failed; form p50 {} ms p95 {} ms, save p50 {} ms p95 {} ms.".format(
            e["done"],
            e["planned"],
            e["done_in_window"],
            e["failed"],
            _fmt(e["form"]["p50_ms"], "{:.1f}"),
            _fmt(e["form"]["p95_ms"], "{:.1f}"),
            _fmt(e["save"]["p50_ms"], "{:.1f}"),
            _fmt(e["save"]["p95_ms"], "{:.1f}"),
        )
    )
    for failure in e["failures"][:3]:
        log("  failed save: {}".format(failure))
    cores = os.cpu_count() or 1
    log(
        "CPU: the client (this process) {} of one core during the mixed run, "
        "{} during the trivial view; gunicorn's workers {} and {} ({} cores).".format(
            _pct(result["client_cpu_share"]),
            "/".join(_pct(v) for v in result["floor"]["client_cpu_share"]),
            _pct(result["server_cpu_share"]),
            "/".join(_pct(v) for v in result["floor"]["server_cpu_share"]),
            cores,
        )
    )
    log(
        "Gunicorn workers after the run: {}".format(
            ", ".join(
                "pid {} RSS {:.0f} MB (PSS {})".format(
                    w["pid"],
                    w["rss_mb"],
                    "{:.0f} MB".format(w["pss_mb"])
                    if w["pss_mb"] is not None
                    else "n/a",
                )
                for w in result["workers"]
            )
            or "none found"
        )
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else "{:.0%}".format(value)
