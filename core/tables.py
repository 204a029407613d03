"""One writer of tables as CSV, XLSX and PDF, for every export of the portal.

Cells that a spreadsheet program would run as a formula are defused, and
text is escaped for reportlab's markup, here and nowhere else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
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
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7, leading=8.5)
    buffer = io.BytesIO()
    document = _landscape_document(buffer, title)
    story = _opening(title, intro, styles)
    story += [Spacer(1, 4 * mm), pdf_table(header, rows, widths_mm, style=small)]
    document.build(story)
    return buffer.getvalue()


def _landscape_document(buffer: io.BytesIO, title: str, **metadata: str) -> Any:
    """A landscape A4 document with the portal's margins."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    return SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
        **metadata,
    )


def _opening(title: str, intro: Iterable[str], styles: Any) -> list[Any]:
    """The title, the date the file was made, then ``intro``, as paragraphs."""
    from reportlab.platypus import Paragraph

    body = styles["BodyText"]
    generated = _("Generated on %(date)s") % {
        "date": timezone.localtime().strftime("%d-%m-%Y %H:%M")
    }
    return [
        Paragraph(pdf_text(title), styles["Title"]),
        Paragraph(pdf_text(generated), body),
        *[Paragraph(pdf_text(line), body) for line in intro],
    ]


# --- Reports in sections -----------------------------------------------------------


@dataclass(frozen=True)
class SectionTable:
    """A table of a report section; ``widths`` are XLSX column widths (in
    characters), scaled to the page in a PDF. In an XLSX the table has its
    own sheet."""

    header: list[str]
    rows: list[Sequence[Any]]
    widths: list[int]
    sheet_title: str


@dataclass(frozen=True)
class Section:
    """One part of a report file: its heading, long texts (label, text),
    short figures (label, value), and optionally a table."""

    heading: str
    texts: Sequence[tuple[str, str]] = ()
    figures: Sequence[tuple[str, Any]] = ()
    table: SectionTable | None = None


def sections_xlsx(
    title: str,
    sections: Sequence[Section],
    *,
    intro: Iterable[str] = (),
    sheet_title: str = "Laporan",
) -> bytes:
    """The sections on one sheet (label in column A, text or value in B),
    each section's table on a sheet of its own."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.properties.creator = FILE_AUTHOR
    workbook.properties.title = title
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.column_dimensions["A"].width = 50
    sheet.column_dimensions["B"].width = 100
    sheet.append([clean_cell(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    for line in intro:
        sheet.append([clean_cell(line)])
    wrap = Alignment(wrap_text=True, vertical="top")
    for section in sections:
        sheet.append([])
        sheet.append([clean_cell(section.heading)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for label, value in [*section.texts, *section.figures]:
            sheet.append(_cells([label, "" if value is None else value]))
            for cell in sheet[sheet.max_row]:
                cell.alignment = wrap
        if section.table is not None:
            table = section.table
            sheet.append(_cells(["", "→ " + table.sheet_title]))
            extra = workbook.create_sheet(table.sheet_title)
            extra.append([clean_cell(section.heading)])
            extra["A1"].font = Font(bold=True)
            write_sheet_table(extra, table.header, table.rows, table.widths)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pdf_value(value: Any) -> str:
    from django.utils.formats import number_format

    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return number_format(value, force_grouping=True)
    return str(value)


def sections_pdf(
    title: str, sections: Sequence[Section], *, intro: Iterable[str] = ()
) -> bytes:
    """Landscape A4: the title, the date, ``intro``, then each section with
    its texts as paragraphs (they run across pages), its figures as a
    two-column table, and its table."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    label_style = body.clone("label", fontName="Helvetica-Bold", spaceBefore=4)
    small = body.clone("small", fontSize=7, leading=8.5)
    cell = body.clone("cell", fontSize=8.5, leading=10)
    width = landscape(A4)[0] - 20 * mm
    buffer = io.BytesIO()
    document = _landscape_document(
        buffer, title, author=FILE_AUTHOR, creator=FILE_CREATOR
    )
    story = _opening(title, intro, styles)
    for section in sections:
        story.append(Paragraph(pdf_text(section.heading), styles["Heading2"]))
        for label, text in section.texts:
            if label:
                story.append(Paragraph(pdf_text(label), label_style))
            for line in str(text).splitlines() or [""]:
                if line.strip():
                    story.append(Paragraph(pdf_text(line), body))
        if section.figures:
            rows = [[label, _pdf_value(value)] for label, value in section.figures]
            story += [
                Spacer(1, 2 * mm),
                pdf_table(
                    [_("Item"), _("Figure")],
                    rows,
                    [150, 40],
                    style=cell,
                ),
            ]
        if section.table is not None:
            table = section.table
            scale = (width / mm) / sum(table.widths)
            rows = [[_pdf_value(v) for v in row] for row in table.rows]
            story += [
                Spacer(1, 3 * mm),
                pdf_table(
                    table.header,
                    rows,
                    [w * scale for w in table.widths],
                    style=small,
                ),
            ]
    document.build(story)
    return buffer.getvalue()
