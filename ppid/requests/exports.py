"""The request register and the yearly service report as files.

Neither holds a NIK, a phone number or an e-mail address: the register
shows the requester's name, as the Perki register form does, and the
report only counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from core.tables import table_csv, table_pdf, table_xlsx
from ppid.requests.models import InformationRequest

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _date(value: Any) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def register_columns() -> list[str]:
    return [
        _("Registration number"),
        _("Received on"),
        _("Channel"),
        _("Name"),
        _("Occupation"),
        _("Information requested"),
        _("Purpose"),
        _("Type of request"),
        _("OPD"),
        _("Status"),
        _("Answer due"),
        _("Extended"),
        _("Decision"),
        _("Refusal ground"),
        _("Written notice on"),
        _("On time"),
    ]


def register_rows(requests: Iterable[InformationRequest]) -> list[list[str]]:
    rows = []
    for r in requests:
        on_time = r.answered_on_time()
        rows.append(
            [
                r.registration_number,
                _date(r.received_on),
                r.get_channel_display(),
                r.full_name,
                r.occupation,
                r.requested_information,
                r.purpose,
                r.get_access_method_display(),
                r.opd.short_name if r.opd else "",
                r.get_status_display(),
                _date(r.answer_due_on),
                _("yes") if r.was_extended else "",
                r.get_decision_display() if r.decision else "",
                r.get_exclusion_ground_display() if r.exclusion_ground else "",
                _date(r.answered_on),
                "" if on_time is None else (_("yes") if on_time else _("no")),
            ]
        )
    return rows


def register(requests: Iterable[InformationRequest], fmt: str) -> tuple[bytes, str]:
    rows = register_rows(requests)
    if fmt == "xlsx":
        widths = [22, 12, 12, 25, 15, 50, 30, 18, 12, 14, 12, 8, 25, 25, 12, 8]
        body = table_xlsx(
            _("Information request register"),
            register_columns(),
            rows,
            widths,
            sheet_title="Register",
        )
    else:
        body = table_csv(register_columns(), rows)
    return body, CONTENT_TYPES["xlsx" if fmt == "xlsx" else "csv"]


def summary_lines(figures: dict) -> list[tuple[str, Any]]:
    median = figures["median_working_days"]
    return [
        (_("Requests received"), figures["total"]),
        (_("Granted in full"), figures["granted_full"]),
        (_("Granted in part"), figures["granted_partial"]),
        (_("Refused: excluded information"), figures["refused_excluded"]),
        (_("Refused: request incomplete"), figures["refused_incomplete"]),
        (_("Not held by this public body"), figures["not_controlled"]),
        (_("Not yet held or documented"), figures["not_documented"]),
        (_("Still in process"), figures["pending"]),
        (_("Answered on time"), figures["on_time"]),
        (_("Late"), figures["late"]),
        (_("Median working days to answer"), "" if median is None else median),
        (_("Objections"), figures["objections"]),
    ]


def yearly_report(figures: dict, fmt: str) -> tuple[bytes, str]:
    """Laporan Layanan Informasi Publik (UU Pasal 12; Perki 1/2021 Pasal 56)."""
    title = _(
        "Public Information Service Report %(year)s — PPID Purbalingga Regency"
    ) % {"year": figures["year"]}
    header = [
        _("OPD"),
        _("Requests"),
        _("Granted in full"),
        _("Granted in part"),
        _("Refused"),
        _("Not held"),
        _("Not documented"),
        _("On time"),
        _("Late"),
        _("Median working days"),
        _("Objections"),
    ]
    rows = [
        [
            entry["name"],
            entry["total"],
            entry["granted_full"],
            entry["granted_partial"],
            entry["refused"],
            entry["not_controlled"],
            entry["not_documented"],
            entry["on_time"],
            entry["late"],
            ""
            if entry["median_working_days"] is None
            else entry["median_working_days"],
            entry["objections"],
        ]
        for entry in figures["by_opd"]
    ]
    grounds = ", ".join(
        "{}: {}".format(ground, count)
        for ground, count in figures["refusal_grounds"].items()
    )
    summary = summary_lines(figures)
    if fmt == "xlsx":
        intro = [[label, value] for label, value in summary]
        if grounds:
            intro.append([_("Refusals by Pasal 17 ground"), grounds])
        body = table_xlsx(
            title, header, rows, [40] + [12] * 10, sheet_title="Laporan", intro=intro
        )
        return body, CONTENT_TYPES["xlsx"]
    intro = ["{}: {}".format(label, value) for label, value in summary]
    if grounds:
        intro.append("{}: {}".format(_("Refusals by Pasal 17 ground"), grounds))
    body = table_pdf(title, header, rows, [70] + [20] * 10, intro=intro)
    return body, CONTENT_TYPES["pdf"]
