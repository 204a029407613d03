"""Serializers of the social-media API (staff only)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import months
from core.api.serializers import MonthField
from opds.api.serializers import OpdRefSerializer
from socialposts.accounts import exports
from socialposts.accounts.models import (
    AccountMetricDaily,
    Post,
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
    # Blank when the platform gave none, so not a URI in the schema.
    permalink = serializers.CharField(read_only=True)

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


class ExportQuerySerializer(serializers.Serializer):
    """The query of a range export: what, in which format, from when to when."""

    data = serializers.ChoiceField(choices=exports.Data.choices)
    format = serializers.ChoiceField(choices=exports.Format.choices)
    start = serializers.DateField(help_text="YYYY-MM-DD")
    end = serializers.DateField(help_text="YYYY-MM-DD")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = exports.range_errors(attrs["start"], attrs["end"])
        if errors:
            raise serializers.ValidationError(
                {field: [message] for field, message in errors.items()}
            )
        return attrs


class MonthQuerySerializer(serializers.Serializer):
    """The month of an OPD's one-page summary."""

    month = MonthField(
        help_text="YYYY-MM",
        error_messages={"invalid": _("Month: give a month as YYYY-MM, e.g. 2026-10.")},
    )

    def validate_month(self, value: str) -> datetime.date:
        month = months.parse_month(value)
        if month is None:
            raise serializers.ValidationError(
                _("Month: give a month as YYYY-MM, e.g. 2026-10.")
            )
        for message in exports.month_errors(month).values():
            raise serializers.ValidationError(message)
        return month
