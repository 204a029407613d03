import datetime

import pytest
from django.urls import reverse

from opds.models import Opd
from tests.factories import OpdFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_opd_list_shows_current_opds_in_indonesian(client, opd, other_opd):
    OpdFactory(
        short_name="DINLAMA", name="Dinas Lama", valid_to=datetime.date(2020, 1, 1)
    )
    response = client.get(reverse("opds:opd-list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Dinas Kesehatan" in body and "Dinas Lingkungan Hidup" in body
    assert "Dinas Lama" not in body
    assert "2 perangkat daerah ditemukan" in body
    assert '<html lang="id">' in body


def test_opd_list_search_returns_only_results_to_htmx(client, opd, other_opd):
    response = client.get(
        reverse("opds:opd-list"), {"q": "kesehatan"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "Dinas Kesehatan" in body
    assert "Dinas Lingkungan Hidup" not in body
    assert "<html" not in body


def test_opd_list_with_a_bad_date_says_which_field(client, opd):
    response = client.get(reverse("opds:opd-list"), {"valid_on": "kemarin"})
    assert response.status_code == 200
    assert "tanggal" in response.content.decode().lower()


def test_opd_profile_shows_contacts_and_history(client, opd, superuser):
    from opds.services import merge_opds

    new = merge_opds(
        predecessors=[opd],
        name="Dinas Kesehatan dan KB",
        short_name="DINKESKB",
        kind=Opd.Kind.DINAS,
        effective=datetime.date(2026, 1, 1),
        by=superuser,
    )
    old_page = client.get(opd.get_absolute_url()).content.decode()
    assert "Dinas Kesehatan dan KB" in old_page
    new_page = client.get(new.get_absolute_url()).content.decode()
    assert "Dinas Kesehatan" in new_page and opd.get_absolute_url() in new_page


def test_unknown_opd_profile_is_404(client, db):
    assert client.get("/perangkat-daerah/tidak-ada/").status_code == 404


def test_dashboard_sends_visitors_to_log_in(client, db):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_dashboard_of_opd_admin_shows_own_opd(client, opd_admin, other_opd):
    client.force_login(opd_admin)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert list(response.context["opds"]) == [opd_admin.opd]


def test_dashboard_of_dinkominfo_lists_every_opd(client, opd, other_opd):
    client.force_login(UserFactory(role="dinkominfo"))
    response = client.get(reverse("dashboard"))
    assert set(response.context["opds"]) == {opd, other_opd}


def test_account_without_role_gets_no_dashboard(client, db):
    client.force_login(UserFactory())
    assert client.get(reverse("dashboard")).status_code == 403


def test_opd_admin_edits_own_profile(client, opd, opd_admin):
    client.force_login(opd_admin)
    url = reverse("opds:opd-edit", args=[opd.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"phone": "(0281) 891046", "email": "dinkes@purbalinggakab.go.id"}
    )
    assert response.status_code == 302
    opd.refresh_from_db()
    assert opd.phone == "(0281) 891046"


def test_opd_admin_cannot_edit_other_opd_profile(client, other_opd, opd_admin):
    client.force_login(opd_admin)
    url = reverse("opds:opd-edit", args=[other_opd.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"phone": "1"}).status_code == 403
    other_opd.refresh_from_db()
    assert other_opd.phone == ""


def test_profile_edit_sends_visitors_to_log_in(client, opd):
    response = client.post(reverse("opds:opd-edit", args=[opd.slug]), {"phone": "1"})
    assert response.status_code == 302
    opd.refresh_from_db()
    assert opd.phone == ""


def test_invalid_profile_names_the_field_and_saves_nothing(client, opd, opd_admin):
    client.force_login(opd_admin)
    response = client.post(
        reverse("opds:opd-edit", args=[opd.slug]),
        {"phone": "(0281) 1", "email": "bukan-surel"},
    )
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert "alamat email" in response.content.decode().lower()
    opd.refresh_from_db()
    assert (opd.phone, opd.email) == ("", "")


@pytest.mark.parametrize(
    ("name", "own_text"),
    [
        ("home", "Portal Informasi Publik Kabupaten Purbalingga"),
        ("ppid:public-information", "Informasi yang dikecualikan"),
        ("ppid:request-guide", "paling lambat 10 hari kerja"),
        ("login", "Masuk petugas"),
    ],
)
def test_public_pages_render_in_indonesian_with_the_navigation(
    client, db, name, own_text
):
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert own_text in body
    nav = body[body.index("<nav") : body.index("</nav>")]
    # The menu citizens of Indonesian PPID portals expect (issue 18, point 2).
    for label in [
        "Informasi Publik",
        "Informasi yang dikecualikan (DIK)",
        "Perangkat Daerah",
        "Permohonan & Keberatan",
        "Lacak permohonan",
        "Statistik & Laporan",
        "Kesiapan KIP",
        "Profil PPID",
    ]:
        assert label in nav, label
    assert "Dasbor" not in nav
    assert "cdn" not in body.lower()


def test_staff_see_the_dashboard_in_the_navigation(client, opd_admin):
    client.force_login(opd_admin)
    body = client.get(reverse("home")).content.decode()
    assert "Dasbor" in body[body.index("<nav") : body.index("</nav>")]


def test_demo_login_works_through_the_login_page(client, opd_admin):
    from tests.factories import PASSWORD

    response = client.post(
        reverse("login"), {"username": "admin-dinkes", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def _make_kecamatan_with_kelurahan(n: int) -> Opd:
    kecamatan = OpdFactory(short_name="KEC-PURBALINGGA", kind=Opd.Kind.KECAMATAN)
    for i in range(n):
        OpdFactory(
            short_name="KEL-{}".format(i), kind=Opd.Kind.KELURAHAN, parent=kecamatan
        )
    return kecamatan


@pytest.mark.parametrize("size", [2, 40])
def test_opd_pages_run_a_fixed_number_of_queries(
    client, db, size, django_assert_max_num_queries
):
    kecamatan = _make_kecamatan_with_kelurahan(size)
    with django_assert_max_num_queries(2):
        assert client.get(reverse("opds:opd-list")).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(kecamatan.get_absolute_url()).status_code == 200
