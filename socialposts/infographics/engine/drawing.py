"""Paints a planned infographic with Pillow and encodes it as a small PNG."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import segno
from PIL import Image, ImageDraw

from . import layouts as lay
from . import text as t
from .alt import alt_text_from_clean
from .kinds import MAX_PNG_BYTES, Rendered
from .validation import clean

Boxes = list[tuple[str, tuple[int, int, int, int]]]


def _qr(url: str, box: tuple[int, int, int, int]) -> tuple[Image.Image, int, int]:
    code = segno.make(url, error="m", micro=False)
    quiet = 4  # modules of white around the code, as readers expect
    modules = len(code.matrix) + 2 * quiet
    side = box[2] - box[0]
    # Whole pixels per module keep every edge sharp for the reader.
    scale = max(1, side // modules)
    small = Image.new("L", (modules, modules), 255)
    pixels = small.load()
    for row, line in enumerate(code.matrix):
        for col, dark in enumerate(line):
            if dark:
                pixels[col + quiet, row + quiet] = 0
    image = small.resize((modules * scale, modules * scale), Image.Resampling.NEAREST)
    offset = (side - modules * scale) // 2
    return image, box[0] + offset, box[1] + offset


def _logo(data: bytes, box: tuple[int, int, int, int]) -> tuple[Image.Image, int, int]:
    with Image.open(io.BytesIO(data)) as source:
        source.draft("RGB", (box[2] - box[0], box[3] - box[1]))
        logo = source.convert("RGBA")
    logo.thumbnail((box[2] - box[0], box[3] - box[1]), Image.Resampling.LANCZOS)
    x = box[0] + (box[2] - box[0] - logo.width) // 2
    y = box[1] + (box[3] - box[1] - logo.height) // 2
    return logo, x, y


def _text(draw: ImageDraw.ImageDraw, op: lay.TextOp, boxes: Boxes) -> None:
    block = op.block
    face = block.face
    x0, y0, x1, y1 = op.region
    y = y0
    if op.valign == "middle":
        y = y0 + max(0, (y1 - y0 - block.height) // 2)
    for line in block.lines:
        left, right = t.extent(face, line)
        line_width = right - left
        if op.align == "center":
            x = x0 + (x1 - x0 - line_width) // 2 - left
        elif op.align == "right":
            x = x1 - line_width - left
        else:
            x = x0 - left
        draw.text((x, y), line, font=face, fill=op.fill, anchor="la")
        bbox = draw.textbbox((x, y), line, font=face, anchor="la")
        boxes.append((line, tuple(int(v) for v in bbox)))
        y += block.leading


def draw(plan: lay.Plan) -> tuple[Image.Image, Boxes]:
    """The plan painted on a new RGB image, with the box of every text line."""
    image = Image.new("RGB", (plan.width, plan.height), plan.background)
    pen = ImageDraw.Draw(image)
    boxes: Boxes = []
    for op in plan.ops:
        if isinstance(op, lay.TextOp):
            _text(pen, op, boxes)
        elif isinstance(op, lay.RectOp):
            x0, y0, x1, y1 = op.box
            if x1 <= x0 or y1 <= y0:
                continue
            radius = min(op.radius, (x1 - x0) // 2, (y1 - y0) // 2)
            pen.rounded_rectangle(
                op.box, radius=radius, fill=op.fill, outline=op.outline, width=op.line
            )
        elif isinstance(op, lay.EllipseOp):
            pen.ellipse(op.box, fill=op.fill, outline=op.outline, width=op.line)
        elif isinstance(op, lay.LineOp):
            pen.line(op.points, fill=op.fill, width=op.line, joint="curve")
        elif isinstance(op, lay.PolygonOp):
            pen.polygon(op.points, fill=op.fill)
        elif isinstance(op, lay.ImageOp):
            if op.what == "qr":
                qr, x, y = _qr(op.payload, op.box)
                image.paste(qr, (x, y))
            else:
                logo, x, y = _logo(op.payload, op.box)
                image.paste(logo, (x, y), logo)
    return image, boxes


def encode(image: Image.Image) -> bytes:
    """PNG bytes under 1 MB: a 256-colour palette (flat colours and text lose
    nothing visible), and full colour only if that is still small enough."""
    buffer = io.BytesIO()
    paletted = image.quantize(
        colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    # Level 6: level 9 saves ~10% of bytes but takes four times as long.
    paletted.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def render(kind: str, size: str, data: Mapping[str, Any]) -> Rendered:
    """Validate the data, draw the infographic and return it as a small PNG."""
    cleaned = clean(kind, size, data)
    plan = lay.plan(kind, size, cleaned)
    image, boxes = draw(plan)
    png = encode(image)
    if len(png) >= MAX_PNG_BYTES:  # pragma: no cover - guarded by the tests
        raise RuntimeError("infographic PNG over 1 MB")
    return Rendered(
        png=png,
        width=image.width,
        height=image.height,
        alt_text=alt_text_from_clean(kind, cleaned),
        text_boxes=boxes,
    )
