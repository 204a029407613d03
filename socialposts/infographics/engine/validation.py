"""Checks the data of an infographic before it is drawn.

Structural checks come first (required fields, counts, lengths, numbers);
then the layout measures the text at the requested size and refuses what
does not fit even at the smallest font size. Errors are a dict keyed by the
field name, e.g. "steps", "steps[3].title" (indexes start at 0), "rows[2].value",
"csv", so the API and the forms can point at the field.
"""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .kinds import DIMENSIONS, Kind, Size

MIN_STEPS, MAX_STEPS = 2, 10
STEP_TITLE_MAX, STEP_TEXT_MAX = 60, 160
MIN_CHART_ROWS, MAX_CHART_ROWS = 1, 12
MAX_RANKING_ROWS = 10
CHART_LABEL_MAX = 40
CHART_VALUE_LIMIT = 1e12
CSV_MAX_CHARS = 10_000
URL_MAX = 500
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 4096 * 4096
CHARTS = ("bar", "line")

# Hard caps on free text; what fits is then decided by measuring.
TEXT_MAX = {
    "title": 300,
    "category": 100,
    "opd_name": 200,
    "summary": 3000,
    "where": 600,
    "month_label": 40,
    "band_label": 60,
    "unit": 30,
    "source": 200,
}

_SPACES = re.compile(r"\s+")


class _Errors:
    """Collects messages per field so one answer names every bad field."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _text(
    data: Mapping[str, Any],
    name: str,
    errors: _Errors,
    *,
    required: bool = True,
    max_length: int | None = None,
    path: str | None = None,
) -> str:
    path = path or name
    max_length = max_length or TEXT_MAX.get(name, 200)
    value = data.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str | int | float | Decimal) or isinstance(value, bool):
        errors.add(path, _("This field must be text."))
        return ""
    # Line breaks and runs of spaces would break the measured layout.
    value = _SPACES.sub(" ", str(value)).strip()
    if required and not value:
        errors.add(path, _("This field is required."))
    elif len(value) > max_length:
        errors.add(
            path,
            _("At most %(max)d characters (this one has %(count)d).")
            % {"max": max_length, "count": len(value)},
        )
    return value


def parse_number(value: Any) -> float | None:
    """A finite number from a JSON number or a text like "12", "-3.5", "1.234,5"."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        number = float(value)
        return number if math.isfinite(number) else None
    if not isinstance(value, str):
        return None
    text = value.strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text and "." in text:
        # The separator that comes last is the decimal one (1.234,5 or 1,234.5).
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        number = float(Decimal(text))
    except (InvalidOperation, ValueError):
        return None
    return number if math.isfinite(number) else None


def _url(data: Mapping[str, Any], errors: _Errors) -> str:
    url = _text(data, "url", errors, max_length=URL_MAX)
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            errors.add("url", _("Enter a full web address starting with https://."))
    return url


def _logo(data: Mapping[str, Any], errors: _Errors) -> bytes | None:
    logo = data.get("logo")
    if logo in (None, b"", ""):
        return None
    if isinstance(logo, memoryview | bytearray):
        logo = bytes(logo)
    if not isinstance(logo, bytes):
        errors.add("logo", _("The logo must be an image file."))
        return None
    if len(logo) > LOGO_MAX_BYTES:
        errors.add("logo", _("The logo is larger than 2 MB."))
        return None
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its pixel limit; refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(logo))
        with image:
            # Checked before decoding so a tiny file cannot expand into a huge image.
            if image.width * image.height > LOGO_MAX_PIXELS:
                errors.add("logo", _("The logo has too many pixels."))
                return None
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        errors.add("logo", _("The logo is not an image that can be read."))
        return None
    return logo


def _score(value: Any, path: str, errors: _Errors, *, nullable: bool = False):
    if value is None or value == "":
        if not nullable:
            errors.add(path, _("This field is required."))
        return None
    number = parse_number(value)
    if number is None:
        errors.add(path, _("Enter a number."))
        return None
    return number


def _steps(data: Mapping[str, Any], errors: _Errors) -> list[dict[str, str]]:
    steps = data.get("steps")
    if not isinstance(steps, list | tuple):
        errors.add("steps", _("Give the steps as a list."))
        return []
    if not MIN_STEPS <= len(steps) <= MAX_STEPS:
        errors.add(
            "steps",
            _("A service flow has %(min)d to %(max)d steps (this one has %(count)d).")
            % {"min": MIN_STEPS, "max": MAX_STEPS, "count": len(steps)},
        )
        return []
    cleaned = []
    for index, step in enumerate(steps):
        if not isinstance(step, Mapping):
            errors.add(f"steps[{index}]", _("Each step needs a title and a text."))
            continue
        cleaned.append(
            {
                "title": _text(
                    step,
                    "title",
                    errors,
                    max_length=STEP_TITLE_MAX,
                    path=f"steps[{index}].title",
                ),
                "text": _text(
                    step,
                    "text",
                    errors,
                    required=False,
                    max_length=STEP_TEXT_MAX,
                    path=f"steps[{index}].text",
                ),
            }
        )
    return cleaned


def _csv_rows(text: Any, errors: _Errors) -> list[dict[str, Any]]:
    if not isinstance(text, str) or not text.strip():
        errors.add("csv", _("Paste or upload a table of two columns: label, number."))
        return []
    if len(text) > CSV_MAX_CHARS:
        errors.add("csv", _("The CSV is too long."))
        return []
    lines = [line for line in text.strip().lstrip("\ufeff").splitlines() if line]
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = []
    for number, record in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        if len(cells) != 2:
            errors.add(
                "csv",
                _("Line %(line)d: expected 2 columns (label, number), found %(count)d.")
                % {"line": number, "count": len(cells)},
            )
            return []
        value = parse_number(cells[1])
        if value is None:
            if number == 1:
                continue  # a header line such as "Kelas,Kamar kosong"
            errors.add(
                "csv",
                _("Line %(line)d: “%(value)s” is not a number.")
                % {"line": number, "value": cells[1][:40]},
            )
            return []
        rows.append({"label": cells[0], "value": value})
    if not rows:
        errors.add("csv", _("The CSV has no row with a number."))
    return rows


def _chart_rows(data: Mapping[str, Any], errors: _Errors) -> list[dict[str, Any]]:
    has_rows = data.get("rows") not in (None, "", [])
    has_csv = data.get("csv") not in (None, "")
    if has_rows and has_csv:
        errors.add("csv", _("Give either rows or a CSV, not both."))
        return []
    if has_csv:
        source, raw = "csv", _csv_rows(data.get("csv"), errors)
        if not raw:
            return []
    else:
        source, raw = "rows", data.get("rows")
        if not isinstance(raw, list | tuple) or not raw:
            errors.add("rows", _("Give at least one row, or a CSV."))
            return []
    if not MIN_CHART_ROWS <= len(raw) <= MAX_CHART_ROWS:
        errors.add(
            source,
            _("A chart has %(min)d to %(max)d rows (this one has %(count)d).")
            % {"min": MIN_CHART_ROWS, "max": MAX_CHART_ROWS, "count": len(raw)},
        )
        return []
    rows = []
    for index, row in enumerate(raw):
        path = f"rows[{index}]" if source == "rows" else "csv"
        if not isinstance(row, Mapping):
            errors.add(path, _("Each row needs a label and a value."))
            continue
        label = _text(
            row,
            "label",
            errors,
            max_length=CHART_LABEL_MAX,
            path=path + ".label" if source == "rows" else path,
        )
        value = parse_number(row.get("value"))
        if value is None:
            errors.add(
                path + ".value" if source == "rows" else path, _("Enter a number.")
            )
        elif abs(value) >= CHART_VALUE_LIMIT:
            errors.add(
                path + ".value" if source == "rows" else path,
                _("Numbers up to 12 digits: give it in a larger unit."),
            )
        rows.append({"label": label, "value": value})
    return rows


def _ranking_rows(data: Mapping[str, Any], errors: _Errors) -> list[dict[str, Any]]:
    raw = data.get("rows")
    if not isinstance(raw, list | tuple) or not raw:
        errors.add("rows", _("Give at least one row."))
        return []
    if len(raw) > MAX_RANKING_ROWS:
        errors.add(
            "rows",
            _("A ranking card shows at most %(max)d rows (this one has %(count)d).")
            % {"max": MAX_RANKING_ROWS, "count": len(raw)},
        )
        return []
    rows = []
    for index, row in enumerate(raw):
        path = f"rows[{index}]"
        if not isinstance(row, Mapping):
            errors.add(path, _("Each row needs a rank, an OPD, a score and a band."))
            continue
        rank = parse_number(row.get("rank"))
        if rank is None or rank < 1 or rank != int(rank) or rank > 999:
            errors.add(path + ".rank", _("Enter a whole number from 1."))
        rows.append(
            {
                "rank": int(rank) if rank is not None and rank == rank // 1 else 0,
                "opd_name": _text(row, "opd_name", errors, path=path + ".opd_name"),
                "score": _score(row.get("score"), path + ".score", errors),
                "band_label": _text(
                    row, "band_label", errors, path=path + ".band_label"
                ),
            }
        )
    return rows


def clean(kind: str, size: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Structural checks only; ``validate`` adds the measured fit."""
    errors = _Errors()
    if kind not in Kind.values:
        errors.add("kind", _("Unknown kind of infographic: %(kind)s.") % {"kind": kind})
    if size not in DIMENSIONS:
        errors.add(
            "size",
            _("Unknown size: %(size)s (choose %(choices)s).")
            % {"size": size, "choices": ", ".join(Size.values)},
        )
    if not isinstance(data, Mapping):
        errors.add("data", _("The data must be an object."))
    errors.raise_if_any()

    cleaned: dict[str, Any] = {"url": _url(data, errors), "logo": _logo(data, errors)}
    if kind == Kind.ITEM_CARD:
        cleaned["title"] = _text(data, "title", errors)
        cleaned["category"] = _text(data, "category", errors, required=False)
        cleaned["opd_name"] = _text(data, "opd_name", errors)
        cleaned["summary"] = _text(data, "summary", errors, required=False)
        cleaned["where"] = _text(data, "where", errors, required=False)
    elif kind == Kind.SERVICE_FLOW:
        cleaned["title"] = _text(data, "title", errors)
        cleaned["opd_name"] = _text(data, "opd_name", errors)
        cleaned["steps"] = _steps(data, errors)
    elif kind == Kind.DATA_CHART:
        cleaned["title"] = _text(data, "title", errors)
        cleaned["opd_name"] = _text(data, "opd_name", errors)
        chart = data.get("chart") or "bar"
        if chart not in CHARTS:
            errors.add("chart", _("Choose a bar or a line chart."))
        cleaned["chart"] = chart
        cleaned["unit"] = _text(data, "unit", errors, required=False)
        cleaned["source"] = _text(data, "source", errors, required=False)
        cleaned["rows"] = _chart_rows(data, errors)
        # Layout errors on a row then name "csv", the field the admin typed.
        # Kept through a second cleaning, so cleaned data cleans to itself.
        cleaned["from_csv"] = data.get("csv") not in (None, "") or (
            data.get("from_csv") is True
        )
    elif kind == Kind.KIP_CARD:
        cleaned["opd_name"] = _text(data, "opd_name", errors)
        cleaned["month_label"] = _text(data, "month_label", errors)
        cleaned["band_label"] = _text(data, "band_label", errors)
        score = _score(data.get("score"), "score", errors)
        if score is not None and not 0 <= score <= 100:
            errors.add("score", _("A score is between 0 and 100."))
        cleaned["score"] = score
        change = _score(data.get("change"), "change", errors, nullable=True)
        if change is not None and not -100 <= change <= 100:
            errors.add("change", _("A change is between -100 and 100."))
        cleaned["change"] = change
    elif kind == Kind.RANKING_CARD:
        cleaned["month_label"] = _text(data, "month_label", errors)
        cleaned["rows"] = _ranking_rows(data, errors)
        for index, row in enumerate(cleaned["rows"]):
            if row["score"] is not None and not 0 <= row["score"] <= 100:
                errors.add(f"rows[{index}].score", _("A score is between 0 and 100."))
    errors.raise_if_any()
    return cleaned


def validate(kind: str, size: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned data, or a ValidationError naming each field that is wrong."""
    from .layouts import plan

    cleaned = clean(kind, size, data)
    # Planning the layout measures every text; it raises when one cannot fit.
    plan(kind, size, cleaned)
    return cleaned
