"""The aspiration inbox's cases over the API, for staff and read-only: the
coordinator sees every case, the OPDs those routed to them
(``opds.permissions.cases_visible_to``). Cases are created by the channels
and the portal's HTML form, never through this API."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from aspirations.inbox.filters import CaseFilter
from aspirations.inbox.models import Case, Message
from aspirations.portal.api.serializers import CaseDetailSerializer, CaseSerializer
from opds import permissions as perms


class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Cases of the user's scope, filtered like the queue's page."""

    permission_classes = [perms.IsPortalStaff]
    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilter
    queryset = Case.objects.none()
    # Numbers only: a case is named by its id, so any other word after
    # /api/v1/aspirations/ is a 404 rather than a failed lookup.
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Case]:
        queryset = Case.objects.select_related(
            "opd",
            "suggested_opd",
            "kecamatan",
            "contact",
            "duplicate_of",
            "ppid_request",
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch(
                    "messages", queryset=Message.objects.order_by("sent_at", "id")
                ),
                "files",
            )
        return perms.cases_visible_to(self.request.user, queryset).order_by(
            "-received_at", "-id"
        )

    def get_serializer_class(self) -> type:
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer
