"""Reads of the OPD registry that join or filter beyond one queryset method."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from opds.filters import OpdFilterSet
from opds.models import Opd


def opd_list(*, filters: Mapping[str, Any] | None = None) -> OpdFilterSet:
    """The public OPD list, filtered; returns the FilterSet for its form."""
    queryset = Opd.objects.select_related("parent").in_registry_order()
    return OpdFilterSet(filters or {}, queryset=queryset)


def opd_detail_queryset() -> QuerySet[Opd]:
    """OPDs with what their profile page shows, in a fixed number of queries."""
    return Opd.objects.select_related("parent").prefetch_related(
        "children", "predecessors", "successors"
    )
