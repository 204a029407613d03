"""API representations of OPDs."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.serializers import StrictTextMixin
from opds.models import Opd
from opds.services import PROFILE_FIELDS


class OpdRefSerializer(serializers.Serializer):
    """An OPD named inside another object: its slug and name."""

    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class OpdSerializer(serializers.ModelSerializer):
    """An OPD in lists: who it is and where it sits."""

    parent = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Opd
        fields = ["id", "slug", "short_name", "name", "kind", "website", "parent"]


class OpdDetailSerializer(StrictTextMixin, OpdSerializer):
    """One OPD with its contacts and its place in the registry's history."""

    refuses_unknown_fields = True  # see validate(); the schema says so too

    predecessors = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    successors = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )

    class Meta(OpdSerializer.Meta):
        fields = [
            *OpdSerializer.Meta.fields,
            *PROFILE_FIELDS,
            "is_active",
            "valid_from",
            "valid_to",
            "predecessors",
            "successors",
        ]
        read_only_fields = [field for field in fields if field not in PROFILE_FIELDS]

    def validate(self, attrs: dict) -> dict:
        # Read-only fields would otherwise be dropped without a word.
        refused = sorted(set(self.initial_data) - set(PROFILE_FIELDS))
        if refused:
            raise serializers.ValidationError(
                {field: [_("This field cannot be changed.")] for field in refused}
            )
        return attrs
