"""The report's files as answers: which builder makes each format, the
file's name and its headers, the same for the staff pages and the API."""

from __future__ import annotations

from django.http import HttpResponse

from evaluations.exports import common, pdf, xlsx
from evaluations.models import MonthlyReport, OpdScore

REPORT_FORMATS = ("pdf", "xlsx")


def response(body: bytes | str, fmt: str, name: str) -> HttpResponse:
    """A file to download, never kept by a shared cache: a draft's (and a
    preview's) file changes."""
    answer = HttpResponse(body, content_type=common.CONTENT_TYPES[fmt])
    answer["Content-Disposition"] = 'attachment; filename="{}"'.format(name)
    answer["Cache-Control"] = "private, no-cache"
    return answer


def kabupaten_file(report: MonthlyReport, fmt: str) -> HttpResponse:
    """The kabupaten's report as PDF or XLSX (``fmt`` in REPORT_FORMATS)."""
    build = pdf.kabupaten_pdf if fmt == "pdf" else xlsx.kabupaten_xlsx
    return response(build(report), fmt, common.file_name(report, fmt))


def opd_file(opd_score: OpdScore, fmt: str) -> HttpResponse:
    """An OPD's report as PDF or XLSX (``fmt`` in REPORT_FORMATS)."""
    build = pdf.opd_report_pdf if fmt == "pdf" else xlsx.opd_report_xlsx
    return response(
        build(opd_score),
        fmt,
        common.file_name(opd_score.report, fmt, opd_score.opd),
    )
