"""The visitors' cache is invalidated per object (ppid/catalogue/cache.py):
a change makes stale the pages that show what changed, and no other."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from core import versions
from opds import services as opd_services
from opds.admin import OpdAdmin
from opds.models import Opd
from ppid.admin import InformationFileAdmin, InformationItemAdmin, SubtypeAdmin
from ppid.catalogue import services, tasks
from ppid.catalogue.cache import _visitor_key, cached_for_visitors
from ppid.catalogue.models import Category, InformationItem, Subtype
from tests.factories import (
    ExclusionDecisionFactory,
    InformationItemFactory,
    OpdFactory,
    exclusion_data,
)

pytestmark = pytest.mark.django_db

CATALOGUE = "/informasi/"
API = "/api/v1/information/"


def item_url(item: InformationItem) -> str:
    return "/informasi/{}/".format(item.pk)


def api_url(item: InformationItem) -> str:
    return "{}{}/".format(API, item.pk)


def state(client, url: str, **headers) -> str:
    return client.get(url, **headers).get("X-Cache", "")


def text(client, url: str) -> str:
    return client.get(url).content.decode()


# --- The X-Cache header --------------------------------------------------------


def test_cached_pages_and_api_answers_say_miss_then_hit(client, opd):
    item = InformationItemFactory(opd=opd)
    for url in (item_url(item), CATALOGUE, api_url(item), API, "/"):
        first = client.get(url)
        assert first.status_code == 200
        assert first["X-Cache"] == "miss", url
        assert client.get(url)["X-Cache"] == "hit", url
        # The header is set on each served copy, never on the stored one.
        assert client.get(url)["X-Cache"] == "hit", url


def test_the_stored_page_carries_no_x_cache_header(client, opd):
    item = InformationItemFactory(opd=opd)
    client.get(item_url(item))
    request = RequestFactory().get(item_url(item))
    stored = cache.get(_visitor_key("page", "", request))
    assert stored is not None
    assert not stored[1].has_header("X-Cache")


def test_responses_that_bypass_the_cache_carry_no_x_cache(
    client, api_client, opd, opd_admin, settings
):
    item = InformationItemFactory(opd=opd)
    client.cookies[settings.SESSION_COOKIE_NAME] = "abc"
    assert not client.get(item_url(item)).has_header("X-Cache")
    del client.cookies[settings.SESSION_COOKIE_NAME]
    client.cookies[settings.MESSAGE_COOKIE_NAME] = "x"
    assert not client.get(CATALOGUE).has_header("X-Cache")
    del client.cookies[settings.MESSAGE_COOKIE_NAME]
    client.force_login(opd_admin)
    assert not client.get(item_url(item)).has_header("X-Cache")
    assert not client.get(API).has_header("X-Cache")
    assert not api_client.post(API, {}, format="json").has_header("X-Cache")
    token = {"HTTP_AUTHORIZATION": "Token nope"}
    assert not client.get(API, **token).has_header("X-Cache")


def test_a_page_made_while_a_change_commits_is_served_but_not_stored():
    calls = []

    @cached_for_visitors
    def view(request):
        calls.append(1)
        # A change commits while the page is made: its rows may be older
        # than the versions read after it.
        versions.bump_now(["item:1"])
        return HttpResponse("x")

    def anonymous_get():
        request = RequestFactory().get("/race/")
        request.user = AnonymousUser()
        return view(request)

    assert anonymous_get()["X-Cache"] == "miss"
    assert anonymous_get()["X-Cache"] == "miss"
    assert len(calls) == 2


def test_an_evicted_version_never_brings_a_stale_page_back(client, opd):
    item = InformationItemFactory(opd=opd)
    assert state(client, item_url(item)) == "miss"
    assert state(client, item_url(item)) == "hit"
    cache.delete(versions.key("item:{}".format(item.pk)))
    assert state(client, item_url(item)) == "miss"
    assert state(client, item_url(item)) == "hit"


# --- Editing one item ---------------------------------------------------------------


def test_editing_an_item_leaves_other_pages_cached(
    client, opd, opd_admin, committed, settings
):
    a = InformationItemFactory(opd=opd, title="Laporan Keuangan Puskesmas")
    b = InformationItemFactory(opd=opd, title="Jadwal Imunisasi Balita")
    search_b = CATALOGUE + "?q=imunisasi"
    pages = [item_url(a), item_url(b), search_b, CATALOGUE]
    for url in pages:
        assert state(client, url) == "miss"
    assert "Jadwal Imunisasi Balita" in text(client, search_b)

    with committed():
        services.update_item(
            item=a, by=opd_admin, data={"title": "Laporan Keuangan Puskesmas Baru"}
        )

    assert state(client, item_url(b)) == "hit"
    assert state(client, search_b) == "hit"
    for url in (item_url(a), CATALOGUE):
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
        assert "Laporan Keuangan Puskesmas Baru" in response.content.decode(), url


def test_editing_an_item_refreshes_the_lists_and_exports_showing_it(
    client, opd, other_opd, opd_admin, committed
):
    a = InformationItemFactory(opd=opd, title="Profil Dinas Kesehatan")
    other = InformationItemFactory(opd=other_opd, title="Profil Dinas Lingkungan")
    pages = [
        "/perangkat-daerah/{}/dip/".format(opd.slug),
        "/informasi/dip.csv?opd={}".format(opd.slug),
        "/informasi/dip.csv",
        CATALOGUE + "?opd={}".format(opd.slug),
        CATALOGUE + "?category=berkala",
    ]
    untouched = [
        "/perangkat-daerah/{}/dip/".format(other_opd.slug),
        "/informasi/dip.csv?opd={}".format(other_opd.slug),
        CATALOGUE + "?opd={}".format(other_opd.slug),
        item_url(other),
    ]
    for url in pages + untouched:
        assert state(client, url) == "miss", url

    with committed():
        services.update_item(
            item=a, by=opd_admin, data={"title": "Profil Dinas Kesehatan 2026"}
        )

    for url in pages:
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
        assert "Profil Dinas Kesehatan 2026" in response.content.decode(), url
    for url in untouched:
        assert state(client, url) == "hit", url


def test_a_text_edit_refreshes_its_opds_searches_not_its_browsing(
    client, opd, opd_admin, committed
):
    item = InformationItemFactory(opd=opd, title="Laporan Alpha", year=2026)
    InformationItemFactory(opd=opd, title="Laporan Lama", year=2020)
    searched = CATALOGUE + "?opd={}&q=zebra".format(opd.slug)
    other_year = CATALOGUE + "?opd={}&year=2020".format(opd.slug)
    assert "Laporan Alpha" not in text(client, searched)
    assert "Laporan Alpha" not in text(client, other_year)

    with committed():
        services.update_item(item=item, by=opd_admin, data={"title": "Laporan Zebra"})
    # Its text now matches the OPD's search: at once.
    response = client.get(searched)
    assert response["X-Cache"] == "miss"
    assert "Laporan Zebra" in response.content.decode()
    # Browsing the OPD by another year neither shows nor gains it.
    assert state(client, other_year) == "hit"

    # A new facet value moves it into that list, at once.
    with committed():
        services.update_item(item=item, by=opd_admin, data={"year": 2020})
    response = client.get(other_year)
    assert response["X-Cache"] == "miss"
    assert "Laporan Zebra" in response.content.decode()


def test_a_draft_edit_empties_no_public_list(client, opd, opd_admin, committed):
    InformationItemFactory(opd=opd)
    draft = InformationItemFactory(opd=opd, status=InformationItem.Status.DRAFT)
    pages = [CATALOGUE + "?opd={}".format(opd.slug), "/informasi/dip.csv"]
    for url in pages:
        client.get(url)
    with committed():
        services.update_item(item=draft, by=opd_admin, data={"title": "Draf baru"})
    for url in pages:
        assert state(client, url) == "hit", url


def test_a_new_file_refreshes_the_item_page(client, opd, opd_admin, committed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import pdf_bytes

    item = InformationItemFactory(opd=opd)
    client.get(item_url(item))
    upload = SimpleUploadedFile(
        "lampiran-anggaran.pdf", pdf_bytes("Anggaran"), content_type="application/pdf"
    )
    with committed():
        services.update_item(item=item, by=opd_admin, data={}, files=[upload])
    response = client.get(item_url(item))
    assert response["X-Cache"] == "miss"
    assert "lampiran-anggaran.pdf" in response.content.decode()


# --- New members -----------------------------------------------------------------


def test_a_new_publication_shows_at_once_in_its_opd_and_category_lists(
    client, opd, other_opd, ppid_utama, committed
):
    InformationItemFactory(opd=opd)
    InformationItemFactory(opd=other_opd)
    new = InformationItemFactory(
        opd=opd,
        title="Daftar Puskesmas Terbaru",
        status=InformationItem.Status.SUBMITTED,
        published_at=None,
    )
    shown_at_once = [
        CATALOGUE + "?opd={}".format(opd.slug),
        CATALOGUE + "?category=berkala",
        "/perangkat-daerah/{}/dip/".format(opd.slug),
        "{}?opd={}".format(API, opd.slug),
    ]
    other_lists = [
        CATALOGUE + "?opd={}".format(other_opd.slug),
        "/perangkat-daerah/{}/dip/".format(other_opd.slug),
    ]
    for url in shown_at_once + other_lists:
        assert "Daftar Puskesmas Terbaru" not in text(client, url), url

    with committed():
        services.publish_item(item=new, by=ppid_utama)

    for url in shown_at_once:
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
        assert "Daftar Puskesmas Terbaru" in response.content.decode(), url
    for url in other_lists:
        assert state(client, url) == "hit", url


def test_unfiltered_lists_are_kept_only_a_short_time_for_new_members(
    client, opd, ppid_utama, committed, settings
):
    InformationItemFactory(opd=opd)
    new = InformationItemFactory(
        opd=opd, status=InformationItem.Status.SUBMITTED, published_at=None
    )
    client.get(CATALOGUE)
    with committed():
        services.publish_item(item=new, by=ppid_utama)
    # Nothing the page shows changed: within its short life it stays.
    assert state(client, CATALOGUE) == "hit"

    # The life is a setting; with none the unfiltered list is never kept,
    # while a filtered one still is.
    settings.PPID_CACHE_NEW_MEMBERS_SECONDS = 0
    cache.clear()
    filtered = CATALOGUE + "?opd={}".format(opd.slug)
    for url in (CATALOGUE, filtered, API):
        client.get(url)
    assert state(client, CATALOGUE) == "miss"
    assert state(client, API) == "miss"
    assert state(client, filtered) == "hit"


# --- Leaving the catalogue ---------------------------------------------------------


def _every_page_showing(item: InformationItem, opd: Opd) -> list[str]:
    return [
        item_url(item),
        api_url(item),
        CATALOGUE,
        CATALOGUE + "?q=sanitasi",
        CATALOGUE + "?opd={}".format(opd.slug),
        CATALOGUE + "?category={}".format(item.category),
        API,
        "{}?q=sanitasi".format(API),
        "/perangkat-daerah/{}/dip/".format(opd.slug),
        "/informasi/dip.csv",
        "/informasi/dip.csv?opd={}".format(opd.slug),
    ]


def test_a_withdrawn_item_is_never_served_from_the_cache_again(
    client, opd, ppid_utama, committed
):
    item = InformationItemFactory(opd=opd, title="Laporan Sanitasi Desa")
    InformationItemFactory(opd=opd, title="Laporan Sanitasi Kota")
    pages = _every_page_showing(item, opd)
    for url in pages:
        assert "Laporan Sanitasi Desa" in text(client, url), url
        assert state(client, url) == "hit", url

    with committed():
        services.withdraw_item(item=item, by=ppid_utama, note="Salah unggah")

    for url in pages:
        response = client.get(url)
        # The item's own page is now a 404, which is never cached.
        assert response.get("X-Cache", "miss") == "miss", url
        assert "Laporan Sanitasi Desa" not in response.content.decode(), url
    assert client.get(item_url(item)).status_code == 404
    assert client.get(api_url(item)).status_code == 404


def test_an_excluded_item_leaves_every_page_and_enters_the_dik(
    client, opd, ppid_utama, committed
):
    item = InformationItemFactory(opd=opd, title="Data Sanitasi Pasien")
    pages = _every_page_showing(item, opd)
    register = "/informasi/dikecualikan/"
    for url in [*pages, register]:
        client.get(url)
    assert "Data Sanitasi Pasien" not in text(client, register)

    with committed():
        services.update_item(
            item=item,
            by=ppid_utama,
            data={"category": Category.DIKECUALIKAN, "subtype": None},
            exclusion=exclusion_data(),
        )

    for url in pages:
        response = client.get(url)
        assert "Data Sanitasi Pasien" not in response.content.decode(), url
    response = client.get(register)
    assert response["X-Cache"] == "miss"
    assert "Data Sanitasi Pasien" in response.content.decode()


def test_an_opened_exclusion_refreshes_the_dik_and_its_new_category(
    client, opd, ppid_utama, committed
):
    decision = ExclusionDecisionFactory(item__opd=opd, item__title="Kontrak Jalan")
    register = "/informasi/dikecualikan/"
    listed = CATALOGUE + "?category=setiap_saat"
    client.get(register)
    assert "Kontrak Jalan" not in text(client, listed)

    with committed():
        services.open_excluded_item(
            item=decision.item,
            by=ppid_utama,
            category=Category.SETIAP_SAAT,
            note="Kepentingan publik",
        )

    assert state(client, register) == "miss"
    response = client.get(listed)
    assert response["X-Cache"] == "miss"
    assert "Kontrak Jalan" in response.content.decode()


def test_the_daily_opening_of_ended_exclusions_refreshes_pages(client, opd, committed):
    today = timezone.localdate()
    decision = ExclusionDecisionFactory(
        item__opd=opd,
        item__title="Dokumen Tender Lama",
        period_start=today - datetime.timedelta(days=400),
        period_end=today - datetime.timedelta(days=1),
    )
    register = "/informasi/dikecualikan/"
    listed = "/perangkat-daerah/{}/dip/".format(opd.slug)
    for url in (register, listed):
        client.get(url)
    with committed():
        assert tasks.open_ended_exclusion_task(decision.pk)
    assert state(client, register) == "miss"
    response = client.get(listed)
    assert response["X-Cache"] == "miss"
    assert "Dokumen Tender Lama" in response.content.decode()


def test_deleting_a_draft_bumps_its_version(opd, opd_admin, committed):
    draft = InformationItemFactory(opd=opd, status=InformationItem.Status.DRAFT)
    name = "item:{}".format(draft.pk)
    before = versions.read_or_start([name])[name]
    with committed():
        services.delete_item(item=draft, by=opd_admin)
    assert versions.read([name])[name] != before


def test_a_category_change_refreshes_both_category_lists(
    client, opd, opd_admin, committed
):
    item = InformationItemFactory(opd=opd, title="Jadwal Posyandu")
    old = CATALOGUE + "?category=berkala"
    new = CATALOGUE + "?category=setiap_saat"
    assert "Jadwal Posyandu" in text(client, old)
    assert "Jadwal Posyandu" not in text(client, new)
    with committed():
        services.update_item(
            item=item,
            by=opd_admin,
            data={
                "category": Category.SETIAP_SAAT,
                "subtype": Subtype.objects.get(code="setiap-saat-renstra"),
            },
        )
    assert "Jadwal Posyandu" not in text(client, old)
    assert "Jadwal Posyandu" in text(client, new)


# --- OPDs ----------------------------------------------------------------------------


def test_renaming_an_opd_refreshes_its_pages_and_the_lists_naming_it(
    client, opd, other_opd, committed
):
    item = InformationItemFactory(opd=opd)
    pages = [
        item_url(item),
        CATALOGUE + "?opd={}".format(other_opd.slug),
        "/perangkat-daerah/{}/dip/".format(opd.slug),
    ]
    for url in pages:
        client.get(url)
    with committed():
        opd_services.import_opds(
            rows=[
                {
                    "short_name": "DINKES",
                    "name": "Dinas Kesehatan Rakyat",
                    "kind": "dinas",
                }
            ]
        )
    for url in pages:
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
    for url in (item_url(item), "/perangkat-daerah/{}/dip/".format(opd.slug)):
        assert "Dinas Kesehatan Rakyat" in text(client, url), url


def test_an_opd_contact_edit_refreshes_only_that_opds_pages(
    client, opd, other_opd, opd_admin, committed
):
    item = InformationItemFactory(opd=opd)
    other = InformationItemFactory(opd=other_opd)
    mine = ["/perangkat-daerah/{}/dip/".format(opd.slug), item_url(item)]
    theirs = [CATALOGUE + "?opd={}".format(other_opd.slug), item_url(other)]
    for url in mine + theirs:
        client.get(url)
    with committed():
        opd_services.update_opd_profile(
            opd=opd, by=opd_admin, data={"phone": "(0281) 891 000"}
        )
    for url in mine:
        assert state(client, url) == "miss", url
    for url in theirs:
        assert state(client, url) == "hit", url


def test_an_opd_saved_in_the_admin_refreshes_its_pages(client, opd, committed):
    item = InformationItemFactory(opd=opd)
    client.get(item_url(item))
    client.get("/")
    opd.name = "Dinas Kesehatan Kabupaten"
    with committed():
        OpdAdmin(Opd, admin.site).save_model(None, opd, None, True)
    assert "Dinas Kesehatan Kabupaten" in text(client, item_url(item))
    assert state(client, "/") == "miss"


def test_merging_opds_refreshes_the_home_page_count(client, opd, committed):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.get("/")
    with committed():
        opd_services.merge_opds(
            predecessors=[opd],
            name="Dinas Kesehatan dan KB",
            short_name="DINKESKB",
            kind="dinas",
            effective=timezone.localdate(),
            by=root,
        )
    assert state(client, "/") == "miss"


def test_publishing_delegation_bumps_the_opd(opd, ppid_utama, committed):
    name = "opd:{}".format(opd.pk)
    before = versions.read_or_start([name])[name]
    with committed():
        services.set_publishing_delegation(opd=opd, delegated=True, by=ppid_utama)
    assert versions.read([name])[name] != before


# --- The admin and bulk changes ---------------------------------------------------------


def test_an_item_moved_to_another_opd_in_the_admin_leaves_the_old_list(
    client, opd, other_opd, committed
):
    item = InformationItemFactory(opd=opd, title="Peta Rawan Banjir")
    old = CATALOGUE + "?opd={}".format(opd.slug)
    new = CATALOGUE + "?opd={}".format(other_opd.slug)
    assert "Peta Rawan Banjir" in text(client, old)
    assert "Peta Rawan Banjir" not in text(client, new)

    class Form:
        initial = {"opd": opd.pk, "category": item.category}

    item.opd = other_opd
    with committed():
        InformationItemAdmin(InformationItem, admin.site).save_model(
            None, item, Form(), True
        )
    assert "Peta Rawan Banjir" not in text(client, old)
    assert "Peta Rawan Banjir" in text(client, new)


def test_a_subtype_change_in_the_admin_refreshes_every_page(client, opd, committed):
    item = InformationItemFactory(opd=opd)
    for url in (item_url(item), CATALOGUE, "/"):
        client.get(url)
    subtype = item.subtype
    subtype.name = "Laporan Berkala Yang Diganti"
    with committed():
        SubtypeAdmin(Subtype, admin.site).save_model(None, subtype, None, True)
    for url in (item_url(item), CATALOGUE, "/"):
        assert state(client, url) == "miss", url


def test_reindexing_refreshes_every_page(client, opd, committed):
    from django.core.management import call_command

    item = InformationItemFactory(opd=opd)
    client.get(item_url(item))
    with committed():
        call_command("reindex_search", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert state(client, item_url(item)) == "miss"


# --- Nothing half-saved ----------------------------------------------------------------------


def test_a_rolled_back_change_bumps_nothing(client, opd, opd_admin, committed):
    item = InformationItemFactory(opd=opd, title="Rencana Kerja")
    other = OpdFactory(short_name="DISPERKIM")
    pages = [item_url(item), CATALOGUE + "?opd={}".format(opd.slug)]
    for url in pages:
        client.get(url)
    with committed() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.update_item(item=item, by=opd_admin, data={"title": "Ubah"})
            opd_services.opd_changed(other)
            raise RuntimeError
    assert callbacks == []
    for url in pages:
        assert state(client, url) == "hit", url


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_service_that_fails_after_recording_bumps_nothing(client, opd_admin):
    item = InformationItemFactory(opd=opd_admin.opd, title="Rencana Kerja")
    url = item_url(item)
    client.get(url)
    sequence = versions.read([])[""]
    with pytest.raises(RuntimeError), transaction.atomic():
        services.update_item(item=item, by=opd_admin, data={"title": "Ubah"})
        raise RuntimeError
    assert versions.read([])[""] == sequence
    assert state(client, url) == "hit"
    services.update_item(item=item, by=opd_admin, data={"title": "Rencana Kerja Baru"})
    assert versions.read([])[""] != sequence
    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert "Rencana Kerja Baru" in response.content.decode()


# --- The API -------------------------------------------------------------------------------------


def test_the_api_is_invalidated_per_item(api_client, opd, opd_admin, committed):
    a = InformationItemFactory(opd=opd, title="Anggaran Dinas")
    b = InformationItemFactory(opd=opd, title="Jadwal Dinas")
    other = OpdFactory(short_name="DISDIK")
    c = InformationItemFactory(opd=other, title="Data Sekolah")
    other_list = "{}?opd={}".format(API, other.slug)
    for url in (api_url(a), api_url(b), api_url(c), other_list, API):
        assert api_client.get(url)["X-Cache"] == "miss", url
    with committed():
        services.update_item(
            item=a, by=opd_admin, data={"title": "Anggaran Dinas 2027"}
        )
    for url in (api_url(b), api_url(c), other_list):
        assert api_client.get(url)["X-Cache"] == "hit", url
    for url in (api_url(a), API):
        response = api_client.get(url)
        assert response["X-Cache"] == "miss", url
        assert "Anggaran Dinas 2027" in response.content.decode(), url


def test_a_file_moved_to_another_item_in_the_admin_leaves_the_old_page(
    client, opd, opd_admin, committed
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import pdf_bytes

    first = InformationItemFactory(opd=opd)
    second = InformationItemFactory(opd=opd)
    upload = SimpleUploadedFile(
        "peta-jalan.pdf", pdf_bytes("Peta"), content_type="application/pdf"
    )
    with committed():
        services.update_item(item=first, by=opd_admin, data={}, files=[upload])
    assert "peta-jalan.pdf" in text(client, item_url(first))
    record = first.files.get()

    class Form:
        initial = {"item": first.pk}

    record.item = second
    with committed():
        InformationFileAdmin(type(record), admin.site).save_model(
            None, record, Form(), True
        )
    assert "peta-jalan.pdf" not in text(client, item_url(first))
    assert "peta-jalan.pdf" in text(client, item_url(second))
