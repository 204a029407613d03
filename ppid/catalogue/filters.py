"""The one FilterSet of the catalogue, shared by the HTML pages and the API."""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import IntegerFilter, SharedFormFilterSet
from opds.models import Opd
from ppid.catalogue.models import Category, InformationItem, Subtype
from ppid.catalogue.search import SearchResults, search_terms


class InformationItemFilterSet(SharedFormFilterSet):
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
    year = IntegerFilter(label=_("Year"), min_value=1, max_value=9999)
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

    # How a page of search results reads its rows by id; None: from the
    # filtered queryset (see selectors.catalogue_filter).
    read_page: Callable[[list[int]], list[InformationItem]] | None = None

    class Meta:
        model = InformationItem
        fields = ["opd", "category", "subtype", "year", "format", "status", "q", "sort"]

    def filter_search(
        self, queryset: QuerySet[InformationItem], name: str, value: str
    ) -> QuerySet[InformationItem]:
        # The search runs in ``qs`` or ``results``, after every other filter,
        # so it ranks only what they left and runs once.
        return queryset

    def filter_sort(
        self, queryset: QuerySet[InformationItem], name: str, value: str
    ) -> QuerySet[InformationItem]:
        if value == "date" or not self.data.get("q"):
            return queryset.order_by("-published_at", "-id")
        return queryset

    def _search(self) -> tuple[str, bool]:
        # Fields that failed validation are missing from cleaned_data; the
        # valid ones still apply, as they do for every other filter.
        data = getattr(self.form, "cleaned_data", {}) if self.is_bound else {}
        terms = search_terms(data.get("q") or "")
        return (" ".join(terms), data.get("sort") != "date")

    @property
    def qs(self) -> QuerySet[InformationItem]:
        """The filtered items as a queryset, searched and ordered in SQL."""
        results = self.results()
        if isinstance(results, SearchResults):
            return results.as_queryset()
        return results

    def results(self) -> QuerySet[InformationItem] | SearchResults:
        """What a list page shows: the queryset, or the search's results."""
        queryset = super().qs
        query, by_relevance = self._search()
        if query:
            return SearchResults(
                queryset, query, by_relevance=by_relevance, read_page=self.read_page
            )
        if not self.data.get("sort"):
            queryset = queryset.order_by("-published_at", "-id")
        return queryset
