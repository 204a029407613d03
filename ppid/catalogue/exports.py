"""The Daftar Informasi Publik as CSV, XLSX and PDF, and the rows of an
OPD's DIP page as HTML.

The DIP is itself information available at all times (UU 14/2008 Pasal
11(1)a), so every export holds public items only: callers pass
``selectors.dip_items()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
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


# A primary key no item has, replaced in the one reversed item URL.
_PK_PLACEHOLDER = 918273645

_ROW = (
    '\n      <tr><td><a href="{url}">{title}</a>{subtype}</td><td>{official}</td>'
    "<td>{form}</td><td>{retention}</td><td>{year}</td></tr>\n    "
)
_SUBTYPE = '<div class="small text-body-secondary">{}</div>'


def page_rows_by_category(rows: Iterable[tuple]) -> dict[str, SafeString]:
    """The OPD DIP page's table rows per category, from
    ``selectors.dip_page_rows()``.

    A DIP lists every public item of its OPD (thousands for the largest);
    the template engine spent about 0.3 ms a row resolving its variables, and
    this markup, joined from plain values, is the template's row exactly,
    escaped as the template escapes (``html.escape``, which Django's
    ``escape`` calls).
    """
    url = reverse("ppid:item-detail", kwargs={"pk": _PK_PLACEHOLDER})
    before, after = url.split(str(_PK_PLACEHOLDER))
    forms = {value: str(label) for value, label in InformationItem.Format.choices}
    # Officials, forms, retention periods and sub-types repeat down an OPD's
    # list: each distinct value is escaped once.
    texts: dict[str, str] = {}
    subtypes: dict[str | None, str] = {None: ""}

    def text(value: str) -> str:
        if value not in texts:
            texts[value] = escape(value)
        return texts[value]

    parts: dict[str, list[str]] = {}
    for pk, category, title, subtype, official, form, retention, year in rows:
        if subtype not in subtypes:
            subtypes[subtype] = _SUBTYPE.format(escape(subtype))
        parts.setdefault(category, []).append(
            _ROW.format(
                url="{}{}{}".format(before, pk, after),
                title=escape(title),
                subtype=subtypes[subtype],
                official=text(official),
                form=text(forms.get(form, form)),
                retention=text(retention),
                year=year,
            )
        )
    # Only values escaped above are in the markup.
    return {category: mark_safe("".join(html)) for category, html in parts.items()}  # nosec B308 B703
