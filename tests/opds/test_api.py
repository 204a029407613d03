import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from opds.models import Opd
from tests.factories import PASSWORD, OpdFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/opds/"


def test_list_is_public_and_paginated(api_client, opd, other_opd):
    response = api_client.get(LIST_URL)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 2
    assert set(data["results"][0]) == {
        "id",
        "slug",
        "short_name",
        "name",
        "kind",
        "website",
        "parent",
    }


def test_list_filters_by_kind_and_parent(api_client):
    kec = OpdFactory(short_name="KEC-PURBALINGGA", kind=Opd.Kind.KECAMATAN)
    OpdFactory(short_name="KEL-BOJONG", kind=Opd.Kind.KELURAHAN, parent=kec)
    OpdFactory(short_name="DINKES")
    kinds = api_client.get(LIST_URL, {"kind": "kecamatan"}).json()["results"]
    assert [o["slug"] for o in kinds] == ["kec-purbalingga"]
    children = api_client.get(LIST_URL, {"parent": "kec-purbalingga"}).json()
    assert [o["parent"] for o in children["results"]] == ["kec-purbalingga"]


def test_list_with_a_bad_filter_names_the_field(api_client, opd):
    response = api_client.get(LIST_URL, {"kind": "kementerian", "valid_on": "x"})
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "valid_on"}


def test_detail_by_slug(api_client, opd):
    response = api_client.get(LIST_URL + "dinkes/")
    assert response.status_code == 200
    assert response.json()["name"] == "Dinas Kesehatan"
    assert response.json()["predecessors"] == []


@pytest.mark.parametrize(
    "url", [LIST_URL + "tidak-ada/", LIST_URL + "?page=99", "/api/v1/tidak-ada/"]
)
def test_unknown_things_are_json_404(api_client, opd, url):
    response = api_client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_list_query_count_does_not_grow_with_rows(api_client):
    kec = OpdFactory(short_name="KEC-A", kind=Opd.Kind.KECAMATAN)
    OpdFactory(short_name="KEL-A", kind=Opd.Kind.KELURAHAN, parent=kec)
    with CaptureQueriesContext(connection) as few:
        api_client.get(LIST_URL)
    for n in range(18):
        OpdFactory(short_name="KEL-B{}".format(n), kind=Opd.Kind.KELURAHAN, parent=kec)
    with CaptureQueriesContext(connection) as many:
        api_client.get(LIST_URL)
    assert len(many) == len(few) <= 3


def test_token_auth_round_trip(api_client, opd_admin):
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "admin-dinkes", "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(key=token).user == opd_admin
    api_client.credentials(HTTP_AUTHORIZATION="Token " + token)
    response = api_client.patch(
        LIST_URL + "dinkes/", {"phone": "(0281) 891046"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "(0281) 891046"


def test_token_with_wrong_password_is_refused_in_indonesian(api_client, opd_admin):
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "admin-dinkes", "password": "salah"},
        format="json",
    )
    assert response.status_code == 400
    assert "Tidak dapat masuk" in str(response.json())


def test_opd_admin_cannot_patch_other_opd(api_client, opd_admin, other_opd):
    api_client.force_authenticate(opd_admin)
    response = api_client.patch(LIST_URL + "dlh/", {"phone": "1"}, format="json")
    assert response.status_code == 403
    other_opd.refresh_from_db()
    assert other_opd.phone == ""


def test_anonymous_cannot_patch(api_client, opd):
    response = api_client.patch(LIST_URL + "dinkes/", {"phone": "1"}, format="json")
    assert response.status_code in (401, 403)
    opd.refresh_from_db()
    assert opd.phone == ""


def test_patch_of_read_only_field_is_refused_by_name(api_client, opd, opd_admin):
    api_client.force_authenticate(opd_admin)
    response = api_client.patch(
        LIST_URL + "dinkes/", {"name": "Dinas Baru", "phone": "1"}, format="json"
    )
    assert response.status_code == 400
    assert "name" in response.json()
    opd.refresh_from_db()
    assert (opd.name, opd.phone) == ("Dinas Kesehatan", "")


def test_patch_with_bad_email_names_the_field(api_client, opd, opd_admin):
    api_client.force_authenticate(opd_admin)
    response = api_client.patch(
        LIST_URL + "dinkes/", {"email": "bukan-surel"}, format="json"
    )
    assert response.status_code == 400
    assert "email" in response.json()


def test_put_and_delete_are_not_offered(api_client, opd, opd_admin):
    api_client.force_authenticate(opd_admin)
    assert api_client.put(LIST_URL + "dinkes/", {}, format="json").status_code == 405
    assert api_client.delete(LIST_URL + "dinkes/").status_code == 405
    assert Opd.objects.filter(slug="dinkes").exists()


def test_list_follows_the_registry_order(api_client):
    OpdFactory(short_name="KEC-BUKATEJA", name="Kecamatan Bukateja", kind="kecamatan")
    OpdFactory(short_name="DINKES", name="Dinas Kesehatan", kind="dinas")
    OpdFactory(short_name="SETDA", name="Sekretariat Daerah", kind="sekretariat")
    results = api_client.get(LIST_URL).json()["results"]
    assert [o["kind"] for o in results] == ["sekretariat", "dinas", "kecamatan"]


def test_invalid_url_is_a_400_naming_the_field(api_client, superuser, opd):
    api_client.force_authenticate(superuser)
    response = api_client.patch(
        LIST_URL + "dinkes/", {"website": "bukan url"}, format="json"
    )
    assert response.status_code == 400
    assert "website" in response.json()
    opd.refresh_from_db()
    assert opd.website == "https://dinkes.purbalinggakab.go.id"


def test_a_service_validation_error_becomes_a_400_by_field():
    from django.core.exceptions import ValidationError

    from config.exceptions import exception_handler

    response = exception_handler(ValidationError({"phone": ["Salah."]}), {})
    assert response.status_code == 400
    assert response.data == {"phone": ["Salah."]}


def test_malformed_json_is_answered_in_indonesian(api_client, opd_admin):
    api_client.force_authenticate(opd_admin)
    response = api_client.patch(
        LIST_URL + "dinkes/", "[1, 2]", content_type="application/json"
    )
    assert response.status_code == 400
    assert "Data tidak valid" in str(response.json())
