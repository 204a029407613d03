"""The monthly report's files. ``report_bytes`` is the canonical content
whose SHA-256 the report keeps: the same data gives the same bytes."""

from __future__ import annotations

import csv
import datetime
import functools
import io
import zipfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from core.links import absolute_url
from core.months import previous_month
from core.tables import clean_cell, pdf_table, pdf_text, table_csv, write_sheet_table
from evaluations import selectors
from evaluations.models import Band, ItemScore, MonthlyReport, OpdScore

Status = MonthlyReport.Status


def report_bytes(
    report: MonthlyReport,
    scores: list[OpdScore] | None = None,
    items: list[ItemScore] | None = None,
) -> bytes:
    """Every OPD's score, band, rank and item fulfilments, in a fixed
    order, as UTF-8 CSV; nothing that depends on when it is computed.
    ``scores`` and ``items`` (with their OPD and item loaded), when the
    caller holds them already, save reading them again."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["bulan", "versi", "opd", "nilai", "kualifikasi", "peringkat"])
    if scores is None:
        scores = list(report.scores.select_related("opd"))
    scores = sorted(scores, key=lambda s: (s.rank, s.opd.name, s.opd_id))
    for score in scores:
        writer.writerow(
            [
                "{:%Y-%m}".format(report.month),
                report.version,
                score.opd.slug,
                score.score,
                score.band,
                score.rank,
            ]
        )
    writer.writerow([])
    writer.writerow(["opd", "butir", "pemenuhan", "berlaku", "keterangan"])
    if items is None:
        items = list(
            ItemScore.objects.filter(opd_score__report=report).select_related(
                "item__indicator"
            )
        )
    slugs = {s.pk: s.opd.slug for s in scores}
    rows = sorted(
        (
            slugs[i.opd_score_id],
            i.item.indicator.position,
            i.item.position,
            i.item.code,
            "" if i.ratio is None else i.ratio,
            int(i.applies),
            i.detail,
        )
        for i in items
    )
    for slug, _indicator, _position, code, ratio, applies, detail in rows:
        writer.writerow([slug, code, ratio, applies, detail])
    return out.getvalue().encode("utf-8")


# Every file here depends on the report's data only: the creation date written
# into it is the month's last moment, never the clock, so the same data
# gives the same bytes (and the same SHA-256) whenever it is rebuilt.

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
}
AUTHOR = "Dinkominfo Kabupaten Purbalingga"
CREATOR = "Portal PPID Kabupaten Purbalingga"
BAND_COLOURS = {
    Band.INFORMATIF: "#1b5e20",
    Band.MENUJU_INFORMATIF: "#33691e",
    Band.CUKUP_INFORMATIF: "#f9a825",
    Band.KURANG_INFORMATIF: "#bf360c",
    Band.TIDAK_INFORMATIF: "#b71c1c",
}
# As on the pages (static/css/evaluations.css). Heatmap steps run from 0
# (nothing fulfilled) to 4 (all).
HEAT_COLOURS = ["#f8d7da", "#fde2c4", "#fff3c4", "#d9f0d3", "#a5d6a7"]
HEAT_NONE = "#eeeeee"


def _indonesian(function: Callable) -> Callable:
    """Reports are official documents in Indonesian whoever downloads them;
    one language also keeps the bytes the same for every reader."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


def _moment(report: MonthlyReport) -> datetime.datetime:
    """The month's last second, Asia/Jakarta: the files' creation date."""
    return datetime.datetime.combine(report.month_end, datetime.time(23, 59, 58))


def _number(value: Decimal | float | None, places: int = 2) -> str:
    if value is None:
        return "–"
    return number_format(value, decimal_pos=places, use_l10n=True)


def _signed(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + _number(value)


def _percent(share: Decimal | None) -> str:
    return "–" if share is None else "{}%".format(_number(share * 100, 0))


def _month(report: MonthlyReport) -> str:
    return date_format(report.month, "F Y")


def status_label(report: MonthlyReport) -> str:
    return {
        Status.DRAFT: _("Draft"),
        Status.REPLY: _("Open for reply"),
        Status.FINAL: _("Final"),
    }[report.status]


def _band_label(band: str) -> str:
    return str(Band(band).label) if band in Band.values else band


def kabupaten_url(report: MonthlyReport) -> str:
    return absolute_url(
        reverse("evaluations:report", kwargs={"month": report.month})
        + ("?versi={}".format(report.version) if report.version > 1 else "")
    )


def opd_url(opd_score: OpdScore) -> str:
    report = opd_score.report
    return absolute_url(
        reverse(
            "evaluations:opd",
            kwargs={"month": report.month, "slug": opd_score.opd.slug},
        )
        + ("?versi={}".format(report.version) if report.version > 1 else "")
    )


def file_name(
    report: MonthlyReport, fmt: str, opd: Any = None, suffix: str = ""
) -> str:
    """``kesiapan-kip-2026-10[-v2][-dinkes][-bukti].pdf``"""
    parts = ["kesiapan-kip", "{:%Y-%m}".format(report.month)]
    if report.version > 1:
        parts.append("v{}".format(report.version))
    if opd is not None:
        parts.append(opd.slug)
    if suffix:
        parts.append(suffix)
    return "{}.{}".format("-".join(parts), fmt)


def _current(report: MonthlyReport) -> MonthlyReport:
    """The report as stored: a caller's copy may predate a write (its
    hash, its status), and the file must show what the database holds."""
    return MonthlyReport.objects.select_related("framework").get(pk=report.pk)


def _current_score(opd_score: OpdScore) -> OpdScore:
    return OpdScore.objects.select_related("opd", "report__framework").get(
        pk=opd_score.pk
    )


def _all_scores(report: MonthlyReport):
    return OpdScore.objects.filter(report=report)


# --- PDF ---------------------------------------------------------------------------


def _styles() -> dict:
    from reportlab.lib.styles import getSampleStyleSheet

    sheet = getSampleStyleSheet()
    return {
        "title": sheet["Title"],
        "h2": sheet["Heading2"],
        "body": sheet["BodyText"],
        "small": sheet["BodyText"].clone("small", fontSize=7.5, leading=9),
        "cell": sheet["BodyText"].clone("cell", fontSize=8, leading=9.5),
    }


def _p(text: Any, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(pdf_text(str(text)), style)


def _link(url: str) -> Any:
    """A clickable link in a table cell."""
    from reportlab.platypus import Paragraph

    href = pdf_text(url).replace('"', "&quot;")
    return Paragraph('<link href="{0}">{0}</link>'.format(href), _styles()["cell"])


def _table(
    header: list[str], rows: list[list[Any]], widths_mm: list[float], extra=()
) -> Any:
    return pdf_table(header, rows, widths_mm, style=_styles()["cell"], extra=extra)


def _build_pdf(report: MonthlyReport, title: str, story: list) -> bytes:
    """A4 pages with the month, version and the report's fingerprint in
    the footer; invariant, dated at the month's end."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    moment = _moment(report)
    stamp = "D:{:%Y%m%d%H%M%S}+07'00'".format(moment)
    footer = _("%(month)s · version %(version)s · %(status)s · SHA-256 %(hash)s") % {
        "month": _month(report),
        "version": report.version,
        "status": status_label(report),
        "hash": report.sha256[:16] or "–",
    }

    def decorate(canvas: Any, document: Any) -> None:
        # The date reportlab would write is the clock's (or 2000-01-01
        # when invariant); the report's own moment is the truthful one.
        canvas.setDateFormatter(lambda *parts: stamp)
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(15 * mm, 8 * mm, footer)
        canvas.drawRightString(
            A4[0] - 15 * mm,
            8 * mm,
            _("Page %(page)s") % {"page": document.page},
        )
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author=AUTHOR,
        creator=CREATOR,
        subject=_("KIP readiness evaluation"),
        invariant=1,
    )
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _bar_chart(labels: list[str], values: list[float], *, top: float, colour: str):
    """A horizontal bar chart drawing, one bar per label."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    height = 24 + 18 * len(labels)
    drawing = Drawing(480, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 170, 12, 290, height - 20
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.reverseDirection = 1
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor(colour)
    chart.barLabelFormat = "%.0f"
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def _band_chart(distribution: list) -> Any:
    """The number of OPDs per band, a bar in each band's colour."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    drawing = Drawing(480, 150)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 30, 420, 110
    chart.data = [[row.count for row in distribution]]
    chart.categoryAxis.categoryNames = [row.label for row in distribution]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([row.count for row in distribution] + [1]) + 1
    chart.valueAxis.valueStep = max(1, chart.valueAxis.valueMax // 5)
    chart.valueAxis.labels.fontSize = 7
    for index, row in enumerate(distribution):
        chart.bars[(0, index)].fillColor = colors.HexColor(BAND_COLOURS[row.band])
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    drawing.add(chart)
    return drawing


def _trend_chart(points: list) -> Any:
    """The OPD's score over the months, on a fixed 0–100 scale."""
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors

    drawing = Drawing(480, 140)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 40, 25, 420, 105
    chart.data = [[float(p.score) for p in points]]
    chart.categoryAxis.categoryNames = [date_format(p.month, "M Y") for p in points]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 20
    chart.valueAxis.labels.fontSize = 7
    chart.lines[0].strokeColor = colors.HexColor("#14532d")
    chart.lines[0].strokeWidth = 1.5
    chart.lines[0].symbol = makeMarker("FilledCircle", size=4)
    drawing.add(chart)
    return drawing


@_indonesian
def opd_report_pdf(opd_score: OpdScore) -> bytes:
    """The OPD's monthly report: score, band, the indicator breakdown, the
    trend, the five actions and every item."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    opd_score = _current_score(opd_score)
    view = selectors.opd_view(opd_score)
    report, opd = opd_score.report, opd_score.opd
    styles = _styles()
    total = report.scores.count()
    title = _("KIP readiness of %(opd)s, %(month)s") % {
        "opd": opd.name,
        "month": _month(report),
    }
    story = [
        _p(title, styles["title"]),
        _p(
            _(
                "Score %(score)s of 100 · %(band)s · rank %(rank)s of %(total)s · version %(version)s, %(status)s"
            )
            % {
                "score": _number(opd_score.score),
                "band": _band_label(opd_score.band),
                "rank": opd_score.rank,
                "total": total,
                "version": report.version,
                "status": status_label(report),
            },
            styles["body"],
        ),
    ]
    if report.reason:
        story.append(
            _p(
                _("Reason for this version: %(reason)s") % {"reason": report.reason},
                styles["body"],
            )
        )
    story += [Spacer(1, 3 * mm), _p(_("Indicators"), styles["h2"])]
    story.append(
        _bar_chart(
            [row.indicator.name for row in view.indicators],
            [float((row.share or 0) * 100) for row in view.indicators],
            top=100,
            colour="#14532d",
        )
    )
    story.append(
        _table(
            [_("Indicator"), _("Weight"), _("Fulfilled"), _("Points"), _("Of")],
            [
                [
                    row.indicator.name,
                    _number(row.indicator.weight, 0),
                    _percent(row.share),
                    _number(row.points),
                    _number(row.possible),
                ]
                for row in view.indicators
            ],
            [80, 20, 25, 25, 25],
        )
    )
    story += [Spacer(1, 3 * mm), _p(_("Trend"), styles["h2"])]
    if len(view.trend) > 1:
        story.append(_trend_chart(view.trend))
    story.append(
        _table(
            [_("Month"), _("Score"), _("Band"), _("Version")],
            [
                [
                    date_format(p.month, "F Y"),
                    _number(p.score),
                    _band_label(p.band),
                    p.version,
                ]
                for p in view.trend
            ],
            [45, 30, 50, 25],
        )
    )
    story += [
        Spacer(1, 3 * mm),
        _p(_("Five actions that raise the score most"), styles["h2"]),
    ]
    if view.actions:
        story.append(
            _table(
                ["#", _("Item"), _("What to do"), _("Points"), _("Where")],
                [
                    [
                        number,
                        action.item.name,
                        action.item.guidance,
                        "+" + _number(action.gain),
                        _link(absolute_url(action.item.action_url))
                        if action.item.action_url
                        else "",
                    ]
                    for number, action in enumerate(view.actions, start=1)
                ],
                [8, 50, 62, 16, 44],
            )
        )
    else:
        story.append(_p(_("Every item is fulfilled."), styles["body"]))
    story += [Spacer(1, 3 * mm), _p(_("Items"), styles["h2"])]
    rows, shading = [], []
    for row in view.indicators:
        shading.append(
            (
                "BACKGROUND",
                (0, len(rows) + 1),
                (-1, len(rows) + 1),
                colors.HexColor("#f3f3f3"),
            )
        )
        rows.append([row.indicator.name, "", _percent(row.share), ""])
        for item_score in row.items:
            rows.append(
                [
                    "· " + item_score.item.name,
                    item_score.item.get_method_display(),
                    _percent(item_score.ratio) if item_score.applies else _("n/a"),
                    item_score.detail or item_score.comment,
                ]
            )
    story.append(
        _table(
            [_("Item"), _("Method"), _("Fulfilled"), _("How it was computed")],
            rows,
            [75, 30, 20, 55],
            shading,
        )
    )
    return _build_pdf(report, title, story)


def _heat_colour(share: Decimal | None) -> str:
    if share is None:
        return HEAT_NONE
    return HEAT_COLOURS[min(4, int(share * 5))]


def _concerned(entry: selectors.Attention) -> str:
    """The accounts and items concerned, or what the rules said when they
    name none (an OPD without any account)."""
    named = [e.get("label", "") for e in entry.stale_accounts + entry.overdue_items]
    if not named:
        named = [s.detail for s in (entry.channel, entry.berkala) if s is not None]
    return "; ".join(named)[:500]


@_indonesian
def kabupaten_pdf(report: MonthlyReport) -> bytes:
    """The kabupaten report: ranking, bands, heatmap, movers, attention."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Spacer

    report = _current(report)
    view = selectors.kabupaten(report, _all_scores(report))
    styles = _styles()
    title = _("KIP readiness of Purbalingga Regency, %(month)s") % {
        "month": _month(report)
    }
    story = [
        _p(title, styles["title"]),
        _p(
            _(
                "%(count)s OPDs · average score %(average)s · version %(version)s, %(status)s"
            )
            % {
                "count": len(view.rows),
                "average": _number(view.average),
                "version": report.version,
                "status": status_label(report),
            },
            styles["body"],
        ),
    ]
    if report.reason:
        story.append(
            _p(
                _("Reason for this version: %(reason)s") % {"reason": report.reason},
                styles["body"],
            )
        )
    story += [
        Spacer(1, 3 * mm),
        _p(_("OPDs per band"), styles["h2"]),
        _band_chart(view.distribution),
    ]
    story += [_p(_("Ranking"), styles["h2"])]
    story.append(
        _table(
            [_("Rank"), _("OPD"), _("Score"), _("Band"), _("Change"), _("Reply")],
            [
                [
                    row.opd_score.rank,
                    row.opd_score.opd.name,
                    _number(row.opd_score.score),
                    _band_label(row.opd_score.band),
                    _signed(row.change),
                    row.opd_score.get_reply_display(),
                ]
                for row in view.rows
            ],
            [12, 70, 18, 32, 18, 30],
        )
    )
    story += [PageBreak(), _p(_("Share fulfilled per indicator"), styles["h2"])]
    heat_rows, heat_style = [], []
    for y, heat in enumerate(view.heat, start=1):
        heat_rows.append(
            [heat.opd_score.opd.short_name or heat.opd_score.opd.name]
            + [_percent(cell.share) for cell in heat.cells]
        )
        for x, cell in enumerate(heat.cells, start=1):
            heat_style.append(
                (
                    "BACKGROUND",
                    (x, y),
                    (x, y),
                    colors.HexColor(_heat_colour(cell.share)),
                )
            )
    columns = len(view.indicators) or 1
    story.append(
        _table(
            [_("OPD")] + [i.name for i in view.indicators],
            heat_rows,
            [40] + [140 / columns] * len(view.indicators),
            heat_style,
        )
    )
    story += [Spacer(1, 3 * mm), _p(_("Biggest movers"), styles["h2"])]
    if view.movers:
        story.append(
            _table(
                [_("OPD"), _("Last month"), _("This month"), _("Change")],
                [
                    [
                        row.opd_score.opd.name,
                        _number(row.previous),
                        _number(row.opd_score.score),
                        _signed(row.change),
                    ]
                    for row in view.movers
                ],
                [90, 30, 30, 30],
            )
        )
    else:
        story.append(_p(_("No comparison with last month."), styles["body"]))
    story += [Spacer(1, 3 * mm), _p(_("Stale data or overdue items"), styles["h2"])]
    if view.attention:
        story.append(
            _table(
                [
                    _("OPD"),
                    _("Channel health"),
                    _("Periodic information up to date"),
                    _("Concerned"),
                ],
                [
                    [
                        entry.opd_score.opd.name,
                        _percent(entry.channel.ratio) if entry.channel else "",
                        _percent(entry.berkala.ratio) if entry.berkala else "",
                        _concerned(entry),
                    ]
                    for entry in view.attention
                ],
                [55, 25, 30, 70],
            )
        )
    else:
        story.append(_p(_("No OPD has stale data or overdue items."), styles["body"]))
    return _build_pdf(report, title, story)


# --- XLSX --------------------------------------------------------------------------


def _save_workbook(workbook: Any, report: MonthlyReport) -> bytes:
    """The workbook's bytes, dated at the month's end inside and out."""
    from openpyxl.writer.excel import ExcelWriter

    local = timezone.make_aware(_moment(report))
    # openpyxl writes these as UTC.
    utc = local.astimezone(datetime.UTC).replace(tzinfo=None)
    workbook.properties.created = utc
    workbook.properties.modified = utc
    workbook.properties.creator = AUTHOR
    workbook.properties.lastModifiedBy = CREATOR
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


def _sheet(workbook: Any, title: str, *, first: bool = False) -> Any:
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


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@_indonesian
def opd_report_xlsx(opd_score: OpdScore) -> bytes:
    """The OPD's report as a workbook: summary with the indicator chart,
    every item, the trend with its chart, and the five actions."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, LineChart, Reference

    opd_score = _current_score(opd_score)
    view = selectors.opd_view(opd_score)
    report, opd = opd_score.report, opd_score.opd
    title = _("KIP readiness of %(opd)s, %(month)s") % {
        "opd": opd.name,
        "month": _month(report),
    }
    workbook = Workbook()
    summary = _sheet(workbook, _("Summary"), first=True)
    _title_rows(
        summary,
        title,
        [
            _("Version %(version)s, %(status)s")
            % {"version": report.version, "status": status_label(report)},
            _("Reason for this version: %(reason)s") % {"reason": report.reason}
            if report.reason
            else "",
        ],
    )
    write_sheet_table(
        summary,
        [_("Score"), _("Band"), _("Rank"), _("Reply")],
        [
            [
                _float(opd_score.score),
                _band_label(opd_score.band),
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

    items = _sheet(workbook, _("Items"))
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

    trend = _sheet(workbook, _("Trend"))
    first, last = write_sheet_table(
        trend,
        [_("Month"), _("Score"), _("Band"), _("Version")],
        [
            [
                date_format(p.month, "F Y"),
                _float(p.score),
                _band_label(p.band),
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

    todo = _sheet(workbook, _("Actions"))
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
    return _save_workbook(workbook, report)


@_indonesian
def kabupaten_xlsx(report: MonthlyReport) -> bytes:
    """The kabupaten report as a workbook: ranking, bands with a chart, the
    heatmap in colour, movers and stale or overdue data."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import PatternFill

    report = _current(report)
    view = selectors.kabupaten(report, _all_scores(report))
    title = _("KIP readiness of Purbalingga Regency, %(month)s") % {
        "month": _month(report)
    }
    workbook = Workbook()
    ranking = _sheet(workbook, _("Ranking"), first=True)
    _title_rows(
        ranking,
        title,
        [
            _("Version %(version)s, %(status)s")
            % {"version": report.version, "status": status_label(report)},
            _("Reason for this version: %(reason)s") % {"reason": report.reason}
            if report.reason
            else "",
        ],
    )
    write_sheet_table(
        ranking,
        [_("Rank"), _("OPD"), _("Score"), _("Band"), _("Change"), _("Reply")],
        [
            [
                row.opd_score.rank,
                row.opd_score.opd.name,
                _float(row.opd_score.score),
                _band_label(row.opd_score.band),
                _float(row.change),
                row.opd_score.get_reply_display(),
            ]
            for row in view.rows
        ],
        [8, 50, 10, 22, 10, 14],
    )

    bands = _sheet(workbook, _("Bands"))
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

    heat = _sheet(workbook, _("Heatmap"))
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
            colour = _heat_colour(cell.share).lstrip("#").upper()
            heat.cell(row=y, column=x).fill = PatternFill(
                "solid", start_color=colour, end_color=colour
            )

    moved = _sheet(workbook, _("Movers"))
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

    stale = _sheet(workbook, _("Stale or overdue"))
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
                e.get("kind", ""),
                e.get("label", ""),
                absolute_url(e.get("url", "")),
            ]
            for entry in view.attention
            for e in (entry.stale_accounts + entry.overdue_items or [{}])
        ],
        [40, 14, 14, 10, 45, 50],
    )
    return _save_workbook(workbook, report)


# --- The evidence pack -----------------------------------------------------------


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
            ratio = "" if s.ratio is None else _number(s.ratio * 100)
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
                        e.get("kind", ""),
                        absolute_url(e.get("url", "")) if e.get("url") else "",
                    ]
                )
        packs.append((row.indicator.name, lines))
    return packs


@_indonesian
def evidence_pack(opd_score: OpdScore, fmt: str, indicator: str = "") -> bytes:
    """Every evidence link per item, for the Komisi Informasi's
    self-assessment questionnaire: CSV, or XLSX with a sheet per indicator."""
    opd_score = _current_score(opd_score)
    view = selectors.opd_view(opd_score)
    packs = evidence_rows(view, indicator)
    if fmt == "csv":
        return table_csv(
            evidence_columns(), [line for _name, lines in packs for line in lines]
        )
    from openpyxl import Workbook

    workbook = Workbook()
    for position, (name, lines) in enumerate(packs):
        sheet = _sheet(workbook, name, first=position == 0)
        write_sheet_table(
            sheet, evidence_columns(), lines, [22, 45, 12, 40, 45, 10, 60]
        )
    return _save_workbook(workbook, opd_score.report)


# --- WhatsApp ----------------------------------------------------------------------


@_indonesian
def whatsapp_summary(report: MonthlyReport) -> str:
    """A few lines for the kabupaten's WhatsApp groups: month, OPDs per
    band, the top three, the biggest movers and the link."""
    report = _current(report)
    view = selectors.kabupaten(report, _all_scores(report))
    lines = [
        "*{}*".format(
            _("KIP readiness of Purbalingga Regency, %(month)s")
            % {"month": _month(report)}
        ),
        _("Version %(version)s, %(status)s · %(count)s OPDs · average %(average)s")
        % {
            "version": report.version,
            "status": status_label(report),
            "count": len(view.rows),
            "average": _number(view.average),
        },
        "",
        "*{}*".format(_("OPDs per band")),
    ]
    lines += ["• {}: {}".format(row.label, row.count) for row in view.distribution]
    lines += ["", "*{}*".format(_("Top three"))]
    lines += [
        "{}. {} {} ({})".format(
            row.opd_score.rank,
            row.opd_score.opd.name,
            _number(row.opd_score.score),
            _band_label(row.opd_score.band),
        )
        for row in view.rows[:3]
    ]
    if view.movers:
        lines += ["", "*{}*".format(_("Biggest movers"))]
        lines += [
            "{} {} {} ({} → {})".format(
                "▲" if row.change > 0 else "▼",
                row.opd_score.opd.name,
                _signed(row.change),
                _number(row.previous),
                _number(row.opd_score.score),
            )
            for row in view.movers
        ]
    lines += ["", _("Details: %(url)s") % {"url": kabupaten_url(report)}]
    return "\n".join(lines)


@_indonesian
def opd_whatsapp_summary(opd_score: OpdScore) -> str:
    """A few lines for an OPD: its score, band and rank, the change, the
    five actions and the link."""
    opd_score = _current_score(opd_score)
    view = selectors.opd_view(opd_score)
    report = opd_score.report
    previous = (
        view.trend[-2]
        if len(view.trend) > 1 and view.trend[-2].month == previous_month(report.month)
        else None
    )
    lines = [
        "*{}*".format(
            _("KIP readiness of %(opd)s, %(month)s")
            % {"opd": opd_score.opd.name, "month": _month(report)}
        ),
        _("Score *%(score)s* (%(band)s), rank %(rank)s of %(total)s")
        % {
            "score": _number(opd_score.score),
            "band": _band_label(opd_score.band),
            "rank": opd_score.rank,
            "total": report.scores.count(),
        },
    ]
    if previous is not None:
        lines.append(
            _("Change from last month: %(change)s")
            % {"change": _signed(opd_score.score - previous.score)}
        )
    if view.actions:
        lines += ["", "*{}*".format(_("Five actions that raise the score most"))]
        lines += [
            "{}. {} (+{})".format(n, a.item.guidance or a.item.name, _number(a.gain))
            for n, a in enumerate(view.actions, start=1)
        ]
    lines += ["", _("Details: %(url)s") % {"url": opd_url(opd_score)}]
    return "\n".join(lines)
