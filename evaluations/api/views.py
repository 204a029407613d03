"""The evaluation API, for staff: an OPD admin sees its own OPD only, a
draft only the Dinkominfo team. Paginated like the rest of the API. The
report files are downloaded here too, with the same token and the same
scope as the JSON: the answers give their absolute URLs."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.negotiation import JsonErrorsOnly
from core.months import parse_month
from evaluations import selectors
from evaluations.api.serializers import (
    EvaluationSerializer,
    MonthlyReportFileSerializer,
)
from evaluations.exports import common, files, text
from evaluations.models import Indicator, ItemScore, MonthlyReport, OpdScore
from opds import permissions as perms
from opds.permissions import IsPortalStaff

MONTH = OpenApiParameter(
    "month",
    str,
    pattern=r"^\s*[1-9][0-9]{3}-(0[1-9]|1[0-2])\s*$",
    description="YYYY-MM; the newest month you may see when left out.",
)


MONTH_PATH = OpenApiParameter(
    "month",
    str,
    OpenApiParameter.PATH,
    pattern=r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$",
    description="YYYY-MM",
)
FORMAT_PATH = OpenApiParameter(
    "fmt", str, OpenApiParameter.PATH, enum=list(files.REPORT_FORMATS)
)
SLUG_PATH = OpenApiParameter("slug", str, OpenApiParameter.PATH)
# A version is a PositiveSmallIntegerField.
MAX_VERSION = 32767
VERSION = OpenApiParameter(
    "version",
    {"type": "integer", "minimum": 1, "maximum": MAX_VERSION},
    description="The report's version; the latest you may see when left out.",
)
REPORT_FILES = {
    (200, common.CONTENT_TYPES[fmt].split(";")[0]): OpenApiTypes.BINARY
    for fmt in files.REPORT_FORMATS
}


def _month(request: Request) -> datetime.date | None:
    """The ``month`` parameter, or None; a malformed one is a 400 naming it."""
    text = request.query_params.get("month")
    if not text:
        return None
    month = parse_month(text)
    if month is None:
        raise ValidationError(
            {"month": [_("Write the month as YYYY-MM, e.g. 2026-10.")]}
        )
    return month


def _report(request: Request) -> MonthlyReport | None:
    """The latest version of the month the user may see."""
    month = _month(request)
    reports = perms.evaluation_reports_visible_to(request.user)
    if month is not None:
        reports = reports.filter(month=month)
    return reports.order_by("-month", "-version").first()


def _file_url(request: Request, name: str, report: MonthlyReport, **kwargs) -> str:
    """The absolute URL of a file of ``report`` in this API, pinned to its
    version: what the answer describes is what the URL downloads."""
    path = reverse(
        "api:" + name, kwargs={"month": "{:%Y-%m}".format(report.month), **kwargs}
    )
    return request.build_absolute_uri("{}?version={}".format(path, report.version))


def _version(request: Request) -> int | None:
    """The ``version`` parameter, or None; a malformed one is a 400."""
    raw = request.query_params.get("version", "").strip()
    if not raw:
        return None
    # str.isdigit() also takes "²", which int() refuses.
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_VERSION:
        raise ValidationError(
            {"version": [_("Give the version as a whole number from 1.")]}
        )
    return int(raw)


def _report_file_of(request: Request, month: str) -> MonthlyReport:
    """The month's report (the version asked for, or the latest) the user
    may see, as the JSON answers it; anything else is not found."""
    version = _version(request)
    parsed = parse_month(month)
    if parsed is None:
        raise Http404
    reports = perms.evaluation_reports_visible_to(request.user).filter(month=parsed)
    if version is not None:
        reports = reports.filter(version=version)
    found = reports.order_by("-version").first()
    if found is None:
        raise Http404
    return found


class EvaluationViewSet(viewsets.GenericViewSet):
    """One row per OPD of a month: score, band, rank and each indicator's
    points."""

    permission_classes = [IsPortalStaff]
    serializer_class = EvaluationSerializer

    def get_queryset(self):
        return OpdScore.objects.none()

    @extend_schema(parameters=[MONTH])
    def list(self, request: Request) -> Response:
        report = _report(request)
        if report is None:
            self.paginate_queryset([])
            return self.get_paginated_response([])
        scores = (
            selectors.scores_in_scope(request.user, report)
            .select_related("opd", "report")
            .order_by("rank", "opd__name", "pk")
        )
        page = self.paginate_queryset(scores)
        ids = [score.pk for score in page]
        indicators = list(
            Indicator.objects.filter(framework_id=report.framework_id).order_by(
                "position", "code"
            )
        )
        shares = selectors.indicator_shares(
            ItemScore.objects.filter(opd_score_id__in=ids).values_list(
                "opd_score_id", "item__indicator_id", "item__weight", "ratio", "applies"
            )
        )
        serializer = self.get_serializer(
            page, many=True, context={"indicators": indicators, "shares": shares}
        )
        return self.get_paginated_response(serializer.data)


class MonthlyReportViewSet(viewsets.GenericViewSet):
    """The month's reports: the kabupaten's (for kabupaten roles) and each
    OPD's in scope, with their files and the WhatsApp summary."""

    permission_classes = [IsPortalStaff]
    serializer_class = MonthlyReportFileSerializer

    def get_queryset(self):
        return OpdScore.objects.none()

    @extend_schema(parameters=[MONTH])
    def list(self, request: Request) -> Response:
        report = _report(request)
        if report is None:
            self.paginate_queryset([])
            return self.get_paginated_response([])
        rows: list[Any] = []
        if perms.can_view_kabupaten_evaluation(request.user):
            rows.append(("kabupaten", report))
        scores = (
            selectors.scores_in_scope(request.user, report)
            .select_related("opd", "report")
            .order_by("rank", "opd__name", "pk")
        )
        rows.extend(("opd", score) for score in scores)
        page = self.paginate_queryset(rows)
        data = []
        for kind, subject in page:
            row = {
                "month": "{:%Y-%m}".format(report.month),
                "version": report.version,
                "status": report.status,
                "preview": report.is_preview,
                "as_of": report.as_of,
            }
            if kind == "kabupaten":
                name, where = "monthly-report-file", {}
                row["opd"] = None
                row["summary_text"] = text.whatsapp_summary(report)
            else:
                name, where = "monthly-report-opd-file", {"slug": subject.opd.slug}
                row["opd"] = subject.opd
                row["summary_text"] = text.opd_whatsapp_summary(subject)
            for fmt in files.REPORT_FORMATS:
                row[fmt + "_url"] = _file_url(request, name, report, fmt=fmt, **where)
            data.append(row)
        return self.get_paginated_response(self.get_serializer(data, many=True).data)


class _ReportFileView(APIView):
    """A report file for the API token that reads the JSON: the same
    permission (IsPortalStaff) and the same scope; errors in JSON."""

    permission_classes = [IsPortalStaff]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonErrorsOnly


class MonthlyReportFileView(_ReportFileView):
    """The kabupaten's report of a month as PDF or XLSX, for the roles that
    see every OPD (as ``kabupaten`` rows of /api/v1/reports/monthly/)."""

    @extend_schema(
        parameters=[MONTH_PATH, FORMAT_PATH, VERSION], responses=REPORT_FILES
    )
    def get(self, request: Request, month: str, fmt: str) -> HttpResponse:
        report = _report_file_of(request, month)
        if fmt not in files.REPORT_FORMATS:
            raise Http404
        if not perms.can_view_kabupaten_evaluation(request.user):
            raise PermissionDenied
        return files.kabupaten_file(report, fmt)


class MonthlyReportOpdFileView(_ReportFileView):
    """An OPD's report of a month as PDF or XLSX, for who sees its score."""

    @extend_schema(
        parameters=[MONTH_PATH, SLUG_PATH, FORMAT_PATH, VERSION],
        responses=REPORT_FILES,
    )
    def get(self, request: Request, month: str, slug: str, fmt: str) -> HttpResponse:
        report = _report_file_of(request, month)
        if fmt not in files.REPORT_FORMATS:
            raise Http404
        opd_score = selectors.opd_score_for(request.user, report, slug)
        if opd_score is None:
            raise Http404
        return files.opd_file(opd_score, fmt)
