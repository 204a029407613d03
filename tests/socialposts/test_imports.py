"""The manual path: CSV exports of Meta Business Suite and YouTube Studio."""

import datetime
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from socialposts.accounts.models import Post, PostMetricSnapshot
from socialposts.imports import formats
from socialposts.imports.services import import_posts_csv
from socialposts.pulls.models import IngestionRun
from tests.factories import PostFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 3, 16)
META = (
    "\ufeffPost ID,Permalink,Post type,Publish time,Description,Duration (sec),Reach,Views,"
    "Reactions,Comments,Shares\n"
    "111_1,https://www.facebook.com/1,Photos,03/10/2026 09:15,Posyandu serentak,,1200,2400,87,5,3\n"
    '111_2,https://www.facebook.com/2,Videos,03/12/2026 14:00,Vaksinasi,95,800,1500,40,"1,200",2\n'
    "111_3,https://www.facebook.com/3,Reels,03/14/2026 08:00,Senam pagi,30,3000,6000,210,12,30\n"
)
YOUTUBE = (
    "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Likes\n"
    "Total,,,,900,12.5,40\n"
    'abcDEF123,Profil Dinas,"Mar 3, 2026",300,600,10,30\n'
    'ghiJKL456,Kilas Berita,"Mar 9, 2026",45,300,2.5,10\n'
)


def upload(text, name="export.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def account(opd):
    return SocialAccountFactory(opd=opd, platform="facebook", connection="manual")


def test_meta_export_imports_posts_and_figures_once(account, opd_admin):
    result = import_posts_csv(
        account=account, upload=upload(META), by=opd_admin, as_of=AS_OF
    )
    assert (result.rows, result.posts_created) == (3, 3)
    video = Post.objects.get(external_id="111_2")
    assert (video.content_type, video.duration_seconds) == ("video", 95)
    assert video.published_at.date() == datetime.date(2026, 3, 12)
    values = dict(
        PostMetricSnapshot.objects.filter(post=video, date=AS_OF).values_list(
            "metric_id", "value"
        )
    )
    assert values == {
        "reach": 800,
        "views": 1500,
        "likes": 40,
        "comments": 1200,
        "shares": 2,
    }
    assert Post.objects.get(external_id="111_3").content_type == "reels"
    again = import_posts_csv(
        account=account, upload=upload(META), by=opd_admin, as_of=AS_OF
    )
    assert (again.posts_created, again.values_written) == (0, 0)
    assert PostMetricSnapshot.objects.count() == 15
    assert IngestionRun.objects.filter(account=account, trigger="import").count() == 2


def test_one_bad_row_refuses_the_whole_file_with_a_report(account, opd_admin):
    bad = META.replace("1200,2400", "banyak,2400").replace(
        "Reels,03/14/2026", "Reels,kemarin"
    )
    with pytest.raises(ValidationError) as exc:
        import_posts_csv(account=account, upload=upload(bad), by=opd_admin, as_of=AS_OF)
    report = exc.value.message_dict["file"]
    assert report[0].startswith("Baris 2:") and "Reach" in report[0]
    assert report[1].startswith("Baris 4:") and "Publish time" in report[1]
    assert not Post.objects.exists() and not PostMetricSnapshot.objects.exists()


def test_unknown_format_and_empty_files_are_refused(account, opd_admin):
    for text in ("nama,alamat\nSiti,Purbalingga\n", "", "Post ID,Publish time\n"):
        with pytest.raises(ValidationError) as exc:
            import_posts_csv(
                account=account, upload=upload(text), by=opd_admin, as_of=AS_OF
            )
        assert "file" in exc.value.message_dict
    assert not Post.objects.exists()


def test_youtube_studio_export_skips_the_total_row(opd, opd_admin):
    channel = SocialAccountFactory(opd=opd, platform="youtube", connection="manual")
    import_posts_csv(account=channel, upload=upload(YOUTUBE), by=opd_admin, as_of=AS_OF)
    assert sorted(Post.objects.values_list("external_id", "content_type")) == [
        ("abcDEF123", "video"),
        ("ghiJKL456", "reels"),
    ]
    watch = PostMetricSnapshot.objects.get(
        post__external_id="abcDEF123", metric="watch_time_minutes"
    )
    assert watch.value == 600


def test_only_the_opds_admin_imports(account, other_opd_admin, opd_admin, client):
    with pytest.raises(PermissionDenied):
        import_posts_csv(
            account=account, upload=upload(META), by=other_opd_admin, as_of=AS_OF
        )
    client.force_login(opd_admin)
    url = reverse("socialposts:account-import", args=[account.pk])
    response = client.post(url, {"file": upload(META), "as_of": "2026-03-16"})
    assert response.status_code == 302 and Post.objects.count() == 3
    client.force_login(other_opd_admin)
    assert client.post(url, {"file": upload(META)}).status_code == 404


# --- Real exports: one fixture per header set (see fixtures/exports/README.md)

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
PAGE_ID = "104812345678901"
LATER = datetime.date(2026, 12, 6)


def fixture(name):
    return SimpleUploadedFile(
        name, (EXPORTS / name).read_bytes(), content_type="text/csv"
    )


def figures(external_id):
    return dict(
        PostMetricSnapshot.objects.filter(
            post__external_id=external_id, date=LATER
        ).values_list("metric_id", "value")
    )


def imported(account, name, opd_admin):
    return import_posts_csv(
        account=account, upload=fixture(name), by=opd_admin, as_of=LATER
    )


@pytest.fixture
def page(opd):
    return SocialAccountFactory(
        opd=opd, platform="facebook", connection="manual", external_id=PAGE_ID
    )


@pytest.fixture
def instagram(opd):
    return SocialAccountFactory(
        opd=opd,
        platform="instagram",
        connection="manual",
        external_id="17841400000000001",
    )


@pytest.fixture
def channel(opd):
    return SocialAccountFactory(opd=opd, platform="youtube", connection="manual")


def test_meta_facebook_export_in_english(page, opd_admin):
    result = imported(page, "meta_facebook_en.csv", opd_admin)
    assert (result.rows, result.posts_created) == (5, 5)
    # Stored in the API's form, so the next pull finds them.
    assert sorted(Post.objects.values_list("external_id", "content_type")) == [
        (PAGE_ID + "_1220000000000001", "foto"),
        (PAGE_ID + "_1220000000000002", "video"),
        (PAGE_ID + "_1220000000000003", "reels"),
        (PAGE_ID + "_1220000000000004", "teks"),
        (PAGE_ID + "_1220000000000005", "teks"),
    ]
    photo = Post.objects.get(external_id=PAGE_ID + "_1220000000000001")
    assert photo.published_at == datetime.datetime(
        2026, 8, 12, 9, 15, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
    )
    assert photo.caption == "Posyandu serentak"
    assert figures(PAGE_ID + "_1220000000000001") == {
        "views": 2400,
        "reach": 1200,
        "likes": 87,
        "comments": 5,
        "shares": 3,
    }
    assert figures(PAGE_ID + "_1220000000000002")["comments"] == 1200


def test_meta_facebook_export_in_indonesian(page, opd_admin):
    imported(page, "meta_facebook_id.csv", opd_admin)
    assert sorted(Post.objects.values_list("external_id", "content_type")) == [
        (PAGE_ID + "_1220000000000011", "foto"),
        (PAGE_ID + "_1220000000000012", "video"),
        (PAGE_ID + "_1220000000000013", "reels"),
        (PAGE_ID + "_1220000000000014", "teks"),
        (PAGE_ID + "_1220000000000015", "teks"),
    ]
    reel = Post.objects.get(external_id=PAGE_ID + "_1220000000000013")
    assert (reel.duration_seconds, timezone.localdate(reel.published_at)) == (
        45,
        datetime.date(2026, 9, 5),
    )
    assert figures(PAGE_ID + "_1220000000000013") == {
        "views": 12500,
        "reach": 8000,
        "likes": 530,
        "comments": 44,
        "shares": 120,
    }


def test_meta_instagram_export_in_english(instagram, opd_admin):
    result = imported(instagram, "meta_instagram_en.csv", opd_admin)
    assert result.posts_created == 4
    # Instagram ids carry no prefix.
    assert sorted(Post.objects.values_list("external_id", "content_type")) == [
        ("17900000000000001", "foto"),
        ("17900000000000002", "reels"),
        ("17900000000000003", "carousel"),
        ("17900000000000004", "story"),
    ]
    assert figures("17900000000000002") == {
        "views": 22000,
        "reach": 14100,
        "likes": 980,
        "shares": 310,
        "comments": 57,
        "saves": 230,
    }
    assert figures("17900000000000001")["views"] == 15000
    # The story's empty columns are no figure, not a zero.
    assert set(figures("17900000000000004")) == {"views", "reach", "likes", "shares"}


def test_meta_instagram_export_in_indonesian(instagram, opd_admin):
    imported(instagram, "meta_instagram_id.csv", opd_admin)
    assert sorted(Post.objects.values_list("external_id", "content_type")) == [
        ("17900000000000011", "reels"),
        ("17900000000000012", "foto"),
        ("17900000000000013", "carousel"),
        ("17900000000000014", "story"),
    ]
    reel = Post.objects.get(external_id="17900000000000011")
    assert reel.caption == "Hari jadi Purbalingga\nkirab budaya, alun-alun"
    # "Tayangan" is views in Meta's Indonesian interface.
    assert figures("17900000000000011") == {
        "views": 11351,
        "likes": 367,
        "shares": 15,
        "comments": 12,
        "saves": 3,
        "reach": 6740,
    }


def test_youtube_studio_export_in_english(channel, opd_admin):
    result = imported(channel, "youtube_en.csv", opd_admin)
    assert (result.rows, result.posts_created) == (3, 3)
    assert sorted(Post.objects.values_list("external_id", "content_type")) == [
        ("abcDEF12345", "video"),
        ("ghiJKL67890", "reels"),
        ("mnoPQR13579", "video"),
    ]
    assert Post.objects.get(external_id="abcDEF12345").caption == (
        "Profil Kabupaten Purbalingga"
    )
    # Impressions (80,000) are not read; watch time turns into minutes.
    assert figures("abcDEF12345") == {
        "views": 6000,
        "likes": 210,
        "comments": 11,
        "shares": 15,
        "watch_time_minutes": 7500,
    }


def test_youtube_studio_export_in_indonesian_reads_penayangan_as_views(
    channel, opd_admin
):
    imported(channel, "youtube_id.csv", opd_admin)
    published = dict(Post.objects.values_list("external_id", "published_at"))
    assert {k: timezone.localdate(v) for k, v in published.items()} == {
        "stuVWX24680": datetime.date(2026, 8, 12),
        "yzaBCD11223": datetime.date(2026, 10, 1),
        "efgHIJ44556": datetime.date(2026, 12, 3),
    }
    # Penayangan (3,000) is views; Tayangan (40,000) is impressions, unread.
    assert figures("stuVWX24680") == {"views": 3000, "watch_time_minutes": 3000}
    assert Post.objects.get(external_id="yzaBCD11223").content_type == "reels"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08/12/2026 09:15", (2026, 8, 12, 9, 15)),
        ("8/2/2026 9:05", (2026, 8, 2, 9, 5)),
        ("12 Agu 2026 09.15", (2026, 8, 12, 9, 15)),
        ("12 Agustus 2026", (2026, 8, 12, 0, 0)),
        ("3 Okt 2026", (2026, 10, 3, 0, 0)),
        ("24 Des 2026 pukul 19.30", (2026, 12, 24, 19, 30)),
        ("1 Mei 2026", (2026, 5, 1, 0, 0)),
        ("5 Januari 2026 07.00", (2026, 1, 5, 7, 0)),
        ("Mar 3, 2026", (2026, 3, 3, 0, 0)),
    ],
)
def test_publish_times_as_the_exports_write_them(text, expected):
    moment = formats.published(text)
    local = moment.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    assert local.timetuple()[:5] == expected


def test_an_indonesian_time_zone_is_honoured():
    moment = formats.published("12 Agu 2026 09.15 WITA")
    assert moment.utcoffset() == datetime.timedelta(hours=8)


def test_an_id_shortened_by_excel_refuses_the_file_with_a_hint(page, opd_admin):
    text = (EXPORTS / "meta_facebook_en.csv").read_text("utf-8-sig")
    damaged = text.replace("1220000000000003,", "1.22E+15,", 1)
    with pytest.raises(ValidationError) as exc:
        import_posts_csv(
            account=page, upload=upload(damaged), by=opd_admin, as_of=LATER
        )
    (report,) = exc.value.message_dict["file"]
    assert report.startswith("Baris 4:") and "“Post ID”" in report
    assert "1.22E+15" in report and "tanpa membukanya di Excel" in report
    assert not Post.objects.exists() and not PostMetricSnapshot.objects.exists()


def test_an_unknown_post_type_is_named(instagram, opd_admin):
    text = (EXPORTS / "meta_instagram_en.csv").read_text("utf-8-sig")
    with pytest.raises(ValidationError) as exc:
        import_posts_csv(
            account=instagram,
            upload=upload(text.replace("IG carousel", "IG live")),
            by=opd_admin,
            as_of=LATER,
        )
    (report,) = exc.value.message_dict["file"]
    assert report.startswith("Baris 4:") and "“ig live”" in report.lower()
    assert "Post type" in report and not Post.objects.exists()


def test_the_same_post_twice_in_a_file_is_refused_not_merged(page, opd_admin):
    text = (EXPORTS / "meta_facebook_en.csv").read_text("utf-8-sig")
    # The export's form and the API's form of one post.
    twice = text.replace("1220000000000004,", PAGE_ID + "_1220000000000002,", 1)
    with pytest.raises(ValidationError) as exc:
        import_posts_csv(account=page, upload=upload(twice), by=opd_admin, as_of=LATER)
    (report,) = exc.value.message_dict["file"]
    assert report.startswith("Baris 5:") and "baris 3" in report
    assert not Post.objects.exists()


def test_facebook_rows_match_posts_with_or_without_the_page_prefix(page, opd_admin):
    # A pull stored one post in the API's form; an earlier import, another
    # without the prefix.
    pulled = PostFactory(account=page, external_id=PAGE_ID + "_1220000000000001")
    old_import = PostFactory(account=page, external_id="1220000000000002")
    result = imported(page, "meta_facebook_en.csv", opd_admin)
    assert result.posts_created == 3
    assert Post.objects.filter(account=page).count() == 5
    assert figures(pulled.external_id)["views"] == 2400
    assert figures(old_import.external_id)["views"] == 1500
    assert Post.objects.filter(external_id=PAGE_ID + "_1220000000000002").count() == 0
    # Importing it again changes nothing.
    again = imported(page, "meta_facebook_en.csv", opd_admin)
    assert (again.posts_created, again.values_written) == (0, 0)
    assert Post.objects.filter(account=page).count() == 5
    assert PostMetricSnapshot.objects.count() == 25


def test_each_real_export_imported_twice_changes_nothing(
    page, instagram, channel, opd_admin
):
    for account, name in [
        (page, "meta_facebook_id.csv"),
        (instagram, "meta_instagram_id.csv"),
        (channel, "youtube_id.csv"),
    ]:
        first = imported(account, name, opd_admin)
        again = imported(account, name, opd_admin)
        assert first.values_written > 0
        assert (again.posts_created, again.values_written) == (0, 0)
