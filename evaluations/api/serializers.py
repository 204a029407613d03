"""Serializers of the evaluation API: scores per OPD and the report files."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evaluations.models import OpdScore
from opds.api.serializers import OpdRefSerializer


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
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = OpdScore
        fields = ["opd", "month", "status", "score", "band", "rank", "indicators"]

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
    status = serializers.CharField()
    pdf_url = serializers.CharField()
    xlsx_url = serializers.CharField()
    summary_text = serializers.CharField()
