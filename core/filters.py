"""django-filter plumbing shared by the apps' FilterSets."""

from __future__ import annotations

import django_filters
from django import forms


class IntegerFilter(django_filters.NumberFilter):
    """A whole number: ``NumberFilter`` would take 2026.5 and match nothing."""

    field_class = forms.IntegerField
