"""Posts entered by hand: the thumbnail, the service and the form pages."""

import datetime
import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from ppid.catalogue.models import InformationItem
from socialposts.accounts.models import Post, PostMetricSnapshot
from socialposts.accounts.services import save_post
from socialposts.accounts.thumbnails import make_thumbnail, thumbnail_from_bytes
from tests.factories import (
    InformationItemFactory,
    PostFactory,
    SocialAccountFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
AS_OF = timezone.localdate() - datetime.timedelta(days=1)
PUBLISHED = (timezone.localtime() - datetime.timedelta(days=3)).strftime(
    "%Y-%m-%dT%H:%M"
)


def image_bytes(size=(2000, 1000), fmt="PNG", mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, "red").save(buffer, format=fmt, **options)
    return buffer.getvalue()


def upload(data, name="foto.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(settings):
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


@pytest.fixture
def account(opd):
    return SocialAccountFactory(opd=opd, platform="instagram", connection="manual")


@pytest.fixture
def dinkominfo(db):
    return UserFactory(username="dinkominfo", role="dinkominfo")


def form_data(**overrides):
    data = {
        "permalink": "https://www.instagram.com/p/DAbc123xyz/",
        "published_at": PUBLISHED,
        "content_type": "infografis",
        "caption": "Jadwal posyandu bulan ini",
        "topics": ["layanan"],
        "figures_as_of": AS_OF.isoformat(),
        "views": "2400",
        "reach": "1200",
        "likes": "87",
        "comments": "5",
        "shares": "3",
        "saves": "9",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def figures(post, day=AS_OF):
    return dict(
        PostMetricSnapshot.objects.filter(post=post, date=day).values_list(
            "metric_id", "value"
        )
    )


# --- The thumbnail --------------------------------------------------------------


def test_a_large_png_becomes_a_jpeg_within_640():
    thumb = make_thumbnail(upload(image_bytes((2000, 1000))))
    with Image.open(io.BytesIO(thumb.read())) as image:
        assert image.format == "JPEG"
        assert image.mode == "RGB"
        assert image.size == (640, 320)


def test_exif_orientation_is_applied_and_metadata_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°: the phone held upright
    exif[0x010F] = "Kamera Dinas"
    data = image_bytes((1200, 600), fmt="JPEG", exif=exif.tobytes())
    thumb = thumbnail_from_bytes(data)
    with Image.open(io.BytesIO(thumb.read())) as image:
        assert image.size == (320, 640)
        assert not image.getexif()


def test_transparency_becomes_white():
    data = image_bytes((100, 100), mode="RGBA")
    transparent = io.BytesIO()
    Image.new("RGBA", (100, 100), (0, 0, 0, 0)).save(transparent, format="PNG")
    thumb = thumbnail_from_bytes(transparent.getvalue())
    with Image.open(io.BytesIO(thumb.read())) as image:
        assert image.getpixel((50, 50)) >= (250, 250, 250)
    assert thumbnail_from_bytes(data)  # opaque RGBA is fine too


def _png_with_broken_checksum():
    # Decoding alone accepts it; only verify() reads the checksums.
    png = bytearray(image_bytes((50, 50)))
    start = png.index(b"IDAT")
    length = int.from_bytes(png[start - 4 : start], "big")
    png[start + 4 + length] ^= 0xFF
    return bytes(png)


@pytest.mark.parametrize(
    "data",
    [
        b"bukan gambar, hanya teks",
        b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n",
        image_bytes((10, 10), fmt="GIF"),
        image_bytes((10, 10), fmt="BMP"),
        image_bytes((300, 300))[:200],
        _png_with_broken_checksum(),
    ],
    ids=["text", "pdf", "gif", "bmp", "truncated", "bad-checksum"],
)
def test_anything_but_a_whole_jpeg_png_or_webp_is_refused(data):
    with pytest.raises(ValidationError) as exc:
        make_thumbnail(upload(data))
    assert list(exc.value.message_dict) == ["thumbnail"]


def _png_claiming(width, height):
    """A tiny PNG whose header declares a huge canvas."""
    png = bytearray(image_bytes((1, 1)))
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(png[24:29])
    png[12:29] = header
    png[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(png)


@pytest.mark.parametrize("size", [(8000, 6000), (20000, 20000)])
def test_decompression_bombs_are_refused(size):
    with pytest.raises(ValidationError) as exc:
        thumbnail_from_bytes(_png_claiming(*size))
    assert list(exc.value.message_dict) == ["thumbnail"]
    assert exc.value.error_dict["thumbnail"][0].code == "image_too_large"


def test_webp_is_accepted():
    thumb = thumbnail_from_bytes(image_bytes((800, 800), fmt="WEBP"))
    with Image.open(io.BytesIO(thumb.read())) as image:
        assert (image.format, image.size) == ("JPEG", (640, 640))


# --- Creating and editing through the pages -------------------------------------


def test_opd_admin_adds_a_post_with_thumbnail_and_figures(
    client, account, opd_admin, settings
):
    client.force_login(opd_admin)
    url = reverse("socialposts:post-create", args=[account.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(thumbnail=upload(image_bytes((2000, 1000)))))
    assert response.status_code == 302
    post = Post.objects.get(account=account)
    # The id is read from the link, as the platform's export will spell it.
    assert post.external_id == "DAbc123xyz"
    assert post.content_type == "infografis"
    assert list(post.topics.values_list("code", flat=True)) == ["layanan"]
    assert figures(post) == {
        "views": 2400,
        "reach": 1200,
        "likes": 87,
        "comments": 5,
        "shares": 3,
        "saves": 9,
    }
    with post.thumbnail.open("rb") as handle, Image.open(handle) as image:
        assert image.format == "JPEG" and image.size[0] <= 640
    assert stored_files(settings) == [Path(post.thumbnail.path)]
    detail = client.get(reverse("socialposts:account-detail", args=[account.pk]))
    page = detail.content.decode()
    assert url in page
    assert reverse("socialposts:post-edit", args=[post.pk]) in page


def test_editing_again_rewrites_the_same_snapshots(
    client, account, opd_admin, settings, django_capture_on_commit_callbacks
):
    client.force_login(opd_admin)
    client.post(
        reverse("socialposts:post-create", args=[account.pk]),
        form_data(thumbnail=upload(image_bytes())),
    )
    post = Post.objects.get()
    first_thumbnail = post.thumbnail.path
    url = reverse("socialposts:post-edit", args=[post.pk])
    page = client.get(url)
    assert page.status_code == 200
    # The form shows the figures of their own day, so saving it unchanged
    # writes nothing new.
    assert page.context["form"].initial["figures_as_of"] == AS_OF
    assert page.context["form"].initial["views"] == 2400

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            form_data(
                caption="Jadwal diperbarui",
                views="3000",
                thumbnail=upload(image_bytes((900, 900)), name="baru.png"),
            ),
        )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.caption == "Jadwal diperbarui"
    assert PostMetricSnapshot.objects.filter(post=post).count() == 6
    assert figures(post)["views"] == 3000
    # The replaced thumbnail is removed once the change is committed.
    assert stored_files(settings) == [Path(post.thumbnail.path)]
    assert post.thumbnail.path != first_thumbnail

    client.post(url, form_data(figures_as_of=timezone.localdate().isoformat()))
    assert PostMetricSnapshot.objects.filter(post=post).count() == 12
    assert Post.objects.count() == 1


def test_an_invalid_form_saves_nothing(client, account, opd_admin, settings):
    PostFactory(account=account, external_id="DAbc123xyz")
    client.force_login(opd_admin)
    url = reverse("socialposts:post-create", args=[account.pk])
    cases = [
        # The service's refusal: the id the link gives is taken.
        (form_data(thumbnail=upload(image_bytes())), "permalink"),
        # The form's: a negative figure.
        (
            form_data(
                permalink="https://www.instagram.com/p/Lain/",
                likes="-1",
                thumbnail=upload(image_bytes()),
            ),
            "likes",
        ),
        (
            form_data(
                permalink="https://www.instagram.com/p/Lain/",
                thumbnail=upload(b"bukan gambar"),
            ),
            "thumbnail",
        ),
        (form_data(permalink="", external_id=""), "permalink"),
        (form_data(external_id="../../etc"), "external_id"),
        (
            form_data(
                permalink="https://www.instagram.com/p/Lain/",
                figures_as_of=(
                    timezone.localdate() + datetime.timedelta(1)
                ).isoformat(),
            ),
            "figures_as_of",
        ),
    ]
    for data, field in cases:
        response = client.post(url, data)
        assert response.status_code == 400
        assert field in response.context["form"].errors, field
    assert Post.objects.count() == 1
    assert not PostMetricSnapshot.objects.exists()
    assert stored_files(settings) == []


def test_the_same_link_twice_is_refused_on_the_link(account, opd_admin):
    data = {
        "external_id": "",
        "permalink": "https://www.facebook.com/permalink.php?id=1&x=2",
        "published_at": timezone.now(),
        "content_type": "foto",
    }
    first = save_post(account=account, by=opd_admin, data=data)
    assert first.external_id.startswith("link-")
    with pytest.raises(ValidationError) as exc:
        save_post(account=account, by=opd_admin, data={**data, "external_id": "999"})
    assert list(exc.value.message_dict) == ["permalink"]
    assert Post.objects.count() == 1


# --- Who may -------------------------------------------------------------------


def test_other_opds_admin_gets_404_and_readers_403(
    client, account, other_opd_admin, ppid_utama
):
    post = PostFactory(account=account)
    create = reverse("socialposts:post-create", args=[account.pk])
    edit = reverse("socialposts:post-edit", args=[post.pk])
    client.force_login(other_opd_admin)
    assert client.get(create).status_code == 404
    assert client.post(create, form_data()).status_code == 404
    assert client.get(edit).status_code == 404
    assert client.post(edit, form_data()).status_code == 404
    # PPID Utama reads every OPD's figures but does not enter them.
    client.force_login(ppid_utama)
    assert client.get(create).status_code == 403
    assert client.post(edit, form_data()).status_code == 403
    assert Post.objects.count() == 1
    with pytest.raises(PermissionDenied):
        save_post(account=account, by=other_opd_admin, data={}, post=post)


def test_dinkominfo_classifies_posts_but_does_not_write_the_figures_it_scores(
    client, account, dinkominfo
):
    client.force_login(dinkominfo)
    url = reverse("socialposts:post-create", args=[account.pk])
    assert client.post(url, form_data()).status_code == 403
    post = PostFactory(account=account, caption="dari OPD")
    edit = reverse("socialposts:post-edit", args=[post.pk])
    form = client.get(edit).context["form"]
    assert set(form.fields) == {"content_type", "topics", "information_item"}
    assert client.post(edit, {"content_type": "infografis"}).status_code == 302
    post.refresh_from_db()
    assert (post.content_type, post.caption) == ("infografis", "dari OPD")


def test_a_merged_opds_posts_are_history(client, account, dinkominfo):
    Opd = type(account.opd)
    Opd.objects.filter(pk=account.opd_id).update(is_active=False)
    post = PostFactory(account=account)
    client.force_login(dinkominfo)
    edit = reverse("socialposts:post-edit", args=[post.pk])
    assert client.post(edit, {"content_type": "video"}).status_code == 403


def test_pulled_posts_are_only_classified(client, opd, opd_admin):
    pulled = SocialAccountFactory(opd=opd, connection="api")
    post = PostFactory(account=pulled, caption="dari API")
    client.force_login(opd_admin)
    assert (
        client.get(reverse("socialposts:post-create", args=[pulled.pk])).status_code
        == 403
    )
    url = reverse("socialposts:post-edit", args=[post.pk])
    form = client.get(url).context["form"]
    assert set(form.fields) == {"content_type", "topics", "information_item"}
    response = client.post(
        url, {"content_type": "video", "topics": ["kegiatan"], "caption": "diubah"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.content_type, post.caption) == ("video", "dari API")
    with pytest.raises(ValidationError) as exc:
        save_post(
            account=pulled,
            by=opd_admin,
            data={"caption": "diubah", "figures": {"views": 1}},
            post=post,
        )
    assert sorted(exc.value.message_dict) == ["caption", "figures"]


# --- The PPID item announced -----------------------------------------------------


def test_ppid_item_must_be_a_published_item_of_the_same_opd(
    client, account, opd, other_opd, opd_admin
):
    theirs = InformationItemFactory(opd=other_opd)
    draft = InformationItemFactory(opd=opd, status=InformationItem.Status.DRAFT)
    ours = InformationItemFactory(opd=opd)
    data = {
        "external_id": "A1",
        "published_at": timezone.now(),
        "content_type": "foto",
    }
    for item in (theirs, draft):
        with pytest.raises(ValidationError) as exc:
            save_post(
                account=account,
                by=opd_admin,
                data={**data, "information_item": item},
            )
        assert list(exc.value.message_dict) == ["information_item"]
    assert not Post.objects.exists()

    client.force_login(opd_admin)
    url = reverse("socialposts:post-create", args=[account.pk])
    response = client.post(url, form_data(information_item=str(theirs.pk)))
    assert response.status_code == 400
    assert "information_item" in response.context["form"].errors
    assert not Post.objects.exists()

    assert client.post(url, form_data(information_item=str(ours.pk))).status_code == 302
    assert Post.objects.get().information_item == ours
