"""``POST /api/v1/infographics/``: draw an infographic and answer the PNG.

Every image made is kept (who, when, from what), as on the pages; its id
comes back in ``X-Infographic-Id`` and its address in ``Content-Location``.
Bad data is a 400 naming the field, as everywhere in the API.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from config.schema import ERROR
from config.serializers import StrictTextMixin
from opds import permissions as perms
from opds.models import Opd
from ppid.models import InformationItem
from socialposts import infographic_services as services
from socialposts.infographics import Kind, Size
from socialposts.models import Infographic

MONTH_PATTERN = r"^20\d\d-(0[1-9]|1[0-2])$"
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


class JsonErrorsOnly(BaseContentNegotiation):
    """The PNG is the only success and JSON the only error format, whatever
    the client's Accept header says (no 406 for ``Accept: image/png``)."""

    def select_parser(self, request: Any, parsers: list) -> Any:
        return parsers[0]

    def select_renderer(
        self, request: Any, renderers: list, format_suffix: str | None = None
    ) -> tuple:
        return renderers[0], renderers[0].media_type


def _month(value: str | None) -> datetime.date | None:
    if not value:
        return None
    return datetime.date(int(value[:4]), int(value[5:7]), 1)


class InfographicViewSet(viewsets.GenericViewSet):
    """Draw an infographic and keep it."""

    permission_classes = [perms.IsPortalStaff]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonErrorsOnly
    serializer_class = InfographicInputSerializer
    queryset = Infographic.objects.none()

    @extend_schema(
        request=InfographicInputSerializer,
        responses={
            (200, "image/png"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The PNG; its id is in the X-Infographic-Id header.",
            ),
            404: OpenApiResponse(
                ERROR, description="No such item you may see, or no such OPD."
            ),
        },
    )
    def create(self, request: Request) -> HttpResponse:
        user = request.user
        # Refused before the input is read: a 400 would answer someone who
        # may not make images at all.
        if not perms.can_make_any_infographics(user):
            raise PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        given = dict(serializer.validated_data)
        kind = given.pop("kind")
        size = given.pop("size")
        item = self._item(given.pop("item", None))
        opd = self._opd(given.pop("opd", None), item)
        data, report = services.build_data(
            kind=kind,
            opd=opd,
            fields=given,
            item=item,
            month=_month(given.pop("month", None)),
        )
        infographic = services.make_infographic(
            user=user,
            opd=opd,
            kind=kind,
            size=size,
            data=data,
            source_item=item,
            source_report=report,
        )
        response = HttpResponse(infographic.image.read(), content_type="image/png")
        infographic.image.close()
        response["X-Infographic-Id"] = str(infographic.pk)
        response["Content-Location"] = reverse(
            "socialposts:infographic-image", args=[infographic.pk]
        )
        response["Content-Disposition"] = 'inline; filename="{}"'.format(
            "infografis-{}-{}.png".format(
                slugify(infographic.title)[:60] or kind, infographic.pk
            )
        )
        return response

    def _item(self, pk: int | None) -> InformationItem | None:
        if pk is None:
            return None
        item = get_object_or_404(
            perms.items_visible_to(
                self.request.user, InformationItem.objects.select_related("opd")
            ),
            pk=pk,
        )
        if not perms.can_make_infographic_from_item(self.request.user, item):
            raise PermissionDenied
        return item

    def _opd(self, opd: Opd | None, item: InformationItem | None) -> Opd:
        user = self.request.user
        if opd is None:
            if user.opd_id is not None and perms.is_opd_admin_of(user, user.opd):
                opd = user.opd
            elif item is not None:
                opd = item.opd
            else:
                raise ValidationError({"opd": [_("Choose the OPD.")]})
        if not perms.can_make_infographics(user, opd):
            raise PermissionDenied
        return opd
