"""Measured text layout: wrap on words, shrink to fit, shorten with an ellipsis.

Every width is measured with the bundled font, never estimated from a
character count. A word is never split across lines; a word wider than its
box even at the smallest size is shortened with an ellipsis, and a text that
still does not fit is either cut after its last whole word that fits, with
an ellipsis, or refused (the caller decides which).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
ELLIPSIS = "…"
LINE_SPACING = 1.18


@lru_cache(maxsize=256)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The bundled font at a pixel size (cached: loading a face costs ~1 ms)."""
    # Basic layout: Indonesian needs no shaping, and it is faster than raqm.
    return ImageFont.truetype(
        str(FONT_DIR / FONT_FILES[bold]), size, layout_engine=ImageFont.Layout.BASIC
    )


@lru_cache(maxsize=8192)
def extent(face: ImageFont.FreeTypeFont, text: str) -> tuple[int, int]:
    """(left, right) of the ink and advance of a line drawn at x=0."""
    left, _top, right, _bottom = face.getbbox(text, anchor="ls")
    return min(0, left), max(right, int(round(face.getlength(text))))


def width(face: ImageFont.FreeTypeFont, text: str) -> int:
    left, right = extent(face, text)
    return right - left


def line_height(face: ImageFont.FreeTypeFont) -> int:
    ascent, descent = face.getmetrics()
    return int(round((ascent + descent) * LINE_SPACING))


def ink_height(face: ImageFont.FreeTypeFont) -> int:
    ascent, descent = face.getmetrics()
    return ascent + descent


def shorten(face: ImageFont.FreeTypeFont, text: str, max_width: int) -> str:
    """The longest start of ``text`` that fits with an ellipsis (a whole word
    when possible: a single over-wide word is cut inside, ending with …)."""
    if width(face, text) <= max_width:
        return text
    words = text.split(" ")
    # Prefer dropping whole words; cut inside a word only when it is alone.
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(",.;:-–") + ELLIPSIS
        if width(face, candidate) <= max_width:
            return candidate
    word = words[0]
    low, high = 0, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if width(face, word[:middle] + ELLIPSIS) <= max_width:
            low = middle
        else:
            high = middle - 1
    return word[:low] + ELLIPSIS if low else ""


def wrap(face: ImageFont.FreeTypeFont, text: str, max_width: int) -> list[str] | None:
    """Greedy word wrap; None when one word alone is wider than the box."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = word if not current else current + " " + word
        if width(face, candidate) <= max_width:
            current = candidate
            continue
        if not current or width(face, word) > max_width:
            return None
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    return lines


@dataclass(frozen=True)
class Block:
    """Text fitted into a box: its font, lines and the line advance."""

    lines: tuple[str, ...]
    size: int
    bold: bool
    truncated: bool = False

    @property
    def face(self) -> ImageFont.FreeTypeFont:
        return font(self.size, self.bold)

    @property
    def leading(self) -> int:
        return line_height(self.face)

    @property
    def height(self) -> int:
        if not self.lines:
            return 0
        # The last line needs only its ink height, not the gap after it.
        return self.leading * (len(self.lines) - 1) + ink_height(self.face)

    @property
    def width(self) -> int:
        return max((width(self.face, line) for line in self.lines), default=0)


def _lines_for_height(face: ImageFont.FreeTypeFont, max_height: int) -> int:
    if max_height < ink_height(face):
        return 0
    return 1 + (max_height - ink_height(face)) // line_height(face)


def try_size(
    text: str,
    size: int,
    max_width: int,
    max_height: int,
    *,
    bold: bool = False,
    max_lines: int | None = None,
) -> Block | None:
    """The text wrapped at one size, or None when it does not fit whole."""
    face = font(size, bold)
    lines = wrap(face, text, max_width)
    if lines is None:
        return None
    allowed = _lines_for_height(face, max_height)
    if max_lines is not None:
        allowed = min(allowed, max_lines)
    if len(lines) > allowed:
        return None
    return Block(tuple(lines), size, bold)


def fit(
    text: str,
    max_width: int,
    max_height: int,
    *,
    max_size: int,
    min_size: int,
    bold: bool = False,
    max_lines: int | None = None,
    ellipsis: bool = True,
) -> Block | None:
    """The largest size between min and max at which the text fits whole.

    When it fits at no size: with ``ellipsis`` the text at the smallest size,
    cut after the last whole word that fits and ended with …; without, None.
    """
    text = " ".join(text.split())
    if not text:
        return Block((), min_size, bold)
    best = None
    low, high = min_size, max_size
    # Bisection: wrapping is monotone enough in the size, and each probe
    # is checked, so the answer always fits.
    while low <= high:
        middle = (low + high) // 2
        block = try_size(
            text, middle, max_width, max_height, bold=bold, max_lines=max_lines
        )
        if block is not None:
            best, low = block, middle + 1
        else:
            high = middle - 1
    if best is not None or not ellipsis:
        return best
    return truncate(text, min_size, max_width, max_height, bold, max_lines)


def truncate(
    text: str,
    size: int,
    max_width: int,
    max_height: int,
    bold: bool,
    max_lines: int | None,
) -> Block:
    """The text at one size, as many lines as fit, the last ended with …."""
    face = font(size, bold)
    allowed = _lines_for_height(face, max_height)
    if max_lines is not None:
        allowed = min(allowed, max_lines)
    if allowed <= 0:
        return Block((), size, bold, truncated=True)
    words = text.split()
    lines: list[str] = []
    current = ""
    index = 0
    while index < len(words) and len(lines) < allowed:
        word = words[index]
        if width(face, word) > max_width:
            # A word that can never fit ends the text: going on after a cut
            # word would read as a word split in two.
            if current and len(lines) + 1 >= allowed:
                lines.append(_with_ellipsis(face, current, max_width))
            else:
                if current:
                    lines.append(current)
                lines.append(shorten(face, word, max_width))
            return Block(tuple(lines), size, bold, truncated=True)
        candidate = word if not current else current + " " + word
        if width(face, candidate) <= max_width:
            current = candidate
            index += 1
        else:
            lines.append(current)
            current = ""
    if current:
        lines.append(current)
    if index < len(words):
        lines[-1] = _with_ellipsis(face, lines[-1], max_width)
    return Block(tuple(lines), size, bold, truncated=index < len(words))


def _with_ellipsis(face: ImageFont.FreeTypeFont, line: str, max_width: int) -> str:
    """A line ended with …, dropping its last words until that fits."""
    words = line.split(" ")
    while len(words) > 1:
        candidate = " ".join(words).rstrip(",.;:-–") + ELLIPSIS
        if width(face, candidate) <= max_width:
            return candidate
        words.pop()
    word = words[0]
    for end in range(len(word), 0, -1):
        if width(face, word[:end] + ELLIPSIS) <= max_width:
            return word[:end] + ELLIPSIS
    return ELLIPSIS
