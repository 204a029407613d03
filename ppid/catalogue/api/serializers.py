"""API representations of the catalogue."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import StrictTextMixin
from opds.api.serializers import OpdRefSerializer
from ppid.catalogue.models import (
    ExclusionDecision,
    InformationFile,
    InformationItem,
    Subtype,
)
from ppid.catalogue.services import EXCLUSION_FIELDS, ITEM_FIELDS


class FileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = InformationFile
        fields = ["name", "size", "url"]

    @extend_schema_field(serializers.URLField())
    def get_url(self, file: InformationFile) -> str:
        return self.context["request"].build_absolute_uri(file.get_absolute_url())


class InformationItemSerializer(serializers.ModelSerializer):
    """An item as listed; excluded items reach only the staff allowed."""

    subtype = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    opd = OpdRefSerializer(read_only=True)
    # None for items that are not periodic.
    next_update_due = serializers.DateField(read_only=True, allow_null=True)
    files = FileSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = InformationItem
        fields = [
            "id",
            "title",
            "summary",
            "category",
            "subtype",
            "opd",
            "year",
            "status",
            "published_at",
            "last_updated_at",
            "next_update_due",
            "files",
            "url",
        ]

    @extend_schema_field(serializers.URLField())
    def get_url(self, item: InformationItem) -> str:
        before, after = self._url_around_pk
        return "{}{}{}".format(before, item.pk, after)

    @cached_property
    def _url_around_pk(self) -> tuple[str, str]:
        # A list's rows share one serializer: the URL is reversed once per
        # list, not per row (reversing cost as much as the rest of a row).
        url = self.context["request"].build_absolute_uri(
            reverse("ppid:item-detail", kwargs={"pk": _PK_PLACEHOLDER})
        )
        before, after = url.split(str(_PK_PLACEHOLDER))
        return before, after


# A primary key no item has, replaced in the one reversed item URL.
_PK_PLACEHOLDER = 918273645


class ExclusionInputSerializer(StrictTextMixin, serializers.Serializer):
    """The exclusion decision sent with an excluded item."""

    ground = serializers.ChoiceField(choices=ExclusionDecision.Ground.choices)
    ground_point = serializers.IntegerField(
        min_value=1, required=False, allow_null=True
    )
    legal_basis = serializers.CharField()
    consequence = serializers.CharField()
    public_interest = serializers.CharField()
    consequence_tested_on = serializers.DateField()
    test_occasion = serializers.ChoiceField(
        choices=ExclusionDecision.TestOccasion.choices, required=False
    )
    scope = serializers.ChoiceField(choices=ExclusionDecision.Scope.choices)
    redacted_summary = serializers.CharField(required=False, allow_blank=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField(required=False, allow_null=True)
    review_date = serializers.DateField(required=False, allow_null=True)
    decided_by = serializers.CharField(max_length=200)
    approved_by = serializers.CharField(max_length=200)
    decided_place = serializers.CharField(max_length=100)
    decided_on = serializers.DateField()


class InformationItemInputSerializer(StrictTextMixin, serializers.ModelSerializer):
    """What a client sends to create or change an item."""

    refuses_unknown_fields = True  # see to_internal_value(); so does the schema

    subtype = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Subtype.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, write_only=True
    )
    exclusion = ExclusionInputSerializer(required=False)
    signed_sheet = serializers.FileField(required=False, write_only=True)

    class Meta:
        model = InformationItem
        fields = [*ITEM_FIELDS, "files", "exclusion", "signed_sheet"]

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # Fields a client may not set (opd, status, dates) would otherwise be
        # dropped without a word; name them alongside any other error.
        keys = set(data.keys()) if hasattr(data, "keys") else set()
        refused = {
            field: [_("This field cannot be set here.")]
            for field in sorted(keys - set(self.fields))
        }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, dict) else {}
            raise serializers.ValidationError({**detail, **refused}) from None
        if refused:
            raise serializers.ValidationError(refused)
        return value

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        exclusion = data.pop("exclusion", None)
        files = data.pop("files", [])
        signed_sheet = data.pop("signed_sheet", None)
        if exclusion is not None:
            exclusion = {
                k: exclusion.get(k) for k in EXCLUSION_FIELDS if k in exclusion
            }
            exclusion.setdefault("redacted_summary", "")
        return {
            "data": data,
            "files": files,
            "exclusion": exclusion,
            "signed_sheet": signed_sheet,
        }


class InformationItemJsonInputSerializer(InformationItemInputSerializer):
    """The same input as JSON, which carries no files (documentation only)."""

    files = None
    signed_sheet = None

    class Meta(InformationItemInputSerializer.Meta):
        fields = [*ITEM_FIELDS, "exclusion"]


class InformationItemMultipartInputSerializer(InformationItemInputSerializer):
    """The same input as multipart, which has no null: an empty value is
    none (documentation only)."""

    subtype = serializers.CharField(
        required=False, allow_blank=True, help_text="An active sub-type's code."
    )

    class Meta(InformationItemInputSerializer.Meta):
        extra_kwargs = {"event_occurred_at": {"allow_null": False}}


class ExclusionQuerySerializer(serializers.Serializer):
    """The DIK's parameters: an unknown state is refused rather than read as
    the default, so a typo never shows a different register than asked for."""

    state = serializers.ChoiceField(
        choices=["in_force", "opened"],
        required=False,
        default="in_force",
        help_text="in_force (default): the DIK; opened: exclusions that have "
        "ended, newest first.",
    )


class ExclusionRegisterSerializer(serializers.ModelSerializer):
    """A row of the public DIK: never the summary, content or files."""

    title = serializers.CharField(source="item.title", read_only=True)
    opd = OpdRefSerializer(source="item.opd", read_only=True)
    legal_reference = serializers.CharField(read_only=True)
    opened_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="When the exclusion ended (``?state=opened``); null while in force.",
    )

    class Meta:
        model = ExclusionDecision
        fields = [
            "id",
            "title",
            "opd",
            "ground",
            "legal_reference",
            "legal_basis",
            "consequence",
            "public_interest",
            "consequence_tested_on",
            "test_occasion",
            "scope",
            "period_start",
            "period_end",
            "review_date",
            "opened_on",
        ]
