"""CSV imports too large to run inside the request."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.runs import DurableRun, RunStatus
from socialposts.accounts.models import SocialAccount


def import_upload_path(instance: ImportJob, filename: str) -> str:
    # A generated name in a folder nothing serves: the export is the OPD's
    # unpublished data, and the client's name may hold ../ or worse.
    return "social/imports/{}.csv".format(uuid.uuid4().hex)


class ImportJob(DurableRun):
    """A CSV import too large to run inside the request, with its progress.

    The row is the record: the view creates it and queues its task after
    commit; the task checks every row, then writes all of them in one
    transaction or none. The stored upload is deleted when the job ends.
    """

    Status = RunStatus

    account = models.ForeignKey(
        SocialAccount,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    file = models.FileField(
        _("stored upload"),
        upload_to=import_upload_path,
        max_length=200,
        blank=True,
        help_text=_("Deleted when the job ends."),
    )
    original_name = models.CharField(_("file name"), max_length=200)
    as_of = models.DateField(_("figures as of"))
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_invalid = models.PositiveIntegerField(_("invalid rows"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    posts_created = models.PositiveIntegerField(_("new posts"), default=0)
    values_written = models.PositiveIntegerField(_("figures written"), default=0)
    report = models.JSONField(
        _("error report"),
        default=list,
        blank=True,
        help_text=_("One entry per problem: row, column and message."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("CSV import job")
        verbose_name_plural = _("CSV import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return "{} {} {}".format(self.account_id, self.original_name, self.status)

    @property
    def phase(self) -> str:
        """queued, checking, writing or done: what the progress bar shows."""
        if self.is_final:
            return "done"
        if self.status == self.Status.QUEUED:
            return "queued"
        if self.rows_total and self.rows_checked >= self.rows_total:
            return "writing"
        return "checking"

    @property
    def percent(self) -> int:
        """Share of the rows checked (writing is one step, shown as 100)."""
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_checked * 100 // self.rows_total)

    @property
    def progress_text(self) -> str:
        """One line for the job's page and its status endpoint."""
        phase = self.phase
        if phase == "queued":
            return str(_("Waiting for a worker to start the import…"))
        if phase == "checking":
            return _("Checking rows: %(checked)s of %(total)s.") % {
                "checked": self.rows_checked,
                "total": self.rows_total,
            }
        if phase == "writing":
            return str(_("Every row is valid; writing them all in one step…"))
        if self.status == self.Status.SUCCEEDED:
            return str(_("Imported."))
        return str(_("Refused: nothing was imported."))
