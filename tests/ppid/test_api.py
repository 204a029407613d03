import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ppid.catalogue import search, services
from ppid.catalogue.models import Category, InformationItem
from tests.factories import (
    ExclusionDecisionFactory,
    InformationItemFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/information/"

ITEM = {
    "title": "Rencana Strategis Dinas Kesehatan 2021-2026",
    "summary": "Visi, misi, tujuan dan sasaran pelayanan kesehatan.",
    "category": "setiap_saat",
    "subtype": "setiap-saat-renstra",
    "responsible_official": "Kepala Dinas Kesehatan",
    "made_on": "2026-01-15",
    "made_at_place": "Purbalingga",
    "format": "softcopy",
    "retention_period": "Permanen",
    "year": 2026,
}
EXCLUSION = {
    "ground": "h",
    "ground_point": 2,
    "legal_basis": "UU 14/2008 Pasal 17 huruf h angka 2",
    "consequence": "Mengungkap rahasia pribadi pasien.",
    "public_interest": "Perlindungan data pribadi lebih besar.",
    "consequence_tested_on": "2026-01-02",
    "scope": "whole",
    "period_start": "2026-01-02",
    "period_end": "2030-12-31",
    "decided_by": "PPID Pelaksana Dinkes",
    "approved_by": "Kepala Dinas Kesehatan",
    "decided_place": "Purbalingga",
    "decided_on": "2026-01-02",
}


def test_anonymous_list_has_the_documented_shape(api_client, opd):
    InformationItemFactory(opd=opd)
    InformationItemFactory(opd=opd, status="draft", published_at=None)
    ExclusionDecisionFactory(item__opd=opd)
    data = api_client.get(URL).json()
    assert data["count"] == 1
    row = data["results"][0]
    assert set(row) == {
        "id",
        "title",
        "summary",
        "category",
        "subtype",
        "opd",
        "year",
        "status",
        "published_at",
        "last_updated_at",
        "next_update_due",
        "files",
        "url",
    }
    assert row["opd"] == {"slug": "dinkes", "name": "Dinas Kesehatan"}
    assert row["url"].endswith("/informasi/{}/".format(row["id"]))


def test_list_rows_link_each_its_own_item(api_client, opd):
    items = InformationItemFactory.create_batch(3, opd=opd)
    rows = api_client.get(URL).json()["results"]
    assert {row["url"] for row in rows} == {
        "http://testserver" + item.get_absolute_url() for item in items
    }


def test_list_filters(api_client, opd, other_opd):
    InformationItemFactory(opd=opd, year=2025)
    InformationItemFactory(opd=other_opd, year=2026, category=Category.SETIAP_SAAT)
    assert api_client.get(URL, {"opd": "dlh"}).json()["count"] == 1
    assert api_client.get(URL, {"year": 2025}).json()["count"] == 1
    assert api_client.get(URL, {"category": "setiap_saat"}).json()["count"] == 1
    sub = InformationItem.objects.get(opd=opd).subtype.code
    assert api_client.get(URL, {"subtype": sub}).json()["count"] == 1


def test_create_json_with_exclusion_in_the_same_request(api_client, opd_admin):
    api_client.force_authenticate(opd_admin)
    body = {**ITEM, "category": "dikecualikan", "subtype": None, "exclusion": EXCLUSION}
    response = api_client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    item = InformationItem.objects.get(pk=response.json()["id"])
    assert item.opd == opd_admin.opd and item.status == "draft"
    assert item.exclusion.ground == "h"


def test_create_multipart_with_files(api_client, opd_admin):
    api_client.force_authenticate(opd_admin)
    body = {**ITEM, "files": [SimpleUploadedFile("renstra.pdf", pdf_bytes("Renstra"))]}
    response = api_client.post(URL, body, format="multipart")
    assert response.status_code == 201, response.json()
    files = response.json()["files"]
    assert [f["name"] for f in files] == ["renstra.pdf"]
    # A draft's file: 404 to the public, served to its OPD's admin.
    assert api_client.get(files[0]["url"]).status_code == 404
    api_client.force_login(opd_admin)
    assert api_client.get(files[0]["url"]).status_code == 200


def test_create_multipart_excluded_item_takes_the_decision_as_json(
    api_client, opd_admin
):
    api_client.force_authenticate(opd_admin)
    body = {**ITEM, "category": "dikecualikan", "exclusion": json.dumps(EXCLUSION)}
    body.pop("subtype")
    response = api_client.post(URL, body, format="multipart")
    assert response.status_code == 201, response.json()


def test_bad_upload_is_a_400_naming_the_file_and_saves_nothing(api_client, opd_admin):
    api_client.force_authenticate(opd_admin)
    svg = SimpleUploadedFile("peta.svg", b"<svg><script>alert(1)</script></svg>")
    response = api_client.post(URL, {**ITEM, "files": [svg]}, format="multipart")
    assert response.status_code == 400
    assert "peta.svg" in json.dumps(response.json())
    assert not InformationItem.objects.exists()


def test_excluded_item_without_decision_is_refused(api_client, opd_admin):
    api_client.force_authenticate(opd_admin)
    body = {**ITEM, "category": "dikecualikan", "subtype": None}
    response = api_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert "exclusion" in response.json()


def test_bad_exclusion_ground_names_the_nested_field(api_client, opd_admin):
    api_client.force_authenticate(opd_admin)
    body = {
        **ITEM,
        "category": "dikecualikan",
        "subtype": None,
        "exclusion": {**EXCLUSION, "ground": "z"},
    }
    response = api_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert "ground" in response.json()["exclusion"]


def test_account_without_opd_cannot_create(api_client, ppid_utama):
    api_client.force_authenticate(ppid_utama)
    assert api_client.post(URL, ITEM, format="json").status_code == 403


def test_patch_submit_publish_round_trip(api_client, opd_admin, ppid_utama):
    api_client.force_authenticate(opd_admin)
    item_id = api_client.post(URL, ITEM, format="json").json()["id"]
    detail = "{}{}/".format(URL, item_id)
    assert (
        api_client.patch(detail, {"period": "2026"}, format="json").status_code == 200
    )
    assert api_client.post(detail + "submit/").json()["status"] == "submitted"
    assert api_client.post(detail + "publish/").status_code == 403
    api_client.force_authenticate(ppid_utama)
    assert api_client.post(detail + "publish/").json()["status"] == "published"
    api_client.force_authenticate(None)
    assert api_client.get(detail).status_code == 200


@pytest.mark.parametrize("params", [{}, {"q": "laporan kinerja"}])
def test_list_query_count_is_constant(api_client, opd, opd_admin, params):
    def count():
        # A cold cache: the page count is cached until the catalogue changes.
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = api_client.get(URL, params)
            assert response.status_code == 200
        return len(ctx), response.json()["count"]

    InformationItemFactory.create_batch(2, opd=opd)
    few, listed = count()
    assert listed == 2
    InformationItemFactory.create_batch(38, opd=opd)
    assert count() == (few, 40)
    assert few <= 12
    api_client.force_authenticate(opd_admin)
    assert count()[0] <= 12


def test_search_count_is_capped_and_says_so(api_client, opd, monkeypatch):
    monkeypatch.setattr(search, "RANK_CANDIDATES", 3)
    InformationItemFactory.create_batch(5, opd=opd)
    body = api_client.get(URL, {"q": "laporan"}).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (3, True, 3)
    body = api_client.get(URL, {"q": "laporan", "page_size": 2}).json()
    assert (body["count"], body["count_capped"]) == (3, True)
    assert body["next"] is not None
    body = api_client.get(URL).json()
    assert (body["count"], body["count_capped"]) == (5, False)


def test_dik_register_api_shows_only_public_fields(api_client, opd):
    decision = ExclusionDecisionFactory(
        item__opd=opd, item__summary="RAHASIA-RINGKASAN"
    )
    ExclusionDecisionFactory(item__opd=opd, item__status="draft")
    data = api_client.get("/api/v1/exclusions/").json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["title"] == decision.item.title
    assert row["legal_reference"] == "UU 14/2008 Pasal 17 huruf h angka 2"
    assert "RAHASIA" not in json.dumps(data)


def test_anonymous_reads_are_served_from_the_cache_until_what_they_list_changes(
    client, opd, opd_admin, ppid_utama, django_capture_on_commit_callbacks
):
    InformationItemFactory.create_batch(3, opd=opd)
    # The OPD's list: a publication there shows at once (an unfiltered list
    # may miss it for PPID_CACHE_NEW_MEMBERS_SECONDS).
    url = "{}?opd={}".format(URL, opd.slug)
    first = client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url)
    assert len(ctx) == 0
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Allow"] == first["Allow"]
    assert first.json()["count"] == 3

    # A publication in the OPD makes its cached lists stale.
    item = InformationItemFactory(opd=opd, status=InformationItem.Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_item(item=item, by=ppid_utama)
    assert client.get(url).json()["count"] == 4

    # Staff see their drafts: a logged-in read is never served from, nor
    # stored in, the visitors' cache.
    InformationItemFactory(opd=opd, status=InformationItem.Status.DRAFT)
    client.get(url)
    client.force_login(opd_admin)
    assert client.get(url).json()["count"] == 5
    client.logout()
    assert client.get(url).json()["count"] == 4
