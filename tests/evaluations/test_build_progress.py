"""Building a month from the page: queued as a run, followed on the run's
page (a static script polls its status; without it the page refreshes),
then the month's report; refusals end on the page or as a failed run."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core import runs as durable
from evaluations import runs, services
from evaluations.models import MonthlyReport, ReportRun
from evaluations.tasks import build_report_task
from tests.evaluations.conftest import MONTH
from tests.evaluations.scenario import BUILT_ON, SEPTEMBER, finalised_september
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BUILD = "evaluations:build"
Run = ReportRun.Status


def label(text: str) -> str:
    with translation.override("id"):
        return translation.gettext(text)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def run_url(run: ReportRun, name: str = "run") -> str:
    return reverse("evaluations:" + name, kwargs={"pk": run.pk})


def report_url(report: MonthlyReport) -> str:
    return "{}?versi={}".format(
        reverse("evaluations:report", kwargs={"month": report.month}), report.version
    )


def status_of(client, run: ReportRun) -> dict:
    response = client.get(run_url(run, "run-status"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


def latest_run() -> ReportRun:
    return ReportRun.objects.order_by("-pk").first()


def build(client, captured, data: dict):
    """Post the build form, running what is sent on commit (Celery is eager)."""
    with captured(execute=True):
        return client.post(reverse(BUILD), data)


# --- The run page ---------------------------------------------------------------------


def test_a_built_month_opens_its_report_through_the_run_page(
    opds, dinkominfo, on, client, django_capture_on_commit_callbacks
):
    on(BUILT_ON)
    client.force_login(dinkominfo)
    response = build(client, django_capture_on_commit_callbacks, {"month": "2026-10"})
    run = latest_run()
    assert response.status_code == 302
    assert response.url == run_url(run) == "/dasbor/evaluasi/proses/{}/".format(run.pk)
    assert run.status == Run.SUCCEEDED
    assert run.trigger == ReportRun.Trigger.MANUAL
    report = MonthlyReport.objects.get(month=MONTH)
    assert run.report == report and run.opds == len(opds)
    data = status_of(client, run)
    assert data["finished"] is True and data["status"] == "succeeded"
    assert data["report_url"] == report_url(report)

    response = client.get(run_url(run), follow=True)
    assert response.redirect_chain == [(report_url(report), 302)]
    (message,) = messages_of(response)
    assert "2026-10" in message and str(len(opds)) in message


def test_a_queued_run_shows_its_progress_until_a_worker_computes_it(
    opds, dinkominfo, on, client
):
    on(BUILT_ON)
    client.force_login(dinkominfo)
    # Nothing is sent: the test's transaction never commits.
    response = client.post(reverse(BUILD), {"month": "2026-10"})
    run = latest_run()
    assert response.url == run_url(run) and run.status == Run.QUEUED

    page = client.get(run_url(run))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert 'data-status-url="{}"'.format(run_url(run, "run-status")) in html
    assert re.search(
        r'<script src="/static/js/import-progress\.js" nonce="[^"]+" defer></script>',
        html,
    )
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    assert 'href="{}"'.format(run_url(run)) in html  # the reload link
    data = status_of(client, run)
    assert data["finished"] is False and data["status"] == "queued"
    assert data["report_url"] == "" and data["message"] in html

    # A second press while it waits gets the same run.
    client.post(reverse(BUILD), {"month": "2026-10"})
    assert ReportRun.objects.count() == 1

    # The worker takes the message.
    assert build_report_task.apply(args=[run.pk], task_id=run.task_id).get() == (
        Run.SUCCEEDED
    )
    data = status_of(client, run)
    assert data["finished"] is True and data["status"] == "succeeded"
    report = MonthlyReport.objects.get(month=MONTH)
    assert client.get(run_url(run)).url == report_url(report)


def test_a_running_run_says_so(opds, dinkominfo, on, client):
    on(BUILT_ON)
    client.force_login(dinkominfo)
    run = durable.claim(
        ReportRun,
        runs.queue_run(MONTH, trigger="manual", enqueue=lambda run_id: None).pk,
    )
    data = status_of(client, run)
    assert data["status"] == "running" and data["finished"] is False
    assert data["status_label"] == run.get_status_display()


# --- Refusals -----------------------------------------------------------------------------


def test_a_month_open_for_reply_ends_as_a_failed_run_with_its_message(
    opds, dinkominfo, on, client, django_capture_on_commit_callbacks
):
    on(BUILT_ON)
    report = services.build_report(MONTH)
    services.open_for_reply(
        report, by=dinkominfo, deadline=BUILT_ON + datetime.timedelta(days=3)
    )
    computed_at = report.computed_at
    client.force_login(dinkominfo)
    response = build(client, django_capture_on_commit_callbacks, {"month": "2026-10"})
    run = latest_run()
    assert response.url == run_url(run)
    assert run.status == Run.FAILED and run.finished_at is not None
    expected = label(
        "The OPDs are replying to this month's report; it cannot be computed again now."
    )
    assert run.error == expected

    page = client.get(run_url(run))
    assert page.status_code == 200
    html = page.content.decode()
    assert expected.replace("'", "&#x27;") in html
    assert "import-progress.js" not in html and "http-equiv" not in html
    data = status_of(client, run)
    assert data["finished"] is True and data["status"] == "failed"
    assert data["message"] == expected
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.REPLY
    assert report.computed_at == computed_at


def test_a_final_month_without_a_reason_is_refused_before_queueing(
    opds, dinkominfo, on, client, django_capture_on_commit_callbacks
):
    finalised_september(opds, dinkominfo, on)
    client.force_login(dinkominfo)
    with django_capture_on_commit_callbacks(execute=True) as sent:
        response = client.post(reverse(BUILD), {"month": "2026-09"}, follow=True)
    assert sent == [] and not ReportRun.objects.exists()
    (message,) = messages_of(response)
    assert message.startswith(label("Reason") + ": ")
    assert MonthlyReport.objects.filter(month=SEPTEMBER).count() == 1


def test_a_month_not_begun_is_refused_before_queueing(
    opds, dinkominfo, on, client, django_capture_on_commit_callbacks
):
    on(BUILT_ON)
    client.force_login(dinkominfo)
    with django_capture_on_commit_callbacks(execute=True) as sent:
        response = client.post(reverse(BUILD), {"month": "2026-12"}, follow=True)
    assert sent == [] and not ReportRun.objects.exists()
    assert response.redirect_chain[-1][0] == reverse("evaluations:index")
    (message,) = messages_of(response)
    assert message.startswith(label("Month") + ": ")


def test_a_final_month_queued_without_a_reason_fails_in_the_task(
    opds, dinkominfo, on, client, django_capture_on_commit_callbacks
):
    finalised_september(opds, dinkominfo, on)
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.queue_run(SEPTEMBER, trigger=ReportRun.Trigger.MANUAL)
    run.refresh_from_db()
    assert run.status == Run.FAILED
    assert run.error == label(
        "This month's report is final: give the reason for a new version."
    )
    client.force_login(dinkominfo)
    assert status_of(client, run)["message"] == run.error


def test_the_reason_and_the_reviewer_travel_with_the_task(
    opds, dinkominfo, on, client, django_capture_on_commit_callbacks
):
    finalised_september(opds, dinkominfo, on)
    client.force_login(dinkominfo)
    build(
        client,
        django_capture_on_commit_callbacks,
        {"month": "2026-09", "reason": "Data permohonan September dikoreksi"},
    )
    run = latest_run()
    assert run.status == Run.SUCCEEDED
    assert run.report.version == 2
    assert run.report.reason == "Data permohonan September dikoreksi"

    # Who asked is checked again in the worker.
    admin = UserFactory(role="opd_admin", opd=opds[0])
    with django_capture_on_commit_callbacks(execute=True):
        refused = runs.queue_run(
            MONTH, trigger=ReportRun.Trigger.MANUAL, by=admin, reason="x"
        )
    refused.refresh_from_db()
    assert refused.status == Run.FAILED
    assert refused.error == label("Only the Dinkominfo evaluation team scores OPDs.")
    assert not MonthlyReport.objects.filter(month=MONTH).exists()


def test_a_lost_worker_is_explained(opds, dinkominfo, on, client):
    run = runs.queue_run(MONTH, trigger="schedule", enqueue=lambda run_id: None)
    ReportRun.objects.filter(pk=run.pk).update(attempts=runs.MAX_ATTEMPTS)
    durable.sweep(timezone.now() + datetime.timedelta(hours=1), model=ReportRun)
    run.refresh_from_db()
    assert run.status == Run.FAILED and run.error == "worker lost"
    client.force_login(dinkominfo)
    message = status_of(client, run)["message"]
    assert message == label("The worker computing the month was lost. Start it again.")


# --- Who sees run pages -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["ppid_utama", "atasan_ppid", "opd_admin"])
def test_only_the_reviewers_see_run_pages(opds, role, client):
    run = runs.queue_run(MONTH, trigger="schedule", enqueue=lambda run_id: None)
    client.force_login(
        UserFactory(role=role, opd=opds[0] if role == "opd_admin" else None)
    )
    assert client.get(run_url(run)).status_code == 404
    assert client.get(run_url(run, "run-status")).status_code == 404


def test_visitors_are_sent_to_log_in_from_run_pages(opds, client):
    run = runs.queue_run(MONTH, trigger="schedule", enqueue=lambda run_id: None)
    for name in ("run", "run-status"):
        response = client.get(run_url(run, name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_an_unknown_run_is_404(dinkominfo, client):
    client.force_login(dinkominfo)
    assert client.get(reverse("evaluations:run", kwargs={"pk": 999})).status_code == 404
