import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ppid.catalogue.models import Category, InformationItem
from ppid.catalogue.services import _store_files
from ppid.uploads import clean_upload
from tests.factories import (
    ExclusionDecisionFactory,
    InformationItemFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db

# The item form as an OPD admin fills it in.
FORM = {
    "title": "Peta Wilayah",
    "summary": "Isi informasi.",
    "category": "setiap_saat",
    "responsible_official": "Kepala Dinas",
    "made_on": "2026-01-15",
    "made_at_place": "Purbalingga",
    "format": "softcopy",
    "retention_period": "Permanen",
    "year": "2026",
}


def test_catalogue_searches_and_shows_facets(client, opd, other_opd):
    InformationItemFactory(opd=opd, title="Laporan Keuangan Dinas Kesehatan")
    InformationItemFactory(opd=other_opd, title="Rencana Strategis Lingkungan Hidup")
    InformationItemFactory(opd=opd, title="Laporan Keuangan Draf", status="draft")
    response = client.get(reverse("ppid:catalogue"), {"q": "keuangan"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Laporan Keuangan Dinas Kesehatan" in body
    assert "Rencana Strategis" not in body
    assert "Draf" not in body
    facet = dict((f.name, f.choices) for f in response.context["facets"])
    assert facet["opd"] == [("dinkes", "Dinas Kesehatan", 1)]
    assert [code for code, _, _ in facet["subtype"]] == ["berkala-profil"]
    assert facet["category"] == [("berkala", "Berkala", 1)]


def test_catalogue_filters_by_opd_year_and_category(client, opd, other_opd):
    InformationItemFactory(opd=opd, year=2024)
    InformationItemFactory(opd=other_opd, year=2026, category=Category.SETIAP_SAAT)
    url = reverse("ppid:catalogue")
    assert client.get(url, {"opd": "dinkes"}).context["page"].paginator.count == 1
    assert client.get(url, {"year": 2026}).context["page"].paginator.count == 1
    count = client.get(url, {"category": "setiap_saat"}).context["page"].paginator.count
    assert count == 1


def test_catalogue_bad_filter_names_the_field(client, db):
    response = client.get(reverse("ppid:catalogue"), {"year": "dua ribu"})
    assert response.status_code == 200
    assert "year" in response.context["filterset"].form.errors


@pytest.mark.parametrize("rows", [2, 40])
def test_catalogue_query_count_is_constant(
    client, opd, rows, django_assert_max_num_queries
):
    InformationItemFactory.create_batch(rows, opd=opd)
    with django_assert_max_num_queries(12):
        client.get(reverse("ppid:catalogue"), {"q": "laporan"})
    with django_assert_max_num_queries(12):
        client.get(reverse("ppid:catalogue"))


def test_detail_shows_dip_fields_files_and_public_change_log(client, opd, opd_admin):
    item = InformationItemFactory(opd=opd, retention_period="10 tahun")
    _store_files(
        item, [clean_upload(SimpleUploadedFile("lra.pdf", pdf_bytes()))], opd_admin, []
    )
    body = client.get(item.get_absolute_url()).content.decode()
    for text in [
        item.title,
        "10 tahun",
        "Purbalingga",
        "lra.pdf",
        "Berkas ditambahkan",
    ]:
        assert text in body
    # The public log names what changed, never who changed it.
    assert opd_admin.username not in body


def test_file_is_served_with_safe_headers(client, opd, opd_admin):
    item = InformationItemFactory(opd=opd)
    _store_files(
        item, [clean_upload(SimpleUploadedFile("lra.pdf", pdf_bytes()))], opd_admin, []
    )
    response = client.get(item.files.get().get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert 'filename="lra.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_file_of_another_item_is_404(client, opd, opd_admin):
    a = InformationItemFactory(opd=opd)
    b = InformationItemFactory(opd=opd)
    _store_files(
        a, [clean_upload(SimpleUploadedFile("a.pdf", pdf_bytes()))], opd_admin, []
    )
    file_id = a.files.get().pk
    url = reverse("ppid:file-download", args=[b.pk, file_id])
    assert client.get(url).status_code == 404


def test_dik_register_shows_decision_not_content(client, opd):
    decision = ExclusionDecisionFactory(item__opd=opd, item__summary="ISI RAHASIA")
    body = client.get(reverse("ppid:exclusions")).content.decode()
    assert decision.item.title in body
    assert decision.legal_reference in body
    assert decision.consequence in body
    assert "ISI RAHASIA" not in body


def test_partial_exclusion_shows_its_redacted_version(client, opd, opd_admin):
    decision = ExclusionDecisionFactory(
        item__opd=opd, scope="partial", redacted_summary="Versi yang disamarkan."
    )
    _store_files(
        decision.item,
        [clean_upload(SimpleUploadedFile("samaran.pdf", pdf_bytes("ok")))],
        opd_admin,
        [],
        redacted=True,
    )
    _store_files(
        decision.item,
        [clean_upload(SimpleUploadedFile("asli.pdf", pdf_bytes("asli")))],
        opd_admin,
        [],
    )
    body = client.get(reverse("ppid:exclusions")).content.decode()
    assert "Versi yang disamarkan." in body and "samaran.pdf" in body
    assert "asli.pdf" not in body
    redacted, original = decision.item.files.order_by("id")
    assert client.get(redacted.get_absolute_url()).status_code == 200
    assert client.get(original.get_absolute_url()).status_code == 404


def test_opd_dip_page_groups_by_category(client, opd):
    InformationItemFactory(opd=opd, title="Profil Dinas Kesehatan")
    ExclusionDecisionFactory(item__opd=opd, item__title="Rekam Medis Pasien")
    body = client.get(reverse("ppid:opd-dip", args=["dinkes"])).content.decode()
    assert "Profil Dinas Kesehatan" in body
    assert "Rekam Medis Pasien" not in body


def test_opd_dip_rows_escape_text_and_show_the_dip_fields(client, opd):
    item = InformationItemFactory(
        opd=opd,
        title='Tabel <b>"Aset"</b> & Tanah',
        responsible_official="Kepala <Dinas>",
        retention_period="5 tahun 'aktif'",
        format=InformationItem.Format.BOTH,
    )
    plain = InformationItemFactory(
        opd=opd, category=Category.SETIAP_SAAT, subtype=None, year=2019
    )
    body = client.get(reverse("ppid:opd-dip", args=["dinkes"])).content.decode()
    assert (
        '<tr><td><a href="{}">Tabel &lt;b&gt;&quot;Aset&quot;&lt;/b&gt; &amp; Tanah'
        '</a><div class="small text-body-secondary">{}</div></td>'
        "<td>Kepala &lt;Dinas&gt;</td><td>{}</td><td>5 tahun &#x27;aktif&#x27;</td>"
        "<td>2026</td></tr>".format(
            item.get_absolute_url(),
            item.subtype.name,
            InformationItem.Format.BOTH.label,
        )
        in body
    )
    assert (
        '<tr><td><a href="{}">{}</a></td><td>Kepala Dinas</td>'.format(
            plain.get_absolute_url(), plain.title
        )
        in body
    )
    assert "<b>" not in body.split("<main", 1)[-1]


def test_dip_exports_hold_public_items_only(client, opd, other_opd):
    InformationItemFactory(opd=opd, title='=HYPERLINK("x") Laporan')
    InformationItemFactory(opd=other_opd, title="Profil DLH")
    InformationItemFactory(opd=opd, title="Draf Rahasia", status="draft")
    ExclusionDecisionFactory(item__opd=opd, item__title="Dikecualikan")
    url = reverse("ppid:dip-export", args=["csv"])
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    titles = {row[1] for row in rows[1:]}
    assert titles == {'\'=HYPERLINK("x") Laporan', "Profil DLH"}
    only = client.get(url, {"opd": "dlh"}).content.decode("utf-8-sig")
    assert "Profil DLH" in only and "HYPERLINK" not in only
    xlsx = client.get(reverse("ppid:dip-export", args=["xlsx"]))
    assert xlsx.content[:2] == b"PK"
    pdf = client.get(reverse("ppid:dip-export", args=["pdf"]), {"opd": "dinkes"})
    assert pdf.content.startswith(b"%PDF")
    assert client.get(url, {"opd": "tidak-ada"}).status_code == 404


def test_feed_and_sitemap_list_public_items_only(client, opd):
    public = InformationItemFactory(opd=opd, title="Profil Dinas Kesehatan")
    draft = InformationItemFactory(opd=opd, status="draft", published_at=None)
    excluded = ExclusionDecisionFactory(item__opd=opd).item
    feed = client.get(reverse("ppid:feed")).content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    for body in (feed, sitemap):
        assert public.get_absolute_url() in body
        assert draft.get_absolute_url() not in body
        assert excluded.get_absolute_url() not in body


def test_opd_admin_files_an_item_through_the_form(client, opd, opd_admin):
    client.force_login(opd_admin)
    assert client.get(reverse("ppid:item-create")).status_code == 200
    data = {
        **FORM,
        "title": "Rencana Strategis Dinas Kesehatan",
        "files": [SimpleUploadedFile("renstra.pdf", pdf_bytes("Renstra"))],
    }
    response = client.post(reverse("ppid:item-create"), data)
    assert response.status_code == 302
    item = InformationItem.objects.get()
    assert item.files.count() == 1 and item.status == "draft"
    response = client.post(reverse("ppid:item-submit", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == "submitted"


def test_rejected_upload_in_the_form_says_why_and_saves_nothing(client, opd, opd_admin):
    client.force_login(opd_admin)
    data = {
        **FORM,
        "files": [SimpleUploadedFile("peta.svg", b"<svg onload='alert(1)'/>")],
    }
    response = client.post(reverse("ppid:item-create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "peta.svg" in body and "Tidak ada yang disimpan" in body
    assert not InformationItem.objects.exists()


def test_excluded_item_form_names_the_missing_decision_fields(client, opd, opd_admin):
    client.force_login(opd_admin)
    data = {**FORM, "title": "Rekam Medis", "category": "dikecualikan"}
    response = client.post(reverse("ppid:item-create"), data)
    assert response.status_code == 400
    assert "legal_basis" in response.context["exclusion_form"].errors
    assert not InformationItem.objects.exists()


def test_staff_page_lists_overdue_items_per_opd(client, opd, ppid_utama):
    import datetime

    from django.utils import timezone

    InformationItemFactory(
        opd=opd, last_updated_at=timezone.now() - datetime.timedelta(days=250)
    )
    client.force_login(ppid_utama)
    response = client.get(reverse("ppid:staff-items"))
    rows = response.context["freshness"]
    assert [(r.opd.slug, r.overdue) for r in rows] == [("dinkes", 1)]


def test_citizens_get_no_staff_pages(client, db):
    response = client.get(reverse("ppid:staff-items"))
    assert response.status_code == 302
    assert client.post(reverse("ppid:item-submit", args=[1])).status_code == 302


def test_visitor_pages_are_cached_until_what_they_list_changes(
    client, opd, opd_admin, ppid_utama, django_capture_on_commit_callbacks
):
    from ppid.catalogue import services
    from tests.factories import item_data

    first = InformationItemFactory(opd=opd, title="Profil Dinas Kesehatan")
    # The OPD's list: a publication there shows at once (an unfiltered list
    # may miss it for PPID_CACHE_NEW_MEMBERS_SECONDS).
    url = reverse("ppid:catalogue") + "?opd={}".format(opd.slug)
    assert "Profil Dinas Kesehatan" in client.get(url).content.decode()
    # Written behind the services' back: the cached page does not see it.
    InformationItem.objects.filter(pk=first.pk).update(title="Judul Diam-diam")
    assert "Profil Dinas Kesehatan" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        item = services.create_item(opd=opd, by=opd_admin, data=item_data())
        services.submit_item(item=item, by=opd_admin)
        services.publish_item(item=item, by=ppid_utama)
    body = client.get(url).content.decode()
    assert "Rencana Strategis Dinas Kesehatan" in body
    assert "Judul Diam-diam" in body
    # Staff always get a fresh page.
    client.force_login(opd_admin)
    InformationItem.objects.filter(pk=first.pk).update(title="Judul Staf")
    assert "Judul Staf" in client.get(url).content.decode()


def test_a_visitor_with_a_pending_message_gets_an_uncached_page(client, opd):
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    InformationItemFactory(opd=opd)
    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(20, "PESAN-PRIBADI")
    response = HttpResponse()
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value
    assert "PESAN-PRIBADI" in client.get(reverse("ppid:catalogue")).content.decode()
    client.cookies.clear()
    assert "PESAN-PRIBADI" not in client.get(reverse("ppid:catalogue")).content.decode()


def test_api_filters_by_form(api_client, opd):
    InformationItemFactory(opd=opd, format="hardcopy")
    InformationItemFactory(opd=opd, format="softcopy")
    response = api_client.get("/api/v1/information/", {"format": "hardcopy"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
