"""Information requests, objections and their statistics over the API.

A requester is anonymous and proves who they are with the tracking code;
staff see the requests of their scope. No answer ever carries a NIK, a
phone number or an e-mail address.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import PageNumberPagination
from opds import permissions as perms
from ppid.requests import selectors as request_selectors
from ppid.requests import services as request_services
from ppid.requests.api.serializers import (
    AnswerJsonSerializer,
    AnswerMultipartSerializer,
    AnswerSerializer,
    ComplySerializer,
    HandoverSerializer,
    ObjectionAnswerSerializer,
    ObjectionCreatedSerializer,
    ObjectionInputSerializer,
    ObjectionSerializer,
    OpdObjectionCreatedSerializer,
    OpdObjectionInputSerializer,
    PaymentSerializer,
    ReasonSerializer,
    RequestCreatedSerializer,
    RequestInputJsonSerializer,
    RequestInputMultipartSerializer,
    RequestInputSerializer,
    RequestSerializer,
    RouteSerializer,
    StaffRequestSerializer,
    StatisticsQuerySerializer,
    StatisticsSerializer,
)
from ppid.requests.models import (
    Channel,
    InformationRequest,
    Objection,
)
from ppid.requests.throttles import RequestSubmissionThrottle, RequestTrackingThrottle

LOOKUP = r"[A-Za-z]+-[A-Za-z]+[/-][0-9]{4}[/-][0-9]{1,8}"
# The register's steps on a request, for staff only.
STAFF_STEPS = frozenset(
    {
        "register",
        "route",
        "complete",
        "incomplete",
        "extend",
        "answer",
        "close",
        "pay",
        "handover",
    }
)


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
        received_time = data.pop("received_time", None)
        user = request.user if request.user.is_authenticated else None
        created, code = request_services.submit_request(
            data=data,
            identity_scan=scan,
            by=user,
            channel=channel,
            received_on=received_on,
            received_time=received_time,
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
            info_request=found,
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
        step(info_request=found, by=self.request.user, **kwargs)
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

    @extend_schema(request=PaymentSerializer, responses=StaffRequestSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, number: str | None = None) -> Response:
        self._processable(number)
        data = _valid(PaymentSerializer, request)
        return self._act(number, request_services.record_payment, **data)

    @extend_schema(request=HandoverSerializer, responses=StaffRequestSerializer)
    @action(detail=True, methods=["post"])
    def handover(self, request: Request, number: str | None = None) -> Response:
        self._processable(number)
        data = _valid(HandoverSerializer, request)
        return self._act(number, request_services.record_handover, **data)


@method_decorator(
    sensitive_post_parameters(
        "phone", "email", "address", "full_name", "tracking_code"
    ),
    name="dispatch",
)
class ObjectionViewSet(viewsets.ViewSet):
    """Objections. Anyone may object to an agency on ground b (periodic
    information not provided, UU Pasal 35(1)b), which needs no request, and
    follow it with its tracking code; objections to a request are filed on
    the request. Staff see the objection register of their scope; the Atasan
    PPID answers, and after a granted objection the PPID records its new
    answer by the order's deadline."""

    permission_classes = [perms.IsPortalStaff]
    parser_classes = [JSONParser, MultiPartParser]
    lookup_field = "number"
    lookup_value_regex = LOOKUP
    pagination_class = PageNumberPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = request_selectors.ObjectionFilterSet
    queryset = Objection.objects.none()

    def get_permissions(self) -> list:
        if self.action in ("create", "retrieve"):
            return [permissions.AllowAny()]
        return super().get_permissions()

    def get_throttles(self) -> list:
        if self.action == "create":
            return [RequestSubmissionThrottle()]
        if self.action == "retrieve":
            return [RequestTrackingThrottle()]
        return []

    def _objection(self, number: str) -> Objection:
        found = (
            Objection.objects.filter(
                objection_number=request_services.canonical_objection_number(number)
            )
            .select_related("request", "opd")
            .first()
        )
        if found is None or not perms.can_view_objection(self.request.user, found):
            raise Http404
        return found

    @extend_schema(responses=ObjectionSerializer(many=True))
    def list(self, request: Request) -> Response:
        filterset = request_selectors.objection_register_filter(
            user=request.user, filters=request.query_params
        )
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(filterset.qs, request, view=self)
        data = ObjectionSerializer(page, many=True).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        request=OpdObjectionInputSerializer,
        responses={201: OpdObjectionCreatedSerializer},
    )
    def create(self, request: Request) -> Response:
        data = dict(_valid(OpdObjectionInputSerializer, request))
        staff = request.user if perms.is_staff_user(request.user) else None
        objection = request_services.file_objection(
            reason=data["reason"],
            opd=data.get("opd"),
            description=data["description"],
            objector={
                key: data.get(key, "") for key in request_services.OBJECTOR_FIELDS
            },
            by=staff,
            filed_on=data.get("filed_on") if staff else None,
            channel=data.get("channel", Channel.WEB) if staff else Channel.WEB,
        )
        return Response(
            OpdObjectionCreatedSerializer(objection).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[OpenApiParameter("tracking_code", str)],
        responses=ObjectionSerializer,
    )
    def retrieve(self, request: Request, number: str | None = None) -> Response:
        code = request.headers.get("X-Tracking-Code") or request.query_params.get(
            "tracking_code", ""
        )
        found = request_services.find_objection_by_code(number, code) if code else None
        if found is None:
            if not perms.is_staff_user(request.user):
                raise Http404
            found = self._objection(number)
        return Response(ObjectionSerializer(found).data)

    @extend_schema(request=ObjectionAnswerSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, number: str | None = None) -> Response:
        objection = self._objection(number)
        data = _valid(ObjectionAnswerSerializer, request)
        request_services.answer_objection(objection=objection, by=request.user, **data)
        objection.refresh_from_db()
        return Response(ObjectionSerializer(objection).data)

    @extend_schema(request=ComplySerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def comply(self, request: Request, number: str | None = None) -> Response:
        objection = self._objection(number)
        # Refused before the input is read: a 400 never answers someone refused.
        if not perms.can_comply_with_order(request.user, objection):
            raise PermissionDenied(_("You may not do this for this request."))
        data = _valid(ComplySerializer, request)
        request_services.comply_with_objection(
            objection=objection, by=request.user, **data
        )
        objection.refresh_from_db()
        return Response(ObjectionSerializer(objection).data)


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
