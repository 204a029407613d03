"""Serializers of the social-media API (staff only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from opds.api.serializers import OpdRefSerializer
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
