"""The Daftar Informasi Publik as CSV, XLSX and PDF.

The DIP is itself information available at all times (UU 14/2008 Pasal
11(1)a), so every export holds public items only: callers pass
``selectors.dip_items()``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ppid.models import InformationItem


def dip_columns() -> list[str]:
    """Column headings of the DIP, in the order of the legal minimum."""
    return [
        _("No."),
        _("Title"),
        _("Summary of contents"),
        _("OPD holding the information"),
        _("Responsible official"),
        _("Date and place made"),
        _("Form"),
        _("Retention period"),
        _("Category"),
        _("Sub-type"),
        _("Year covered"),
        _("Link"),
    ]


def dip_rows(items: Iterable[InformationItem], base_url: str) -> list[list[str]]:
    """One row per item, values as text."""
    rows = []
    for number, item in enumerate(items, start=1):
        rows.append(
            [
                str(number),
                item.title,
                item.summary,
                item.opd.name,
                item.responsible_official,
                "{}, {}".format(item.made_at_place, item.made_on.strftime("%d-%m-%Y")),
                item.get_format_display(),
                item.retention_period,
                item.get_category_display(),
                item.subtype.name if item.subtype else "",
                " ".join(filter(None, [str(item.year), item.period])),
                base_url + item.get_absolute_url(),
            ]
        )
    return rows


def _clean_cell(value: str) -> str:
    # A cell starting with = + - @ runs as a formula in spreadsheet programs.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def as_csv(rows: list[list[str]]) -> bytes:
    return table_csv(dip_columns(), rows)


def as_xlsx(rows: list[list[str]], title: str) -> bytes:
    widths = [5, 40, 60, 30, 25, 25, 12, 18, 18, 30, 12, 40]
    return table_xlsx(title, dip_columns(), rows, widths, sheet_title="DIP")


def as_pdf(rows: list[list[str]], title: str) -> bytes:
    # The PDF keeps the columns a reader needs on paper; the link and the
    # sub-type are in the CSV and XLSX.
    keep = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10]
    header = [dip_columns()[i] for i in keep]
    body = [[row[i] for i in keep] for row in rows]
    return table_pdf(title, header, body, [8, 45, 70, 35, 30, 30, 16, 20, 20, 14])


def table_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """A UTF-8 CSV that spreadsheet programs open safely."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[_clean_cell(str(v)) for v in row] for row in rows])
    # The BOM makes spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(
    title: str,
    header: list[str],
    rows: list[list[Any]],
    widths: list[int],
    *,
    sheet_title: str = "Data",
    intro: list[list[Any]] = (),
) -> bytes:
    """One sheet: a title, optional summary rows, then the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    for line in intro:
        sheet.append([_clean_cell(v) if isinstance(v, str) else v for v in line])
    if intro:
        sheet.append([])
    sheet.append(header)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_clean_cell(v) if isinstance(v, str) else v for v in row])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_pdf(
    title: str,
    header: list[str],
    rows: list[list[Any]],
    widths_mm: list[float],
    *,
    intro: list[str] = (),
) -> bytes:
    """A landscape A4 table with a title, the date and optional paragraphs."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7, leading=8.5)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
    )
    head = [Paragraph("<b>{}</b>".format(_escape(str(h))), small) for h in header]
    body = [[Paragraph(_escape(str(v)), small) for v in row] for row in rows]
    table = Table([head, *body], colWidths=[w * mm for w in widths_mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f0ea")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    generated = _("Generated on %(date)s") % {
        "date": timezone.localtime().strftime("%d-%m-%Y %H:%M")
    }
    story = [
        Paragraph(_escape(title), styles["Title"]),
        Paragraph(generated, styles["BodyText"]),
    ]
    story += [Paragraph(_escape(text), styles["BodyText"]) for text in intro]
    story += [Spacer(1, 4 * mm), table]
    document.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    # reportlab's Paragraph reads a small markup language.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
