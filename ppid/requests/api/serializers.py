"""Serializers of the request register's API. No output ever carries a NIK,
a phone number or an e-mail address."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import StrictTextMixin
from opds.models import Opd
from ppid.catalogue.models import ExclusionDecision, InformationItem
from ppid.requests.models import (
    AccessMethod,
    Channel,
    CopyFormat,
    DeliveryMethod,
    HeldForm,
    InformationRequest,
    Objection,
    RequesterType,
)


def _choice(choices: Any, **kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, **kwargs)


class RequestInputSerializer(StrictTextMixin, serializers.Serializer):
    """The request form; the service checks the rules across fields."""

    requester_type = _choice(RequesterType.choices)
    full_name = serializers.CharField(max_length=200)
    nik = serializers.CharField(max_length=32, required=False, allow_blank=True)
    legal_entity_decree_no = serializers.CharField(
        max_length=200, required=False, allow_blank=True
    )
    address = serializers.CharField(max_length=500)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    occupation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    requested_information = serializers.CharField(max_length=4000)
    purpose = serializers.CharField(max_length=4000)
    access_method = _choice(AccessMethod.choices)
    copy_format = _choice(CopyFormat.choices, required=False, allow_blank=True)
    delivery_method = _choice(DeliveryMethod.choices)
    opd = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Opd.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    identity_scan = serializers.FileField(required=False, allow_null=True)
    channel = _choice(Channel.choices, required=False)
    received_on = serializers.DateField(required=False)
    received_time = serializers.TimeField(required=False, allow_null=True)


class RequestInputJsonSerializer(RequestInputSerializer):
    """The request form as JSON, which carries no files (documentation only)."""

    identity_scan = None


class RequestInputMultipartSerializer(RequestInputSerializer):
    """The request form as multipart, which has no null: an empty value is
    none (documentation only)."""

    opd = serializers.CharField(
        required=False, allow_blank=True, help_text="An active OPD's slug."
    )


class RequestCreatedSerializer(serializers.Serializer):
    registration_number = serializers.CharField()
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    received_at = serializers.DateField(source="received_on")
    due_date = serializers.DateField(source="answer_due_on")


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    label = serializers.CharField(source="get_action_display")
    note = serializers.CharField()


class RequestSerializer(serializers.Serializer):
    """What the requester sees with the tracking code."""

    registration_number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    received_at = serializers.DateField(source="received_on")
    received_time = serializers.DateTimeField(source="received_at", allow_null=True)
    counted_as_received = serializers.DateField(source="counted_from")
    due_date = serializers.DateField(source="due_on")
    clock_paused = serializers.BooleanField(source="is_paused")
    extended_due_date = serializers.DateField(source="extended_due_on", allow_null=True)
    decision = serializers.CharField()
    answered_at = serializers.DateField(source="answered_on", allow_null=True)
    answer_entered_at = serializers.DateField(
        source="answer_entered_on", allow_null=True
    )
    answer_letter = serializers.CharField()
    # The cost stated in the written notice (UU Pasal 22(7)g), in rupiah.
    cost = serializers.IntegerField()
    cost_detail = serializers.CharField()
    payment_method = serializers.CharField()
    paid_at = serializers.DateField(source="paid_on", allow_null=True)
    delivered_at = serializers.DateField(source="delivered_on", allow_null=True)
    events = serializers.SerializerMethodField()
    objections = serializers.SerializerMethodField()

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, info_request: InformationRequest) -> list[dict]:
        events = info_request.events.all()
        if not self.context.get("staff"):
            events = [e for e in events if e.is_public]
        return EventSerializer(events, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_objections(self, info_request: InformationRequest) -> list[dict]:
        return ObjectionSerializer(info_request.objections.all(), many=True).data


class StaffRequestSerializer(RequestSerializer):
    """Staff see the register's columns, the NIK masked, no contact details."""

    requester_type = serializers.CharField()
    full_name = serializers.CharField()
    nik = serializers.CharField(source="nik_masked")
    occupation = serializers.CharField()
    requested_information = serializers.CharField()
    purpose = serializers.CharField()
    access_method = serializers.CharField()
    copy_format = serializers.CharField()
    delivery_method = serializers.CharField()
    channel = serializers.CharField()
    opd = serializers.CharField(source="opd.slug", default=None, allow_null=True)
    answer_due_date = serializers.DateField(source="answer_due_on")
    completeness_due_date = serializers.DateField(source="completeness_due_on")
    local_due_date = serializers.DateField(source="local_due_on", allow_null=True)
    redaction_notes = serializers.CharField()
    exclusion_ground = serializers.CharField()
    excluded_item = serializers.IntegerField(source="excluded_item_id", allow_null=True)
    referred_body = serializers.CharField()
    closed_at = serializers.DateField(source="closed_on", allow_null=True)
    held_form = serializers.CharField()
    copy_pages = serializers.IntegerField()
    media_items = serializers.IntegerField()
    payment_reference = serializers.CharField()


class ObjectionSerializer(serializers.Serializer):
    """An objection, its answer, and the order that follows a granted one;
    never the objector's name or contact details."""

    objection_number = serializers.CharField()
    request = serializers.CharField(
        source="request.registration_number", default=None, allow_null=True
    )
    opd = serializers.CharField(source="opd.slug", default=None, allow_null=True)
    reason = serializers.CharField()
    status = serializers.CharField()
    filed_on = serializers.DateField()
    due_date = serializers.DateField(source="due_on")
    decision = serializers.CharField()
    answer = serializers.CharField()
    answered_on = serializers.DateField(allow_null=True)
    order_due_date = serializers.DateField(source="order_due_on", allow_null=True)
    order_done_on = serializers.DateField(allow_null=True)
    order_answer = serializers.CharField()
    order_missed = serializers.SerializerMethodField()

    def get_order_missed(self, objection: Objection) -> bool:
        """The order's deadline passed without the PPID acting in time."""
        from ppid.requests.services import today

        return objection.order_is_missed(today())


class OpdObjectionInputSerializer(StrictTextMixin, serializers.Serializer):
    """An objection with no request: ground b, against an agency (UU Pasal
    35(1)b). The service checks each ground's precondition."""

    reason = _choice(Objection.Reason.choices, required=False, default="b")
    opd = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Opd.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    description = serializers.CharField(max_length=4000)
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    filed_on = serializers.DateField(required=False)
    channel = _choice(Channel.choices, required=False)


class ComplySerializer(StrictTextMixin, serializers.Serializer):
    """The PPID's new written answer after a granted objection."""

    answer = serializers.CharField(max_length=20000)
    files = serializers.ListField(child=serializers.FileField(), required=False)


class ObjectionInputSerializer(StrictTextMixin, serializers.Serializer):
    tracking_code = serializers.CharField(
        max_length=40, required=False, allow_blank=True
    )
    reason = _choice(Objection.Reason.choices)
    description = serializers.CharField(max_length=4000)
    filed_on = serializers.DateField(required=False)
    channel = _choice(Channel.choices, required=False)


class ObjectionCreatedSerializer(serializers.Serializer):
    objection_number = serializers.CharField()
    due_date = serializers.DateField(source="due_on")


class OpdObjectionCreatedSerializer(ObjectionCreatedSerializer):
    """An objection with no request (ground b) gets its own tracking code,
    shown once."""

    tracking_code = serializers.CharField()


class ReasonSerializer(StrictTextMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class RouteSerializer(serializers.Serializer):
    opd = serializers.SlugRelatedField(
        slug_field="slug", queryset=Opd.objects.filter(is_active=True)
    )


class AnswerSerializer(StrictTextMixin, serializers.Serializer):
    decision = _choice(InformationRequest.Decision.choices)
    letter = serializers.CharField(max_length=20000)
    files = serializers.ListField(child=serializers.FileField(), required=False)
    redaction_notes = serializers.CharField(
        max_length=4000, required=False, allow_blank=True
    )
    exclusion_ground = _choice(
        ExclusionDecision.Ground.choices, required=False, allow_blank=True
    )
    # Any DIK entry resolves here; the service decides which may be cited.
    excluded_item = serializers.PrimaryKeyRelatedField(
        queryset=InformationItem.objects.filter(category="dikecualikan"),
        required=False,
        allow_null=True,
    )
    referred_body = serializers.CharField(
        max_length=200, required=False, allow_blank=True
    )
    held_form = _choice(HeldForm.choices, required=False, allow_blank=True)
    # Quantities; the service reckons the cost at the OPD's tariff.
    copy_pages = serializers.IntegerField(min_value=0, required=False)
    media_items = serializers.IntegerField(min_value=0, required=False)
    # A paper letter sent before today: its date, and its scan as evidence.
    letter_date = serializers.DateField(required=False, allow_null=True)
    letter_scan = serializers.FileField(required=False, allow_null=True)


class PaymentSerializer(StrictTextMixin, serializers.Serializer):
    paid_on = serializers.DateField(required=False)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)


class HandoverSerializer(serializers.Serializer):
    delivered_on = serializers.DateField(required=False)


class AnswerJsonSerializer(AnswerSerializer):
    """The answer as JSON, without files (documentation only)."""

    files = None
    letter_scan = None


class AnswerMultipartSerializer(AnswerSerializer):
    """The answer as multipart, which has no null (documentation only)."""

    excluded_item = serializers.PrimaryKeyRelatedField(
        queryset=InformationItem.objects.filter(category="dikecualikan"),
        required=False,
    )


class ObjectionAnswerSerializer(StrictTextMixin, serializers.Serializer):
    decision = _choice(Objection.Decision.choices)
    answer = serializers.CharField(max_length=20000)


class FiguresSerializer(serializers.Serializer):
    """The figures of a year, in all or for one OPD (documentation only)."""

    total = serializers.IntegerField()
    granted_full = serializers.IntegerField()
    granted_partial = serializers.IntegerField()
    refused = serializers.IntegerField()
    refused_excluded = serializers.IntegerField()
    refused_incomplete = serializers.IntegerField()
    not_controlled = serializers.IntegerField()
    not_documented = serializers.IntegerField()
    pending = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    median_working_days = serializers.FloatField(allow_null=True)
    objections = serializers.IntegerField()
    refusal_grounds = serializers.DictField(child=serializers.IntegerField())


class OpdFiguresSerializer(FiguresSerializer):
    opd = serializers.CharField(allow_null=True)
    name = serializers.CharField()


class ObjectionFiguresSerializer(serializers.Serializer):
    """The objections filed in the year and their outcomes so far
    (documentation only)."""

    total = serializers.IntegerField()
    by_ground = serializers.DictField(child=serializers.IntegerField())
    answered = serializers.IntegerField()
    upheld = serializers.IntegerField()
    overturned = serializers.IntegerField()
    answered_on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    pending = serializers.IntegerField()
    accepted = serializers.IntegerField()
    disputed = serializers.IntegerField()


class DisputeFiguresSerializer(serializers.Serializer):
    """The disputes taken to the Komisi Informasi in the year and their
    results so far (documentation only)."""

    total = serializers.IntegerField()
    pending = serializers.IntegerField()
    mediation_agreed = serializers.IntegerField()
    mediation_failed = serializers.IntegerField()
    adjudication_granted = serializers.IntegerField()
    adjudication_granted_partial = serializers.IntegerField()
    adjudication_rejected = serializers.IntegerField()
    adjudication_dismissed = serializers.IntegerField()
    court_cases = serializers.IntegerField()
    court_pending = serializers.IntegerField()
    court_upheld = serializers.IntegerField()
    court_overturned = serializers.IntegerField()


class StatisticsSerializer(FiguresSerializer):
    year = serializers.IntegerField()
    by_opd = OpdFiguresSerializer(many=True)
    objection_outcomes = ObjectionFiguresSerializer()
    disputes = DisputeFiguresSerializer()


class StatisticsQuerySerializer(serializers.Serializer):
    """The statistics' parameters: a malformed year is refused rather than
    read as the current one."""

    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    opd = serializers.CharField(
        required=False, allow_blank=True, help_text="An OPD's slug."
    )
