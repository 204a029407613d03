"""The checks a role's walk runs on every page it visits (issue 18, point 7).

A page passes when it has no console error, page error or CSP violation; is
no wider than the viewport; shows none of the English words listed in
english_words.txt; has no same-origin link that answers 4xx/5xx for the
walking role; and axe-core finds no WCAG 2.1 A/AA violation on it.

Every check runs on every page and the problems are collected, not raised
one by one: a failing walk names all that is wrong with each page at once.
axe-core is vendored under vendor/ for these tests only (MPL-2.0, see its
LICENSE); the portal itself never serves it.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

from playwright.sync_api import Page, Response

from tests.e2e.conftest import watch_console

HERE = Path(__file__).parent
AXE_SCRIPT = HERE / "vendor" / "axe-core-4.14.1" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ENGLISH_WORDS = HERE / "english_words.txt"

# Redirects a link may take before it counts as broken.
MAX_REDIRECTS = 5
# A link check must not wait as long as a page: a slow link is a finding too.
LINK_TIMEOUT_MS = 15_000

# How wide the page is against the screen's width, and why: the elements
# that reach past its right edge, outermost first, leaving out what scrolls
# inside its own box. Compared with the screen, not with innerWidth alone:
# a phone zooms out to show a page that is too wide, and innerWidth (the
# visual viewport) grows with it, 1,139 px on a 390 px screen.
OVERFLOW = """(width) => {
  // Whether a box that scrolls or clips holds the element in. An absolutely
  // positioned element escapes the boxes up to its positioned ancestor:
  // Bootstrap's .visually-hidden text in a .table-responsive widens the page.
  const scrolls = (el) => {
    let position = getComputedStyle(el).position;
    if (position === 'fixed') {
      return false;
    }
    for (let node = el.parentElement; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (position === 'absolute' && style.position === 'static') {
        continue;
      }
      if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) {
        return true;
      }
      position = style.position;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).slice(0, 3).join('.') : '');
  const wide = [];
  if (Math.max(document.documentElement.scrollWidth, window.innerWidth) > width) {
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1 && !scrolls(el) &&
          !wide.some((outer) => outer.el.contains(el))) {
        wide.push({el: el, text: name(el) + ' right=' + Math.round(box.right)});
      }
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    innerWidth: window.innerWidth,
    wide: wide.slice(0, 5).map((found) => found.text),
  };
}"""

# Every entry of english_words.txt found in the visible text, with a little
# of the text around it.
ENGLISH = """(patterns) => {
  const text = document.body.innerText;
  const found = [];
  for (const [label, source] of patterns) {
    const pattern = new RegExp(source, 'gu');
    const seen = [];
    for (const match of text.matchAll(pattern)) {
      const start = Math.max(0, match.index - 30);
      const end = Math.min(text.length, match.index + match[0].length + 30);
      seen.push(text.slice(start, end).replace(/\\s+/g, ' ').trim());
      if (seen.length === 2) {
        break;
      }
    }
    if (seen.length) {
      found.push([label, seen]);
    }
  }
  return found;
}"""

LINKS = """() => Array.from(document.querySelectorAll('a[href]'), (a) => [
  a.href,
  (a.innerText || a.getAttribute('aria-label') || a.title || '')
    .replace(/\\s+/g, ' ').trim().slice(0, 40),
])"""

AXE_RUN = """async ([context, runOnly]) => {
  const results = await window.axe.run(context || document, {
    runOnly: runOnly,
    resultTypes: ['violations'],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(' '),
      summary: (n.failureSummary || '').replace(/\\s+/g, ' ').trim(),
    })),
  }));
}"""


@dataclasses.dataclass(frozen=True)
class Problem:
    page: str
    kind: str
    message: str

    def __str__(self) -> str:
        return "[{}] {}".format(self.kind, self.message)


@functools.cache
def english_patterns() -> tuple[tuple[str, str], ...]:
    """(label, JavaScript regular expression) for each listed entry."""
    patterns = []
    for raw in ENGLISH_WORDS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("re:"):
            patterns.append((line[3:], line[3:]))
            continue
        # Whole words only: a letter or digit on either side is another word
        # ("item" is not in "items", nor "Next" in "Nextcloud").
        escaped = re.escape(line).replace("\\ ", "\\s+")
        source = r"(?<![\p{L}\p{N}_])" + escaped + r"(?![\p{L}\p{N}_])"
        patterns.append((line, source))
    return tuple(patterns)


@functools.cache
def axe_source() -> str:
    # Evaluated through the DevTools protocol, which the portal's CSP (no
    # inline scripts) does not govern: an injected <script> tag would be
    # refused, and that refusal would itself be a console error.
    return AXE_SCRIPT.read_text(encoding="utf-8") + "\n;void 0;"


def axe_violations(
    page: Page, *, rules: list[str] | None = None, include: list[str] | None = None
) -> list[dict]:
    """What axe-core finds on the page: every WCAG 2.1 A/AA rule, or only
    ``rules``; on the whole document, or only within the ``include``
    selectors."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    run_only = (
        {"type": "rule", "values": rules}
        if rules
        else {"type": "tag", "values": AXE_TAGS}
    )
    context = {"include": [[selector] for selector in include]} if include else None
    return page.evaluate(AXE_RUN, [context, run_only])


def describe(violation: dict) -> str:
    """One axe violation in a line: the rule, and the first elements."""
    nodes = violation["nodes"]
    shown = "; ".join(
        "{} ({})".format(node["target"], node["summary"][:160]) for node in nodes[:3]
    )
    more = " and {} more".format(len(nodes) - 3) if len(nodes) > 3 else ""
    return "{} [{}]: {}{}".format(violation["help"], violation["impact"], shown, more)


class LinkBook:
    """The links a role has had answered, and which ones it will ask.

    ``kind`` names what a path is (its URL route); with ``per_kind`` set,
    only the first ``per_kind`` distinct links of each kind are requested:
    an evaluation month links to 47 OPDs' PDFs, XLSX and pages, and asking
    for each would cost a minute a walk while every kind is still tried.
    """

    def __init__(self, kind: Callable[[str], str] | None = None, per_kind: int = 0):
        self.kind = kind
        self.per_kind = per_kind
        self.statuses: dict[str, tuple[int, str]] = {}
        self._picked: dict[str, set[str]] = {}

    def wanted(self, url: str, path: str) -> bool:
        if self.kind is None or not self.per_kind:
            return True
        picked = self._picked.setdefault(self.kind(path), set())
        if url in picked:
            return True
        if len(picked) >= self.per_kind:
            return False
        picked.add(url)
        return True


class Walk:
    """A role walking through pages; ``visit`` checks each page it opens.

    ``links`` may be shared between walks of the same role (the desktop and
    the phone walk), so each link is requested once.
    """

    def __init__(
        self,
        page: Page,
        *,
        role: str,
        skip_paths: tuple[str, ...] = (),
        links: LinkBook | None = None,
        login_path: str = "",
    ) -> None:
        self.page = page
        self.role = role
        self.skip_paths = skip_paths
        self.login_path = login_path
        self.links = LinkBook() if links is None else links
        self.problems: list[Problem] = []
        self.visited: list[str] = []
        self._console = watch_console(page)
        self._console_seen = len(self._console)

    # -- walking -------------------------------------------------------

    def visit(self, path: str, *, status: int = 200) -> Response | None:
        """Open ``path`` and check the page it shows."""
        response = self.page.goto(path)
        answered = response.status if response is not None else 0
        if answered != status:
            self._add(
                "http", "{} answers {} (expected {})".format(path, answered, status)
            )
        self.check()
        return response

    def check(self) -> None:
        """Check the page now shown (after a visit, a click or a form)."""
        label = self._label()
        self.visited.append(label)
        self._check_width(label)
        self._check_words(label)
        self._check_axe(label)
        self._check_links(label)
        self._check_console(label)

    # -- the checks ----------------------------------------------------

    def _check_width(self, label: str) -> None:
        screen = self.page.viewport_size["width"]
        sizes = self.page.evaluate(OVERFLOW, screen)
        wide = max(sizes["scrollWidth"], sizes["clientWidth"], sizes["innerWidth"])
        if wide > screen:
            self._add(
                "width",
                "{} px wide on a {} px screen; past the edge: {}".format(
                    wide,
                    screen,
                    ", ".join(sizes["wide"]) or "?",
                ),
                label,
            )

    def _check_words(self, label: str) -> None:
        for word, seen in self.page.evaluate(ENGLISH, list(english_patterns())):
            self._add(
                "english",
                "“{}” in {}".format(word, " | ".join("“{}”".format(s) for s in seen)),
                label,
            )

    def _check_axe(self, label: str) -> None:
        for violation in axe_violations(self.page):
            self._add("axe " + violation["id"], describe(violation), label)

    def _check_links(self, label: str) -> None:
        here = urlsplit(self.page.url)
        origin = (here.scheme, here.netloc)
        page_url = urlunsplit(here._replace(fragment=""))
        for href, text in self.page.evaluate(LINKS):
            parts = urlsplit(href)
            if parts.scheme not in ("http", "https") or (
                (parts.scheme, parts.netloc) != origin
            ):
                continue
            if parts.path in self.skip_paths:
                continue
            url = urlunsplit(parts._replace(fragment=""))
            if url == page_url:
                # The page itself ("#top"): it has answered already.
                continue
            if not self.links.wanted(url, parts.path):
                continue
            if url not in self.links.statuses:
                self.links.statuses[url] = self._request(url)
            status, where = self.links.statuses[url]
            shown = urlunsplit(("", "", parts.path, parts.query, ""))
            if status >= 400:
                self._add(
                    "link",
                    "{} (“{}”) answers {}{}".format(
                        shown, text, status, " at " + where if where else ""
                    ),
                    label,
                )
            elif self.login_path and where.startswith(self.login_path):
                self._add(
                    "link",
                    "{} (“{}”) sends {} to the log-in page".format(
                        shown, text, self.role
                    ),
                    label,
                )

    def _request(self, url: str) -> tuple[int, str]:
        """The status a link finally answers, and where, if it redirected."""
        origin = urlsplit(url)[:2]
        where = ""
        for _ in range(MAX_REDIRECTS + 1):
            response = None
            for method in ("HEAD", "GET"):
                response = self.page.request.fetch(
                    url,
                    method=method,
                    max_redirects=0,
                    fail_on_status_code=False,
                    timeout=LINK_TIMEOUT_MS,
                )
                if response.status not in (405, 501):
                    break
            status = response.status
            location = response.headers.get("location", "")
            response.dispose()
            if not (300 <= status < 400 and location):
                return status, where
            url = urljoin(url, location)
            parts = urlsplit(url)
            where = urlunsplit(("", "", parts.path, parts.query, ""))
            if parts[:2] != origin:
                # Off to another site (an OAuth screen): not ours to judge.
                return status, url
        return 310, where

    def _check_console(self, label: str) -> None:
        for message in self._console[self._console_seen :]:
            self._add("console", message, label)
        self._console_seen = len(self._console)

    # -- reporting -----------------------------------------------------

    def _label(self) -> str:
        parts = urlsplit(self.page.url)
        return urlunsplit(("", "", parts.path, parts.query, ""))

    def _add(self, kind: str, message: str, label: str | None = None) -> None:
        self.problems.append(Problem(label or self._label(), kind, message))

    def report(self) -> str:
        """Every problem found, grouped by page in the order walked."""
        width = self.page.viewport_size["width"] if self.page.viewport_size else 0
        lines = [
            "{} at {} px: {} problem(s) on {} page(s)".format(
                self.role,
                width,
                len(self.problems),
                len({p.page for p in self.problems}),
            )
        ]
        pages: dict[str, list[Problem]] = {}
        for problem in self.problems:
            pages.setdefault(problem.page, []).append(problem)
        for page, problems in pages.items():
            lines.append("  " + page)
            lines.extend("    " + str(problem) for problem in problems)
        return "\n".join(lines)

    def assert_clean(self) -> None:
        """Fail with the whole report if any page had a problem."""
        assert not self.problems, self.report()
