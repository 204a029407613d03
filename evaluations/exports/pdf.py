"""The monthly report as PDF (reportlab): an OPD's report and the
kabupaten's, dated at the month's end so that a rebuild gives the same bytes."""

from __future__ import annotations

import io
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.links import absolute_url
from core.tables import FILE_AUTHOR, FILE_CREATOR, pdf_table, pdf_text
from evaluations import selectors
from evaluations.exports import common
from evaluations.models import MonthlyReport, OpdScore


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


# reportlab's Table pads each cell by 6 pt left and right (its default).
CELL_PADDING_PT = 12
HEADER_FONT = "Helvetica-Bold"


def header_word_mm(text: str, font_size: float) -> float:
    """The width, in mm, a column needs for the longest word of a header
    cell (set in bold) to fit on one line with the cell's padding."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    words = str(text).split() or [""]
    widest = max(stringWidth(word, HEADER_FONT, font_size) for word in words)
    # A hair more than the word, so rounding never splits it.
    return (widest + CELL_PADDING_PT + 1) / mm


def fitted_widths(
    header: list[str], widths_mm: list[float], font_size: float
) -> list[float]:
    """The column widths with every header word on one line: a Paragraph
    splits a word wider than its column ("Perin|gkat"), so a column
    narrower than its longest header word takes the room it needs from
    the columns with room to spare, and the table keeps its width. When
    the table is too narrow for every header word, the widths are kept."""
    needed = [header_word_mm(text, font_size) for text in header]
    widths = [max(width, need) for width, need in zip(widths_mm, needed, strict=True)]
    excess = sum(widths) - sum(widths_mm)
    slack = [
        width - need if width > need else 0.0
        for width, need in zip(widths, needed, strict=True)
    ]
    spare = sum(slack)
    if excess <= 0:
        return widths
    if spare < excess:
        return list(widths_mm)
    return [
        width - excess * room / spare for width, room in zip(widths, slack, strict=True)
    ]


def _table(
    header: list[str], rows: list[list[Any]], widths_mm: list[float], extra=()
) -> Any:
    style = _styles()["cell"]
    return pdf_table(
        header,
        rows,
        fitted_widths(header, widths_mm, style.fontSize),
        style=style,
        extra=extra,
    )


def _notice(report: MonthlyReport) -> list:
    """A preview says so under its title, in bold (and in every footer)."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph

    notice = common.preview_notice(report)
    if not notice:
        return []
    style = _styles()["body"].clone("notice", textColor=colors.HexColor("#9a3412"))
    return [Paragraph("<b>{}</b>".format(pdf_text(notice)), style)]


def _build_pdf(report: MonthlyReport, title: str, story: list) -> bytes:
    """A4 pages with the month, version and the report's fingerprint in
    the footer; invariant, dated at the month's end."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    moment = common.moment(report)
    stamp = "D:{:%Y%m%d%H%M%S}+07'00'".format(moment)
    footer = _("%(month)s · version %(version)s · %(status)s · SHA-256 %(hash)s") % {
        "month": common.month_title(report),
        "version": report.version,
        "status": common.status_label(report),
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
        author=FILE_AUTHOR,
        creator=FILE_CREATOR,
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
        chart.bars[(0, index)].fillColor = colors.HexColor(
            common.BAND_COLOURS[row.band]
        )
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


@common.in_indonesian
def opd_report_pdf(opd_score: OpdScore) -> bytes:
    """The OPD's monthly report: score, band, the indicator breakdown, the
    trend, the five actions and every item."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    opd_score = common.current_score(opd_score)
    view = selectors.opd_view(opd_score)
    report, opd = opd_score.report, opd_score.opd
    styles = _styles()
    total = report.scores.count()
    title = _("KIP readiness of %(opd)s, %(month)s") % {
        "opd": opd.name,
        "month": common.month_title(report),
    }
    story = [
        _p(title, styles["title"]),
        _p(
            _(
                "Score %(score)s of 100 · %(band)s · rank %(rank)s of %(total)s · version %(version)s, %(status)s"
            )
            % {
                "score": common.number(opd_score.score),
                "band": common.band_label(opd_score.band),
                "rank": opd_score.rank,
                "total": total,
                "version": report.version,
                "status": common.status_label(report),
            },
            styles["body"],
        ),
    ]
    story += _notice(report)
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
                    common.number(row.indicator.weight, 0),
                    common.percent(row.share),
                    common.number(row.points),
                    common.number(row.possible),
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
                    common.number(p.score),
                    common.band_label(p.band),
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
                        "+" + common.number(action.gain),
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
        rows.append([row.indicator.name, "", common.percent(row.share), ""])
        for item_score in row.items:
            rows.append(
                [
                    "· " + item_score.item.name,
                    item_score.item.get_method_display(),
                    common.percent(item_score.ratio)
                    if item_score.applies
                    else _("n/a"),
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


def _concerned(entry: selectors.Attention) -> str:
    """The accounts and items concerned, or what the rules said when they
    name none (an OPD without any account)."""
    named = [e.get("label", "") for e in entry.stale_accounts + entry.overdue_items]
    if not named:
        named = [s.detail for s in (entry.channel, entry.berkala) if s is not None]
    return "; ".join(named)[:500]


@common.in_indonesian
def kabupaten_pdf(report: MonthlyReport) -> bytes:
    """The kabupaten report: ranking, bands, heatmap, movers, attention."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Spacer

    report = common.current(report)
    view = selectors.kabupaten(report, common.all_scores(report))
    styles = _styles()
    title = _("KIP readiness of Purbalingga Regency, %(month)s") % {
        "month": common.month_title(report)
    }
    story = [
        _p(title, styles["title"]),
        _p(
            _(
                "%(count)s OPDs · average score %(average)s · version %(version)s, %(status)s"
            )
            % {
                "count": len(view.rows),
                "average": common.number(view.average),
                "version": report.version,
                "status": common.status_label(report),
            },
            styles["body"],
        ),
    ]
    story += _notice(report)
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
                    common.number(row.opd_score.score),
                    common.band_label(row.opd_score.band),
                    common.signed(row.change),
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
            + [common.percent(cell.share) for cell in heat.cells]
        )
        for x, cell in enumerate(heat.cells, start=1):
            heat_style.append(
                (
                    "BACKGROUND",
                    (x, y),
                    (x, y),
                    colors.HexColor(common.heat_colour(cell.share)),
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
                        common.number(row.previous),
                        common.number(row.opd_score.score),
                        common.signed(row.change),
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
                        common.percent(entry.channel.ratio) if entry.channel else "",
                        common.percent(entry.berkala.ratio) if entry.berkala else "",
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
