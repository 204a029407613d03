"""Information requests, objections and their statistics over the API.

A requester is anonymous and proves who they are with the tracking code;
staff see the requests of their scope. No answer ever carries a NIK, a
phone number or an e-mail address.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from config.pagination import PageNumberPagination
from config.serializers import StrictTextMixin
from opds import permissions as perms
from opds.models import Opd
from ppid import request_selectors, request_services
from ppid.models import (
    ExclusionDecision,
    InformationItem,
    InformationRequest,
    Objection,
)
from ppid.models.requests import (
    AccessMethod,
    Channel,
    CopyFormat,
    DeliveryMethod,
    RequesterType,
)

LOOKUP = r"[A-Za-z]+-[A-Za-z]+[/-][0-9]{4}[/-][0-9]{1,8}"
# The register's steps on a request, for staff only.
STAFF_STEPS = frozenset(
    {"register", "route", "complete", "incomplete", "extend", "answer", "close"}
)


class RequestSubmissionThrottle(SimpleRateThrottle):
    """Anonymous requests and objections, per IP address; staff are not limited."""

    scope = "request_submission"

    def get_rate(self) -> str:
        # Read at each request, so the setting is the one source of the rate.
        return "{}/hour".format(settings.PPID_REQUEST_SUBMISSIONS_PER_HOUR)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if perms.is_staff_user(request.user):
            return None
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }


class RequestTrackingThrottle(RequestSubmissionThrottle):
    """Guessing tracking codes costs time."""

    scope = "request_tracking"

    def get_rate(self) -> str:
        # Enough for a requester who mistypes; far too few to guess codes.
        return "30/hour"


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
    due_date = serializers.DateField(source="due_on")
    extended_due_date = serializers.DateField(source="extended_due_on", allow_null=True)
    decision = serializers.CharField()
    answered_at = serializers.DateField(source="answered_on", allow_null=True)
    answer_letter = serializers.CharField()
    events = serializers.SerializerMethodField()
    objections = serializers.SerializerMethodField()

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, request: InformationRequest) -> list[dict]:
        events = request.events.all()
        if not self.context.get("staff"):
            events = [e for e in events if e.is_public]
        return EventSerializer(events, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_objections(self, request: InformationRequest) -> list[dict]:
        return ObjectionSerializer(request.objections.all(), many=True).data


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


class ObjectionSerializer(serializers.Serializer):
    objection_number = serializers.CharField()
    reason = serializers.CharField()
    status = serializers.CharField()
    filed_on = serializers.DateField()
    due_date = serializers.DateField(source="due_on")
    decision = serializers.CharField()
    answer = serializers.CharField()
    answered_on = serializers.DateField(allow_null=True)


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


class AnswerJsonSerializer(AnswerSerializer):
    """The answer as JSON, without files (documentation only)."""

    files = None


class AnswerMultipartSerializer(AnswerSerializer):
    """The answer as multipart, which has no null (documentation only)."""

    excluded_item = serializers.PrimaryKeyRelatedField(
        queryset=InformationItem.objects.filter(category="dikecualikan"),
        required=False,
    )


class ObjectionAnswerSerializer(StrictTextMixin, serializers.Serializer):
    decision = _choice(Objection.Decision.choices)
    answer = serializers.CharField(max_length=20000)


def _data(request: Request) -> Any:
    """Multipart keeps lists of files; everything else is a plain dict."""
    data = request.data
    if hasattr(data, "getlist"):
        plain = {key: data.get(key) for key in data if key != "files"}
        if "files" in data:
            plain["files"] = data.getlist("files")
        return plain
    return data


def _valid(serializer_class: type, request: Request) -> dict:
    serializer = serializer_class(data=_data(request))
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@method_decorator(
    sensitive_post_parameters("nik", "phone", "email", "address", "tracking_code"),
    name="dispatch",
)
class InformationRequestViewSet(viewsets.ViewSet):
    """Requests: anyone may file one; the requester follows it with the
    tracking code (``?tracking_code=`` or the ``X-Tracking-Code`` header,
    which stays out of access logs); staff work on the ones of their scope."""

    permission_classes = [permissions.AllowAny]
    # JSON, or multipart for files; a urlencoded body is a 415.
    parser_classes = [JSONParser, MultiPartParser]
    lookup_field = "number"
    lookup_value_regex = LOOKUP
    # The register's list pages and filters, declared so that the schema
    # documents them; ``list`` applies the same FilterSet to the user's scope.
    pagination_class = PageNumberPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = request_selectors.RequestFilterSet
    queryset = InformationRequest.objects.none()

    def get_throttles(self) -> list:
        if self.action in ("create", "objections"):
            return [RequestSubmissionThrottle()]
        if self.action == "retrieve":
            return [RequestTrackingThrottle()]
        return []

    def get_permissions(self) -> list:
        # A register step is staff work: an anonymous caller is refused
        # before any lookup, whatever the number.
        if self.action in STAFF_STEPS:
            return [perms.IsPortalStaff()]
        return super().get_permissions()

    def _staff_request(self, number: str) -> InformationRequest:
        """A request of the user's scope: 404 outside it, as if it did not exist."""
        found = request_services.request_by_number(number)
        if found is None or not perms.can_view_request(self.request.user, found):
            raise Http404
        return found

    @extend_schema(responses=StaffRequestSerializer(many=True))
    def list(self, request: Request) -> Response:
        if not perms.is_staff_user(request.user):
            raise PermissionDenied(_("Only PPID staff see the request register."))
        filterset = request_selectors.register_filter(
            user=request.user, filters=request.query_params
        )
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        paginator = self._paginator()
        page = paginator.paginate_queryset(filterset.qs, request, view=self)
        data = StaffRequestSerializer(page, many=True, context={"staff": True}).data
        return paginator.get_paginated_response(data)

    def _paginator(self) -> Any:
        return self.pagination_class()

    @extend_schema(
        request={
            "application/json": RequestInputJsonSerializer,
            "multipart/form-data": RequestInputMultipartSerializer,
        },
        responses={201: RequestCreatedSerializer},
    )
    def create(self, request: Request) -> Response:
        data = dict(_valid(RequestInputSerializer, request))
        scan = data.pop("identity_scan", None)
        channel = data.pop("channel", Channel.WEB)
        received_on = data.pop("received_on", None)
        user = request.user if request.user.is_authenticated else None
        created, code = request_services.submit_request(
            data=data,
            identity_scan=scan,
            by=user,
            channel=channel,
            received_on=received_on,
        )
        created.tracking_code = code  # shown once, never stored in clear
        body = RequestCreatedSerializer(created).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("tracking_code", str)],
        responses=StaffRequestSerializer,
    )
    def retrieve(self, request: Request, number: str | None = None) -> Response:
        code = request.headers.get("X-Tracking-Code") or request.query_params.get(
            "tracking_code", ""
        )
        found = request_services.find_by_code(number, code) if code else None
        if found is not None:
            return Response(RequestSerializer(found).data)
        found = self._staff_request(number)
        return Response(StaffRequestSerializer(found, context={"staff": True}).data)

    @extend_schema(
        request=ObjectionInputSerializer, responses={201: ObjectionCreatedSerializer}
    )
    @action(detail=True, methods=["post"])
    def objections(self, request: Request, number: str | None = None) -> Response:
        data = _valid(ObjectionInputSerializer, request)
        found = request_services.find_by_code(number, data.get("tracking_code", ""))
        staff = None
        if found is None:
            found = self._staff_request(number)
            staff = request.user
        objection = request_services.file_objection(
            request=found,
            reason=data["reason"],
            description=data["description"],
            by=staff,
            filed_on=data.get("filed_on") if staff else None,
            channel=data.get("channel", Channel.WEB) if staff else Channel.WEB,
        )
        return Response(
            ObjectionCreatedSerializer(objection).data, status=status.HTTP_201_CREATED
        )

    def _processable(self, number: str) -> InformationRequest:
        """A request of the user's scope that the user may process: checked
        before the input is read, so a 400 never answers someone refused."""
        found = self._staff_request(number)
        if not perms.can_process_request(self.request.user, found):
            raise PermissionDenied(_("You may not do this for this request."))
        return found

    def _act(self, number: str, step: Any, **kwargs: Any) -> Response:
        found = self._staff_request(number)
        step(request=found, by=self.request.user, **kwargs)
        found.refresh_from_db()
        return Response(StaffRequestSerializer(found, context={"staff": True}).data)

    @extend_schema(request=None, responses=StaffRequestSerializer)
    @action(detail=True, methods=["post"])
    def register(self, request: Request, number: str | None = None) -> Response:
        return self._act(number, request_services.register_request)

    @extend_schema(request=RouteSerializer, responses=StaffRequestSerializer)
    @action(detail=True, methods=["post"])
    def route(self, request: Request, number: str | None = None) -> Response:
        self._staff_request(number)
        if not perms.can_route_requests(request.user):
            raise PermissionDenied(_("You may not do this for this request."))
        data = _valid(RouteSerializer, request)
        return self._act(number, request_services.route_request, opd=data["opd"])

    @extend_schema(request=None, responses=StaffRequestSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, number: str | None = None) -> Response:
        return self._act(number, request_services.mark_complete)

    @extend_schema(request=ReasonSerializer, responses=StaffRequestSerializer)
    @action(detail=True, methods=["post"])
    def incomplete(self, request: Request, number: str | None = None) -> Response:
        self._processable(number)
        data = _valid(ReasonSerializer, request)
        return self._act(
            number, request_services.mark_incomplete, reason=data.get("reason", "")
        )

    @extend_schema(request=ReasonSerializer, responses=StaffRequestSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, number: str | None = None) -> Response:
        self._processable(number)
        data = _valid(ReasonSerializer, request)
        return self._act(
            number, request_services.extend_request, reason=data.get("reason", "")
        )

    @extend_schema(
        request={
            "application/json": AnswerJsonSerializer,
            "multipart/form-data": AnswerMultipartSerializer,
        },
        responses=StaffRequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, number: str | None = None) -> Response:
        self._processable(number)
        data = _valid(AnswerSerializer, request)
        return self._act(number, request_services.answer_request, **data)

    @extend_schema(request=None, responses=StaffRequestSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, number: str | None = None) -> Response:
        return self._act(number, request_services.close_request)


class ObjectionViewSet(viewsets.ViewSet):
    """Objections, answered by the Atasan PPID; staff only (the requester
    reads them in the request, with the tracking code)."""

    permission_classes = [perms.IsPortalStaff]
    lookup_field = "number"
    lookup_value_regex = LOOKUP

    def _objection(self, number: str) -> Objection:
        found = (
            Objection.objects.filter(
                objection_number=request_services.canonical_objection_number(number)
            )
            .select_related("request")
            .first()
        )
        if found is None or not perms.can_view_request(
            self.request.user, found.request
        ):
            raise Http404
        return found

    @extend_schema(responses=ObjectionSerializer)
    def retrieve(self, request: Request, number: str | None = None) -> Response:
        return Response(ObjectionSerializer(self._objection(number)).data)

    @extend_schema(request=ObjectionAnswerSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, number: str | None = None) -> Response:
        objection = self._objection(number)
        data = _valid(ObjectionAnswerSerializer, request)
        request_services.answer_objection(objection=objection, by=request.user, **data)
        objection.refresh_from_db()
        return Response(ObjectionSerializer(objection).data)


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


class StatisticsSerializer(FiguresSerializer):
    year = serializers.IntegerField()
    by_opd = OpdFiguresSerializer(many=True)


class StatisticsQuerySerializer(serializers.Serializer):
    """The statistics' parameters: a malformed year is refused rather than
    read as the current one."""

    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    opd = serializers.CharField(
        required=False, allow_blank=True, help_text="An OPD's slug."
    )


class RequestStatisticsView(APIView):
    """The year's figures of the request register, for everyone (UU Pasal 12)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[StatisticsQuerySerializer], responses=StatisticsSerializer
    )
    def get(self, request: Request) -> Response:
        query = StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = request_selectors.parse_year(query.validated_data.get("year"))
        slug = request.query_params.get("opd")
        opd = request_selectors.opd_from(slug)
        if slug and opd is None:
            raise serializers.ValidationError(
                {"opd": [_("Choose an existing agency.")]}
            )
        return Response(request_selectors.request_statistics(year, opd))
