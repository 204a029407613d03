"""The monthly report as XLSX (openpyxl): an OPD's workbook and the
kabupaten's, with charts, dated at the month's end inside and out."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.links import absolute_url
from core.tables import FILE_AUTHOR, FILE_CREATOR, clean_cell, write_sheet_table
from evaluations import selectors
from evaluations.exports import common
from evaluations.models import MonthlyReport, OpdScore


def save_workbook(workbook: Any, report: MonthlyReport) -> bytes:
    """The workbook's bytes, dated at the month's end inside and out."""
    from openpyxl.writer.excel import ExcelWriter

    local = timezone.make_aware(common.moment(report))
    # openpyxl writes these as UTC.
    utc = local.astimezone(datetime.UTC).replace(tzinfo=None)
    workbook.properties.created = utc
    workbook.properties.modified = utc
    workbook.properties.creator = FILE_AUTHOR
    workbook.properties.lastModifiedBy = FILE_CREATOR
    written = io.BytesIO()
    # save_workbook would stamp ``modified`` with the clock; the writer it
    # calls does not.
    ExcelWriter(workbook, zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED)).save()
    return _redated(written.getvalue(), tuple(local.timetuple())[:6])


def _redated(archive: bytes, date_time: tuple) -> bytes:
    """The zip again with every entry dated ``date_time``: zipfile stamps
    entries with the clock, or with a temporary file's time."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(entry))
    return out.getvalue()


def new_sheet(workbook: Any, title: str, *, first: bool = False) -> Any:
    # Sheet names are at most 31 characters and may not hold []:*?/\.
    name = "".join(c for c in title if c not in "[]:*?/\\")[:31]
    if first:
        sheet = workbook.active
        sheet.title = name
        return sheet
    return workbook.create_sheet(name)


def _title_rows(sheet: Any, title: str, lines: list[str]) -> None:
    from openpyxl.styles import Font

    sheet.append([title])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=13)
    for line in lines:
        sheet.append([clean_cell(line)])
    sheet.append([])


def _heading(report: MonthlyReport) -> list[str]:
    """The lines under a workbook's title: a preview's notice first, then
    the version and status, and the reason for the version."""
    notice = common.preview_notice(report)
    return [notice] * bool(notice) + [
        _("Version %(version)s, %(status)s")
        % {"version": report.version, "status": common.status_label(report)},
        _("Reason for this version: %(reason)s") % {"reason": report.reason}
        if report.reason
        else "",
    ]


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@common.in_indonesian
def opd_report_xlsx(opd_score: OpdScore) -> bytes:
    """The OPD's report as a workbook: summary with the indicator chart,
    every item, the trend with its chart, and the five actions."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, LineChart, Reference

    opd_score = common.current_score(opd_score)
    view = selectors.opd_view(opd_score)
    report, opd = opd_score.report, opd_score.opd
    title = _("KIP readiness of %(opd)s, %(month)s") % {
        "opd": opd.name,
        "month": common.month_title(report),
    }
    workbook = Workbook()
    summary = new_sheet(workbook, _("Summary"), first=True)
    _title_rows(
        summary,
        title,
        _heading(report),
    )
    write_sheet_table(
        summary,
        [_("Score"), _("Band"), _("Rank"), _("Reply")],
        [
            [
                _float(opd_score.score),
                common.band_label(opd_score.band),
                opd_score.rank,
                opd_score.get_reply_display(),
            ]
        ],
        [40, 20, 14, 14, 14],
    )
    summary.append([])
    first, last = write_sheet_table(
        summary,
        [_("Indicator"), _("Weight"), _("Fulfilled, 0–100"), _("Points"), _("Of")],
        [
            [
                row.indicator.name,
                _float(row.indicator.weight),
                None if row.share is None else round(float(row.share * 100), 2),
                _float(row.points),
                _float(row.possible),
            ]
            for row in view.indicators
        ],
        [40, 12, 14, 12, 12],
    )
    chart = BarChart()
    chart.type = "bar"
    chart.title = _("Share fulfilled per indicator, 0–100")
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.legend = None
    chart.add_data(
        Reference(summary, min_col=3, min_row=first, max_row=last),
        titles_from_data=True,
    )
    chart.set_categories(Reference(summary, min_col=1, min_row=first + 1, max_row=last))
    chart.width, chart.height = 18, 8
    summary.add_chart(chart, "G2")

    items = new_sheet(workbook, _("Items"))
    write_sheet_table(
        items,
        [
            _("Indicator"),
            _("Item"),
            _("Method"),
            _("Weight"),
            _("Applies"),
            _("Fulfilled, 0–100"),
            _("How it was computed"),
            _("Reviewer's comment"),
            _("Evidence links"),
        ],
        [
            [
                row.indicator.name,
                s.item.name,
                s.item.get_method_display(),
                _float(s.item.weight),
                _("yes") if s.applies else _("no"),
                None if s.ratio is None else round(float(s.ratio * 100), 2),
                s.detail,
                s.comment,
                len([e for e in s.evidence or [] if e.get("url")]),
            ]
            for row in view.indicators
            for s in row.items
        ],
        [22, 50, 16, 8, 8, 12, 40, 30, 10],
    )

    trend = new_sheet(workbook, _("Trend"))
    first, last = write_sheet_table(
        trend,
        [_("Month"), _("Score"), _("Band"), _("Version")],
        [
            [
                date_format(p.month, "F Y"),
                _float(p.score),
                common.band_label(p.band),
                p.version,
            ]
            for p in view.trend
        ],
        [18, 10, 22, 10],
    )
    line = LineChart()
    line.title = _("Score per month")
    line.y_axis.scaling.min = 0
    line.y_axis.scaling.max = 100
    line.legend = None
    line.add_data(
        Reference(trend, min_col=2, min_row=first, max_row=last), titles_from_data=True
    )
    line.set_categories(Reference(trend, min_col=1, min_row=first + 1, max_row=last))
    trend.add_chart(line, "F2")

    todo = new_sheet(workbook, _("Actions"))
    write_sheet_table(
        todo,
        ["#", _("Item"), _("What to do"), _("Points gained"), _("Where")],
        [
            [
                n,
                a.item.name,
                a.item.guidance,
                _float(a.gain),
                absolute_url(a.item.action_url) if a.item.action_url else "",
            ]
            for n, a in enumerate(view.actions, start=1)
        ],
        [5, 45, 60, 12, 45],
    )
    return save_workbook(workbook, report)


@common.in_indonesian
def kabupaten_xlsx(report: MonthlyReport) -> bytes:
    """The kabupaten report as a workbook: ranking, bands with a chart, the
    heatmap in colour, movers and stale or overdue data."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import PatternFill

    report = common.current(report)
    view = selectors.kabupaten(report, common.all_scores(report))
    title = _("KIP readiness of Purbalingga Regency, %(month)s") % {
        "month": common.month_title(report)
    }
    workbook = Workbook()
    ranking = new_sheet(workbook, _("Ranking"), first=True)
    _title_rows(
        ranking,
        title,
        _heading(report),
    )
    write_sheet_table(
        ranking,
        [_("Rank"), _("OPD"), _("Score"), _("Band"), _("Change"), _("Reply")],
        [
            [
                row.opd_score.rank,
                row.opd_score.opd.name,
                _float(row.opd_score.score),
                common.band_label(row.opd_score.band),
                _float(row.change),
                row.opd_score.get_reply_display(),
            ]
            for row in view.rows
        ],
        [8, 50, 10, 22, 10, 14],
    )

    bands = new_sheet(workbook, _("Bands"))
    first, last = write_sheet_table(
        bands,
        [_("Band"), _("OPDs")],
        [[row.label, row.count] for row in view.distribution],
        [24, 10],
    )
    chart = BarChart()
    chart.title = _("OPDs per band")
    chart.legend = None
    chart.add_data(
        Reference(bands, min_col=2, min_row=first, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(bands, min_col=1, min_row=first + 1, max_row=last))
    bands.add_chart(chart, "D2")

    heat = new_sheet(workbook, _("Heatmap"))
    first, _last = write_sheet_table(
        heat,
        [_("OPD")] + [i.name for i in view.indicators],
        [
            [row.opd_score.opd.name]
            + [
                None if c.share is None else round(float(c.share * 100), 2)
                for c in row.cells
            ]
            for row in view.heat
        ],
        [40] + [16] * len(view.indicators),
    )
    for y, row in enumerate(view.heat, start=first + 1):
        for x, cell in enumerate(row.cells, start=2):
            colour = common.heat_colour(cell.share).lstrip("#").upper()
            heat.cell(row=y, column=x).fill = PatternFill(
                "solid", start_color=colour, end_color=colour
            )

    moved = new_sheet(workbook, _("Movers"))
    write_sheet_table(
        moved,
        [_("OPD"), _("Last month"), _("This month"), _("Change")],
        [
            [
                r.opd_score.opd.name,
                _float(r.previous),
                _float(r.opd_score.score),
                _float(r.change),
            ]
            for r in view.movers
        ],
        [50, 12, 12, 10],
    )

    stale = new_sheet(workbook, _("Stale or overdue"))
    write_sheet_table(
        stale,
        [
            _("OPD"),
            _("Channel health, 0–100"),
            _("Periodic information up to date, 0–100"),
            _("Kind"),
            _("Concerned"),
            _("Link"),
        ],
        [
            [
                entry.opd_score.opd.name,
                None
                if entry.channel is None
                else round(float(entry.channel.ratio * 100), 2),
                None
                if entry.berkala is None
                else round(float(entry.berkala.ratio * 100), 2),
                common.kind_label(e.get("kind", "")),
                e.get("label", ""),
                absolute_url(e.get("url", "")),
            ]
            for entry in view.attention
            for e in (entry.stale_accounts + entry.overdue_items or [{}])
        ],
        [40, 14, 14, 10, 45, 50],
    )
    return save_workbook(workbook, report)
