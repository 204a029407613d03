"""The request and objection registers and the yearly service report as
files.

None holds a NIK. The request register has every column of the Perki
register form (domain.md §3.5); its staff-only columns (the requester's
address and contact) are marked in the header, left out of any output
without a staff user, and filled only on the rows whose requester the
user may contact (``opds.permissions.can_view_requester_contact``). The
report only counts. What the yearly report contains, in which order, is
decided here (``yearly_report_sections``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.tables import (
    Section,
    SectionTable,
    sections_pdf,
    sections_xlsx,
    table_csv,
    table_xlsx,
)
from opds import permissions as perms
from ppid.reports import selectors as report_selectors
from ppid.reports.selectors import ReportContents
from ppid.requests.fees import format_rupiah
from ppid.requests.models import InformationRequest, Objection

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
Decision = InformationRequest.Decision


def _date(value: Any) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def _day(value: Any) -> str:
    """``Senin, 16-03-2026``: the register form asks for the day and date."""
    return formats.date_format(value, "l, d-m-Y") if value else ""


def _time(value: Any) -> str:
    """The local time of receipt; empty for older rows, which have none."""
    return timezone.localtime(value).strftime("%H:%M") if value else ""


def _staff_only(label: str) -> str:
    return _("%(column)s (staff only)") % {"column": label}


def information_status(r: InformationRequest) -> str:
    """The register's "status informasi", read from the written notice:
    held, not held (and by whom), or not yet documented."""
    if r.decision in (Decision.GRANTED_FULL, Decision.GRANTED_PARTIAL):
        return _("Held by this public body")
    if r.decision == Decision.REFUSED_EXCLUDED:
        return _("Held; excluded information")
    if r.decision == Decision.NOT_CONTROLLED:
        if r.referred_body:
            return _("Not held; held by %(body)s") % {"body": r.referred_body}
        return _("Not held by this public body")
    if r.decision == Decision.NOT_DOCUMENTED:
        return _("Not yet documented")
    return ""


def _access(r: InformationRequest) -> str:
    if r.copy_format:
        return "{} ({})".format(
            r.get_access_method_display(), r.get_copy_format_display()
        )
    return r.get_access_method_display()


def _on_time(r: InformationRequest) -> str:
    on_time = r.answered_on_time()
    return "" if on_time is None else (_("yes") if on_time else _("no"))


def _contact(r: InformationRequest) -> str:
    return " · ".join(value for value in (r.phone, r.email) if value)


# (header, XLSX width, cell, staff only): the Perki register form's columns
# in its order, with the portal's additions (channel, OPD, clock) among them.
Cell = Callable[[InformationRequest], Any]
REQUEST_COLUMNS: list[tuple[Callable[[], str], int, Cell, bool]] = [
    (lambda: _("Registration number"), 22, lambda r: r.registration_number, False),
    (lambda: _("Day and date received"), 20, lambda r: _day(r.received_on), False),
    (lambda: _("Time received"), 8, lambda r: _time(r.received_at), False),
    # Outside working days or office hours the clocks count from the next
    # working day (PPID_RECEIPT_OUTSIDE_HOURS; services.clock_start).
    (lambda: _("Counted as received on"), 20, lambda r: _day(r.counted_from), False),
    (lambda: _("Channel"), 12, lambda r: r.get_channel_display(), False),
    (lambda: _("Name"), 25, lambda r: r.full_name, False),
    (lambda: _("Address"), 30, lambda r: r.address, True),
    (lambda: _("Contact (phone, e-mail)"), 25, _contact, True),
    (lambda: _("Occupation"), 15, lambda r: r.occupation, False),
    (lambda: _("Information requested"), 50, lambda r: r.requested_information, False),
    (lambda: _("Purpose"), 30, lambda r: r.purpose, False),
    (lambda: _("Status of the information"), 25, information_status, False),
    (
        lambda: _("Form of the information held"),
        15,
        lambda r: r.get_held_form_display() if r.held_form else "",
        False,
    ),
    (lambda: _("Type of request"), 20, _access, False),
    (lambda: _("OPD"), 12, lambda r: r.opd.short_name if r.opd else "", False),
    (lambda: _("Status"), 14, lambda r: r.get_status_display(), False),
    (lambda: _("Answer due"), 12, lambda r: _date(r.answer_due_on), False),
    (lambda: _("Extended"), 8, lambda r: _("yes") if r.was_extended else "", False),
    (
        lambda: _("Decision"),
        25,
        lambda r: r.get_decision_display() if r.decision else "",
        False,
    ),
    (
        lambda: _("Refusal ground"),
        25,
        lambda r: r.get_exclusion_ground_display() if r.exclusion_ground else "",
        False,
    ),
    (
        lambda: _("Day and date of the written notice"),
        20,
        lambda r: _day(r.answered_on),
        False,
    ),
    (lambda: _("On time"), 8, _on_time, False),
    (
        lambda: _("Day and date the information was handed over"),
        20,
        lambda r: _day(r.delivered_on),
        False,
    ),
    (lambda: _("Cost (Rp)"), 12, lambda r: r.cost, False),
    (lambda: _("How to pay"), 30, lambda r: r.payment_method, False),
    (lambda: _("Paid on"), 12, lambda r: _date(r.paid_on), False),
]


def _request_columns(user: Any) -> list[tuple[Callable[[], str], int, Cell, bool]]:
    staff = user is not None and perms.is_staff_user(user)
    return [column for column in REQUEST_COLUMNS if staff or not column[3]]


def register_columns(user: Any = None) -> list[str]:
    """The register's header; staff-only columns only for a staff ``user``."""
    return [
        _staff_only(label()) if staff_only else label()
        for label, _width, _cell, staff_only in _request_columns(user)
    ]


def register_rows(
    requests: Iterable[InformationRequest], user: Any = None
) -> list[list[Any]]:
    """The register's rows; a staff-only cell is filled only when ``user``
    may contact that requester."""
    columns = _request_columns(user)
    rows = []
    for r in requests:
        allowed = any(c[3] for c in columns) and perms.can_view_requester_contact(
            user, r
        )
        rows.append(
            [
                cell(r) if allowed or not staff_only else ""
                for _label, _width, cell, staff_only in columns
            ]
        )
    return rows


def register(
    requests: Iterable[InformationRequest], fmt: str, user: Any = None
) -> tuple[bytes, str]:
    requests = list(requests)
    header = register_columns(user)
    rows = register_rows(requests, user)
    if fmt == "xlsx":
        widths = [width for _label, width, _cell, _s in _request_columns(user)]
        body = table_xlsx(
            _("Information request register"),
            header,
            rows,
            widths,
            sheet_title="Register",
        )
    else:
        body = table_csv(header, rows)
    return body, CONTENT_TYPES["xlsx" if fmt == "xlsx" else "csv"]


def contact_rows_shown(requests: Iterable[InformationRequest], user: Any) -> int:
    """How many rows of an export carry a requester's contact, for the
    audit log."""
    return sum(1 for r in requests if perms.can_view_requester_contact(user, r))


# --- The objection register (domain.md §3.6) ---------------------------------------


def _response(o: Objection) -> str:
    if o.status in (Objection.Status.ACCEPTED, Objection.Status.DISPUTED):
        return o.get_status_display()
    return ""


def _atasan(o: Objection) -> str:
    if o.answered_by is None:
        return ""
    name = o.answered_by.get_full_name() or o.answered_by.get_username()
    return "{} ({})".format(name, _("Atasan PPID"))


def _dispute(o: Objection, field: str) -> Any:
    dispute = getattr(o, "dispute", None)
    if dispute is None:
        return ""
    value = getattr(dispute, field)
    return _date(value) if field.endswith("_on") else value


def objection_columns() -> list[str]:
    return [
        _("Objection number"),
        _("Day and date the objection was received"),
        _("Channel"),
        _("Requester"),
        _("Request number"),
        _("OPD"),
        _("Information requested"),
        _("Purpose"),
        _("Ground of objection"),
        _("Case"),
        _("Answer due"),
        _("Status"),
        _("Decision of the Atasan PPID"),
        _("Day and date of the answer"),
        _("Name and position of the Atasan PPID"),
        _("Requester's response"),
        _("PPID must act by"),
        _("New answer on"),
        _("Dispute filed on"),
        _("Register number at the Komisi Informasi"),
        _("Outcome of the dispute"),
    ]


def objection_rows(objections: Iterable[Objection]) -> list[list[Any]]:
    rows = []
    for o in objections:
        # Ground b hangs on no request (UU Pasal 35(1)b): the objector and
        # the OPD are the objection's own.
        r = o.request
        agency = o.agency
        rows.append(
            [
                o.objection_number,
                _day(o.filed_on),
                o.get_channel_display(),
                r.full_name if r else o.full_name,
                r.registration_number if r else "",
                agency.short_name if agency else "",
                r.requested_information if r else "",
                r.purpose if r else "",
                o.get_reason_display(),
                o.description,
                _date(o.due_on),
                o.get_status_display(),
                o.get_decision_display() if o.decision else "",
                _day(o.answered_on),
                _atasan(o),
                _response(o),
                _date(o.order_due_on),
                _day(o.order_done_on),
                _dispute(o, "filed_on"),
                _dispute(o, "ki_register_number"),
                _dispute(o, "outcome"),
            ]
        )
    return rows


def objection_register(objections: Iterable[Objection], fmt: str) -> tuple[bytes, str]:
    rows = objection_rows(objections)
    if fmt == "xlsx":
        widths = [22, 20, 12, 25, 22, 12, 40, 30, 30, 40, 12, 16, 25, 20, 25, 20, 12]
        body = table_xlsx(
            _("Objection register"),
            objection_columns(),
            rows,
            widths + [12, 20, 20, 30],
            sheet_title="Keberatan",
        )
    else:
        body = table_csv(objection_columns(), rows)
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
    the requests' part of the yearly report."""
    fees = figures.get("fees")
    if not fees:
        return []
    return [
        (_("Requests charged a fee"), fees["count"]),
        (_("Fees charged"), format_rupiah(fees["charged"])),
        (_("Requests whose fee was paid"), fees["paid_count"]),
        (_("Fees paid"), format_rupiah(fees["paid"])),
    ]


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
