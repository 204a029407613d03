"""The one FilterSet for OPD lists, shared by the HTML pages and the API."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opds.models import Opd


class OpdFilterSet(django_filters.FilterSet):
    """Search, kind, parent and the date the registry is read at."""

    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Opd.Kind.choices, label=_("Kind"))
    parent = django_filters.CharFilter(
        field_name="parent__slug", label=_("Parent OPD (slug)")
    )
    valid_on = django_filters.DateFilter(
        method="filter_valid_on",
        label=_("Valid on"),
        help_text=_("Show the OPDs that existed on this date (default: today)."),
    )

    class Meta:
        model = Opd
        fields = ["q", "kind", "parent", "valid_on"]

    def filter_search(
        self, queryset: QuerySet[Opd], name: str, value: str
    ) -> QuerySet[Opd]:
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value)
        )

    def filter_valid_on(
        self, queryset: QuerySet[Opd], name: str, value: datetime.date
    ) -> QuerySet[Opd]:
        return queryset.valid_on(value)

    def filter_queryset(self, queryset: QuerySet[Opd]) -> QuerySet[Opd]:
        queryset = super().filter_queryset(queryset)
        # Without a date the registry is read as of today, so merged OPDs
        # drop out of lists but stay reachable by their own page.
        if not self.form.cleaned_data.get("valid_on"):
            queryset = queryset.valid_on(timezone.localdate())
        return queryset
