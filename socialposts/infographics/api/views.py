"""``POST /api/v1/infographics/``: draw an infographic and answer the PNG.

Every image made is kept (who, when, from what), as on the pages; its id
comes back in ``X-Infographic-Id`` and its address in ``Content-Location``.
Bad data is a 400 naming the field, as everywhere in the API.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from core.api.negotiation import JsonErrorsOnly
from core.api.schema import ERROR
from opds import permissions as perms
from opds.models import Opd
from ppid.catalogue.models import InformationItem
from socialposts.infographics import services
from socialposts.infographics.api.serializers import InfographicInputSerializer
from socialposts.infographics.models import Infographic


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
        month = _month(given.pop("month", None))
        draft = services.Draft(opd, kind, size, given, item, month)
        infographic = services.make_infographic(user=user, draft=draft)
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
