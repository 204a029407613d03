"""FilterSets whose form class is built once (core.filters.SharedFormFilterSet)."""

import django_filters
import pytest
from django.contrib.auth.models import Group
from django.http import QueryDict
from django.utils import translation

from core.filters import SharedFormFilterSet
from ppid.catalogue.filters import InformationItemFilterSet
from tests.factories import OpdFactory


class GroupFilterSet(SharedFormFilterSet):
    """Two filters, one of them a method reading its own FilterSet's data."""

    name = django_filters.CharFilter(method="filter_name")

    class Meta:
        model = Group
        fields = ["name"]

    def filter_name(self, queryset, name, value):
        # Reads self.data: a filter bound to another FilterSet would show.
        return queryset.filter(name=self.data["name"])


def test_the_form_class_is_built_once_and_each_form_has_its_own_fields(db):
    first = InformationItemFilterSet(QueryDict("q=anggaran"))
    second = InformationItemFilterSet(QueryDict("year=2025"))
    assert type(first.form) is type(second.form)
    assert first.form.fields["opd"] is not second.form.fields["opd"]
    assert first.form.is_valid() and second.form.is_valid()
    assert first.form.cleaned_data["q"] == "anggaran"
    assert second.form.cleaned_data["year"] == 2025


def test_each_filterset_has_its_own_filters_bound_to_it(db):
    Group.objects.create(name="a")
    Group.objects.create(name="b")
    first = GroupFilterSet(QueryDict("name=a"))
    second = GroupFilterSet(QueryDict("name=b"))
    for filterset in (first, second):
        for name, filter_ in filterset.filters.items():
            assert filter_ is not GroupFilterSet.base_filters[name]
            assert filter_.parent is filterset
            assert filter_.extra is not GroupFilterSet.base_filters[name].extra
    assert [g.name for g in first.qs] == ["a"]
    assert [g.name for g in second.qs] == ["b"]
    assert not hasattr(GroupFilterSet.base_filters["name"], "parent")


@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize(
    "query",
    [
        "year=dua+ribu&opd=nowhere&category=x&sort=sideways",
        "year=0&format=nope&subtype=zz&status=lost",
        "opd=dinkes&year=2025&sort=date&q=laporan",
    ],
)
def test_errors_and_widgets_are_django_filters_own(db, language, query):
    OpdFactory(slug="dinkes")
    data = QueryDict(query)
    with translation.override(language):
        shared = InformationItemFilterSet(data)
        stock = InformationItemFilterSet(data)
        # django-filter's own form class, built from this instance's filters.
        stock_form = django_filters.FilterSet.get_form_class(stock)(data)
        assert type(stock_form) is not type(shared.form)
        assert shared.form.errors == stock_form.errors
        assert shared.form.as_div() == stock_form.as_div()


def test_a_queryset_made_from_the_request_gets_a_form_class_per_request(db):
    class PerRequest(SharedFormFilterSet):
        group = django_filters.ModelChoiceFilter(
            field_name="name", queryset=lambda request: Group.objects.all()
        )

        class Meta:
            model = Group
            fields = ["group"]

    assert type(PerRequest().form) is not type(PerRequest().form)
    assert "_shared_form_class" not in PerRequest.__dict__
