"""One writer of tables as CSV, XLSX and PDF, for every export of the portal.

Cells that a spreadsheet program would run as a formula are defused, and
text is escaped for reportlab's markup, here and nowhere else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_BACKGROUND = "#e8f0ea"


# Who the portal's files say made them (PDF author and creator, XLSX
# properties).
FILE_AUTHOR = "Dinkominfo Kabupaten Purbalingga"
FILE_CREATOR = "Portal PPID Kabupaten Purbalingga"


def clean_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it, never run as a formula."""
    # A cell starting with = + - @ runs as a formula in spreadsheet programs.
    return "'" + value if value[:1] in FORMULA_STARTS else value


def _cells(row: Iterable[Any]) -> list[Any]:
    return [clean_cell(v) if isinstance(v, str) else v for v in row]


def pdf_text(text: str) -> str:
    """``text`` escaped for reportlab's Paragraph, which reads a small markup
    language."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- CSV ------------------------------------------------------------------------


def table_csv(header: list[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A UTF-8 CSV that spreadsheet programs open safely."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[clean_cell(str(v)) for v in row] for row in rows])
    # The BOM makes spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- XLSX -----------------------------------------------------------------------


def write_sheet_table(
    sheet: Any, header: list[str], rows: Iterable[Sequence[Any]], widths: list[int]
) -> tuple[int, int]:
    """Header and rows from the sheet's next row, bold header, wrapped cells
    and column widths; returns the header's row and the last row."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.append(header)
    first = sheet.max_row
    for cell in sheet[first]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=first + 1, max_row=sheet.max_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return first, sheet.max_row


def table_xlsx(
    title: str,
    header: list[str],
    rows: Iterable[Sequence[Any]],
    widths: list[int],
    *,
    sheet_title: str = "Data",
    intro: Iterable[Sequence[Any]] = (),
) -> bytes:
    """One sheet: a title, optional summary rows, then the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    intro = list(intro)
    for line in intro:
        sheet.append(_cells(line))
    if intro:
        sheet.append([])
    write_sheet_table(sheet, header, rows, widths)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------


def pdf_table(
    header: list[str],
    rows: Iterable[Sequence[Any]],
    widths_mm: list[float],
    *,
    style: Any,
    extra: Iterable[tuple] = (),
) -> Any:
    """A reportlab table: bold header repeated on every page, a grid, text
    cells as paragraphs in ``style`` (flowables are kept as they are)."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    bold = style.clone(style.name + "-head", fontName="Helvetica-Bold")
    head = [Paragraph(pdf_text(str(h)), bold) for h in header]
    body = [
        [v if hasattr(v, "wrap") else Paragraph(pdf_text(str(v)), style) for v in row]
        for row in rows
    ]
    table = Table([head, *body], colWidths=[w * mm for w in widths_mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_BACKGROUND)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *extra,
            ]
        )
    )
    return table


def table_pdf(
    title: str,
    header: list[str],
    rows: Iterable[Sequence[Any]],
    widths_mm: list[float],
    *,
    intro: Iterable[str] = (),
) -> bytes:
    """A landscape A4 table with a title, the date and optional paragraphs."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

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
    generated = _("Generated on %(date)s") % {
        "date": timezone.localtime().strftime("%d-%m-%Y %H:%M")
    }
    story = [
        Paragraph(pdf_text(title), styles["Title"]),
        Paragraph(generated, styles["BodyText"]),
    ]
    story += [Paragraph(pdf_text(text), styles["BodyText"]) for text in intro]
    story += [Spacer(1, 4 * mm), pdf_table(header, rows, widths_mm, style=small)]
    document.build(story)
    return buffer.getvalue()
