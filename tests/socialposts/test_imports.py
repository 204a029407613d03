"""The manual path: CSV exports of Meta Business Suite and YouTube Studio."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from socialposts.accounts.models import Post, PostMetricSnapshot
from socialposts.imports.services import import_posts_csv
from socialposts.pulls.models import IngestionRun
from tests.factories import SocialAccountFactory

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
