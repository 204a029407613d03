"""Search that forgives (issue 18, defect 10): stems, synonyms, the any-word
fallback, "Maksud Anda", the empty state, the OPD facet and the paging.

None of these tests is marked for one database: the suite runs them on
SQLite by default and on PostgreSQL with DATABASE_URL, and they must pass
on both, since both index the same Python stems.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from core.paging import PAGE_SIZE
from ppid.catalogue import services
from ppid.catalogue.analysis import analyse, edit_distance, parse_query
from ppid.catalogue.models import InformationItem, SearchTerm
from ppid.catalogue.search import (
    SearchResults,
    rebuild_vocabulary,
    refresh_search_vectors,
    suggest_query,
)
from ppid.catalogue.tasks import rebuild_search_vocabulary_task
from tests.factories import InformationItemFactory, OpdFactory

pytestmark = pytest.mark.django_db

SUMMARY = "Dokumen resmi pemerintah kabupaten."


def _item(opd, title, summary=SUMMARY, **kwargs):
    return InformationItemFactory(opd=opd, title=title, summary=summary, **kwargs)


def _found(q):
    return list(SearchResults(InformationItem.objects.public(), q))


def _page(client, **params):
    return client.get(reverse("ppid:catalogue"), params).content.decode()


def test_izin_finds_the_perizinan_items(opd):
    licensing = _item(opd, "Standar Pelayanan Perizinan Usaha")
    permit = _item(opd, "Daftar Izin Reklame yang Diterbitkan")
    _item(opd, "Rencana Strategis Dinas")
    assert set(_found("izin")) == {licensing, permit}
    assert set(_found("perizinan")) == {licensing, permit}
    assert _found("layanan izin") == [licensing]
    assert _found("standar pelayanan") == [licensing]


def test_stems_are_the_same_for_the_text_and_the_query():
    assert analyse("Pelayanan Perizinan dan Layanan") == "layan izin layan"
    assert parse_query("Perizinan, tahun 2025!").words == ("perizinan", "2025")


def test_synonyms_work_both_ways(opd):
    apbd = _item(opd, "APBD Kabupaten Purbalingga 2026")
    spelled = _item(opd, "Ringkasan Anggaran Pendapatan dan Belanja Daerah 2026")
    sop = _item(opd, "SOP Pelayanan Informasi Publik")
    hospital = _item(opd, "Tarif Layanan RSUD dr. R. Goeteng Taroenadibrata")
    _item(opd, "Anggaran Kas Dinas")
    assert set(_found("APBD")) == {apbd, spelled}
    assert set(_found("anggaran pendapatan dan belanja daerah")) == {apbd, spelled}
    assert _found("standar operasional prosedur") == [sop]
    assert _found("rumah sakit") == [hospital]


def test_the_synonym_list_is_data():
    clauses = parse_query("SOP perizinan").clauses
    assert clauses[0] == (("sop",), ("standar", "operasional", "prosedur"))
    assert ("izin",) in clauses[1]


def test_when_no_item_has_every_word_those_with_most_words_come_first(opd):
    one = _item(opd, "Laporan Kinerja Dinas", published_at=None)
    two = _item(opd, "Laporan Keuangan Dinas")
    InformationItem.objects.filter(pk=one.pk).update(
        published_at=two.published_at.replace(year=2030)
    )
    _item(opd, "Rencana Strategis")
    results = SearchResults(InformationItem.objects.public(), "laporan keuangan zakat")
    # The newer item has one word of three, the older one two: coverage wins.
    assert list(results) == [two, one]
    assert results.fallback
    every_word = SearchResults(InformationItem.objects.public(), "laporan keuangan")
    assert list(every_word) == [two] and not every_word.fallback


def test_the_fallback_shows_on_the_page(client, opd):
    _item(opd, "Laporan Keuangan Dinas")
    html = _page(client, q="laporan zakat")
    assert "Laporan Keuangan Dinas" in html
    assert "data-search-fallback" in html
    assert "data-search-fallback" not in _page(client, q="laporan keuangan")


def test_a_misspelling_gets_the_catalogues_word(client, opd):
    _item(opd, "Laporan Realisasi Anggaran Semester I")
    assert _found("anggran") == []
    assert suggest_query(InformationItem.objects.public(), "anggran") == "anggaran"
    html = _page(client, q="anggran")
    assert "?q=anggaran" in html


def test_a_suggestion_keeps_the_other_words_as_typed(opd):
    _item(opd, "Laporan Realisasi Anggaran 2026")
    public = InformationItem.objects.public()
    assert suggest_query(public, "Laporan anggran 2026") == "Laporan anggaran 2026"
    assert suggest_query(public, "laporan anggaran") is None


def test_no_suggestion_from_words_only_unpublished_items_have(opd):
    _item(opd, "Rekam Medis Pasien Rawat Inap", status="draft")
    assert SearchTerm.objects.filter(term="medis").exists()
    assert suggest_query(InformationItem.objects.public(), "rekam medus") is None


def test_the_vocabulary_is_rebuilt_from_public_items(opd):
    _item(opd, "Anggaran Anggaran Perubahan")
    _item(opd, "Anggaran Murni")
    _item(opd, "Draf Rahasia", status="draft")
    # anggaran, perubahan, murni, and the four words of SUMMARY.
    assert rebuild_vocabulary() == 7
    assert SearchTerm.objects.get(term="anggaran").frequency == 2
    assert not SearchTerm.objects.filter(term="rahasia").exists()
    # The nightly task does the same.
    assert rebuild_search_vocabulary_task() == 7


def test_edit_distance_stops_at_its_limit():
    assert edit_distance("anggran", "anggaran", 2) == 1
    assert edit_distance("pendidkan", "pendidikan", 2) == 1
    assert edit_distance("sitem", "sistem", 1) == 1
    assert edit_distance("abcdef", "uvwxyz", 2) == 3


def test_an_empty_result_offers_a_request_and_the_dik(client, opd):
    html = _page(client, q="data stunting desa")
    assert reverse("ppid:request-form") + "?informasi=data%20stunting%20desa" in html
    assert reverse("ppid:exclusions") in html
    form = client.get(reverse("ppid:request-form"), {"informasi": "data stunting"})
    assert "data stunting</textarea>" in form.content.decode()


def test_the_opd_facet_lists_every_opd_by_its_full_name(client):
    opds = [
        OpdFactory(short_name="OPD-X{}".format(n), name="Dinas Uji Nomor {}".format(n))
        for n in range(20)
    ]
    for opd in opds:
        _item(opd, "Laporan Kinerja {}".format(opd.short_name))
    for params in ({}, {"q": "laporan"}):
        html = _page(client, **params)
        for opd in opds:
            assert ">{}</a>".format(opd.name) in html
        assert 'data-facet-filter="facet-opd-list"' in html


def test_filters_come_before_the_results_and_fold_on_a_phone(client, opd):
    _item(opd, "Laporan Kinerja Dinas")
    html = _page(client)
    filters = html.index('id="catalogue-filters"')
    assert 'data-bs-target="#catalogue-filters"' in html
    assert filters < html.index("Laporan Kinerja Dinas")
    assert 'class="col-lg-3 collapse d-lg-block"' in html
    assert "js/facet-filter.js" in html


def test_paging_shows_the_page_numbers(client, opd):
    for n in range(PAGE_SIZE * 10):
        _item(opd, "Laporan Nomor {}".format(n))
    html = _page(client, page=1)
    for number in (2, 3, 10):
        assert 'page={}"'.format(number) in html
    assert "…" in html
    html = _page(client, page=5)
    assert 'aria-current="page"><span class="page-link">5<' in html
    for number in (1, 3, 4, 6, 7, 10):
        assert 'page={}"'.format(number) in html


def test_the_api_finds_what_the_page_finds(client, opd):
    licensing = _item(opd, "Standar Pelayanan Perizinan Usaha")
    other = _item(opd, "Laporan Izin Usaha")
    data = client.get("/api/v1/information/", {"q": "izin"}).json()
    assert {row["id"] for row in data["results"]} == {licensing.pk, other.pk}
    fallback = client.get("/api/v1/information/", {"q": "izin zakat"}).json()
    assert {row["id"] for row in fallback["results"]} == {licensing.pk, other.pk}
    assert (data["search_fallback"], fallback["search_fallback"]) == (False, True)
    typo = client.get("/api/v1/information/", {"q": "perizinn"}).json()
    assert (typo["count"], typo["search_suggestion"]) == (0, "perizinan")


def test_reindex_search_indexes_what_a_bulk_load_left_out(opd):
    indexed = _item(opd, "Daftar Izin Reklame yang Diterbitkan")
    loaded = _item(opd, "Rencana Kerja Dinas")
    # loaddata, bulk_create and update() write rows without the services'
    # indexing: the index still holds the old title.
    InformationItem.objects.filter(pk=loaded.pk).update(
        title="Standar Pelayanan Perizinan Usaha"
    )
    assert _found("izin") == [indexed]
    out = io.StringIO()
    call_command("reindex_search", stdout=out)
    assert set(_found("izin")) == {indexed, loaded}
    assert "2" in out.getvalue()
    assert SearchTerm.objects.filter(term="perizinan").exists()


def test_a_deleted_draft_leaves_nothing_in_the_index(opd, opd_admin):
    draft = _item(opd, "Draf Daftar Izin", status=InformationItem.Status.DRAFT)
    pk = draft.pk  # delete() sets it to None
    refresh_search_vectors(InformationItem.objects.filter(pk=pk))

    def rows() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM ppid_item_fts WHERE rowid = %s", [pk])
            return cursor.fetchone()[0]

    if connection.vendor == "sqlite":
        assert rows() == 1
    services.delete_item(item=draft, by=opd_admin)
    if connection.vendor == "sqlite":
        assert rows() == 0
    assert not InformationItem.objects.filter(pk=pk).exists()
