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
    topic = django_filters.CharFilter(label=_("Topic"), max_length=40)
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

    class Meta:
        model = Case
        form = FilterForm
        fields = ["view", "state", "channel", "kind", "topic", "opd", "due", "q"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The triage's list of topics when it is installed; a typed code else.
        choices = selectors.topic_choices()
        if choices:
            self.filters["topic"] = django_filters.ChoiceFilter(
                field_name="topic", choices=choices, label=_("Topic")
            )

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
