"""The Daftar Informasi Publik as CSV, XLSX and PDF.

The DIP is itself information available at all times (UU 14/2008 Pasal
11(1)a), so every export holds public items only: callers pass
``selectors.dip_items()``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from core.tables import table_csv, table_pdf, table_xlsx
from ppid.catalogue.models import InformationItem


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
