"""The social-media API, for staff only: an OPD admin sees its own OPD,
Dinkominfo (and the other kabupaten roles) every OPD."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from opds import permissions as perms
from opds.permissions import IsPortalStaff
from ppid.api.serializers import OpdRefSerializer
from socialposts.filters import PostFilterSet, SocialAccountFilterSet
from socialposts.models import (
    AccountMetricDaily,
    Post,
    PostMetricSnapshot,
    SocialAccount,
)


class SocialAccountSerializer(serializers.ModelSerializer):
    opd = OpdRefSerializer(read_only=True)
    token_health = serializers.SerializerMethodField()
    stale = serializers.SerializerMethodField()

    class Meta:
        model = SocialAccount
        fields = [
            "id",
            "opd",
            "platform",
            "handle",
            "connection",
            "token_health",
            "last_success_at",
            "stale",
        ]

    def get_token_health(self, account: SocialAccount) -> str:
        return account.token_health()

    def get_stale(self, account: SocialAccount) -> bool:
        return account.is_stale()


class PostSerializer(serializers.ModelSerializer):
    account = serializers.PrimaryKeyRelatedField(read_only=True)
    topics = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    metrics = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id",
            "account",
            "content_type",
            "topics",
            "published_at",
            "permalink",
            "duration_seconds",
            "metrics",
        ]

    @extend_schema_field(serializers.DictField(child=serializers.FloatField()))
    def get_metrics(self, post: Post) -> dict[str, float]:
        """The latest snapshot of each metric (read for the whole page at once)."""
        return self.context.get("latest", {}).get(post.pk, {})


class DailyMetricSerializer(serializers.ModelSerializer):
    metric = serializers.CharField(source="metric_id")

    class Meta:
        model = AccountMetricDaily
        fields = ["date", "metric", "value", "source_metric"]


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


def latest_metrics(post_ids: list[int]) -> dict[int, dict[str, float]]:
    """Each post's values on its latest snapshot day, in one query."""
    latest_day = (
        PostMetricSnapshot.objects.filter(post=OuterRef("post"))
        .order_by("-date")
        .values("date")[:1]
    )
    rows = PostMetricSnapshot.objects.filter(
        post_id__in=post_ids, date=Subquery(latest_day)
    ).values_list("post_id", "metric_id", "value")
    found: dict[int, dict[str, float]] = {}
    for post_id, metric, value in rows:
        found.setdefault(post_id, {})[metric] = value
    return found


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
