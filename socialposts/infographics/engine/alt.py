"""Alt text for an infographic, written from the same data as the image.

Everything the image shows is in the text (every step, every chart row,
every ranked OPD, with the numbers written the Indonesian way), so a screen
reader user gets the same information; it can also serve as the caption.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from .kinds import Kind, Size


def _number(value: float | None) -> str:
    from .layouts import number

    return number(value)


def _score(value: float) -> str:
    from .layouts import score_text

    return score_text(value)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else text + "."


def _item_card(data: dict) -> list[str]:
    parts = [
        _("PPID information from %(opd)s: %(title)s")
        % {"opd": data["opd_name"], "title": data["title"]}
    ]
    if data["category"]:
        parts.append(_("Category: %(category)s") % {"category": data["category"]})
    if data["summary"]:
        parts.append(_("Summary: %(summary)s") % {"summary": data["summary"]})
    if data["where"]:
        parts.append(_("How to get it: %(where)s") % {"where": data["where"]})
    return parts


def _service_flow(data: dict) -> list[str]:
    parts = [
        _("Service flow of %(opd)s: %(title)s, in %(count)d steps")
        % {"opd": data["opd_name"], "title": data["title"], "count": len(data["steps"])}
    ]
    for index, step in enumerate(data["steps"], start=1):
        line = f"{index}. {step['title']}"
        if step["text"]:
            line += ": " + step["text"]
        parts.append(line)
    return parts


def _data_chart(data: dict) -> list[str]:
    if data["chart"] == "line":
        intro = _("Line chart from %(opd)s: %(title)s")
    else:
        intro = _("Bar chart from %(opd)s: %(title)s")
    parts = [intro % {"opd": data["opd_name"], "title": data["title"]}]
    if data["unit"]:
        parts.append(_("Unit: %(unit)s") % {"unit": data["unit"]})
    parts.append(
        "; ".join(
            "{}: {}".format(row["label"], _number(row["value"])) for row in data["rows"]
        )
    )
    if data["source"]:
        parts.append(_("Source: %(source)s") % {"source": data["source"]})
    return parts


def _kip_card(data: dict) -> list[str]:
    parts = [
        _(
            "KIP readiness score of %(opd)s for %(month)s: %(score)s out of 100, band %(band)s"
        )
        % {
            "opd": data["opd_name"],
            "month": data["month_label"],
            "score": _score(data["score"]),
            "band": data["band_label"],
        }
    ]
    change = data["change"]
    if change is None:
        parts.append(_("No earlier month to compare"))
    elif round(change, 2) == 0:
        parts.append(_("Same as last month"))
    else:
        parts.append(
            _("%(change)s points since last month")
            % {"change": ("+" if change > 0 else "−") + _score(abs(change))}
        )
    return parts


def _ranking_card(data: dict) -> list[str]:
    parts = [_("KIP readiness ranking for %(month)s") % {"month": data["month_label"]}]
    for row in data["rows"]:
        parts.append(
            f"{row['rank']}. {row['opd_name']}: {_score(row['score'])}"
            f" ({row['band_label']})"
        )
    return parts


WRITERS = {
    Kind.ITEM_CARD: _item_card,
    Kind.SERVICE_FLOW: _service_flow,
    Kind.DATA_CHART: _data_chart,
    Kind.KIP_CARD: _kip_card,
    Kind.RANKING_CARD: _ranking_card,
}


def alt_text_from_clean(kind: str, cleaned: Mapping[str, Any]) -> str:
    """The alt text of data already cleaned by ``validation.clean``."""
    parts = WRITERS[kind](dict(cleaned))
    text = " ".join(_sentence(part) for part in parts if part)
    # The address ends the text with no full stop, so it stays a clean link.
    return text + " " + _("More information: %(url)s") % {"url": cleaned["url"]}


def alt_text(kind: str, data: Mapping[str, Any]) -> str:
    """The image's alt text (Indonesian), to paste as the post's caption or alt."""
    from .validation import clean

    # Alt text does not depend on the size; any size cleans the data the same.
    return alt_text_from_clean(kind, clean(kind, Size.SQUARE, data))
