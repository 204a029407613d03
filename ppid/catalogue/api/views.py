"""The catalogue over the API: the same selectors, FilterSet and services as
the HTML pages."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.pagination import PageNumberPagination
from opds import permissions as perms
from ppid.catalogue import selectors, services
from ppid.catalogue.api.serializers import (
    ExclusionQuerySerializer,
    ExclusionRegisterSerializer,
    InformationItemInputSerializer,
    InformationItemJsonInputSerializer,
    InformationItemMultipartInputSerializer,
    InformationItemSerializer,
)
from ppid.catalogue.cache import VisitorCacheMixin, lists_filtered
from ppid.catalogue.filters import InformationItemFilterSet
from ppid.catalogue.models import ExclusionDecision, InformationItem
from ppid.catalogue.search import CappedPaginator, SearchResults, suggest_query

# Files travel only in multipart bodies.
ITEM_INPUT = {
    "application/json": InformationItemJsonInputSerializer,
    "multipart/form-data": InformationItemMultipartInputSerializer,
}


class CataloguePagination(PageNumberPagination):
    """Pages of the catalogue, counted as the HTML catalogue counts them.

    A search counts at most its 1,000 best candidates; ``count_capped``
    says when more items matched.
    """

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.is_capped
        # What the HTML catalogue says about a search: no item had every
        # word (these have some), and a better spelling when there is one.
        results = self.page.paginator.object_list
        fallback = isinstance(results, SearchResults) and results.fallback
        response.data["search_fallback"] = fallback
        response.data["search_suggestion"] = (
            suggest_query(InformationItem.objects.public(), results.q)
            if isinstance(results, SearchResults) and (fallback or not results)
            else None
        )
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count_capped"] = {"type": "boolean"}
        paginated["properties"]["search_fallback"] = {"type": "boolean"}
        paginated["properties"]["search_suggestion"] = {
            "type": "string",
            "nullable": True,
        }
        return paginated


class CatalogueFilterBackend(DjangoFilterBackend):
    """The one FilterSet; a list reads a search's results once, as the HTML
    catalogue does, instead of searching again in SQL."""

    def filter_queryset(
        self, request: Request, queryset: QuerySet[InformationItem], view: Any
    ) -> Any:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise translate_validation(filterset.errors)
        if getattr(view, "action", None) == "list":
            lists_filtered(request, filterset)  # visitors' cache: who is listed
            return filterset.results()
        return filterset.qs


def _input(request: Request, partial: bool = False) -> InformationItemInputSerializer:
    data = request.data
    # Multipart cannot nest objects, so the decision arrives as JSON text.
    if hasattr(data, "getlist"):
        data = {key: data.get(key) for key in data if key != "files"}
        data["files"] = request.data.getlist("files")
        if isinstance(data.get("exclusion"), str):
            try:
                data["exclusion"] = json.loads(data["exclusion"])
            except ValueError:
                data["exclusion"] = "invalid"
    serializer = InformationItemInputSerializer(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer


class InformationItemViewSet(
    VisitorCacheMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The catalogue: public items for everyone, its own work for staff."""

    serializer_class = InformationItemSerializer
    filterset_class = InformationItemFilterSet
    filter_backends = [CatalogueFilterBackend]
    pagination_class = CataloguePagination
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    # JSON, or multipart for files; a urlencoded body is a 415.
    parser_classes = [JSONParser, MultiPartParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[InformationItem]:
        return selectors.catalogue_queryset(self.request.user)

    def _read(self, item: InformationItem, code: int = 200) -> Response:
        fresh = self.get_queryset().get(pk=item.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(request=ITEM_INPUT)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        opd = request.user.opd
        # Refused before the input is read: a 400 would answer someone who
        # may not file items at all.
        if opd is None or not perms.can_create_item(request.user, opd):
            raise PermissionDenied
        serializer = _input(request)
        item = services.create_item(
            opd=opd, by=request.user, **serializer.service_arguments()
        )
        return self._read(item, status.HTTP_201_CREATED)

    @extend_schema(request=ITEM_INPUT)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        if not perms.can_edit_item(request.user, item):
            raise PermissionDenied
        serializer = _input(request, partial=True)
        services.update_item(
            item=item, by=request.user, **serializer.service_arguments()
        )
        return self._read(item)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.delete_item(item=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=InformationItemSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        item = services.submit_item(item=self.get_object(), by=request.user)
        return self._read(item)

    @extend_schema(request=None, responses=InformationItemSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        item = services.publish_item(item=self.get_object(), by=request.user)
        return self._read(item)


@extend_schema_view(list=extend_schema(parameters=[ExclusionQuerySerializer]))
class ExclusionViewSet(viewsets.ReadOnlyModelViewSet):
    """The public register of excluded information (DIK)."""

    serializer_class = ExclusionRegisterSerializer
    permission_classes = [permissions.AllowAny]
    queryset = ExclusionDecision.objects.none()

    def get_queryset(self) -> QuerySet[ExclusionDecision]:
        query = ExclusionQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data["state"] == "opened":
            return selectors.opened_exclusions()
        return selectors.exclusion_register()
