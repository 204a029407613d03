"""Measured layouts: where every shape and text line of an infographic goes.

``plan`` turns cleaned data into a list of drawing operations; it measures
every text with the bundled font and raises a ValidationError naming the
field when an admin-typed text (steps, chart labels, unit, source) does not
fit even at the smallest size. Text that comes from the portal's records
(titles, summaries, OPD names) is shortened with an ellipsis instead, since
the full text is one QR scan away. ``draw`` (render.py) only paints the plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from . import text as t
from .kinds import DIMENSIONS, Kind, Size

Box = tuple[int, int, int, int]
Color = tuple[int, int, int]

# Portal colours (static/css/portal.css): navbar green #14532d, focus amber #f59e0b.
GREEN: Color = (20, 83, 45)
GREEN_DARK: Color = (15, 63, 34)
GREEN_SOFT: Color = (230, 241, 233)
YELLOW: Color = (245, 158, 11)
YELLOW_SOFT: Color = (254, 243, 199)
PAPER: Color = (250, 251, 247)
INK: Color = (28, 37, 32)
MUTED: Color = (74, 85, 80)
GRID: Color = (214, 222, 216)
WHITE: Color = (255, 255, 255)
UP: Color = (21, 128, 61)
DOWN: Color = (185, 28, 28)

WIDTH = 1080
MARGIN = 56
MIN_BODY = 20  # px: the smallest body text, still legible on a phone
MIN_SMALL = 16  # px: axis ticks, footnotes


@dataclass
class TextOp:
    block: t.Block
    region: Box
    fill: Color
    align: str = "left"
    valign: str = "top"
    name: str = ""


@dataclass
class RectOp:
    box: Box
    fill: Color | None
    radius: int = 0
    outline: Color | None = None
    line: int = 0


@dataclass
class EllipseOp:
    box: Box
    fill: Color | None
    outline: Color | None = None
    line: int = 0


@dataclass
class LineOp:
    points: list[tuple[int, int]]
    fill: Color
    line: int = 2


@dataclass
class PolygonOp:
    points: list[tuple[int, int]]
    fill: Color


@dataclass
class ImageOp:
    what: str  # "qr" or "logo"
    box: Box
    payload: Any


@dataclass
class Plan:
    width: int
    height: int
    background: Color
    ops: list = field(default_factory=list)

    def text(self, block, region, fill, align="left", valign="top", name=""):
        self.ops.append(TextOp(block, region, fill, align, valign, name))

    def text_ops(self) -> list[TextOp]:
        return [op for op in self.ops if isinstance(op, TextOp)]


@dataclass(frozen=True)
class Geometry:
    header: int
    footer: int
    top_pad: int  # the story's top and bottom lie under Instagram's own overlays
    bottom_pad: int
    qr: int
    gap: int


GEOMETRY = {
    Size.SQUARE: Geometry(170, 190, 0, 0, 150, 24),
    Size.PORTRAIT: Geometry(190, 210, 0, 0, 170, 32),
    Size.STORY: Geometry(300, 300, 100, 90, 190, 40),
}


def number(value: float | None, decimals: int = 2) -> str:
    """A number as the portal prints it (Indonesian: 1.234,5)."""
    if value is None:
        return "–"
    value = round(float(value), decimals)
    if value == int(value):
        value = int(value)
    return formats.number_format(value, force_grouping=True)


def score_text(value: float) -> str:
    return formats.number_format(round(float(value), 2), 2, force_grouping=True)


def _refuse(name: str, message: str) -> None:
    raise ValidationError({name: [message]})


def _address(url: str) -> str:
    """The link as people type it: no scheme, but the port when there is one
    (a portal on :8001 is not reached at the bare host)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    host = parts.hostname or ""
    if ":" in host:
        host = "[{}]".format(host)
    try:
        port = parts.port
    except ValueError:  # a port out of range is no part of the address
        port = None
    if port is not None:
        host += ":{}".format(port)
    return host + path


# -- Frame: header, accent stripe, footer with QR ---------------------------------


def _frame(plan: Plan, geo: Geometry, data: dict, opd_name: str) -> Box:
    width, height = plan.width, plan.height
    plan.ops.append(RectOp((0, 0, width, geo.header), GREEN))
    plan.ops.append(RectOp((0, geo.header, width, geo.header + 10), YELLOW))
    top = geo.top_pad + 28
    inner = geo.header - top - 28
    x0 = MARGIN
    if data.get("logo"):
        logo = min(inner, 124)
        y = top + (inner - logo) // 2
        plan.ops.append(RectOp((x0, y, x0 + logo, y + logo), WHITE, radius=16))
        plan.ops.append(
            ImageOp("logo", (x0 + 8, y + 8, x0 + logo - 8, y + logo - 8), data["logo"])
        )
        x0 += logo + 28
    x1 = width - MARGIN
    portal = t.fit(
        _("Public Information Portal of Purbalingga Regency"),
        x1 - x0,
        40,
        max_size=28,
        min_size=18,
        max_lines=1,
    )
    name = t.fit(
        opd_name,
        x1 - x0,
        inner - portal.height - 14,
        max_size=46,
        min_size=22,
        bold=True,
        max_lines=2,
    )
    total = portal.height + 14 + name.height
    y = top + max(0, (inner - total) // 2)
    plan.text(portal, (x0, y, x1, y + portal.height), YELLOW_SOFT, name="portal")
    y += portal.height + 14
    plan.text(name, (x0, y, x1, y + name.height), WHITE, name="opd_name")

    footer_top = height - geo.footer
    plan.ops.append(RectOp((0, footer_top, width, height), GREEN_DARK))
    usable = geo.footer - geo.bottom_pad
    qr = geo.qr
    qy = footer_top + (usable - qr) // 2
    qx = width - MARGIN - qr
    plan.ops.append(RectOp((qx, qy, qx + qr, qy + qr), WHITE, radius=10))
    plan.ops.append(ImageOp("qr", (qx, qy, qx + qr, qy + qr), data["url"]))
    tx0, tx1 = MARGIN, qx - 32
    scan = t.fit(
        _("Scan the QR code for the full information"),
        tx1 - tx0,
        70,
        max_size=28,
        min_size=18,
        max_lines=2,
    )
    address = t.fit(
        _address(data["url"]),
        tx1 - tx0,
        50,
        max_size=40,
        min_size=22,
        bold=True,
        max_lines=1,
    )
    total = scan.height + 16 + address.height
    y = footer_top + (usable - total) // 2
    plan.text(scan, (tx0, y, tx1, y + scan.height), GREEN_SOFT, name="scan")
    y += scan.height + 16
    plan.text(address, (tx0, y, tx1, y + address.height), YELLOW, name="address")

    return (MARGIN, geo.header + 10 + geo.gap, width - MARGIN, footer_top - geo.gap)


def _new_plan(size: str) -> tuple[Plan, Geometry]:
    width, height = DIMENSIONS[size]
    return Plan(width, height, PAPER), GEOMETRY[size]


def _title(
    plan: Plan,
    body: Box,
    title: str,
    size: str,
    *,
    share: float,
    max_size: int,
    min_size: int,
    lines: int,
) -> int:
    x0, y0, x1, y1 = body
    block = t.fit(
        title,
        x1 - x0,
        int((y1 - y0) * share),
        max_size=max_size,
        min_size=min_size,
        bold=True,
        max_lines=lines,
    )
    plan.text(block, (x0, y0, x1, y0 + block.height), GREEN_DARK, name="title")
    return y0 + block.height


# -- Item card ---------------------------------------------------------------------


def _item_card(size: str, data: dict) -> Plan:
    plan, geo = _new_plan(size)
    x0, y0, x1, y1 = _frame(plan, geo, data, data["opd_name"])
    story = size == Size.STORY
    y = y0
    if data["category"]:
        block = t.fit(
            data["category"],
            x1 - x0 - 48,
            50,
            max_size=30,
            min_size=22,
            bold=True,
            max_lines=1,
        )
        pill = (x0, y, x0 + block.width + 48, y + block.height + 24)
        plan.ops.append(RectOp(pill, YELLOW, radius=(pill[3] - pill[1]) // 2))
        plan.text(
            block,
            (x0 + 24, y + 12, pill[2] - 24, y + 12 + block.height),
            GREEN_DARK,
            name="category",
        )
        y = pill[3] + geo.gap
    y = _title(
        plan,
        (x0, y, x1, y1),
        data["title"],
        size,
        share=0.42 if story else 0.38,
        max_size=84 if story else 68,
        min_size=40,
        lines=5 if story else 3,
    )
    y += geo.gap
    bottom = y1
    if data["where"]:
        pad = 24
        heading = t.fit(
            _("How to get it"),
            x1 - x0 - 2 * pad,
            40,
            max_size=30,
            min_size=22,
            bold=True,
            max_lines=1,
        )
        block = t.fit(
            data["where"],
            x1 - x0 - 2 * pad,
            int((y1 - y) * 0.4),
            max_size=34,
            min_size=MIN_BODY,
            max_lines=5 if story else 3,
        )
        box_h = pad + heading.height + 10 + block.height + pad
        top = y1 - box_h
        plan.ops.append(RectOp((x0, top, x1, y1), GREEN_SOFT, radius=18))
        plan.ops.append(RectOp((x0, top, x0 + 10, y1), GREEN, radius=0))
        plan.text(
            heading,
            (x0 + pad, top + pad, x1 - pad, top + pad + heading.height),
            GREEN,
            name="where_heading",
        )
        ty = top + pad + heading.height + 10
        plan.text(block, (x0 + pad, ty, x1 - pad, ty + block.height), INK, name="where")
        bottom = top - geo.gap
    if data["summary"] and bottom - y > t.ink_height(t.font(MIN_BODY)):
        block = t.fit(
            data["summary"],
            x1 - x0,
            bottom - y,
            max_size=42 if story else 36,
            min_size=MIN_BODY,
        )
        plan.text(block, (x0, y, x1, y + block.height), INK, name="summary")
    return plan


# -- Service flow ------------------------------------------------------------------


def _flow_layout(steps, text_width, size):
    """Blocks for every step at one body size, or (index, part) of the first
    step with a word wider than the column."""
    laid = []
    for index, step in enumerate(steps):
        title = t.try_size(
            step["title"], round(size * 1.1), text_width, 10**6, bold=True
        )
        body = (
            t.try_size(step["text"], size, text_width, 10**6)
            if step["text"]
            else t.Block((), size, False)
        )
        if title is None or body is None:
            return index, "title" if title is None else "text"
        laid.append((title, body))
    return laid


def _step_height(badge: int, title: t.Block, body: t.Block) -> int:
    return max(badge, title.height + (8 + body.height if body.lines else 0))


COLUMN_GAP = 40


def _flow_measure(steps, width: int, body_size: int, columns: int):
    """(laid, column heights, badge, gap) at one size and column count."""
    badge = round(body_size * 2.1)
    column_width = (width - COLUMN_GAP * (columns - 1)) // columns
    laid = _flow_layout(steps, column_width - badge - 20, body_size)
    if isinstance(laid, tuple):
        return laid, None, badge, 0
    gap = max(10, round(body_size * 0.5))
    per_column = math.ceil(len(steps) / columns)
    heights = []
    for column in range(columns):
        chunk = laid[column * per_column : (column + 1) * per_column]
        heights.append(
            sum(_step_height(badge, *pair) for pair in chunk)
            + gap * max(0, len(chunk) - 1)
        )
    return laid, heights, badge, gap


def _service_flow(size: str, data: dict) -> Plan:
    plan, geo = _new_plan(size)
    x0, y0, x1, y1 = _frame(plan, geo, data, data["opd_name"])
    story = size == Size.STORY
    y = _title(
        plan,
        (x0, y0, x1, y1),
        data["title"],
        size,
        share=0.22,
        max_size=72 if story else 60,
        min_size=34,
        # Many steps need the room more than a third line of title.
        lines=3 if story and len(data["steps"]) < 7 else 2,
    )
    y += geo.gap
    steps = data["steps"]
    available = y1 - y

    # Short steps waste the end of every line in one column; two columns
    # then give a larger size. The larger size wins, one column on a tie.
    best = None
    for columns in (1, 2) if len(steps) >= 4 else (1,):
        low, high = MIN_BODY, 44 if story else 36
        while low <= high:
            middle = (low + high) // 2
            laid, heights, badge, gap = _flow_measure(steps, x1 - x0, middle, columns)
            if heights is not None and max(heights) <= available:
                if best is None or middle > best[0]:
                    best = (middle, columns, laid, heights, badge, gap)
                low = middle + 1
            else:
                high = middle - 1
    if best is None:
        laid = _flow_measure(steps, x1 - x0, MIN_BODY, 1)[0]
        if isinstance(laid, tuple):
            index, part = laid
            _refuse(
                f"steps[{index}].{part}",
                _("Step %(number)d has a word too long to fit on the image.")
                % {"number": index + 1},
            )
        _refuse(
            "steps",
            _(
                "The steps do not fit on this size even at the smallest font size: "
                "shorten them or choose the story size."
            ),
        )
    _size, columns, laid, heights, badge, gap = best
    per_column = math.ceil(len(steps) / columns)
    column_width = (x1 - x0 - COLUMN_GAP * (columns - 1)) // columns
    # Spare room goes between the steps, up to a comfortable gap.
    if per_column > 1:
        gap += min((available - max(heights)) // (per_column - 1), badge)
    lines, shapes, texts = [], [], []
    for column in range(columns):
        cx0 = x0 + column * (column_width + COLUMN_GAP)
        cx1 = cx0 + column_width
        text_x = cx0 + badge + 20
        cursor = y
        centres = []
        first = column * per_column
        for index in range(first, min(len(steps), first + per_column)):
            title, body = laid[index]
            centres.append(cursor + badge // 2)
            shapes.append(EllipseOp((cx0, cursor, cx0 + badge, cursor + badge), GREEN))
            number = t.fit(
                str(index + 1),
                badge - 12,
                badge - 12,
                max_size=round(badge * 0.5),
                min_size=12,
                bold=True,
                max_lines=1,
            )
            texts.append(
                TextOp(
                    number,
                    (cx0 + 6, cursor + 6, cx0 + badge - 6, cursor + badge - 6),
                    YELLOW,
                    "center",
                    "middle",
                    "step_number",
                )
            )
            texts.append(
                TextOp(
                    title,
                    (text_x, cursor, cx1, cursor + title.height),
                    GREEN_DARK,
                    name=f"steps[{index}].title",
                )
            )
            if body.lines:
                by = cursor + title.height + 8
                texts.append(
                    TextOp(
                        body,
                        (text_x, by, cx1, by + body.height),
                        INK,
                        name=f"steps[{index}].text",
                    )
                )
            cursor += _step_height(badge, title, body) + gap
        if len(centres) > 1:
            centre_x = cx0 + badge // 2
            lines.append(
                LineOp([(centre_x, centres[0]), (centre_x, centres[-1])], YELLOW, 6)
            )
    # The line first, so the numbered badges sit on top of it.
    plan.ops.extend(lines + shapes + texts)
    return plan


# -- Data chart --------------------------------------------------------------------


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 2.5 or 5 times a power of ten)."""
    if high == low:
        high = low + 1
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _row_field(data: dict, index: int, part: str) -> str:
    return "csv" if data.get("from_csv") else f"rows[{index}].{part}"


def _data_chart(size: str, data: dict) -> Plan:
    plan, geo = _new_plan(size)
    x0, y0, x1, y1 = _frame(plan, geo, data, data["opd_name"])
    story = size == Size.STORY
    y = _title(
        plan,
        (x0, y0, x1, y1),
        data["title"],
        size,
        share=0.2,
        max_size=68 if story else 56,
        min_size=34,
        lines=3 if story else 2,
    )
    y += 12
    if data["unit"]:
        block = t.fit(
            _("Unit: %(unit)s") % {"unit": data["unit"]},
            x1 - x0,
            60,
            max_size=30,
            min_size=MIN_BODY,
            max_lines=1,
            ellipsis=False,
        )
        if block is None:
            _refuse("unit", _("The unit is too long to fit on the image."))
        plan.text(block, (x0, y, x1, y + block.height), MUTED, name="unit")
        y += block.height
    y += geo.gap
    bottom = y1
    if data["source"]:
        block = t.fit(
            _("Source: %(source)s") % {"source": data["source"]},
            x1 - x0,
            90,
            max_size=26,
            min_size=MIN_SMALL + 2,
            max_lines=2,
            ellipsis=False,
        )
        if block is None:
            _refuse("source", _("The source is too long to fit on the image."))
        plan.text(block, (x0, y1 - block.height, x1, y1), MUTED, name="source")
        bottom = y1 - block.height - geo.gap
    area = (x0, y, x1, bottom)
    if data["chart"] == "line":
        _line_chart(plan, area, data, story)
    else:
        _bar_chart(plan, area, data, story)
    return plan


def _bar_chart(plan: Plan, area: Box, data: dict, story: bool) -> None:
    x0, y0, x1, y1 = area
    rows = data["rows"]
    values = [row["value"] for row in rows]
    low, high = min(0.0, *values), max(0.0, *values)
    ticks = nice_ticks(low, high, 5)
    low, high = ticks[0], ticks[-1]
    tick_face_size = 20
    tick_height = t.ink_height(t.font(tick_face_size)) + 12
    rows_bottom = y1 - tick_height
    row_height = min((rows_bottom - y0) / len(rows), 150 if story else 110)
    label_width = int((x1 - x0) * 0.36)

    value_texts = [number(value) for value in values]

    def value_widths(face_size: int) -> tuple[int, int]:
        face = t.font(face_size, True)
        widths = [t.width(face, text) for text in value_texts]
        positive = [w for w, v in zip(widths, values, strict=True) if v >= 0]
        negative = [w for w, v in zip(widths, values, strict=True) if v < 0]
        return max(positive, default=0), max(negative, default=0)

    # The largest size at which the labels fit their column and the numbers
    # still leave the bars at least 30% of the width.
    chosen = None
    top_size = min(34, max(MIN_SMALL + 2, int(row_height * 0.42)))
    for face_size in range(top_size, MIN_SMALL + 1, -1):
        blocks = [
            t.try_size(
                row["label"], face_size, label_width, int(row_height) - 6, max_lines=2
            )
            for row in rows
        ]
        if not all(blocks):
            continue
        pos_width, neg_width = value_widths(face_size)
        used = max(block.width for block in blocks) + 20 + pos_width + neg_width + 20
        if (x1 - x0) - used >= (x1 - x0) * 0.3:
            chosen = face_size, blocks
            break
    if chosen is None:
        for index, row in enumerate(rows):
            if (
                t.try_size(
                    row["label"],
                    MIN_SMALL + 2,
                    label_width,
                    int(row_height) - 6,
                    max_lines=2,
                )
                is None
            ):
                _refuse(
                    _row_field(data, index, "label"),
                    _("The label “%(label)s” is too long to fit on the image.")
                    % {"label": row["label"]},
                )
        _refuse(
            "csv" if data.get("from_csv") else "rows",
            _(
                "The numbers are too long to fit beside the bars: "
                "give them in a larger unit (thousands, millions)."
            ),
        )
    face_size, blocks = chosen
    label_width = max(block.width for block in blocks)
    value_face = t.font(face_size, True)
    pos_width, neg_width = value_widths(face_size)
    bar_x0 = x0 + label_width + 20 + (neg_width + 10 if neg_width else 0)
    bar_x1 = x1 - (pos_width + 10 if pos_width else 0)

    def scale(value: float) -> int:
        return round(bar_x0 + (value - low) / (high - low) * (bar_x1 - bar_x0))

    tick_face = t.font(tick_face_size)
    last_right = -(10**6)
    for tick in ticks:
        x = scale(tick)
        plan.ops.append(LineOp([(x, y0), (x, rows_bottom)], GRID, line=2))
        label = number(tick)
        w = t.width(tick_face, label)
        left = min(max(x - w // 2, x0), x1 - w)
        if left < last_right + 16:
            continue  # long numbers: label every other grid line, never overlap
        last_right = left + w
        block = t.Block((label,), tick_face_size, False)
        plan.text(
            block,
            (left, rows_bottom + 8, left + w, rows_bottom + 8 + block.height),
            MUTED,
            name="tick",
        )
    zero = scale(0.0)
    plan.ops.append(LineOp([(zero, y0), (zero, rows_bottom)], INK, line=3))
    for index, (row, block, text) in enumerate(
        zip(rows, blocks, value_texts, strict=True)
    ):
        top = round(y0 + index * row_height)
        bottom = round(y0 + (index + 1) * row_height)
        mid = (top + bottom) // 2
        plan.text(
            block,
            (x0, top + 3, x0 + label_width, bottom - 3),
            INK,
            valign="middle",
            name=_row_field(data, index, "label"),
        )
        thickness = max(8, round(row_height * 0.56))
        end = scale(row["value"])
        bar = (
            min(zero, end),
            mid - thickness // 2,
            max(zero, end),
            mid + thickness // 2,
        )
        plan.ops.append(
            RectOp(
                bar,
                GREEN if row["value"] >= 0 else YELLOW,
                radius=min(6, thickness // 3),
            )
        )
        value_block = t.Block((text,), face_size, True)
        w = t.width(value_face, text)
        vx = end + 10 if row["value"] >= 0 else end - 10 - w
        plan.text(
            value_block,
            (vx, top + 3, vx + w, bottom - 3),
            GREEN_DARK,
            valign="middle",
            name="value",
        )


def _line_chart(plan: Plan, area: Box, data: dict, story: bool) -> None:
    x0, y0, x1, y1 = area
    rows = data["rows"]
    values = [row["value"] for row in rows]
    low, high = min(0.0, *values), max(0.0, *values)
    ticks = nice_ticks(low, high, 5)
    low, high = ticks[0], ticks[-1]
    tick_size = 22
    tick_face = t.font(tick_size)
    tick_labels = [number(tick) for tick in ticks]
    axis_x = x0 + max(t.width(tick_face, label) for label in tick_labels) + 14
    slot = (x1 - axis_x) / len(rows)

    chosen = None
    for face_size in range(28, MIN_SMALL + 1, -1):
        blocks = [
            t.try_size(row["label"], face_size, int(slot) - 8, 10**6, max_lines=2)
            for row in rows
        ]
        if all(blocks):
            chosen = face_size, blocks
            break
    if chosen is None:
        for index, row in enumerate(rows):
            if (
                t.try_size(
                    row["label"], MIN_SMALL + 2, int(slot) - 8, 10**6, max_lines=2
                )
                is None
            ):
                _refuse(
                    _row_field(data, index, "label"),
                    _(
                        "The label “%(label)s” is too long for a line chart of %(count)d rows: shorten it or choose a bar chart."
                    )
                    % {"label": row["label"], "count": len(rows)},
                )
    face_size, blocks = chosen
    label_height = max(block.height for block in blocks)
    plot_bottom = y1 - label_height - 14
    value_size = None
    value_texts = [number(value) for value in values]
    for candidate in range(min(26, face_size), MIN_SMALL - 1, -1):
        if all(
            t.width(t.font(candidate, True), v) <= int(slot) - 10 for v in value_texts
        ):
            value_size = candidate
            break
    value_room = t.ink_height(t.font(value_size or MIN_SMALL, True)) + 14
    plot_top = y0 + value_room

    def scale(value: float) -> int:
        return round(
            plot_bottom - (value - low) / (high - low) * (plot_bottom - plot_top)
        )

    for tick, label in zip(ticks, tick_labels, strict=True):
        y = scale(tick)
        plan.ops.append(
            LineOp(
                [(axis_x, y), (x1, y)],
                INK if tick == 0 else GRID,
                line=3 if tick == 0 else 2,
            )
        )
        block = t.Block((label,), tick_size, False)
        w = t.width(tick_face, label)
        top = min(max(y - block.height // 2, y0), y1 - block.height)
        plan.text(
            block,
            (axis_x - 14 - w, top, axis_x - 14, top + block.height),
            MUTED,
            name="tick",
        )
    plan.ops.append(LineOp([(axis_x, plot_top), (axis_x, plot_bottom)], INK, line=3))
    points = [
        (round(axis_x + slot * (index + 0.5)), scale(value))
        for index, value in enumerate(values)
    ]
    if len(points) > 1:
        plan.ops.append(LineOp(points, GREEN, line=6))
    radius = 9
    for index, ((px, py), block) in enumerate(zip(points, blocks, strict=True)):
        plan.ops.append(
            EllipseOp(
                (px - radius, py - radius, px + radius, py + radius),
                YELLOW,
                outline=GREEN_DARK,
                line=3,
            )
        )
        left = round(axis_x + slot * index) + 4
        plan.text(
            block,
            (
                left,
                plot_bottom + 14,
                round(left + slot - 8),
                plot_bottom + 14 + block.height,
            ),
            INK,
            align="center",
            name=_row_field(data, index, "label"),
        )
        if value_size:
            value_block = t.Block((value_texts[index],), value_size, True)
            vy = max(y0, py - radius - 6 - value_block.height)
            plan.text(
                value_block,
                (left, vy, round(left + slot - 8), vy + value_block.height),
                GREEN_DARK,
                align="center",
                name="value",
            )


# -- KIP card and ranking ------------------------------------------------------------


def _kip_card(size: str, data: dict) -> Plan:
    plan, geo = _new_plan(size)
    x0, y0, x1, y1 = _frame(plan, geo, data, data["opd_name"])
    story = size == Size.STORY
    width = x1 - x0
    scale = 1.3 if story else 1.0
    heading = t.fit(
        _("KIP readiness score"),
        width,
        80,
        max_size=round(52 * scale),
        min_size=30,
        bold=True,
        max_lines=1,
    )
    month = t.fit(
        data["month_label"],
        width,
        60,
        max_size=round(38 * scale),
        min_size=24,
        max_lines=1,
    )
    score = t.fit(
        score_text(data["score"]),
        width,
        round((y1 - y0) * 0.32),
        max_size=round(200 * scale),
        min_size=80,
        bold=True,
        max_lines=1,
    )
    of = t.fit(
        _("out of 100"), width, 50, max_size=round(30 * scale), min_size=20, max_lines=1
    )
    band = t.fit(
        data["band_label"],
        width - 80,
        80,
        max_size=round(46 * scale),
        min_size=24,
        bold=True,
        max_lines=1,
    )
    if data["change"] is None:
        change_text = _("No earlier month to compare")
    elif round(data["change"], 2) == 0:
        change_text = _("Same as last month")
    else:
        change_text = _("%(change)s points since last month") % {
            "change": ("+" if data["change"] > 0 else "−")
            + score_text(abs(data["change"]))
        }
    change = t.fit(
        change_text,
        width - 70,
        60,
        max_size=round(34 * scale),
        min_size=MIN_BODY,
        max_lines=1,
    )
    gauge = round(30 * scale)
    spacing = round(geo.gap * 0.9)
    parts = [
        heading.height,
        month.height,
        score.height,
        of.height,
        gauge,
        band.height + 36,
        change.height,
    ]
    total = sum(parts) + spacing * (len(parts) - 1)
    y = y0 + max(0, (y1 - y0 - total) // 2)
    plan.text(
        heading,
        (x0, y, x1, y + heading.height),
        GREEN_DARK,
        align="center",
        name="heading",
    )
    y += heading.height + spacing
    plan.text(
        month, (x0, y, x1, y + month.height), MUTED, align="center", name="month_label"
    )
    y += month.height + spacing
    plan.text(score, (x0, y, x1, y + score.height), GREEN, align="center", name="score")
    y += score.height + spacing
    plan.text(of, (x0, y, x1, y + of.height), MUTED, align="center", name="of")
    y += of.height + spacing
    gx0, gx1 = x0 + 60, x1 - 60
    plan.ops.append(RectOp((gx0, y, gx1, y + gauge), GREEN_SOFT, radius=gauge // 2))
    filled = gx0 + round((gx1 - gx0) * max(0.0, min(100.0, data["score"])) / 100)
    if filled - gx0 >= gauge:
        plan.ops.append(RectOp((gx0, y, filled, y + gauge), GREEN, radius=gauge // 2))
    y += gauge + spacing
    pill_w = band.width + 80
    px0 = x0 + (width - pill_w) // 2
    plan.ops.append(
        RectOp(
            (px0, y, px0 + pill_w, y + band.height + 36),
            YELLOW,
            radius=(band.height + 36) // 2,
        )
    )
    plan.text(
        band,
        (px0 + 40, y + 18, px0 + pill_w - 40, y + 18 + band.height),
        GREEN_DARK,
        align="center",
        name="band_label",
    )
    y += band.height + 36 + spacing
    colour = MUTED if not data["change"] else (UP if data["change"] > 0 else DOWN)
    row_w = change.width + (50 if data["change"] else 0)
    cx = x0 + (width - row_w) // 2
    if data["change"]:
        h = change.height
        tri = 34
        top = y + (h - tri) // 2
        if data["change"] > 0:
            points = [(cx, top + tri), (cx + tri, top + tri), (cx + tri // 2, top)]
        else:
            points = [(cx, top), (cx + tri, top), (cx + tri // 2, top + tri)]
        plan.ops.append(PolygonOp(points, colour))
        cx += 50
    plan.text(
        change, (cx, y, cx + change.width, y + change.height), colour, name="change"
    )
    return plan


def _ranking_card(size: str, data: dict) -> Plan:
    plan, geo = _new_plan(size)
    x0, y0, x1, y1 = _frame(
        plan, geo, data, data.get("opd_name") or _("Purbalingga Regency Government")
    )
    story = size == Size.STORY
    heading = t.fit(
        _("KIP readiness ranking"),
        x1 - x0,
        90,
        max_size=60 if story else 52,
        min_size=30,
        bold=True,
        max_lines=1,
    )
    plan.text(heading, (x0, y0, x1, y0 + heading.height), GREEN_DARK, name="heading")
    y = y0 + heading.height + 10
    month = t.fit(
        data["month_label"], x1 - x0, 60, max_size=36, min_size=22, max_lines=1
    )
    plan.text(month, (x0, y, x1, y + month.height), MUTED, name="month_label")
    y += month.height + geo.gap
    rows = data["rows"]
    row_height = min((y1 - y) // len(rows), 150 if story else 104)
    badge = min(round(row_height * 0.66), 72)
    name_lines = 2 if row_height >= 90 else 1
    scores = [score_text(row["score"]) for row in rows]
    # One size for every row, so the ranking reads as a table.
    sizes = range(min(36 if story else 32, round(row_height * 0.5)), MIN_SMALL + 1, -1)
    for size_ in sizes:
        score_face = t.font(size_, True)
        band_face = t.font(max(MIN_SMALL, round(size_ * 0.72)))
        score_width = max(t.width(score_face, score) for score in scores)
        band_width = min(
            max(t.width(band_face, row["band_label"]) for row in rows),
            round((x1 - x0) * 0.26),
        )
        name_width = x1 - x0 - badge - 24 - band_width - 24 - score_width - 24
        names = [
            t.try_size(
                row["opd_name"],
                size_,
                name_width,
                row_height - 8,
                bold=True,
                max_lines=name_lines,
            )
            for row in rows
        ]
        if all(names):
            break
    names = [
        block
        or t.fit(
            row["opd_name"],
            name_width,
            row_height - 8,
            max_size=size_,
            min_size=size_,
            bold=True,
            max_lines=name_lines,
        )
        for block, row in zip(names, rows, strict=True)
    ]
    score_x0 = x1 - score_width
    band_x1 = score_x0 - 24
    band_x0 = band_x1 - band_width
    for index, (row, name) in enumerate(zip(rows, names, strict=True)):
        top = y + index * row_height
        bottom = top + row_height
        if index % 2 == 0:
            plan.ops.append(
                RectOp((x0 - 16, top, x1 + 16, bottom), GREEN_SOFT, radius=12)
            )
        by = top + (row_height - badge) // 2
        podium = row["rank"] <= 3
        plan.ops.append(
            EllipseOp((x0, by, x0 + badge, by + badge), YELLOW if podium else GREEN)
        )
        rank = t.fit(
            str(row["rank"]),
            badge - 10,
            badge - 10,
            max_size=round(badge * 0.5),
            min_size=12,
            bold=True,
            max_lines=1,
        )
        plan.text(
            rank,
            (x0 + 5, by + 5, x0 + badge - 5, by + badge - 5),
            GREEN_DARK if podium else WHITE,
            align="center",
            valign="middle",
            name="rank",
        )
        nx0 = x0 + badge + 24
        plan.text(
            name,
            (nx0, top + 4, band_x0 - 24, bottom - 4),
            INK,
            valign="middle",
            name=f"rows[{index}].opd_name",
        )
        band = t.fit(
            row["band_label"],
            band_width,
            row_height - 8,
            max_size=band_face.size,
            min_size=band_face.size,
            max_lines=1,
        )
        plan.text(
            band,
            (band_x0, top + 4, band_x1, bottom - 4),
            MUTED,
            align="right",
            valign="middle",
            name=f"rows[{index}].band_label",
        )
        value = t.Block((scores[index],), size_, True)
        plan.text(
            value,
            (score_x0, top + 4, x1, bottom - 4),
            GREEN,
            align="right",
            valign="middle",
            name=f"rows[{index}].score",
        )
    return plan


PLANNERS = {
    Kind.ITEM_CARD: _item_card,
    Kind.SERVICE_FLOW: _service_flow,
    Kind.DATA_CHART: _data_chart,
    Kind.KIP_CARD: _kip_card,
    Kind.RANKING_CARD: _ranking_card,
}


def plan(kind: str, size: str, cleaned: dict) -> Plan:
    """The measured layout of one infographic; raises ValidationError if it cannot fit."""
    return PLANNERS[kind](size, cleaned)
