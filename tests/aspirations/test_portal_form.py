"""The citizen's aspiration form, the receipt shown once, tracking with the
code and the citizen's reply (issue 19)."""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from PIL import Image

from aspirations.inbox import services as inbox
from aspirations.inbox.models import Case, CaseFile, Contact, Message, State
from aspirations.portal import services as portal
from core import files
from opds import permissions as perms
from ppid.requests import personal_data
from tests.factories import OpdFactory, UserFactory

pytestmark = pytest.mark.django_db

# A Monday with no holiday near it: the clocks are plain working days.
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
RECEIVED = datetime.datetime(2026, 2, 2, 10, 0, tzinfo=JAKARTA)


def t(msgid: str, **values: str) -> str:
    with translation.override("id"):
        text = str(translation.gettext(msgid))
    return text % values if values else text


@pytest.fixture(autouse=True)
def _received_on_a_monday(monkeypatch):
    moment = RECEIVED
    monkeypatch.setattr(portal, "now", lambda: moment)


@pytest.fixture
def kecamatan(db):
    return OpdFactory(
        short_name="KEC-KLM", name="Kecamatan Kalimanah", kind="kecamatan"
    )


@pytest.fixture
def coordinator(db):
    return UserFactory(username="koordinator", role="dinkominfo")


def png(name: str = "foto.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (120, 90, 60)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def form_data(**overrides):
    data = {
        "kind": "complaint",
        "title": "Jalan berlubang",
        "text": "Jalan desa di depan SD Negeri 1 berlubang sejak Januari.",
        "opd": "",
        "kecamatan": "",
        "village": "",
        "name": "Siti Aminah",
        "phone": "0812-3456-7890",
        "email": "siti@contoh.id",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def held_on_disk() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / files.HELD_FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


def nothing_saved() -> bool:
    return not (
        Case.objects.exists()
        or Contact.objects.exists()
        or Message.objects.exists()
        or CaseFile.objects.exists()
    )


def test_a_citizen_sends_an_aspiration_and_gets_the_code_once(client, opd, kecamatan):
    response = client.post(
        reverse("aspirations:submit"),
        {
            **form_data(opd=str(opd.pk), kecamatan=str(kecamatan.pk)),
            "village": "Desa Kalimanah Wetan",
            "files": png("lubang.png"),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("aspirations:submitted")
    receipt = client.get(response["Location"])
    case = Case.objects.get()
    code = receipt.context["code"]
    html = receipt.content.decode()
    assert case.number in html and code in html
    # The clocks' dates: routed within 3 working days of Monday 2 February.
    assert case.routing_due == datetime.date(2026, 2, 5)
    assert date_format(case.routing_due, "l, j F Y") in html
    # Shown once: the page does not show it again.
    assert client.get(reverse("aspirations:submitted")).status_code == 302

    assert case.channel == "portal"
    assert case.kind == "complaint"
    assert case.state == State.NEW
    assert case.opd is None  # the coordinator routes
    assert case.suggested_opd == opd
    assert case.kecamatan == kecamatan
    assert case.village == "Desa Kalimanah Wetan"
    assert case.received_at == RECEIVED
    assert personal_data.tracking_code_matches(code, case.tracking_code_hash)
    assert code not in case.thread_key
    contact = case.contact
    assert contact.name == "Siti Aminah"
    assert personal_data.decrypt(contact.phone_encrypted) == "6281234567890"
    assert "3456" not in contact.phone_masked and contact.phone_masked.endswith("890")
    (message,) = case.messages.all()
    assert message.direction == "in"
    assert message.text.startswith("Jalan desa")
    (stored,) = case.files.all()
    assert stored.original_name == "lubang.png"
    assert message.attachments == [{"file": stored.pk, "name": "lubang.png"}]
    assert case.events.get().action == "received"


WRONG = [
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"text": ""}, "text"),
    ({"kind": "spam"}, "kind"),
    ({"name": ""}, "name"),
    ({"phone": "", "email": ""}, "phone"),
    ({"phone": "nomor saya"}, "phone"),
    ({"phone": "12345"}, "phone"),
    ({"email": "siti@"}, "email"),
    ({"opd": "999999"}, "opd"),
    ({"village": "x" * 101}, "village"),
    ({"website": "http://spam.example"}, "website"),
]


@pytest.mark.parametrize("overrides,field", WRONG)
def test_every_wrong_input_names_its_field_and_saves_nothing(client, overrides, field):
    response = client.post(reverse("aspirations:submit"), form_data(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert t("Nothing was sent. Please correct the fields marked below.") in (
        response.content.decode()
    )
    assert nothing_saved()


def test_a_kecamatan_must_be_a_kecamatan(client, opd):
    response = client.post(
        reverse("aspirations:submit"), form_data(kecamatan=str(opd.pk))
    )
    assert response.status_code == 400
    assert "kecamatan" in response.context["form"].errors
    assert nothing_saved()


def test_a_refused_file_says_why_and_nothing_is_saved(client):
    response = client.post(
        reverse("aspirations:submit"),
        {**form_data(), "files": SimpleUploadedFile("x.svg", b"<svg onload='x'/>")},
    )
    assert response.status_code == 400
    assert "files" in response.context["form"].errors
    assert "x.svg" in response.content.decode()
    assert nothing_saved()


def test_the_service_refuses_a_wrong_phone_in_indonesian_words():
    with pytest.raises(Exception) as caught:
        portal.submit_aspiration(data=form_data(phone="+1 202 555 0100"))
    assert set(caught.value.message_dict) == {"phone"}
    assert nothing_saved()


def test_files_are_kept_while_the_form_is_corrected(client):
    url = reverse("aspirations:submit")
    first = client.post(url, {**form_data(title=""), "files": png("rusak.png")})
    assert first.status_code == 400
    html = first.content.decode()
    assert t("File %(name)s was received", name="rusak.png") in html
    kept = re.findall(r'name="files_held" value="([^"]+)"', html)
    assert len(kept) == 1 and len(held_on_disk()) == 1
    assert nothing_saved()

    again = client.post(url, {**form_data(), "files_held": kept})
    assert again.status_code == 302
    assert Case.objects.get().files.get().original_name == "rusak.png"
    assert held_on_disk() == []

    # Another session cannot claim a kept file.
    stranger = Client()
    first = client.post(url, {**form_data(title=""), "files": png()})
    kept = re.findall(r'name="files_held" value="([^"]+)"', first.content.decode())
    response = stranger.post(url, {**form_data(), "files_held": kept})
    assert response.status_code == 400
    assert Case.objects.count() == 1


def test_an_anonymous_citizen_needs_no_name_nor_contact(client, opd, coordinator):
    response = client.post(
        reverse("aspirations:submit"),
        form_data(name="", phone="", email="", anonymous="on"),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.anonymous
    assert case.messages.get().author_name == ""
    # The name given by an anonymous citizen stays with the coordinator.
    client.post(
        reverse("aspirations:submit"),
        form_data(name="Budi", anonymous="on", title="Kedua"),
    )
    second = Case.objects.get(title="Kedua")
    assert second.messages.get().author_name == ""
    assert second.contact.name == "Budi"
    inbox.route(case=second, by=coordinator, opd=opd)
    admin = UserFactory(username="admin-opd", role="opd_admin", opd=opd)
    second.refresh_from_db()
    assert perms.can_see_case_contact(coordinator, second)
    assert not perms.can_see_case_contact(admin, second)


def test_whistle_blowing_is_confidential_and_hidden_from_other_opds(
    client, opd, other_opd, coordinator, ppid_utama
):
    response = client.post(
        reverse("aspirations:submit"),
        form_data(kind="whistleblowing", title="Pungutan liar"),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.confidential
    inbox.route(case=case, by=coordinator, opd=opd)
    own = UserFactory(username="admin-a", role="opd_admin", opd=opd)
    other = UserFactory(username="admin-b", role="opd_admin", opd=other_opd)
    assert list(perms.cases_visible_to(own)) == [case]
    assert not perms.cases_visible_to(other).exists()
    assert not perms.cases_visible_to(ppid_utama).exists()
    assert list(perms.cases_visible_to(coordinator)) == [case]


def test_an_information_request_is_accepted_and_points_to_the_ppid_form(client):
    form = client.get(reverse("aspirations:submit")).content.decode()
    # In the kind's help, as a link (not escaped), besides the menu's.
    main = form.split('id="main"')[1]
    assert 'href="{}"'.format(reverse("ppid:request-form")) in main.replace("'", '"')
    response = client.post(
        reverse("aspirations:submit"), form_data(kind="information_request")
    )
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    assert reverse("ppid:request-form") in receipt
    assert Case.objects.get().kind == "information_request"


def test_the_form_is_rate_limited(client, settings):
    settings.ASPIRATION_SUBMISSIONS_PER_HOUR = 2
    url = reverse("aspirations:submit")
    assert client.post(url, form_data(title="Satu")).status_code == 302
    assert client.post(url, form_data(title="Dua")).status_code == 302
    blocked = client.post(url, form_data(title="Tiga"))
    assert blocked.status_code == 429
    assert Case.objects.count() == 2


def test_the_village_list_offers_the_kelurahan_of_the_kecamatan(client, kecamatan):
    other = OpdFactory(
        short_name="KEC-BKT", name="Kecamatan Bukateja", kind="kecamatan"
    )
    OpdFactory(
        short_name="KEL-KLM",
        name="Kelurahan Kalikabong",
        kind="kelurahan",
        parent=kecamatan,
    )
    OpdFactory(
        short_name="KEL-BKT", name="Kelurahan Bukateja", kind="kelurahan", parent=other
    )
    page = client.get(reverse("aspirations:villages"), {"kecamatan": kecamatan.pk})
    html = page.content.decode()
    assert "Kelurahan Kalikabong" in html and "Kelurahan Bukateja" not in html
    assert (
        client.get(reverse("aspirations:villages"), {"kecamatan": "x"}).content.strip()
        == b""
    )
    # A form sent back keeps the list of the chosen kecamatan.
    back = client.post(
        reverse("aspirations:submit"), form_data(title="", kecamatan=str(kecamatan.pk))
    )
    assert "Kelurahan Kalikabong" in back.content.decode()


def test_the_public_menu_offers_the_form(client):
    html = client.get(reverse("home")).content.decode()
    menu = html.split('id="main-nav"')[1].split("</nav>")[0]
    assert 'href="{}"'.format(reverse("aspirations:submit")) in menu
    assert 'href="{}"'.format(reverse("aspirations:track")) in menu


# --- Tracking -------------------------------------------------------------------


def _submit(client) -> tuple[Case, str]:
    client.post(reverse("aspirations:submit"), form_data())
    code = client.get(reverse("aspirations:submitted")).context["code"]
    return Case.objects.latest("pk"), code


def test_a_wrong_code_shows_nothing(client):
    case, code = _submit(client)
    stranger = Client()
    response = stranger.post(
        reverse("aspirations:track"),
        {"number": case.number, "tracking_code": "AAAABBBBCCCC"},
    )
    assert response.status_code == 400
    assert "tracking_code" in response.context["form"].errors
    url = reverse("aspirations:track-case", args=[portal.url_key(case)])
    # The bookmarked link asks for the code, and says nothing of the case.
    asked = stranger.get(url)
    assert asked.status_code == 200
    assert asked.context["asked_number"] == case.number
    assert case.title not in asked.content.decode()
    assert stranger.post(url, {"text": "Halo"}).status_code == 404
    # With the code (typed in lower case, with spaces) the case opens.
    found = stranger.post(
        reverse("aspirations:track"),
        {"number": portal.url_key(case), "tracking_code": " ".join(code.lower())},
    )
    assert found.status_code == 302 and found["Location"] == url
    assert case.title in stranger.get(url).content.decode()


def test_the_citizen_reads_replies_not_notes_and_replies(
    client, coordinator, opd, monkeypatch
):
    case, _code = _submit(client)
    # The staff answer now; the citizen's reply comes after it.
    monkeypatch.setattr(portal, "now", timezone.now)
    inbox.reply(case=case, by=coordinator, text="Laporan Anda kami teruskan.")
    inbox.reply(
        case=case,
        by=coordinator,
        text="Catatan internal: cek dulu ke desa.",
        reply_kind=Message.ReplyKind.NOTE,
    )
    case = inbox.route(case=case, by=coordinator, opd=opd)
    admin = UserFactory(username="admin-opd", role="opd_admin", opd=opd)
    inbox.reply(case=case, by=admin, text="Sudah kami tambal.", follow_up=True)
    case.refresh_from_db()
    assert case.state == State.ANSWERED
    url = reverse("aspirations:track-case", args=[portal.url_key(case)])
    page = client.get(url)
    html = page.content.decode()
    assert "Laporan Anda kami teruskan." in html
    assert "Sudah kami tambal." in html
    assert "Catatan internal" not in html
    assert date_format(case.auto_close_on, "l, j F Y") in html

    # Not settled: the citizen replies, and the case goes back to the OPD.
    response = client.post(url, {"text": "Masih berlubang di sisi utara."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS
    last = case.messages.filter(direction="in").last()
    assert last.text == "Masih berlubang di sisi utara."
    assert last.author_name == "Siti Aminah"
    assert case.events.filter(action="citizen_replied").exists()

    empty = client.post(url, {"text": ""})
    assert empty.status_code == 400
    assert "text" in empty.context["form"].errors


def test_a_closed_case_takes_no_reply(client, coordinator):
    case, _code = _submit(client)
    inbox.archive(case=case, by=coordinator, reason="Uji coba.")
    url = reverse("aspirations:track-case", args=[portal.url_key(case)])
    assert client.get(url).context["form"] is None
    response = client.post(url, {"text": "Halo?"})
    assert response.status_code == 400
    assert case.messages.count() == 1
