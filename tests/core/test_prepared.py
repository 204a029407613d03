"""Querysets compiled once and run again with another value (core.prepared)."""

import datetime

import pytest

from core.prepared import PreparedQuery
from ppid.catalogue import selectors
from ppid.catalogue.models import InformationFile, InformationItem, ItemChange
from tests.factories import (
    ExclusionDecisionFactory,
    InformationItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def by_opd(opd_id):
    return (
        InformationItem.objects.select_related("opd", "subtype")
        .defer("extracted_text", "search_vector")
        .filter(opd_id=opd_id)
        .order_by("title")
    )


def test_it_returns_what_the_queryset_returns_for_each_value(opd, other_opd):
    for n in range(3):
        InformationItemFactory(opd=opd, title="Laporan {}".format(n))
    InformationItemFactory(opd=other_opd, title="Lain")
    builds = []

    def build(opd_id):
        builds.append(opd_id)
        return by_opd(opd_id)

    prepared = PreparedQuery(InformationItem, build)
    for owner in (opd, other_opd, opd):
        expected = list(by_opd(owner.pk))
        found = prepared(owner.pk)
        assert [i.pk for i in found] == [i.pk for i in expected]
        for got, want in zip(found, expected, strict=True):
            assert got.__dict__.keys() == want.__dict__.keys()
            assert got.title == want.title
            assert got.published_at == want.published_at
            assert got.get_deferred_fields() == want.get_deferred_fields()
            assert got.opd == owner and got.subtype == want.subtype
    # Built (and compiled) once, whatever the value.
    assert len(builds) == 1


def test_related_rows_come_with_the_row(django_assert_num_queries):
    decision = ExclusionDecisionFactory()
    with django_assert_num_queries(1):
        item = selectors.item_for_page(decision.item.pk)
        assert item.opd.name == decision.item.opd.name
        assert item.subtype is None
        assert item.exclusion.period_end == datetime.date(2030, 12, 31)
    assert "extracted_text" in item.get_deferred_fields()


def test_an_item_without_a_decision_reads_none_without_a_query(
    django_assert_num_queries,
):
    pk = InformationItemFactory().pk
    with django_assert_num_queries(1):
        item = selectors.item_for_page(pk)
        assert getattr(item, "exclusion", None) is None
    assert selectors.item_for_page(pk + 1000) is None


def test_files_and_change_log_read_their_item_only():
    item, other = InformationItemFactory(), InformationItemFactory()
    actor = UserFactory()
    for owner in (item, other, item):
        InformationFile.objects.create(
            item=owner,
            file="x.pdf",
            original_name="{}.pdf".format(owner.pk),
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
        )
        ItemChange.objects.create(item=owner, actor=actor, action="updated")
    files = selectors.item_files(item)
    assert [f.item_id for f in files] == [item.pk, item.pk]
    assert files[0].pk < files[1].pk
    assert "extracted_text" in files[0].get_deferred_fields()
    changes = selectors.item_change_log(item, actors=True)
    assert [c.pk for c in changes] == list(
        ItemChange.objects.filter(item=item).values_list("pk", flat=True)
    )
    assert changes[0].actor == actor
    plain = selectors.item_change_log(item, actors=False)
    assert [c.pk for c in plain] == [c.pk for c in changes]
    assert "actor_id" in plain[0].get_deferred_fields()


def test_a_queryset_that_ignores_the_value_is_refused():
    prepared = PreparedQuery(InformationItem, lambda pk: InformationItem.objects.all())
    with pytest.raises(ValueError):
        prepared(1)


def test_the_item_page_reads_item_files_and_change_log_in_three_queries(
    client, django_assert_num_queries
):
    item = InformationItemFactory(title="Laporan Keuangan")
    InformationFile.objects.create(
        item=item,
        file="x.pdf",
        original_name="laporan.pdf",
        content_type="application/pdf",
        size=2048,
        sha256="0" * 64,
    )
    ItemChange.objects.create(item=item, action="published")
    with django_assert_num_queries(3):
        body = client.get(item.get_absolute_url()).content.decode()
    assert "laporan.pdf" in body and "Laporan Keuangan" in body


def by_ids(ids):
    return (
        InformationItem.objects.select_related("opd")
        .only("title", "opd__short_name")
        .filter(pk__in=ids)
        .order_by("title")
    )


def test_with_an_arity_it_reads_up_to_that_many_values(opd, django_assert_num_queries):
    items = [InformationItemFactory(opd=opd, title="T{}".format(n)) for n in range(5)]
    ids = [item.pk for item in items]
    builds = []

    def build(values):
        builds.append(values)
        return by_ids(values)

    prepared = PreparedQuery(InformationItem, build, arity=4)
    for chosen in ([ids[0]], ids[1:4], [ids[4], ids[0], ids[2], ids[3]], [ids[2]] * 2):
        with django_assert_num_queries(1):
            found = prepared(chosen)
        expected = list(by_ids(chosen))
        assert [i.pk for i in found] == [i.pk for i in expected]
        assert [i.opd.short_name for i in found] == [opd.short_name] * len(expected)
        assert found[0].get_deferred_fields() == expected[0].get_deferred_fields()
    assert prepared([]) == []
    with pytest.raises(ValueError):
        prepared(ids)
    assert len(builds) == 1 and len(set(builds[0])) == 4


def test_an_arity_the_queryset_does_not_use_fully_is_refused(opd):
    # Only the first value used: the others would be silently dropped.
    prepared = PreparedQuery(
        InformationItem, lambda values: by_ids(values[:1]), arity=3
    )
    with pytest.raises(ValueError):
        prepared([1, 2])
