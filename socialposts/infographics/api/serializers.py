"""Serializers of `POST /api/v1/infographics/`: what to draw, closed to unknown
fields."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.serializers import (
    ClosedSerializer,
    MonthField,
    StrictIntegerField,
    StrictNumberField,
)
from opds.models import Opd
from socialposts.infographics.engine import Kind, Size

# The largest id a database row can have (a 64-bit signed integer).
MAX_ID = 2**63 - 1
COMMON_FIELDS = {"kind", "size", "opd"}
KIND_FIELDS = {
    Kind.ITEM_CARD: {"item", "title", "summary", "where"},
    Kind.SERVICE_FLOW: {"item", "title", "steps"},
    Kind.DATA_CHART: {"item", "title", "chart", "unit", "rows", "csv", "source"},
    Kind.KIP_CARD: {"month"},
    Kind.RANKING_CARD: {"month"},
}


class StepInputSerializer(ClosedSerializer):
    title = serializers.CharField(max_length=60)
    text = serializers.CharField(max_length=160, required=False, allow_blank=True)


class RowInputSerializer(ClosedSerializer):
    label = serializers.CharField(max_length=40)
    value = StrictNumberField()


class InfographicInputSerializer(ClosedSerializer):
    """What to draw. The item card, the KIP card and the ranking card take
    their data from the portal (``item``, ``month``); the flow and the
    chart take what the client sends."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    size = serializers.ChoiceField(choices=Size.choices, default=Size.PORTRAIT)
    opd = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Opd.objects.all(),
        required=False,
        help_text=(
            "The OPD whose image it is; an OPD admin's own OPD, or the item's, "
            "when left out."
        ),
    )
    item = StrictIntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="The PPID item it is made from (required for an item card).",
    )
    month = MonthField(
        required=False,
        help_text="YYYY-MM, a final month (KIP and ranking cards).",
    )
    title = serializers.CharField(max_length=300, required=False)
    summary = serializers.CharField(max_length=3000, required=False)
    where = serializers.CharField(max_length=600, required=False)
    steps = StepInputSerializer(many=True, required=False, max_length=10)
    chart = serializers.ChoiceField(
        choices=[("bar", "bar"), ("line", "line")], required=False
    )
    unit = serializers.CharField(max_length=30, required=False)
    rows = RowInputSerializer(many=True, required=False, max_length=12)
    csv = serializers.CharField(
        max_length=10_000,
        required=False,
        help_text="Instead of rows: two columns, label and number, one row a line.",
    )
    source = serializers.CharField(max_length=200, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        allowed = COMMON_FIELDS | KIND_FIELDS[attrs["kind"]]
        refused = {
            name: [_("This field does not belong to this kind of infographic.")]
            for name in sorted(set(attrs) - allowed)
        }
        if refused:
            raise serializers.ValidationError(refused)
        return attrs
