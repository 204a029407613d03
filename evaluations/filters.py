"""The one FilterSet of a month's OPD scores, for the kabupaten ranking."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from evaluations.models import OpdScore
from opds.models import Opd


class OpdScoreFilterSet(django_filters.FilterSet):
    """The OPD's kind; the queryset given is already permission-scoped."""

    kind = django_filters.ChoiceFilter(
        field_name="opd__kind", choices=Opd.Kind.choices, label=_("Kind")
    )

    class Meta:
        model = OpdScore
        fields = ["kind"]
