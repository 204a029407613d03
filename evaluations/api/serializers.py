"""Serializers of the evaluation API: scores per OPD and the report files."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evaluations.models import OpdScore
from opds.api.serializers import OpdRefSerializer

PREVIEW_HELP = (
    "True when the month had not ended when it was computed: the scores are "
    "the month so far, never opened for reply, final or public."
)
AS_OF_HELP = "A preview's day; null for a month computed after it ended."


class IndicatorScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    score = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        help_text="Points earned of the weight; null when no item applies.",
    )


class EvaluationSerializer(serializers.ModelSerializer):
    opd = OpdRefSerializer(read_only=True)
    month = serializers.SerializerMethodField()
    status = serializers.CharField(source="report.status")
    preview = serializers.BooleanField(
        source="report.is_preview", help_text=PREVIEW_HELP
    )
    as_of = serializers.DateField(
        source="report.as_of", allow_null=True, help_text=AS_OF_HELP
    )
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = OpdScore
        fields = [
            "opd",
            "month",
            "status",
            "preview",
            "as_of",
            "score",
            "band",
            "rank",
            "indicators",
        ]

    def get_month(self, score: OpdScore) -> str:
        return "{:%Y-%m}".format(score.report.month)

    @extend_schema_field(IndicatorScoreSerializer(many=True))
    def get_indicators(self, score: OpdScore) -> list[dict[str, Any]]:
        shares = self.context["shares"].get(score.pk, {})
        rows = []
        for indicator in self.context["indicators"]:
            share = shares.get(indicator.pk)
            value = share.share if share is not None else None
            rows.append(
                {
                    "code": indicator.code,
                    "name": indicator.name,
                    "weight": indicator.weight,
                    "score": None
                    if value is None
                    else (indicator.weight * value).quantize(Decimal("0.01")),
                }
            )
        return IndicatorScoreSerializer(rows, many=True).data


class MonthlyReportFileSerializer(serializers.Serializer):
    opd = OpdRefSerializer(
        allow_null=True, help_text="Null for the kabupaten's report."
    )
    month = serializers.CharField(help_text="YYYY-MM")
    version = serializers.IntegerField()
    status = serializers.CharField()
    preview = serializers.BooleanField(help_text=PREVIEW_HELP)
    as_of = serializers.DateField(allow_null=True, help_text=AS_OF_HELP)
    pdf_url = serializers.URLField(
        help_text="The PDF, downloadable with the same API token."
    )
    xlsx_url = serializers.URLField(
        help_text="The XLSX, downloadable with the same API token."
    )
    summary_text = serializers.CharField()
