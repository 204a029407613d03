import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ppid.models import InformationItem
from ppid.search import (
    refresh_search_vectors,
    search_items,
    search_terms,
    similar_titles,
)
from ppid.services import create_item
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


@pytest.mark.needs_postgres
def test_stemming_finds_related_words(opd):
    item = InformationItemFactory(opd=opd, title="Standar Layanan Informasi Publik")
    InformationItemFactory(opd=opd, title="Rencana Strategis")
    assert _search("pelayanan") == [item]


@pytest.mark.needs_postgres
def test_title_matches_rank_above_summary_matches(opd):
    in_summary = InformationItemFactory(
        opd=opd, title="Dokumen Umum", summary="Memuat anggaran kesehatan."
    )
    in_title = InformationItemFactory(
        opd=opd, title="Anggaran Kesehatan", summary="Dokumen umum."
    )
    assert _search("anggaran kesehatan") == [in_title, in_summary]


@pytest.mark.needs_postgres
def test_text_inside_files_is_searchable(opd, opd_admin, ppid_utama):
    from ppid.services import publish_item, submit_item

    item = create_item(
        opd=opd,
        by=opd_admin,
        data=item_data(),
        files=[SimpleUploadedFile("a.pdf", pdf_bytes("Sertifikasi Halal Produk"))],
    )
    submit_item(item=item, by=opd_admin)
    publish_item(item=item, by=ppid_utama)
    assert [i.pk for i in _search("sertifikasi halal")] == [item.pk]


@pytest.mark.needs_postgres
def test_typos_in_titles_get_suggestions(opd):
    item = InformationItemFactory(opd=opd, title="Rencana Strategis Dinas Pendidikan")
    assert _search("pendidkan strategs") == []
    assert similar_titles(InformationItem.objects.public(), "pendidkan") == [item]


def test_search_never_returns_excluded_or_unpublished_items(opd):
    ExclusionDecisionFactory(item__opd=opd, item__title="Rekam Medis Rahasia")
    InformationItemFactory(opd=opd, title="Rekam Medis Draf", status="draft")
    assert _search("rekam medis") == []
    assert similar_titles(InformationItem.objects.public(), "rekam medis") == []
