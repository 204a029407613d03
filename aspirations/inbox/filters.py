"""The one FilterSet of the case queue, for the staff page and the API.

An unknown value is refused with a 400 naming the filter (the API fuzzing
checks it), never read as "no filter".
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from aspirations.inbox.models import Case, Channel, Kind, State
from core.forms import BootstrapFormMixin
from opds.models import Opd


class CaseFilterForm(BootstrapFormMixin, forms.Form):
    """The queue's filter bar; a range that ends before it starts is refused."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and end < start:
            self.add_error(
                "received_to", _("The end of the range is before its start.")
            )
        return data


class TopicField(forms.CharField):
    """A topic's code as the triage writes it (letters, digits, _ and -)."""

    default_validators = [
        RegexValidator(r"^[a-z0-9_-]+$", _("Choose a topic from the list."))
    ]


class TopicFilter(django_filters.CharFilter):
    field_class = TopicField


class CaseFilter(django_filters.FilterSet):
    """The queue's filters: state, channel, kind, topic, OPD, date received."""

    state = django_filters.ChoiceFilter(choices=State.choices, label=_("State"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Kind"))
    topic = TopicFilter(label=_("Topic"), max_length=40)
    opd = django_filters.ModelChoiceFilter(
        queryset=Opd.objects.all(), to_field_name="slug", label=_("OPD")
    )
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
            "state",
            "channel",
            "kind",
            "topic",
            "opd",
            "received_from",
            "received_to",
        ]
