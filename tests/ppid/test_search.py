import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from ppid.catalogue import search, selectors
from ppid.catalogue.models import InformationItem
from ppid.catalogue.search import (
    SearchResults,
    refresh_search_vectors,
    search_items,
    search_terms,
    similar_titles,
)
from ppid.catalogue.services import (
    _store_files,
    create_item,
    publish_item,
    submit_item,
)
from ppid.uploads import clean_upload
from socialposts.accounts.models import Post
from tests.factories import (
    ExclusionDecisionFactory,
    InformationItemFactory,
    item_data,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


def _search(q, **kwargs):
    refresh_search_vectors(InformationItem.objects.all())
    return list(search_items(InformationItem.objects.public(), q, **kwargs))


def test_stop_words_are_dropped_from_queries():
    assert search_terms("Laporan dan Anggaran, tahun 2026!") == [
        "laporan",
        "anggaran",
        "2026",
    ]


def test_every_word_must_match(opd):
    both = InformationItemFactory(opd=opd, title="Laporan Anggaran Dinas")
    InformationItemFactory(opd=opd, title="Laporan Kinerja Dinas")
    assert _search("laporan anggaran") == [both]


def test_stemming_finds_related_words(opd):
    item = InformationItemFactory(opd=opd, title="Standar Layanan Informasi Publik")
    InformationItemFactory(opd=opd, title="Rencana Strategis")
    assert _search("pelayanan") == [item]


def test_title_matches_rank_above_summary_matches(opd):
    in_summary = InformationItemFactory(
        opd=opd, title="Dokumen Umum", summary="Memuat anggaran kesehatan."
    )
    in_title = InformationItemFactory(
        opd=opd, title="Anggaran Kesehatan", summary="Dokumen umum."
    )
    assert _search("anggaran kesehatan") == [in_title, in_summary]


def test_text_inside_files_is_searchable(opd, opd_admin, ppid_utama):
    item = create_item(
        opd=opd,
        by=opd_admin,
        data=item_data(),
        files=[SimpleUploadedFile("a.pdf", pdf_bytes("Sertifikasi Halal Produk"))],
    )
    submit_item(item=item, by=opd_admin)
    publish_item(item=item, by=ppid_utama)
    assert [i.pk for i in _search("sertifikasi halal")] == [item.pk]


def test_typos_in_titles_get_suggestions(opd):
    item = InformationItemFactory(opd=opd, title="Rencana Strategis Dinas Pendidikan")
    assert _search("pendidkan strategs") == []
    assert similar_titles(InformationItem.objects.public(), "pendidkan") == [item]


def test_search_never_returns_excluded_or_unpublished_items(opd):
    ExclusionDecisionFactory(item__opd=opd, item__title="Rekam Medis Rahasia")
    InformationItemFactory(opd=opd, title="Rekam Medis Draf", status="draft")
    assert _search("rekam medis") == []
    assert similar_titles(InformationItem.objects.public(), "rekam medis") == []


def _results(q, **kwargs):
    refresh_search_vectors(InformationItem.objects.all())
    return SearchResults(InformationItem.objects.public(), q, **kwargs)


def test_results_sorted_by_date_page_and_count_from_one_read(
    opd, django_assert_max_num_queries
):
    now = timezone.now()
    items = [
        InformationItemFactory(
            opd=opd, title="Laporan Keuangan {}".format(n), published_at=now - delta
        )
        for n, delta in enumerate(
            [datetime.timedelta(days=3), datetime.timedelta(0), datetime.timedelta(1)]
        )
    ]
    InformationItemFactory(opd=opd, title="Rencana Strategis")
    results = _results("laporan keuangan", by_relevance=False)
    with django_assert_max_num_queries(1):
        assert (results.count(), len(results), results.is_capped) == (3, 3, False)
    assert results[0:2] == [items[1], items[2]]
    assert results[2] == items[0]


def test_broad_search_keeps_the_newest_candidates(opd, monkeypatch):
    monkeypatch.setattr(search, "RANK_CANDIDATES", 3)
    now = timezone.now()
    items = [
        InformationItemFactory(
            opd=opd,
            title="Laporan {}".format(n),
            published_at=now - datetime.timedelta(n),
        )
        for n in range(5)
    ]
    results = _results("laporan", by_relevance=False)
    assert results.is_capped
    assert results[0:10] == items[:3]
    assert list(search_items(InformationItem.objects.public(), "laporan")) != []
    assert set(search_items(InformationItem.objects.public(), "laporan")) == set(
        items[:3]
    )


def test_list_count_follows_the_catalogue(
    client, opd, opd_admin, ppid_utama, django_capture_on_commit_callbacks
):
    InformationItemFactory.create_batch(2, opd=opd)
    url = reverse("ppid:catalogue")
    assert "2 informasi" in client.get(url, {"opd": opd.slug}).content.decode()
    # The count is cached now; a publication must make it stale.
    with django_capture_on_commit_callbacks(execute=True):
        item = create_item(opd=opd, by=opd_admin, data=item_data())
        submit_item(item=item, by=opd_admin)
        publish_item(item=item, by=ppid_utama)
    assert "3 informasi" in client.get(url, {"opd": opd.slug}).content.decode()


def test_a_cached_count_never_hides_new_rows_of_other_lists():
    """Only catalogue changes bump the cached count's version: a list of
    anything else (here social posts) is counted afresh every time."""
    from tests.factories import PostFactory

    PostFactory()
    assert search.CappedPaginator(Post.objects.all(), 20).count == 1
    PostFactory()
    assert search.CappedPaginator(Post.objects.all(), 20).count == 2


def test_a_search_page_reads_its_cards_as_the_public_list_does(
    client, opd, opd_admin, django_assert_max_num_queries
):
    items = InformationItemFactory.create_batch(3, opd=opd, title="Laporan sungai")
    uploads = [clean_upload(SimpleUploadedFile(n, pdf_bytes())) for n in "ab"]
    _store_files(items[1], uploads, opd_admin, [])
    draft = InformationItemFactory(
        opd=opd, title="Laporan sungai", status=InformationItem.Status.DRAFT
    )
    ids = [item.pk for item in items] + [draft.pk]
    expected = {
        item.pk: item
        for item in selectors.public_list_queryset().filter(pk__in=ids).order_by()
    }
    with django_assert_max_num_queries(1):
        found = {item.pk: item for item in selectors.public_cards(ids)}
    assert found.keys() == expected.keys() == {item.pk for item in items}
    for pk, item in found.items():
        assert item.file_count == expected[pk].file_count
        assert item.opd.short_name == opd.short_name
        assert item.title == expected[pk].title
        assert item.get_deferred_fields() == expected[pk].get_deferred_fields()
    assert found[items[1].pk].file_count == 2

    refresh_search_vectors(InformationItem.objects.all())
    filterset = selectors.catalogue_filter(
        user=None, filters=QueryDict("q=sungai"), public_only=True
    )
    assert filterset.results().read_page is selectors.public_cards
    cards = client.get(reverse("ppid:catalogue"), {"q": "sungai"}).context["cards"]
    with translation.override("id"):
        two_files = ngettext("%(counter)s file", "%(counter)s files", 2) % {
            "counter": 2
        }
    assert {card.item.pk: card.files for card in cards} == {
        items[0].pk: "",
        items[1].pk: two_files,
        items[2].pk: "",
    }
