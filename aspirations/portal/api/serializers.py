"""Serializers of the cases API (staff, read-only). No answer carries a
full phone number or an e-mail address; the citizen's name as the case page
shows it (``opds.permissions.can_see_citizen_name``), and phone numbers
and NIKs inside messages are masked unless the user handles the case
(``can_see_case_personal_data``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aspirations.inbox.models import Case, CaseFile, Message
from core.redaction import redact
from opds import permissions as perms


class CitizenSerializer(serializers.Serializer):
    """The citizen as the user may see them; null fields are hidden."""

    name = serializers.CharField(allow_null=True)
    phone_masked = serializers.CharField(allow_null=True)


class CaseSerializer(serializers.ModelSerializer):
    """A case in the queue."""

    # Every relation may be empty: a new case has no OPD, most have no
    # kecamatan, duplicate or PPID request.
    opd = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    suggested_opd = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    kecamatan = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    duplicate_of = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    ppid_request = serializers.SlugRelatedField(
        slug_field="registration_number", read_only=True, allow_null=True
    )
    # Blank for portal cases and messages, so not a URI in the schema.
    permalink = serializers.CharField(read_only=True)
    citizen = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "channel",
            "kind",
            "topic",
            "state",
            "title",
            "opd",
            "suggested_opd",
            "duplicate_of",
            "anonymous",
            "confidential",
            "kecamatan",
            "village",
            "citizen",
            "permalink",
            "received_at",
            "first_response_due",
            "routing_due",
            "follow_up_due",
            "auto_close_on",
            "first_response_at",
            "verified_at",
            "routed_at",
            "answered_at",
            "closed_at",
            "escalated_at",
            "personal_data_exposed",
            "ppid_request",
            "lapor_tracking_id",
            "lapor_status",
        ]
        read_only_fields = fields

    @extend_schema_field(CitizenSerializer(allow_null=True))
    def get_citizen(self, case: Case) -> dict[str, Any] | None:
        user = self.context["request"].user
        contact = case.contact
        if contact is None or not perms.can_see_citizen_name(user, case):
            return None
        return {
            "name": contact.name or None,
            "phone_masked": contact.phone_masked or None,
        }


class MessageSerializer(serializers.ModelSerializer):
    """One message; its text masked for whoever does not handle the case."""

    text = serializers.SerializerMethodField()
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = [
            "id",
            "direction",
            "reply_kind",
            "author_name",
            "text",
            "sent_at",
            "delivery",
            "from_native_app",
            "hidden_on_platform",
        ]
        read_only_fields = fields

    def get_text(self, message: Message) -> str:
        if self.context["personal_data"]:
            return message.text
        return redact(message.text)

    def get_author_name(self, message: Message) -> str:
        if message.direction == Message.Direction.IN and not self.context["contact"]:
            return ""
        return message.author_name


class CaseFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseFile
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    """A case with its conversation and the citizen's files."""

    messages = serializers.SerializerMethodField()
    files = CaseFileSerializer(many=True, read_only=True)
    triage_reason = serializers.CharField(read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "triage_reason", "messages", "files"]
        read_only_fields = fields

    @extend_schema_field(MessageSerializer(many=True))
    def get_messages(self, case: Case) -> list[dict[str, Any]]:
        user = self.context["request"].user
        contact = perms.can_see_citizen_name(user, case)
        context = {
            # An anonymous citizen's number in a message would name them.
            "personal_data": contact and perms.can_see_case_personal_data(user, case),
            "contact": contact,
        }
        return MessageSerializer(case.messages.all(), many=True, context=context).data
