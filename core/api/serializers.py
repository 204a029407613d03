"""Serializer helpers shared by the apps' APIs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MONTH_PATTERN = r"^20\d\d-(0[1-9]|1[0-2])$"


class StrictTextMixin:
    """Text fields take text only.

    DRF turns a JSON number sent for a text field into its digits ("42"), so
    a client's mistake would be stored as if it were meant. The number is
    refused instead, naming the field, with DRF's own message.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors = {
                name: [field.error_messages["invalid"]]
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and not field.read_only
                and data.get(name) is not None
                and not isinstance(data[name], str)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: DRF would also take "12" and 12.0."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictNumberField(serializers.FloatField):
    """A JSON number only: DRF would also take "12"."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class ClosedSerializer(StrictTextMixin, serializers.Serializer):
    """Refuses fields it does not know, naming them (the schema says so)."""

    refuses_unknown_fields = True

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("This field cannot be set here.")] for name in unknown}
                )
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "pattern": MONTH_PATTERN, "example": "2026-10"})
class MonthField(serializers.RegexField):
    """A month as YYYY-MM (the schema states the pattern)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(MONTH_PATTERN, **kwargs)
