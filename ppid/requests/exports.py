"""The request register and the yearly service report as files.

Neither holds a NIK, a phone number or an e-mail address: the register
shows the requester's name, as the Perki register form does, and the
report only counts. What the yearly report contains, in which order, is
decided here (``yearly_report_sections``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from core.tables import (
    Section,
    SectionTable,
    sections_pdf,
    sections_xlsx,
    table_csv,
    table_xlsx,
)
from ppid.reports import selectors as report_selectors
from ppid.reports.selectors import ReportContents
from ppid.requests.models import InformationRequest, Objection

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


def objection_lines(figures: dict) -> list[tuple[str, Any]]:
    """The objections filed in the year and their outcomes (UU Pasal 35-36)."""
    outcomes = figures["objection_outcomes"]
    grounds = dict(Objection.Reason.choices)
    return [
        (_("Objections filed"), outcomes["total"]),
        *[
            (str(grounds[ground]), count)
            for ground, count in outcomes["by_ground"].items()
        ],
        (_("Answered by the Atasan PPID"), outcomes["answered"]),
        (_("The PPID's answer upheld"), outcomes["upheld"]),
        (_("Objection granted: the PPID must comply"), outcomes["overturned"]),
        (_("Answered within 30 working days"), outcomes["answered_on_time"]),
        (_("Answered late or overdue"), outcomes["late"]),
        (_("Still waiting for an answer"), outcomes["pending"]),
        (_("Answer accepted by the requester"), outcomes["accepted"]),
        (_("Taken on to the Komisi Informasi"), outcomes["disputed"]),
    ]


def dispute_lines(figures: dict) -> list[tuple[str, Any]]:
    """The disputes of the year and their results at the Komisi Informasi
    and in court (UU Pasal 37-48)."""
    disputes = figures["disputes"]
    return [
        (_("Disputes taken to the Komisi Informasi"), disputes["total"]),
        (_("Still before the Komisi Informasi"), disputes["pending"]),
        (_("Mediation: settled by agreement"), disputes["mediation_agreed"]),
        (_("Mediation: failed"), disputes["mediation_failed"]),
        (_("Adjudication: granted in full"), disputes["adjudication_granted"]),
        (
            _("Adjudication: granted in part"),
            disputes["adjudication_granted_partial"],
        ),
        (
            _("Adjudication: rejected, the Atasan PPID's decision stands"),
            disputes["adjudication_rejected"],
        ),
        (
            _("Adjudication: not accepted, withdrawn or lapsed"),
            disputes["adjudication_dismissed"],
        ),
        (_("Lawsuits in court (PTUN)"), disputes["court_cases"]),
        (_("Court: not yet decided"), disputes["court_pending"]),
        (_("Court: the Komisi Informasi's decision upheld"), disputes["court_upheld"]),
        (
            _("Court: the Komisi Informasi's decision overturned"),
            disputes["court_overturned"],
        ),
    ]


def fee_lines(figures: dict) -> list[tuple[str, Any]]:
    """The fees charged for copies and delivery (biaya, UU Pasal 22(7)g), in
    the requests' part of the yearly report: none until the register records
    fees."""
    return []


def status_line(contents: ReportContents) -> str:
    """Where the report stands, at the top of its file: published, a draft,
    or not published past its deadline (the "belum diterbitkan" flag)."""
    state = contents.status
    deadline = state.deadline.strftime("%d-%m-%Y")
    if state.is_published:
        return _("Published on %(date)s.") % {
            "date": state.published_on.strftime("%d-%m-%Y")
        }
    if state.is_overdue:
        return _("Not yet published: the deadline of %(date)s has passed.") % {
            "date": deadline
        }
    if not state.year_ended:
        return _("The year is still running: the figures are provisional.")
    if contents.draft:
        return _("Draft, not yet published; to be published by %(date)s.") % {
            "date": deadline
        }
    return _("In preparation: to be published by %(date)s.") % {"date": deadline}


def _written(contents: ReportContents, field: str) -> Any:
    """A part PPID Utama writes, or why it is not shown."""
    if contents.report is None:
        return _("Not yet published by PPID Utama.")
    value = getattr(contents.report, field)
    if value is None or value == "":
        return _("Not filled in yet.")
    return value


def _number(contents: ReportContents, field: str) -> Any:
    return None if contents.report is None else getattr(contents.report, field)


def _opd_table(figures: dict) -> SectionTable:
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
    return SectionTable(header, rows, [40] + [12] * 10, sheet_title="Per OPD")


def yearly_report_sections(figures: dict, contents: ReportContents) -> list[Section]:
    """Every part Perki 1/2021 Pasal 56 asks of the yearly report (minimum
    contents as in domain.md §1.4), in its order: the written parts from
    ``contents``, the figures from ``figures`` (``request_statistics``)."""
    grounds = ", ".join(
        "{}: {}".format(ground, count)
        for ground, count in figures["refusal_grounds"].items()
    )
    requests = summary_lines(figures)
    if grounds:
        requests.append((_("Refusals by Pasal 17 ground"), grounds))
    requests += fee_lines(figures)
    return [
        Section(
            _("1. Service policy"),
            texts=[(_("Policy"), _written(contents, "policy"))],
        ),
        Section(
            _("2. Service implementation"),
            texts=[
                (
                    _("Facilities and infrastructure"),
                    _written(contents, "facilities"),
                ),
                (
                    _("Staff and their qualifications"),
                    _written(contents, "staff"),
                ),
                (_("Budget and its use"), _written(contents, "budget")),
            ],
            figures=[
                (_("Number of PPID staff"), _number(contents, "staff_count")),
                (_("Budget allocated (Rp)"), _number(contents, "budget_allocated")),
                (_("Budget used (Rp)"), _number(contents, "budget_spent")),
            ],
        ),
        Section(
            _("3. Requests for public information"),
            figures=requests,
            table=_opd_table(figures),
        ),
        Section(_("4. Objections"), figures=objection_lines(figures)),
        Section(
            _("5. Disputes at the Komisi Informasi and in court"),
            figures=dispute_lines(figures),
        ),
        Section(
            _("6. Constraints"),
            texts=[
                (_("Internal constraints"), _written(contents, "constraints_internal")),
                (_("External constraints"), _written(contents, "constraints_external")),
            ],
        ),
        Section(
            _("7. Recommendations and follow-up plan"),
            texts=[("", _written(contents, "recommendations"))],
        ),
    ]


def yearly_report(
    figures: dict, fmt: str, *, contents: ReportContents | None = None
) -> tuple[bytes, str]:
    """Laporan Layanan Informasi Publik (UU Pasal 12; Perki 1/2021 Pasal 56)
    of the year of ``figures`` (``request_statistics`` for the kabupaten).

    Without ``contents`` the written parts are shown once published, as the
    public reads them.
    """
    if contents is None:
        contents = report_selectors.report_contents(figures["year"])
    title = _(
        "Public Information Service Report %(year)s — PPID Purbalingga Regency"
    ) % {"year": figures["year"]}
    intro = [
        status_line(contents),
        _("Basis: UU 14/2008 Article 12; Perki 1/2021 Article 56."),
    ]
    sections = yearly_report_sections(figures, contents)
    if fmt == "xlsx":
        return sections_xlsx(title, sections, intro=intro), CONTENT_TYPES["xlsx"]
    return sections_pdf(title, sections, intro=intro), CONTENT_TYPES["pdf"]
