"""Large CSV imports run as jobs with a progress page; the rules stay those of
the inline import: every row checked, all or nothing, replays change nothing."""

import datetime
import json

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from socialposts.accounts.models import Post, PostMetricSnapshot
from socialposts.imports.models import ImportJob
from socialposts.imports.services import (
    PROGRESS_EVERY,
    _read,
    check_rows,
    import_posts_csv,
)
from socialposts.imports.tasks import import_csv_task
from socialposts.pulls.models import IngestionRun
from tests.factories import SocialAccountFactory, UserFactory

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 3, 16)
HEADER = (
    "\ufeffPost ID,Permalink,Post type,Publish time,Description,Duration (sec),"
    "Reach,Views,Reactions,Comments,Shares\n"
)
ROWS = 1200


def export(rows=ROWS, bad=None):
    """A Meta Business Suite export; ``bad`` maps a data row index to a
    replacement line."""
    bad = bad or {}
    lines = []
    for i in range(rows):
        lines.append(
            bad.get(
                i,
                "900_{i},https://www.facebook.com/{i},Photos,03/10/2026 09:15,"
                "Posyandu {i},,{reach},{views},{likes},{comments},3\n".format(
                    i=i, reach=100 + i, views=200 + i, likes=i % 50, comments=i % 7
                ),
            )
        )
    return HEADER + "".join(lines)


def upload(text, name="ekspor-maret.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def snapshots(account):
    return set(
        PostMetricSnapshot.objects.filter(post__account=account).values_list(
            "post__external_id", "metric_id", "date", "value"
        )
    )


@pytest.fixture(autouse=True)
def _small_inline_limit(settings):
    settings.SOCIAL_IMPORT_INLINE_ROWS = 10


@pytest.fixture
def account(opd):
    return SocialAccountFactory(opd=opd, platform="facebook", connection="manual")


@pytest.fixture
def admin_client(client, opd_admin):
    client.force_login(opd_admin)
    return client


def post_import(client, account, text, name="ekspor-maret.csv"):
    url = reverse("socialposts:account-import", args=[account.pk])
    return client.post(url, {"file": upload(text, name), "as_of": AS_OF.isoformat()})


def stored_files(settings):
    folder = settings.MEDIA_ROOT / "social" / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_large_file_goes_through_a_job_and_imports_what_inline_would(
    admin_client, account, opd, opd_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_import(admin_client, account, export())
        job = ImportJob.objects.get()
        # Nothing runs before the job is committed.
        assert job.status == ImportJob.Status.QUEUED and not Post.objects.exists()
    # The job's message; the rest move the staff's work counters after the
    # import's writes (core.versions.bump).
    assert len([c for c in callbacks if "bump" not in c.__qualname__]) == 1
    assert response.status_code == 302
    assert response.url == reverse("socialposts:import-job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED
    assert (job.rows_total, job.rows_checked, job.rows_imported) == (ROWS,) * 3
    assert (job.posts_created, job.values_written) == (ROWS, ROWS * 5)
    assert (job.original_name, job.as_of, job.uploaded_by) == (
        "ekspor-maret.csv",
        AS_OF,
        opd_admin,
    )
    assert job.started_at and job.finished_at and job.report == []

    twin = SocialAccountFactory(opd=opd, platform="facebook", connection="manual")
    inline = import_posts_csv(
        account=twin, upload=upload(export()), by=opd_admin, as_of=AS_OF
    )
    assert inline.rows == job.rows_imported
    assert snapshots(account) == snapshots(twin) and len(snapshots(account)) == ROWS * 5

    page = admin_client.get(response.url)
    assert page.status_code == 200
    assert "1200 baris diimpor: 1200 unggahan baru, 6000 angka ditulis." in (
        page.content.decode()
    )
    assert "<progress" not in page.content.decode()


def test_a_file_within_the_limit_still_imports_inline(admin_client, account, settings):
    settings.SOCIAL_IMPORT_INLINE_ROWS = ROWS
    response = post_import(admin_client, account, export())
    assert response.url == reverse("socialposts:account-detail", args=[account.pk])
    assert not ImportJob.objects.exists() and Post.objects.count() == ROWS


def test_one_bad_row_fails_the_job_with_a_report_and_imports_nothing(
    admin_client, account, django_capture_on_commit_callbacks
):
    bad = {
        700: "900_700,https://www.facebook.com/700,Photos,03/10/2026 09:15,"
        "Rusak,,banyak,1,1,1,1\n",
        1100: "900_1100,https://www.facebook.com/1100,Photos,kemarin,Rusak,,1,1,1,1,1\n",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(admin_client, account, export(bad=bad))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert (job.rows_invalid, job.rows_imported) == (2, 0)
    assert [(p["row"], p["field"]) for p in job.report] == [
        (702, "Reach"),
        (1102, "Publish time"),
    ]
    # The report is written in the portal's language.
    assert "bukan angka" in job.report[0]["message"]
    assert not Post.objects.exists() and not PostMetricSnapshot.objects.exists()
    assert not IngestionRun.objects.exists()

    page = admin_client.get(response.url).content.decode()
    assert "702" in page and "1102" in page and "Publish time" in page


def test_importing_the_same_large_file_again_changes_nothing(
    admin_client, account, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            post_import(admin_client, account, export())
    first, again = ImportJob.objects.order_by("pk")
    assert first.status == again.status == ImportJob.Status.SUCCEEDED
    assert (again.rows_imported, again.posts_created, again.values_written) == (
        ROWS,
        0,
        0,
    )
    assert Post.objects.count() == ROWS
    assert PostMetricSnapshot.objects.count() == ROWS * 5
    # A second delivery of the finished job's message does nothing.
    assert import_csv_task.delay(first.pk).get() == "skipped"


def test_progress_is_written_while_the_rows_are_checked(
    admin_client, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_import(admin_client, account, export())
    with CaptureQueriesContext(connection) as queries:
        callbacks[0]()
    sql = [q["sql"] for q in queries.captured_queries]
    progress = [i for i, s in enumerate(sql) if 'UPDATE "socialposts_importjob"' in s]
    checked = [s for s in sql if '"rows_checked" = ' in s and "UPDATE" in s]
    steps = [
        int(s.split('"rows_checked" = ')[1].split()[0].rstrip(",")) for s in checked
    ]
    assert steps == [0, 500, 1000, 1200]
    first_insert = next(
        i for i, s in enumerate(sql) if s.startswith('INSERT INTO "socialposts_post"')
    )
    # Every count is written before the import's transaction writes a post.
    assert max(i for i in progress if '"rows_checked" = ' in sql[i]) < first_insert


def test_check_rows_reports_every_500_rows(account):
    seen = []
    rows = _read(upload(export()))
    assert len(check_rows(rows, account, on_progress=seen.append)) == ROWS
    assert seen == list(range(PROGRESS_EVERY, ROWS, PROGRESS_EVERY)) == [500, 1000]


def test_the_status_endpoint_returns_progress_json(admin_client, account, opd_admin):
    job = ImportJob.objects.create(
        account=account,
        uploaded_by=opd_admin,
        original_name="ekspor.csv",
        as_of=AS_OF,
        status=ImportJob.Status.RUNNING,
        rows_total=ROWS,
        rows_checked=500,
    )
    url = reverse("socialposts:import-job-status", args=[job.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["status"] == "running" and data["phase"] == "checking"
    assert (data["rows_checked"], data["rows_total"], data["percent"]) == (
        500,
        ROWS,
        41,
    )
    assert data["finished"] is False and "500" in data["message"]

    ImportJob.objects.filter(pk=job.pk).update(rows_checked=ROWS)
    assert admin_client.get(url).json()["phase"] == "writing"
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.SUCCEEDED, rows_imported=ROWS
    )
    data = admin_client.get(url).json()
    assert data["finished"] is True and data["percent"] == 100


def test_the_running_page_shows_a_bar_a_script_file_and_a_refresh_for_no_js(
    admin_client, account, opd_admin
):
    job = ImportJob.objects.create(
        account=account,
        uploaded_by=opd_admin,
        original_name="ekspor.csv",
        as_of=AS_OF,
        status=ImportJob.Status.RUNNING,
        rows_total=ROWS,
        rows_checked=500,
    )
    page = admin_client.get(reverse("socialposts:import-job", args=[job.pk]))
    html = page.content.decode()
    assert '<progress id="import-progress-bar"' in html and 'value="500"' in html
    assert reverse("socialposts:import-job-status", args=[job.pk]) in html
    assert '<meta http-equiv="refresh"' in html
    # No inline script: a later Content-Security-Policy can forbid it.
    assert html.count("<script") == html.count("<script src=")
    assert "js/import-progress.js" in html
    assert finders.find("js/import-progress.js")


def test_another_opds_admin_gets_404(
    client, account, opd_admin, other_opd_admin, other_opd
):
    job = ImportJob.objects.create(
        account=account, uploaded_by=opd_admin, original_name="a.csv", as_of=AS_OF
    )
    page = reverse("socialposts:import-job", args=[job.pk])
    status = reverse("socialposts:import-job-status", args=[job.pk])
    client.force_login(other_opd_admin)
    assert client.get(page).status_code == 404
    assert client.get(status).status_code == 404
    client.force_login(UserFactory(username="tanpa-peran"))
    assert client.get(status).status_code == 404
    # Dinkominfo reads every OPD's accounts, so it may follow their imports.
    client.force_login(UserFactory(username="kominfo", role="dinkominfo"))
    assert client.get(page).status_code == 200
    client.logout()
    assert client.get(status).status_code == 302


def test_the_stored_upload_is_removed_when_the_job_ends(
    admin_client, account, settings, django_capture_on_commit_callbacks
):
    bad = {5: "900_5,,Photos,kemarin,,,1,1,1,1,1\n"}
    for text in (export(), export(bad=bad)):
        with django_capture_on_commit_callbacks(execute=True):
            post_import(admin_client, account, text)
            stored = stored_files(settings)
            assert len(stored) == 1 and stored[0].read_bytes().startswith(
                b"\xef\xbb\xbfPost ID"
            )
        assert stored_files(settings) == []
    assert list(ImportJob.objects.values_list("status", "file").order_by("pk")) == [
        ("succeeded", ""),
        ("failed", ""),
    ]


def test_an_uploader_who_lost_the_right_before_the_run_imports_nothing(
    admin_client, account, opd_admin, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_import(admin_client, account, export())
        # Deactivated (left the OPD) while the job waited in the queue.
        opd_admin.is_active = False
        opd_admin.save(update_fields=["is_active"])
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and not Post.objects.exists()
    assert job.report[0]["row"] is None and stored_files(settings) == []


def test_a_file_that_is_no_export_is_refused_at_once_without_a_job(
    admin_client, account
):
    text = "nama,alamat\n" + "Siti,Purbalingga\n" * 50
    response = post_import(admin_client, account, text)
    assert response.url == reverse("socialposts:account-detail", args=[account.pk])
    assert not ImportJob.objects.exists()
    with pytest.raises(ValidationError):
        check_rows(_read(upload(text)), account)


def test_a_job_whose_message_was_lost_is_sent_again_by_the_sweeper(
    admin_client, account, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from core import runs

    # The message never reaches a worker, as when the broker restarts empty.
    with django_capture_on_commit_callbacks(execute=False):
        post_import(admin_client, account, export(rows=20))
    job = ImportJob.objects.get()
    lost = job.task_id
    assert runs.sweep(model=ImportJob) == 0  # not yet past the timeout
    later = timezone.now() + datetime.timedelta(minutes=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert runs.sweep(later, model=ImportJob) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED and job.task_id != lost
    assert Post.objects.filter(account=account).count() == 20
    # The lost message, should it turn up after all, changes nothing.
    assert import_csv_task.apply(args=[job.pk], task_id=lost).get() == "skipped"
    assert runs.sweep(later, model=ImportJob) == 0


def test_a_job_whose_worker_died_is_sent_again_then_given_up(
    admin_client, account, settings, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from core import runs
    from socialposts.imports.services import IMPORT_ATTEMPTS

    with django_capture_on_commit_callbacks(execute=False):
        post_import(admin_client, account, export(rows=20))
    job = ImportJob.objects.get()
    # A worker took it and died while checking rows, its message lost too.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=30),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert runs.sweep(model=ImportJob) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED and job.attempts == 2
    assert Post.objects.filter(account=account).count() == 20

    # One that keeps losing its worker is given up, and its upload deleted.
    with django_capture_on_commit_callbacks(execute=False):
        post_import(admin_client, account, export(rows=20), name="lagi.csv")
    stuck = ImportJob.objects.get(original_name="lagi.csv")
    ImportJob.objects.filter(pk=stuck.pk).update(
        status=ImportJob.Status.RUNNING,
        attempts=IMPORT_ATTEMPTS,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=30),
    )
    assert stuck.file and len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert runs.sweep(model=ImportJob) == 0
    stuck.refresh_from_db()
    assert stuck.status == ImportJob.Status.FAILED and not stuck.file
    assert "tiga kali" in stuck.report[0]["message"]
    assert stored_files(settings) == []


def test_a_job_taken_over_by_another_message_imports_nothing_and_keeps_the_file(
    admin_client, account, settings, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from core import runs
    from socialposts.imports import services as imports

    with django_capture_on_commit_callbacks(execute=False):
        post_import(admin_client, account, export(rows=20))
    job = ImportJob.objects.get()
    mine = runs.claim(ImportJob, job.pk, job.task_id)
    # This execution stalls; the sweeper gives the job to a new message.
    later = timezone.now() + datetime.timedelta(minutes=5)
    assert runs.sweep(later, model=ImportJob, enqueue=lambda job_id: None) == 1
    with pytest.raises(runs.Superseded):
        imports.execute(mine)
    # Its writes rolled back; the new message still has the file to read.
    assert not Post.objects.exists()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED and job.file
    assert len(stored_files(settings)) == 1
    assert import_csv_task.apply(args=[job.pk], task_id=job.task_id).get() == (
        ImportJob.Status.SUCCEEDED
    )
    assert Post.objects.filter(account=account).count() == 20


def test_a_large_instagram_export_resaved_by_excel_fails_its_job_by_row_and_column(
    admin_client, opd, django_capture_on_commit_callbacks
):
    instagram = SocialAccountFactory(opd=opd, platform="instagram", connection="manual")
    header = (
        "Post ID,Account ID,Account username,Account name,Description,"
        "Duration (sec),Publish time,Permalink,Post type,Data comment,Date,"
        "Views,Reach,Likes,Shares,Follows,Comments,Saves\n"
    )
    rows = [
        "1790000000{:07d},1784,akun,Akun,Pos {},0,08/12/2026 09:15,"
        "https://www.instagram.com/p/{}/,IG image,,Lifetime,10,5,1,0,0,0,0\n".format(
            i, i, i
        )
        for i in range(40)
    ]
    rows[30] = rows[30].replace("17900000000000030,", "1.79E+16,", 1)
    with django_capture_on_commit_callbacks(execute=True):
        post_import(admin_client, instagram, header + "".join(rows))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.rows_invalid == 1
    assert [(p["row"], p["field"]) for p in job.report] == [(32, "Post ID")]
    assert "Excel" in job.report[0]["message"] and not Post.objects.exists()
