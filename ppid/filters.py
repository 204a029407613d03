"""The one FilterSet of the catalogue, shared by the HTML pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opds.models import Opd
from ppid.models import Category, InformationItem, Subtype
from ppid.search import search_items


class InformationItemFilterSet(django_filters.FilterSet):
    """Search and facets; the queryset given is already permission-scoped."""

    opd = django_filters.ModelChoiceFilter(
        queryset=Opd.objects.all(), to_field_name="slug", label=_("OPD")
    )
    category = django_filters.ChoiceFilter(
        choices=Category.choices, label=_("Category")
    )
    subtype = django_filters.ModelChoiceFilter(
        queryset=Subtype.objects.all(), to_field_name="code", label=_("Sub-type")
    )
    year = django_filters.NumberFilter(label=_("Year"))
    format = django_filters.ChoiceFilter(
        choices=InformationItem.Format.choices, label=_("Form")
    )
    status = django_filters.ChoiceFilter(
        choices=InformationItem.Status.choices, label=_("Status")
    )
    # Declared last: filters run in this order, and the search bounds its
    # ranking to the best candidates of what the other filters left.
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        choices=[("relevance", _("Relevance")), ("date", _("Newest"))],
        label=_("Sort by"),
        empty_label=None,
    )

    class Meta:
        model = InformationItem
        fields = ["opd", "category", "subtype", "year", "format", "status", "q", "sort"]

    def filter_search(
        self, queryset: QuerySet[InformationItem], name: str, value: str
    ) -> QuerySet[InformationItem]:
        # Ranking is applied here when asked for, so the ordering of the
        # search survives the other filters.
        by_relevance = self.data.get("sort", "relevance") != "date"
        return search_items(queryset, value, by_relevance=by_relevance)

    def filter_sort(
        self, queryset: QuerySet[InformationItem], name: str, value: str
    ) -> QuerySet[InformationItem]:
        if value == "date" or not self.data.get("q"):
            return queryset.order_by("-published_at", "-id")
        return queryset

    @property
    def qs(self) -> QuerySet[InformationItem]:
        queryset = super().qs
        if not self.data.get("q") and not self.data.get("sort"):
            queryset = queryset.order_by("-published_at", "-id")
        return queryset
