"""The Profil PPID: kept by PPID Utama in the admin, shown to everyone."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ppid.profile.demo import seed_profile
from ppid.profile.models import PpidProfile, StandardProcedure
from tests.factories import UserFactory, pdf_bytes

pytestmark = pytest.mark.django_db


def _profile_post(**overrides):
    data = {
        "decree_number": "Keputusan Bupati Purbalingga Nomor 1 Tahun 2026",
        "decree_title": "PPID Kabupaten Purbalingga",
        "decree_date": "2026-01-05",
        "structure": "Atasan PPID: Sekretaris Daerah",
        "vision": "Terbuka",
        "mission": "Satu\nDua",
        "service_notice": "Kami sanggup melayani.",
        "address": "Jl. Contoh 1",
        "office_hours": "Senin-Kamis 07.30-16.00",
        "phone": "(0281) 1",
        "email": "ppid@example.test",
        "whatsapp": "081200000000",
        "procedures-TOTAL_FORMS": "1",
        "procedures-INITIAL_FORMS": "0",
        "procedures-MIN_NUM_FORMS": "0",
        "procedures-MAX_NUM_FORMS": "1000",
        "procedures-0-position": "1",
        "procedures-0-title": "SOP Permohonan",
        "procedures-0-description": "",
        "procedures-0-file": SimpleUploadedFile(
            "sop.pdf", pdf_bytes("SOP"), content_type="application/pdf"
        ),
    }
    data.update(overrides)
    return data


@pytest.fixture
def ppid_utama_staff(db):
    # PPID Utama opens the admin (is_staff) but holds no Django model permission.
    return UserFactory(username="ppid-utama", role="ppid_utama", is_staff=True)


def test_ppid_utama_writes_the_profile_in_the_admin_and_the_public_sees_it(
    client, ppid_utama_staff
):
    client.force_login(ppid_utama_staff)
    assert b"ppidprofile" in client.get(reverse("admin:index")).content
    response = client.post(
        reverse("admin:ppid_ppidprofile_add"),
        _profile_post(
            decree_file=SimpleUploadedFile(
                "sk.pdf", pdf_bytes("SK"), content_type="application/pdf"
            )
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = PpidProfile.objects.get()
    assert profile.updated_by == ppid_utama_staff
    assert profile.decree_file.name.startswith("ppid/profil/")
    assert StandardProcedure.objects.get().title == "SOP Permohonan"
    # One profile: no second one can be added.
    assert client.get(reverse("admin:ppid_ppidprofile_add")).status_code == 403

    client.logout()
    page = client.get(reverse("ppid:profile"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Keputusan Bupati Purbalingga Nomor 1 Tahun 2026" in text
    assert "https://wa.me/6281200000000" in text
    assert "Senin-Kamis 07.30-16.00" in text
    decree = client.get(reverse("ppid:profile-file", args=["sk"]))
    assert decree.status_code == 200
    assert decree["Content-Type"] == "application/pdf"
    assert "sandbox" in decree["Content-Security-Policy"]
    sops = client.get(reverse("ppid:profile-procedures")).content.decode()
    assert "SOP Permohonan" in sops
    sop = StandardProcedure.objects.get()
    assert client.get(reverse("ppid:profile-sop-file", args=[sop.pk])).status_code == (
        200
    )


def test_a_file_the_upload_gate_refuses_is_refused_naming_the_field(
    client, ppid_utama_staff
):
    client.force_login(ppid_utama_staff)
    response = client.post(
        reverse("admin:ppid_ppidprofile_add"),
        _profile_post(
            decree_file=SimpleUploadedFile(
                "sk.pdf", b"<script>alert(1)</script>", content_type="application/pdf"
            )
        ),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["decree_file"]
    assert not PpidProfile.objects.exists()


def test_an_office_document_is_not_a_decree(client, ppid_utama_staff):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>")
    client.force_login(ppid_utama_staff)
    response = client.post(
        reverse("admin:ppid_ppidprofile_add"),
        _profile_post(
            decree_file=SimpleUploadedFile("sk.odt", buffer.getvalue()),
        ),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["decree_file"]
    assert not PpidProfile.objects.exists()


def test_a_whatsapp_number_with_letters_is_refused(client, ppid_utama_staff):
    client.force_login(ppid_utama_staff)
    response = client.post(
        reverse("admin:ppid_ppidprofile_add"), _profile_post(whatsapp="hubungi kami")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["whatsapp"]
    assert not PpidProfile.objects.exists()


@pytest.mark.parametrize("role", ["opd_admin", "dinkominfo", "atasan_ppid"])
def test_other_roles_cannot_open_the_profile_in_the_admin(client, opd, role):
    user = UserFactory(role=role, opd=opd if role == "opd_admin" else None)
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert b"ppidprofile" not in client.get(reverse("admin:index")).content
    assert client.get(reverse("admin:ppid_ppidprofile_add")).status_code == 403
    assert client.get(reverse("admin:ppid_ppidprofile_changelist")).status_code == 403


def test_an_empty_profile_says_so_and_files_are_404(client):
    page = client.get(reverse("ppid:profile"))
    assert page.status_code == 200
    assert client.get(reverse("ppid:profile-file", args=["sk"])).status_code == 404
    assert client.get(reverse("ppid:profile-file", args=["lain"])).status_code == 404
    assert client.get(reverse("ppid:profile-sop-file", args=[1])).status_code == 404


def test_the_demo_profile_fills_every_section_once(client, ppid_utama):
    assert seed_profile() == 1
    assert seed_profile() == 0
    profile = PpidProfile.objects.get()
    assert profile.updated_by == ppid_utama
    assert profile.decree_file and profile.structure_file
    assert profile.service_notice_file
    assert StandardProcedure.objects.count() >= 4
    for name in ("ppid:profile", "ppid:profile-structure", "ppid:profile-notice"):
        assert client.get(reverse(name)).status_code == 200
    assert "Jumat" in client.get(reverse("ppid:profile")).content.decode()
    assert client.get(reverse("ppid:profile-file", args=["struktur"])).status_code == (
        200
    )


def test_ppid_utama_sees_a_link_to_edit_the_profile(client, ppid_utama_staff):
    edit = reverse("admin:ppid_ppidprofile_add")
    assert edit not in client.get(reverse("ppid:profile")).content.decode()
    client.force_login(ppid_utama_staff)
    assert edit in client.get(reverse("ppid:profile")).content.decode()
