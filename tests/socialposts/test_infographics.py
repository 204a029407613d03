"""Infographics through the pages, the API and the service: images made and
kept with who, when and from what; previews that keep nothing; bad data
refused with the field named; cards only of what the maker may show; and
the post that published a card counted by the evaluation."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Count, Q
from django.urls import reverse
from PIL import Image

from evaluations import services as evaluation_services
from evaluations.models import MonthlyReport
from opds.models import Opd
from ppid.catalogue.models import Category, InformationItem
from socialposts.accounts.models import Post
from socialposts.infographics import services
from socialposts.infographics.engine import DIMENSIONS
from socialposts.infographics.models import Infographic
from tests.evaluations.scenario import SEPTEMBER, finalised_september, vary
from tests.factories import (
    ExclusionDecisionFactory,
    InformationItemFactory,
    OpdFactory,
    PostFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("socialposts:infographic-create")
API = reverse("api:infographic-list")
STEPS = [
    {"title": "Ambil nomor antrean", "text": "Di anjungan mandiri lobi utama."},
    {"title": "Verifikasi berkas", "text": "KTP-el dan kartu BPJS Kesehatan."},
    {"title": "Pemeriksaan dokter", "text": "Tunggu dipanggil di poliklinik."},
]


def _png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image


def _stored(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "infographics"
    return sorted(folder.glob("*.png")) if folder.exists() else []


def _flow_form(**extra: str) -> dict:
    data = {
        "kind": "service_flow",
        "size": "portrait",
        "title": "Alur Pendaftaran Pasien",
        "action": "save",
    }
    for n, step in enumerate(STEPS, start=1):
        data["step_{}_title".format(n)] = step["title"]
        data["step_{}_text".format(n)] = step["text"]
    data.update(extra)
    return data


# --- The pages ------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["portrait", "square", "story"])
def test_an_opd_admin_makes_a_service_flow_through_the_page(
    client, opd, opd_admin, settings, size
):
    client.force_login(opd_admin)
    response = client.post(CREATE, _flow_form(size=size))
    made = Infographic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "socialposts:infographic-detail", args=[made.pk]
    )
    assert (made.opd, made.kind, made.size) == (opd, "service_flow", size)
    assert made.created_by == opd_admin and made.created_at is not None
    assert made.source_item is None and made.post is None
    assert made.data["title"] == "Alur Pendaftaran Pasien"
    assert [s["title"] for s in made.data["steps"]] == [s["title"] for s in STEPS]
    assert "logo" not in made.data
    assert "Ambil nomor antrean" in made.alt_text
    # The file is stored under a generated name, and is the image drawn.
    assert _stored(settings) == [Path(made.image.path)]
    assert made.image.name.startswith("infographics/")
    with made.image.open("rb") as f:
        stored = f.read()
    assert len(stored) < 1024 * 1024
    assert _png(stored).size == DIMENSIONS[size] == (made.width, made.height)
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert made.alt_text in detail.content.decode()


def test_the_preview_draws_the_image_and_keeps_nothing(
    client, opd, opd_admin, settings
):
    client.force_login(opd_admin)
    response = client.post(CREATE, _flow_form(action="preview"))
    assert response.status_code == 200
    assert response.context["preview"]["src"].startswith("data:image/png;base64,")
    assert "Ambil nomor antrean" in response.context["preview"]["alt_text"]
    assert not Infographic.objects.exists()
    assert _stored(settings) == []


def test_the_dashboard_and_the_item_page_lead_to_the_form(client, opd, opd_admin):
    item = InformationItemFactory(opd=opd)
    client.force_login(opd_admin)
    assert CREATE in client.get(reverse("dashboard")).content.decode()
    page = client.get(item.get_absolute_url()).content.decode()
    assert "{}?kind=item_card&amp;item={}".format(CREATE, item.pk) in page
    form = client.get(CREATE, {"kind": "item_card", "item": item.pk})
    assert form.status_code == 200
    assert form.context["item"] == item


def test_a_chart_from_a_csv_that_is_not_a_table_of_numbers_is_refused(
    client, opd, opd_admin, settings
):
    client.force_login(opd_admin)
    response = client.post(
        CREATE,
        {
            "kind": "data_chart",
            "size": "square",
            "title": "Kamar kosong",
            "chart": "bar",
            "csv": "Kelas,Kamar\nKelas I,tujuh\nKelas II,12",
            "action": "save",
        },
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["csv"]
    assert not Infographic.objects.exists()
    assert _stored(settings) == []


def test_a_chart_from_an_uploaded_csv(client, opd, opd_admin):
    client.force_login(opd_admin)
    upload = SimpleUploadedFile(
        "kamar.csv",
        b"Kelas,Kamar kosong\nVIP,3\nKelas I,7\nKelas III,18\n",
        content_type="text/csv",
    )
    response = client.post(
        CREATE,
        {
            "kind": "data_chart",
            "size": "square",
            "title": "Kamar kosong",
            "chart": "bar",
            "csv_file": upload,
            "action": "save",
        },
    )
    assert response.status_code == 302
    made = Infographic.objects.get()
    assert made.data["rows"] == [
        {"label": "VIP", "value": 3.0},
        {"label": "Kelas I", "value": 7.0},
        {"label": "Kelas III", "value": 18.0},
    ]


def test_a_step_without_a_title_is_named_on_the_page(client, opd, opd_admin):
    client.force_login(opd_admin)
    response = client.post(CREATE, _flow_form(step_3_title=""))
    assert response.status_code == 400
    assert "step_3_title" in response.context["form"].errors
    assert not Infographic.objects.exists()


def test_the_atasan_ppid_makes_no_infographics(client, opd):
    atasan = UserFactory(username="atasan", role="atasan_ppid")
    client.force_login(atasan)
    assert client.get(CREATE).status_code == 403
    assert client.get(reverse("socialposts:infographics")).status_code == 200


def test_the_download_is_an_attachment_named_after_the_title(client, opd, opd_admin):
    made = services.make_infographic(
        user=opd_admin,
        draft=services.Draft(
            opd,
            "service_flow",
            "square",
            {"title": "Alur Pendaftaran Pasien", "steps": STEPS},
        ),
    )
    client.force_login(opd_admin)
    response = client.get(reverse("socialposts:infographic-download", args=[made.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        'attachment; filename="infografis-alur-pendaftaran-pasien-{}.png"'.format(
            made.pk
        )
    )
    assert _png(b"".join(response.streaming_content)).size == (1080, 1080)


# --- The API --------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["portrait", "square", "story"])
def test_the_api_answers_the_png_and_keeps_it(api_client, opd, opd_admin, size):
    api_client.force_authenticate(opd_admin)
    response = api_client.post(
        API,
        {"kind": "service_flow", "size": size, "title": "Alur Poli", "steps": STEPS},
        format="json",
    )
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "image/png"
    assert _png(response.content).size == DIMENSIONS[size]
    made = Infographic.objects.get(pk=int(response["X-Infographic-Id"]))
    assert (made.opd, made.size, made.created_by) == (opd, size, opd_admin)
    assert response["Content-Location"] == reverse(
        "socialposts:infographic-image", args=[made.pk]
    )
    with made.image.open("rb") as f:
        assert f.read() == response.content


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"kind": "service_flow", "title": "Alur", "steps": STEPS * 4},
            "steps",
        ),
        ({"kind": "service_flow", "title": "Alur", "steps": STEPS[:1]}, "steps"),
        (
            {
                "kind": "data_chart",
                "title": "Kamar",
                "csv": "Kelas I;tujuh;x\nKelas II;12;y",
            },
            "csv",
        ),
        (
            {
                "kind": "data_chart",
                "title": "Kamar",
                "rows": [
                    {"label": "Kelas {}".format(n), "value": n} for n in range(13)
                ],
            },
            "rows",
        ),
        ({"kind": "service_flow", "steps": STEPS, "title": 12}, "title"),
        ({"kind": "service_flow", "steps": STEPS, "colour": "red"}, "colour"),
        ({"kind": "kip_card", "steps": STEPS}, "steps"),
        ({"kind": "kip_card", "month": "2026-09"}, "month"),
        ({"kind": "item_card"}, "item"),
        ({"kind": "poster"}, "kind"),
        ({"kind": "service_flow", "size": "a4", "steps": STEPS}, "size"),
    ],
)
def test_bad_data_is_a_400_naming_the_field_and_nothing_is_saved(
    api_client, opd, opd_admin, settings, body, field
):
    api_client.force_authenticate(opd_admin)
    response = api_client.post(API, body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()
    assert not Infographic.objects.exists()
    assert _stored(settings) == []


def test_text_too_long_for_the_image_is_refused_naming_the_step(
    api_client, opd, opd_admin
):
    # One word longer than the image is wide, even at the smallest size.
    steps = [STEPS[0], {"title": "W" * 60, "text": "M" * 160}]
    api_client.force_authenticate(opd_admin)
    response = api_client.post(
        API,
        {"kind": "service_flow", "size": "square", "title": "Alur", "steps": steps},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) <= {"steps[1].title", "steps[1].text"}
    assert response.json()
    assert not Infographic.objects.exists()


def test_the_api_refuses_anonymous_callers(api_client, opd):
    response = api_client.post(API, {"kind": "service_flow"}, format="json")
    assert response.status_code in (401, 403)


def test_a_kabupaten_role_names_the_opd(api_client, opd, ppid_utama):
    api_client.force_authenticate(ppid_utama)
    body = {"kind": "service_flow", "title": "Alur", "steps": STEPS}
    refused = api_client.post(API, body, format="json")
    assert refused.status_code == 400 and "opd" in refused.json()
    made = api_client.post(API, {**body, "opd": opd.slug}, format="json")
    assert made.status_code == 200
    assert Infographic.objects.get().opd == opd


def test_an_opd_admin_makes_nothing_for_another_opd(
    api_client, opd, other_opd, opd_admin
):
    api_client.force_authenticate(opd_admin)
    response = api_client.post(
        API,
        {"kind": "service_flow", "opd": other_opd.slug, "title": "A", "steps": STEPS},
        format="json",
    )
    assert response.status_code == 403
    assert not Infographic.objects.exists()


# --- Cards of PPID items -------------------------------------------------------------


def test_another_opds_unpublished_item_is_not_found_but_a_published_one_is_used(
    client, api_client, opd, other_opd, other_opd_admin
):
    draft = InformationItemFactory(opd=opd, status="draft", published_at=None)
    published = InformationItemFactory(opd=opd, title="Daftar Puskesmas 2026")
    client.force_login(other_opd_admin)
    api_client.force_authenticate(other_opd_admin)
    assert client.get(CREATE, {"kind": "item_card", "item": draft.pk}).status_code == (
        404
    )
    preview = {"kind": "item_card", "item": draft.pk, "size": "portrait"}
    assert client.post(CREATE, {**preview, "action": "preview"}).status_code == 404
    assert (
        api_client.post(
            API, {"kind": "item_card", "item": draft.pk}, format="json"
        ).status_code
        == 404
    )
    assert not Infographic.objects.exists()
    response = api_client.post(
        API, {"kind": "item_card", "item": published.pk}, format="json"
    )
    assert response.status_code == 200
    made = Infographic.objects.get()
    # The admin's own OPD posts it; the card shows the item as its OPD holds it.
    assert (made.opd, made.source_item) == (other_opd, published)
    assert made.data["title"] == "Daftar Puskesmas 2026"
    assert made.data["opd_name"] == opd.name
    assert made.data["category"] == str(Category.BERKALA.label)
    assert made.data["url"].endswith(published.get_absolute_url())
    assert made.data["url"].startswith("http")


def test_an_opd_admin_makes_a_card_of_its_own_draft_but_not_of_excluded_information(
    api_client, opd, opd_admin
):
    draft = InformationItemFactory(opd=opd, status="draft", published_at=None)
    excluded = ExclusionDecisionFactory(item__opd=opd).item
    api_client.force_authenticate(opd_admin)
    ok = api_client.post(API, {"kind": "item_card", "item": draft.pk}, format="json")
    assert ok.status_code == 200
    refused = api_client.post(
        API, {"kind": "item_card", "item": excluded.pk}, format="json"
    )
    assert refused.status_code == 403
    assert list(Infographic.objects.values_list("source_item", flat=True)) == [draft.pk]


def test_an_item_card_shortens_a_long_summary_and_takes_the_makers_words(
    api_client, opd, opd_admin
):
    item = InformationItemFactory(opd=opd, summary="Ringkasan panjang " * 200)
    api_client.force_authenticate(opd_admin)
    response = api_client.post(
        API,
        {"kind": "item_card", "item": item.pk, "title": "Judul singkat"},
        format="json",
    )
    assert response.status_code == 200, response.content[:300]
    made = Infographic.objects.get()
    assert made.data["title"] == "Judul singkat"
    assert len(made.data["summary"]) <= services.SUMMARY_CHARS
    assert made.data["summary"].endswith("…")


# --- Linking to the post that published it ----------------------------------------------


def _card(user, opd: Opd, item: InformationItem) -> Infographic:
    draft = services.Draft(opd, "item_card", "portrait", item=item)
    return services.make_infographic(user=user, draft=draft)


def _announcing(opd: Opd) -> int:
    # What evaluations.rules.social_posts counts as posts announcing an item.
    return Post.objects.filter(account__opd=opd).aggregate(
        n=Count("pk", filter=Q(information_item__isnull=False))
    )["n"]


def test_linking_a_card_to_its_post_makes_the_post_announce_the_item(
    client, opd, opd_admin
):
    item = InformationItemFactory(opd=opd)
    card = _card(opd_admin, opd, item)
    post = PostFactory(account__opd=opd, content_type="infografis")
    assert _announcing(opd) == 0
    client.force_login(opd_admin)
    response = client.post(
        reverse("socialposts:infographic-link", args=[card.pk]), {"post": post.pk}
    )
    assert response.status_code == 302
    card.refresh_from_db()
    post.refresh_from_db()
    assert card.post == post and card.linked_at is not None
    assert post.information_item == item
    assert _announcing(opd) == 1


def test_linking_keeps_the_item_a_post_already_announces(opd, opd_admin):
    item = InformationItemFactory(opd=opd)
    other = InformationItemFactory(opd=opd)
    post = PostFactory(account__opd=opd, information_item=other)
    announced = services.link_to_post(
        user=opd_admin, infographic=_card(opd_admin, opd, item), post=post
    )
    post.refresh_from_db()
    assert announced is False and post.information_item == other


def test_a_card_of_another_opds_item_does_not_make_the_post_announce_it(
    opd, other_opd, other_opd_admin
):
    # As on the post's own form: a post announces items of its own OPD.
    item = InformationItemFactory(opd=opd)
    card = _card(other_opd_admin, other_opd, item)
    post = PostFactory(account__opd=other_opd)
    assert not services.link_to_post(user=other_opd_admin, infographic=card, post=post)
    post.refresh_from_db()
    card.refresh_from_db()
    assert card.post == post and post.information_item is None


def test_a_post_of_another_opd_is_refused(client, opd, other_opd, opd_admin):
    card = _card(opd_admin, opd, InformationItemFactory(opd=opd))
    foreign = PostFactory(account__opd=other_opd)
    with pytest.raises(ValidationError) as refused:
        services.link_to_post(user=opd_admin, infographic=card, post=foreign)
    assert "post" in refused.value.message_dict
    client.force_login(opd_admin)
    response = client.post(
        reverse("socialposts:infographic-link", args=[card.pk]), {"post": foreign.pk}
    )
    assert response.status_code == 302
    card.refresh_from_db()
    foreign.refresh_from_db()
    assert card.post is None and foreign.information_item is None


def test_ppid_utama_makes_images_but_does_not_classify_posts(opd, ppid_utama):
    card = _card(ppid_utama, opd, InformationItemFactory(opd=opd))
    assert card.created_by == ppid_utama
    with pytest.raises(PermissionDenied):
        services.link_to_post(
            user=ppid_utama, infographic=card, post=PostFactory(account__opd=opd)
        )


# --- KIP and ranking cards ----------------------------------------------------------------


@pytest.fixture
def on(monkeypatch):
    """Set the day the evaluation services see as today."""

    def set_today(day: datetime.date) -> None:
        monkeypatch.setattr(evaluation_services, "today", lambda: day)

    return set_today


@pytest.fixture
def final_september(on):
    opds = [OpdFactory(short_name="KIP{}".format(n)) for n in range(3)]
    reviewer = UserFactory(username="tim-kip", role="dinkominfo")
    vary(opds, reviewer)
    report = finalised_september(opds, reviewer, on)
    return opds, report


def test_kip_and_ranking_cards_come_from_a_final_month(api_client, final_september):
    opds, report = final_september
    admin = UserFactory(username="admin-kip0", role="opd_admin", opd=opds[0])
    api_client.force_authenticate(admin)
    kip = api_client.post(API, {"kind": "kip_card", "month": "2026-09"}, format="json")
    assert kip.status_code == 200, kip.content[:300]
    card = Infographic.objects.get(kind="kip_card")
    score = report.scores.get(opd=opds[0])
    assert card.source_report == report
    assert card.data["score"] == float(score.score)
    assert card.data["month_label"] == "September 2026"
    assert card.data["change"] is None  # no final month before
    assert card.data["url"].endswith(
        reverse("evaluations:public-month", args=[SEPTEMBER])
    )
    ranking = api_client.post(
        API, {"kind": "ranking_card", "month": "2026-09"}, format="json"
    )
    assert ranking.status_code == 200
    rows = Infographic.objects.get(kind="ranking_card").data["rows"]
    assert [r["opd_name"] for r in rows] == [
        s.opd.name for s in report.scores.order_by("rank", "opd__name", "opd_id")
    ]


def test_a_month_that_is_not_final_makes_no_card(api_client, final_september):
    opds, report = final_september
    MonthlyReport.objects.filter(pk=report.pk).update(status="reply")
    admin = UserFactory(username="admin-kip0", role="opd_admin", opd=opds[0])
    api_client.force_authenticate(admin)
    for kind in ("kip_card", "ranking_card"):
        response = api_client.post(
            API, {"kind": kind, "month": "2026-09"}, format="json"
        )
        assert response.status_code == 400
        assert "month" in response.json()
    assert not Infographic.objects.exists()


# --- Nothing half-saved -------------------------------------------------------------------


def test_a_row_that_fails_leaves_no_file(opd, opd_admin, settings, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Infographic, "save", broken_save)
    with pytest.raises(RuntimeError):
        services.make_infographic(
            user=opd_admin,
            draft=services.Draft(
                opd, "service_flow", "portrait", {"title": "Alur", "steps": STEPS}
            ),
        )
    assert _stored(settings) == []


# --- The demo -------------------------------------------------------------------------------


def test_seed_demo_makes_the_demo_infographics(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    made = Infographic.objects.select_related("opd")
    assert 10 <= made.count() <= 15
    rsud = made.filter(opd__kind=Opd.Kind.RSUD)
    flow = rsud.get(kind="service_flow")
    assert len(flow.data["steps"]) >= 4
    chart = rsud.get(kind="data_chart")
    labels = [row["label"] for row in chart.data["rows"]]
    assert {"Kelas I", "Kelas II", "Kelas III", "VIP", "ICU"} <= set(labels)
    assert {
        "item_card",
        "service_flow",
        "data_chart",
        "kip_card",
        "ranking_card",
    } == set(made.values_list("kind", flat=True))
    # Every kind of OPD in the registry has some.
    kinds = set(Opd.objects.active().values_list("kind", flat=True))
    assert set(made.values_list("opd__kind", flat=True)) == kinds
    assert made.exclude(post=None).filter(kind="item_card").exists()
    for infographic in made:
        with infographic.image.open("rb") as f:
            image = _png(f.read())
        assert image.size == DIMENSIONS[infographic.size]
    assert Infographic.objects.count() == made.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Infographic.objects.count() == made.count()  # idempotent


def test_the_month_label_is_indonesian():
    assert services.month_label(datetime.date(2026, 10, 1)) == "Oktober 2026"


# --- The pages keep the content security policy ---------------------------------------


def test_the_pages_keep_the_policy(client, opd, opd_admin):
    from tests.config.test_security_headers import assert_nothing_inline

    item = InformationItemFactory(opd=opd)
    card = _card(opd_admin, opd, item)
    PostFactory(account__opd=opd)
    client.force_login(opd_admin)
    pages = [
        client.get(reverse("socialposts:infographics")),
        client.get(reverse("socialposts:infographic-detail", args=[card.pk])),
        client.get(item.get_absolute_url()),
        *(
            client.get(CREATE, {"kind": kind})
            for kind in ("item_card", "service_flow", "data_chart", "kip_card")
        ),
        client.get(CREATE, {"kind": "ranking_card"}),
        client.get(CREATE),
        # The preview is a data: URL, which img-src allows.
        client.post(CREATE, _flow_form(action="preview")),
    ]
    for page in pages:
        assert page.status_code == 200
        assert_nothing_inline(page)
    for name in ("socialposts:infographic-image", "socialposts:infographic-download"):
        response = client.get(reverse(name, args=[card.pk]))
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
