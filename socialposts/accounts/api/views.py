"""The social-media API, for staff only: an OPD admin sees its own OPD,
Dinkominfo (and the other kabupaten roles) every OPD."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from opds import permissions as perms
from opds.permissions import IsPortalStaff
from socialposts.accounts import exports, selectors
from socialposts.accounts.api.serializers import (
    DailyMetricSerializer,
    ExportQuerySerializer,
    MonthQuerySerializer,
    PostSerializer,
    SocialAccountSerializer,
)
from socialposts.accounts.filters import PostFilterSet, SocialAccountFilterSet
from socialposts.accounts.models import (
    AccountMetricDaily,
    Post,
    SocialAccount,
)
from socialposts.accounts.selectors import latest_metrics


class SocialAccountViewSet(viewsets.ReadOnlyModelViewSet):
    """Accounts with their health."""

    serializer_class = SocialAccountSerializer
    permission_classes = [IsPortalStaff]
    filter_backends = [DjangoFilterBackend]
    filterset_class = SocialAccountFilterSet

    def get_queryset(self) -> QuerySet[SocialAccount]:
        return perms.social_accounts_visible_to(
            self.request.user, SocialAccount.objects.select_related("opd")
        ).order_by("opd__name", "platform", "handle")


class PostViewSet(viewsets.ReadOnlyModelViewSet):
    """Posts with their latest metrics."""

    serializer_class = PostSerializer
    permission_classes = [IsPortalStaff]
    filter_backends = [DjangoFilterBackend]
    filterset_class = PostFilterSet

    def get_queryset(self) -> QuerySet[Post]:
        accounts = perms.social_accounts_visible_to(self.request.user)
        return (
            Post.objects.filter(account__in=accounts)
            .prefetch_related("topics")
            .order_by("-published_at", "-id")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["latest"] = getattr(self, "_latest", {})
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self._latest = latest_metrics([post.pk for post in page])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        post = self.get_object()
        self._latest = latest_metrics([post.pk])
        return Response(self.get_serializer(post).data)


class DailyMetricViewSet(viewsets.GenericViewSet):
    """One account's daily series: ``?account=<id>`` (and ``?metric=``)."""

    serializer_class = DailyMetricSerializer
    permission_classes = [IsPortalStaff]
    queryset = AccountMetricDaily.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "account", {"type": "integer", "minimum": 0}, required=True
            ),
            OpenApiParameter("metric", str),
        ]
    )
    def list(self, request: Request) -> Response:
        raw = request.query_params.get("account", "")
        # str.isdigit() also takes "²", which int() refuses.
        if not (raw.isascii() and raw.isdigit()):
            raise ValidationError({"account": [_("Give the id of an account.")]})
        account = get_object_or_404(
            perms.social_accounts_visible_to(request.user), pk=int(raw)
        )
        series = AccountMetricDaily.objects.filter(account=account).order_by(
            "date", "metric_id"
        )
        metric = request.query_params.get("metric")
        if metric:
            series = series.filter(metric_id=metric)
        page = self.paginate_queryset(series)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- Files: the same exports as the pages ----------------------------------------------


def _file(file: exports.ExportFile) -> HttpResponse:
    response = HttpResponse(file.body, content_type=file.content_type)
    response["Content-Disposition"] = 'attachment; filename="{}"'.format(file.name)
    response["Cache-Control"] = "private, no-cache"
    return response


RANGE_FILES = {
    (200, "text/csv"): OpenApiTypes.BINARY,
    (200, exports.CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
}


class _FileView(APIView):
    permission_classes = [IsPortalStaff]

    def range_file(self, request: Request, scope: exports.Scope) -> HttpResponse:
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return _file(
            exports.range_file(
                scope, data["data"], data["format"], data["start"], data["end"]
            )
        )


class AccountExportView(_FileView):
    """One account's daily metrics or posts (with their latest values) over a
    date range, as CSV or XLSX."""

    @extend_schema(parameters=[ExportQuerySerializer], responses=RANGE_FILES)
    def get(self, request: Request, pk: int) -> HttpResponse:
        account = selectors.account_for(request.user, pk)
        return self.range_file(request, exports.Scope.of_account(account))


class OpdExportView(_FileView):
    """Every account of an OPD: daily metrics or posts over a date range."""

    @extend_schema(
        parameters=[
            OpenApiParameter("slug", str, OpenApiParameter.PATH),
            ExportQuerySerializer,
        ],
        responses=RANGE_FILES,
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        opd = selectors.opd_for(request.user, slug)
        return self.range_file(request, exports.Scope.of_opd(opd))


class OpdMonthlyView(_FileView):
    """An OPD's month on one A4 page (PDF): followers, reach, views, posts by
    content type and the top posts."""

    @extend_schema(
        parameters=[
            OpenApiParameter("slug", str, OpenApiParameter.PATH),
            MonthQuerySerializer,
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        opd = selectors.opd_for(request.user, slug)
        query = MonthQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return _file(exports.monthly_pdf(opd, query.validated_data["month"]))
