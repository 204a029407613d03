"""The inbox queue's one FilterSet, for the staff page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aspirations.inbox import selectors, services
from aspirations.inbox.models import Case, Channel, Kind, State
from opds.models import Opd
from ppid.requests.filters import FilterForm


class CaseFilterForm(FilterForm):
    """The queue's filter bar; a range that ends before it starts is refused."""

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error(
                "received_to", _("The end of the range is before its start.")
            )
        return data


UNROUTED = "unrouted"
OPEN = "open"
OVERDUE = "overdue"
DUE_SOON = "due_soon"


class CaseFilter(django_filters.FilterSet):
    """The queue's filters: which view, state, channel, kind, topic, OPD,
    the clocks (overdue, due soon) and words of the title."""

    view = django_filters.ChoiceFilter(
        choices=[
            (UNROUTED, _("Not yet verified or routed")),
            (OPEN, _("Open")),
        ],
        method="filter_view",
        label=_("View"),
    )
    state = django_filters.ChoiceFilter(choices=State.choices, label=_("State"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Kind"))
    topic = django_filters.ChoiceFilter(
        choices=selectors.topic_choices, label=_("Topic")
    )
    opd = django_filters.ModelChoiceFilter(
        queryset=Opd.objects.all().order_by("name"),
        to_field_name="slug",
        label=_("OPD"),
    )
    due = django_filters.ChoiceFilter(
        choices=[(OVERDUE, _("Overdue")), (DUE_SOON, _("Due soon"))],
        method="filter_due",
        label=_("Deadline"),
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Search in the title"))
    received_from = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("Received from")
    )
    received_to = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("Received until")
    )

    class Meta:
        model = Case
        form = CaseFilterForm
        fields = [
            "view",
            "state",
            "channel",
            "kind",
            "topic",
            "opd",
            "due",
            "q",
            "received_from",
            "received_to",
        ]

    def filter_view(
        self, queryset: QuerySet[Case], name: str, value: str
    ) -> QuerySet[Case]:
        if value == UNROUTED:
            return queryset.filter(selectors.unrouted_q())
        if value == OPEN:
            return queryset.filter(state__in=selectors.OPEN)
        return queryset

    def filter_due(
        self, queryset: QuerySet[Case], name: str, value: str
    ) -> QuerySet[Case]:
        now = services.now()
        if value == OVERDUE:
            return queryset.filter(selectors.overdue_q(now))
        if value == DUE_SOON:
            limit = selectors.soon_limit(timezone.localdate(now))
            return queryset.filter(selectors.due_soon_q(now, limit))
        return queryset

    def filter_q(
        self, queryset: QuerySet[Case], name: str, value: str
    ) -> QuerySet[Case]:
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(number__icontains=value))
