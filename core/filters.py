"""django-filter plumbing shared by the apps' FilterSets."""

from __future__ import annotations

import copy

import django_filters
from django import forms
from django.http import QueryDict


class IntegerFilter(django_filters.NumberFilter):
    """A whole number: ``NumberFilter`` would take 2026.5 and match nothing."""

    field_class = forms.IntegerField


class SharedFormFilterSet(django_filters.FilterSet):
    """A FilterSet whose form class is built once per class, not per request.

    django-filter deep-copies every declared filter and builds a new form
    class from their fields on every instance (about 0.5 ms for the
    catalogue's eight filters, a search page's largest fixed cost after the
    template). The form class depends only on the declared filters, and a
    form deep-copies its fields on creation, so one class serves every
    request. The filters are still copied per instance, since each needs
    its own ``parent`` (a ``method`` filter calls the FilterSet it belongs
    to), but shallowly: their ``extra`` is the only state django-filter
    writes after declaration. Only for filters whose queryset and choices
    do not depend on the request (no callable ``queryset``).
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        """As django-filter's, with a shallow copy of each filter."""
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        model = queryset.model
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {
            name: _filter_copy(filter_) for name, filter_ in self.base_filters.items()
        }
        for filter_ in self.filters.values():
            filter_.model = model
            filter_.parent = self

    def get_form_class(self):
        """The form class of the first instance, kept on the class."""
        cls = type(self)
        # Looked up in the class's own namespace: a subclass declares other
        # filters and builds its own form class.
        form_class = cls.__dict__.get("_shared_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            if any(
                callable(getattr(filter_, "queryset", None))
                for filter_ in self.base_filters.values()
            ):
                # A queryset made from the request: a form class per request.
                return form_class
            cls._shared_form_class = form_class
        return form_class


def _filter_copy(filter_: django_filters.Filter) -> django_filters.Filter:
    """A filter's own copy: attributes shared, ``extra`` and ``method`` its own."""
    copied = copy.copy(filter_)
    copied.__dict__.pop("_field", None)
    copied.extra = filter_.extra.copy()
    if filter_.method is not None:
        # The setter binds a new FilterMethod to the copy, so it calls the
        # copy's parent rather than the declared filter's.
        copied.method = filter_.method
    return copied
