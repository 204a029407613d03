"""Staff pages of the CSV imports: the upload, and a large file's progress
and result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from opds import permissions as perms
from socialposts.accounts import selectors
from socialposts.accounts.forms import ImportForm
from socialposts.imports import services as imports
from socialposts.imports.models import ImportJob


@require_POST
@perms.staff_required
def account_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Import a CSV export for a manual account: all rows or none; a large
    file goes to a job whose page shows the progress."""
    account = selectors.account_for(request.user, pk)
    # Refused before the upload is read: its errors are for the OPD's admin.
    if not perms.can_manage_opd_data(request.user, account.opd):
        raise PermissionDenied
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = imports.start_import(
                account=account,
                upload=form.cleaned_data["file"],
                by=request.user,
                as_of=form.cleaned_data.get("as_of"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if isinstance(result, ImportJob):
                return redirect("socialposts:import-job", pk=result.pk)
            messages.success(
                request,
                _(
                    "%(rows)s rows imported: %(posts)s new posts, %(values)s figures written."
                )
                % {
                    "rows": result.rows,
                    "posts": result.posts_created,
                    "values": result.values_written,
                },
            )
            return redirect("socialposts:account-detail", pk=account.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("socialposts:account-detail", pk=account.pk)


def _visible_job(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(
        perms.import_jobs_visible_to(
            request.user, ImportJob.objects.select_related("account__opd")
        ),
        pk=pk,
    )


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A large import: its progress, then its result or its per-row report."""
    job = _visible_job(request, pk)
    response = render(
        request,
        "socialposts/import_job.html",
        {"job": job, "report_rows": imports.REPORT_ROWS},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def import_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's progress for the page's script, polled every few seconds."""
    job = _visible_job(request, pk)
    response = JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "phase": job.phase,
            "finished": job.is_final,
            "rows_total": job.rows_total,
            "rows_checked": job.rows_checked,
            "rows_imported": job.rows_imported,
            "rows_invalid": job.rows_invalid,
            "percent": job.percent,
            "message": job.progress_text,
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response
