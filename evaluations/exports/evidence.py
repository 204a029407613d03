"""An OPD's evidence pack: every item's evidence links, per indicator, as
CSV or XLSX for the self-assessment (SAQ)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.links import absolute_url
from core.tables import table_csv, write_sheet_table
from evaluations import selectors
from evaluations.exports import common, xlsx
from evaluations.models import OpdScore


def evidence_columns() -> list[str]:
    return [
        _("Indicator"),
        _("Item"),
        _("Fulfilled, 0–100"),
        _("How it was computed"),
        _("Evidence"),
        _("Kind"),
        _("Link"),
    ]


def evidence_rows(
    view: selectors.OpdView, indicator: str = ""
) -> list[tuple[str, list[list[Any]]]]:
    """Per indicator: one row per evidence entry of each item (an item
    without evidence still gets its row), links made absolute."""
    packs = []
    for row in view.indicators:
        if indicator and row.indicator.code != indicator:
            continue
        lines = []
        for s in row.items:
            ratio = "" if s.ratio is None else common.number(s.ratio * 100)
            entries = s.evidence or [{}]
            if s.comment:
                entries = [*entries, {"kind": "comment", "label": s.comment}]
            if hasattr(s, "contest") and s.contest.evidence_url:
                entries = [
                    *entries,
                    {
                        "kind": "contest",
                        "label": s.contest.argument,
                        "url": s.contest.evidence_url,
                    },
                ]
            for e in entries:
                lines.append(
                    [
                        row.indicator.name,
                        s.item.name,
                        ratio,
                        s.detail,
                        e.get("label", ""),
                        common.kind_label(e.get("kind", "")),
                        absolute_url(e.get("url", "")) if e.get("url") else "",
                    ]
                )
        packs.append((row.indicator.name, lines))
    return packs


@common.in_indonesian
def evidence_pack(opd_score: OpdScore, fmt: str, indicator: str = "") -> bytes:
    """Every evidence link per item, for the Komisi Informasi's
    self-assessment questionnaire: CSV, or XLSX with a sheet per indicator."""
    opd_score = common.current_score(opd_score)
    view = selectors.opd_view(opd_score)
    packs = evidence_rows(view, indicator)
    if fmt == "csv":
        return table_csv(
            evidence_columns(), [line for _name, lines in packs for line in lines]
        )
    from openpyxl import Workbook

    workbook = Workbook()
    notice = common.preview_notice(opd_score.report)
    for position, (name, lines) in enumerate(packs):
        sheet = xlsx.new_sheet(workbook, name, first=position == 0)
        if notice:
            # A preview's evidence may still change: each sheet says so.
            sheet.append([notice])
        write_sheet_table(
            sheet, evidence_columns(), lines, [22, 45, 12, 40, 45, 10, 60]
        )
    return xlsx.save_workbook(workbook, opd_score.report)
