"""The OPD registry over the API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, viewsets
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from opds import selectors
from opds.api.serializers import OpdDetailSerializer, OpdSerializer
from opds.filters import OpdFilterSet
from opds.models import Opd
from opds.permissions import IsOpdAdminOrReadOnly
from opds.services import update_opd_profile


class OpdViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Public list and profile of OPDs; an OPD's admin may PATCH its contacts."""

    queryset = Opd.objects.select_related("parent").in_registry_order()
    lookup_field = "slug"
    filterset_class = OpdFilterSet
    permission_classes = [IsOpdAdminOrReadOnly]
    http_method_names = ["get", "patch", "head", "options"]
    # No file to upload, so no multipart: a body that is not multipart at
    # all would otherwise parse as an empty form and "succeed".
    parser_classes = [JSONParser, FormParser]

    def get_queryset(self) -> QuerySet[Opd]:
        if self.action == "list":
            return super().get_queryset()
        return selectors.opd_detail_queryset()

    def get_serializer_class(self) -> type[OpdSerializer]:
        return OpdSerializer if self.action == "list" else OpdDetailSerializer

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        opd = self.get_object()
        serializer = self.get_serializer(opd, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        update_opd_profile(
            opd=opd, by=request.user, data=dict(serializer.validated_data)
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=opd.pk)).data)
