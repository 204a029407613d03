"""The FilterSets of the request and objection registers, one each for the
staff page and its exports (and the API for requests)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import IntegerFilter
from core.forms import BootstrapFormMixin
from opds.models import Opd
from ppid.requests.models import Channel, InformationRequest, Objection

Decision = InformationRequest.Decision


class FilterForm(BootstrapFormMixin, forms.Form):
    """A register's filter bar, styled like the site's other forms: a bare
    select is as wide as its longest OPD name and pushes the page sideways."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # "All" says what an unset filter does; "---------" does not.
            if getattr(field, "empty_label", None) is not None:
                field.empty_label = _("All")
                # The widget's choices still iterate the class's field.
                field.widget.choices = field.choices
            choices = getattr(field, "choices", None)
            if isinstance(choices, list) and choices and choices[0][0] == "":
                field.choices = [("", _("All")), *choices[1:]]
        self.style_fields()


class DueSoonSelect(forms.Select):
    """The due-soon filter as a plain choice: all requests, or those due
    within two working days or overdue. A NullBooleanSelect would offer
    "unknown / yes / no", which reads as nonsense on a filter bar."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            attrs,
            choices=[
                ("", _("All")),
                ("true", _("Due within 2 working days or overdue")),
            ],
        )

    def format_value(self, value: object) -> list[str]:
        # The API also takes "True", "1" and "yes"; the bar shows them alike.
        return ["true" if str(value).lower() in ("true", "1", "yes") else ""]


class RequestFilterSet(django_filters.FilterSet):
    """The register's filters, shared by the staff page and the API."""

    status = django_filters.ChoiceFilter(
        choices=InformationRequest.Status.choices, label=_("Status")
    )
    opd = django_filters.ModelChoiceFilter(
        queryset=Opd.objects.all(), to_field_name="slug", label=_("OPD")
    )
    # Year 0 does not exist: the date lookup would fail on it.
    year = IntegerFilter(
        field_name="received_on__year", label=_("Year"), min_value=1, max_value=9999
    )
    decision = django_filters.ChoiceFilter(
        choices=Decision.choices, label=_("Decision")
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    attention = django_filters.BooleanFilter(
        method="filter_attention", label=_("Deadline"), widget=DueSoonSelect
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Number or name"))

    class Meta:
        model = InformationRequest
        form = FilterForm
        fields = ["status", "opd", "year", "decision", "channel", "attention", "q"]

    def filter_attention(
        self, queryset: QuerySet[InformationRequest], name: str, value: bool | None
    ) -> QuerySet[InformationRequest]:
        from ppid.requests.services import due_soon_limit

        if value:
            return queryset.needing_attention(due_soon_limit())
        return queryset

    def filter_q(
        self, queryset: QuerySet[InformationRequest], name: str, value: str
    ) -> QuerySet[InformationRequest]:
        value = value.strip()[:100]
        return queryset.filter(
            Q(registration_number__icontains=value) | Q(full_name__icontains=value)
        )


class ObjectionFilterSet(django_filters.FilterSet):
    """The objection register's filters, shared by the staff page and the API."""

    status = django_filters.ChoiceFilter(
        choices=Objection.Status.choices, label=_("Status")
    )
    reason = django_filters.ChoiceFilter(
        choices=Objection.Reason.choices, label=_("Ground of objection")
    )
    opd = django_filters.ModelChoiceFilter(
        field_name="opd",
        queryset=Opd.objects.all(),
        to_field_name="slug",
        label=_("OPD"),
    )
    year = IntegerFilter(
        field_name="filed_on__year", label=_("Year"), min_value=1, max_value=9999
    )
    order = django_filters.ChoiceFilter(
        choices=[
            ("pending", _("PPID yet to act")),
            ("missed", _("PPID missed the deadline")),
        ],
        method="filter_order",
        label=_("Order after a granted objection"),
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Number or name"))

    class Meta:
        model = Objection
        form = FilterForm
        fields = ["status", "reason", "opd", "year", "order", "q"]

    def filter_order(
        self, queryset: QuerySet[Objection], name: str, value: str
    ) -> QuerySet[Objection]:
        from ppid.requests.services import today

        if value == "pending":
            return queryset.orders_pending()
        if value == "missed":
            return queryset.order_missed(today())
        return queryset

    def filter_q(
        self, queryset: QuerySet[Objection], name: str, value: str
    ) -> QuerySet[Objection]:
        value = value.strip()[:100]
        return queryset.filter(
            Q(objection_number__icontains=value)
            | Q(request__registration_number__icontains=value)
            | Q(full_name__icontains=value)
            | Q(request__full_name__icontains=value)
        )
