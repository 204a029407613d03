"""The evaluation API, for staff: an OPD admin sees its own OPD only, a
draft only the Dinkominfo team. Paginated like the rest of the API."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from core.months import parse_month
from evaluations import selectors
from evaluations.api.serializers import (
    EvaluationSerializer,
    MonthlyReportFileSerializer,
)
from evaluations.exports import text
from evaluations.models import Indicator, ItemScore, MonthlyReport, OpdScore
from opds import permissions as perms
from opds.permissions import IsPortalStaff

MONTH = OpenApiParameter(
    "month",
    str,
    pattern=r"^\s*[1-9][0-9]{3}-(0[1-9]|1[0-2])\s*$",
    description="YYYY-MM; the newest month you may see when left out.",
)


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
        key = "{:%Y-%m}".format(report.month)
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
            if kind == "kabupaten":
                data.append(
                    {
                        "opd": None,
                        "status": report.status,
                        "pdf_url": reverse(
                            "evaluations:report-file", args=[key, "pdf"]
                        ),
                        "xlsx_url": reverse(
                            "evaluations:report-file", args=[key, "xlsx"]
                        ),
                        "summary_text": text.whatsapp_summary(report),
                    }
                )
            else:
                slug = subject.opd.slug
                data.append(
                    {
                        "opd": subject.opd,
                        "status": report.status,
                        "pdf_url": reverse(
                            "evaluations:opd-file", args=[key, slug, "pdf"]
                        ),
                        "xlsx_url": reverse(
                            "evaluations:opd-file", args=[key, slug, "xlsx"]
                        ),
                        "summary_text": text.opd_whatsapp_summary(subject),
                    }
                )
        return self.get_paginated_response(self.get_serializer(data, many=True).data)
