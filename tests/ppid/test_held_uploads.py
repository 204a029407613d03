"""Files that passed the upload gate survive a form that comes back with an
error (issue 18): the KTP scan of a request and an item's files are kept
server-side under a token signed with the session, so a resubmit without
choosing them again keeps them, and nobody else can claim them."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from core import files
from ppid.catalogue.models import InformationItem
from ppid.requests.models import InformationRequest, RequestFile
from tests.factories import pdf_bytes
from tests.ppid.test_request_views import form_data
from tests.ppid.test_views import FORM as ITEM_FORM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(on):
    on(datetime.date(2026, 3, 16))


def t(msgid: str, **values: str) -> str:
    with translation.override("id"):
        return (
            str(translation.gettext(msgid)) % values
            if values
            else str(translation.gettext(msgid))
        )


def png(name: str = "ktp.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 180, 160)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def held_on_disk() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / files.HELD_FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


def tokens(html: str, field: str) -> list[str]:
    return re.findall(r'name="{}_held" value="([^"]+)"'.format(re.escape(field)), html)


def test_the_ktp_scan_is_kept_when_the_request_form_comes_back(client):
    url = reverse("ppid:request-form")
    first = client.post(
        url, {**form_data(full_name=""), "identity_scan": png("ktp-siti.png")}
    )
    assert first.status_code == 400
    html = first.content.decode()
    assert t("File %(name)s was received", name="ktp-siti.png") in html
    assert len(held_on_disk()) == 1
    kept = tokens(html, "identity_scan")
    assert len(kept) == 1

    # Sent again with the name filled in and no file chosen: the scan is on
    # the request, and the kept copy is gone.
    again = client.post(url, {**form_data(), "identity_scan_held": kept})
    assert again.status_code == 302
    scan = InformationRequest.objects.get().files.get(kind=RequestFile.Kind.IDENTITY)
    assert scan.original_name == "ktp-siti.png"
    assert held_on_disk() == []


def test_another_session_cannot_claim_a_kept_file(client):
    url = reverse("ppid:request-form")
    first = client.post(url, {**form_data(full_name=""), "identity_scan": png()})
    kept = tokens(first.content.decode(), "identity_scan")
    stranger = Client()
    response = stranger.post(url, {**form_data(), "identity_scan_held": kept})
    assert response.status_code == 400
    assert (
        t("A file you sent earlier is no longer kept; please choose it again.")
        in response.content.decode()
    )
    assert not InformationRequest.objects.exists()
    assert len(held_on_disk()) == 1


def test_a_forged_or_stale_token_opens_nothing(client, monkeypatch):
    url = reverse("ppid:request-form")
    first = client.post(url, {**form_data(full_name=""), "identity_scan": png()})
    kept = tokens(first.content.decode(), "identity_scan")[0]
    session = client.session
    assert files.held_file(session, "identity_scan", kept) is not None
    # Not for another field, not altered, not after its time.
    assert files.held_file(session, "files", kept) is None
    assert files.held_file(session, "identity_scan", kept[:-2] + "xx") is None
    monkeypatch.setattr(files, "HELD_MAX_AGE", -1)
    assert files.held_file(session, "identity_scan", kept) is None
    # The sweep removes what is older than its age.
    assert files.purge_held_files(max_age=-1) == 1
    assert held_on_disk() == []


def test_a_refused_file_says_why_and_is_not_kept(client):
    response = client.post(
        reverse("ppid:request-form"),
        {
            **form_data(full_name=""),
            "identity_scan": SimpleUploadedFile("ktp.svg", b"<svg onload='x'/>"),
        },
    )
    assert response.status_code == 400
    assert "identity_scan" in response.context["form"].errors
    assert "ktp.svg" in response.content.decode()
    assert held_on_disk() == []


def test_a_new_file_replaces_the_kept_one(client):
    url = reverse("ppid:request-form")
    first = client.post(url, {**form_data(full_name=""), "identity_scan": png()})
    kept = tokens(first.content.decode(), "identity_scan")
    response = client.post(
        url,
        {
            **form_data(),
            "identity_scan_held": kept,
            "identity_scan": png("ktp-baru.png"),
        },
    )
    assert response.status_code == 302
    scan = InformationRequest.objects.get().files.get()
    assert scan.original_name == "ktp-baru.png"
    assert held_on_disk() == []


def test_an_items_files_are_kept_and_one_can_be_left_out(client, opd, opd_admin):
    client.force_login(opd_admin)
    url = reverse("ppid:item-create")
    first = client.post(
        url,
        {
            **ITEM_FORM,
            "title": "",
            "files": [
                SimpleUploadedFile("renstra.pdf", pdf_bytes("Renstra")),
                SimpleUploadedFile("lampiran.pdf", pdf_bytes("Lampiran")),
            ],
        },
    )
    assert first.status_code == 400
    html = first.content.decode()
    for name in ("renstra.pdf", "lampiran.pdf"):
        assert t("File %(name)s was received", name=name) in html
    kept = tokens(html, "files")
    assert len(kept) == 2 and len(held_on_disk()) == 2

    # Still wrong: the files stay kept, with the same tokens.
    second = client.post(url, {**ITEM_FORM, "title": "", "files_held": kept})
    assert tokens(second.content.decode(), "files") == kept

    # Only the first stays ticked.
    response = client.post(url, {**ITEM_FORM, "files_held": kept[:1]})
    assert response.status_code == 302
    item = InformationItem.objects.get()
    assert [f.original_name for f in item.files.all()] == ["renstra.pdf"]
    # The one left out waits for the hourly sweep.
    assert len(held_on_disk()) == 1
    assert files.purge_held_files(max_age=-1) == 1


def test_the_edit_form_keeps_files_too(client, opd, opd_admin):
    from tests.factories import InformationItemFactory

    item = InformationItemFactory(opd=opd, category="setiap_saat", status="draft")
    client.force_login(opd_admin)
    url = reverse("ppid:item-edit", args=[item.pk])
    first = client.post(
        url,
        {
            **ITEM_FORM,
            "summary": "",
            "files": [SimpleUploadedFile("peta.pdf", pdf_bytes("Peta"))],
        },
    )
    assert first.status_code == 400
    kept = tokens(first.content.decode(), "files")
    response = client.post(url, {**ITEM_FORM, "files_held": kept})
    assert response.status_code == 302
    assert [f.original_name for f in item.files.all()] == ["peta.pdf"]


def test_a_throttled_address_leaves_no_file_on_the_disk(client, settings):
    settings.PPID_REQUEST_SUBMISSIONS_PER_HOUR = 2
    url = reverse("ppid:request-form")
    for _attempt in range(2):
        refused = client.post(
            url, {**form_data(full_name=""), "identity_scan": png("ktp.png")}
        )
        assert refused.status_code == 400
    assert len(held_on_disk()) == 2
    # Past the limit, every further attempt is refused and keeps nothing.
    for _attempt in range(3):
        flood = client.post(
            url, {**form_data(full_name=""), "identity_scan": png("ktp.png")}
        )
        assert flood.status_code == 429
        assert 'name="identity_scan_held"' not in flood.content.decode()
    assert len(held_on_disk()) == 2
