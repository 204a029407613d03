"""The request and objection registers and the yearly service report as
files.

None holds a NIK. The request register has every column of the Perki
register form (domain.md §3.5); its staff-only columns (the requester's
address and contact) are marked in the header, left out of any output
without a staff user, and filled only on the rows whose requester the
user may contact (``opds.permissions.can_view_requester_contact``). The
report only counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from core.tables import table_csv, table_pdf, table_xlsx
from opds import permissions as perms
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
        _("Dispute filed on"),
        _("Register number at the Komisi Informasi"),
        _("Outcome of the dispute"),
    ]


def objection_rows(objections: Iterable[Objection]) -> list[list[Any]]:
    rows = []
    for o in objections:
        r = o.request
        rows.append(
            [
                o.objection_number,
                _day(o.filed_on),
                o.get_channel_display(),
                r.full_name,
                r.registration_number,
                r.opd.short_name if r.opd else "",
                r.requested_information,
                r.purpose,
                o.get_reason_display(),
                o.description,
                _date(o.due_on),
                o.get_status_display(),
                o.get_decision_display() if o.decision else "",
                _day(o.answered_on),
                _atasan(o),
                _response(o),
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
            widths + [20, 30],
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
