"""FilterSets of social-media accounts and posts, for the pages and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from opds.models import Opd
from socialposts.accounts.models import (
    ContentType,
    Platform,
    Post,
    SocialAccount,
    Topic,
)


class StyledFilterForm(BootstrapFormMixin, forms.Form):
    """The pages render the filters field by field: unstyled, their selects
    and inputs overflow the grid's columns."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class SocialAccountFilterSet(django_filters.FilterSet):
    opd = django_filters.ModelChoiceFilter(
        queryset=Opd.objects.all(), to_field_name="slug", label=_("OPD")
    )
    platform = django_filters.ChoiceFilter(
        choices=Platform.choices, label=_("Platform")
    )

    class Meta:
        model = SocialAccount
        fields = ["opd", "platform"]
        form = StyledFilterForm


class PostFilterSet(django_filters.FilterSet):
    opd = django_filters.ModelChoiceFilter(
        field_name="account__opd",
        queryset=Opd.objects.all(),
        to_field_name="slug",
        label=_("OPD"),
    )
    platform = django_filters.ChoiceFilter(
        field_name="account__platform", choices=Platform.choices, label=_("Platform")
    )
    content_type = django_filters.ChoiceFilter(
        choices=ContentType.choices, label=_("Content type")
    )
    topic = django_filters.ModelChoiceFilter(
        field_name="topics", queryset=Topic.objects.all(), label=_("Topic")
    )
    published_from = django_filters.DateFilter(
        field_name="published_at", lookup_expr="date__gte", label=_("Published from")
    )
    published_to = django_filters.DateFilter(
        field_name="published_at", lookup_expr="date__lte", label=_("Published until")
    )
    # Explicit choices: the generated ones are English ("Published at
    # (descending)"); django-filter ships no Indonesian catalogue.
    ordering = django_filters.OrderingFilter(
        fields=[("published_at", "published_at")],
        choices=[
            ("-published_at", _("Newest first")),
            ("published_at", _("Oldest first")),
        ],
        label=_("Sort by"),
        # The first choice is the default order: no blank "---------".
        empty_label=None,
    )

    class Meta:
        model = Post
        fields = ["opd", "platform", "content_type", "topic"]
        form = StyledFilterForm
