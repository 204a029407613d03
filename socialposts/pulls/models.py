"""Runs of the nightly pulls from the platforms' APIs, and the raw answers
they kept."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.runs import DurableRun
from socialposts.accounts.models import SocialAccount


class IngestionRun(DurableRun):
    """One pull of one account: the database, not the broker, is the record
    (core.runs: queued after commit, claimed by one worker, swept when its
    worker goes silent)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Partly succeeded")
        FAILED = "failed", _("Failed")
        DEFERRED = "deferred", _("Deferred to the next day")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Daily schedule")
        MANUAL = "manual", _("Started by staff")
        COMMAND = "command", _("Command line")
        IMPORT = "import", _("CSV import")

    account = models.ForeignKey(
        SocialAccount,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="runs",
    )
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    window_start = models.DateField(_("from"))
    window_end = models.DateField(_("until"))
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    failed_parts = models.JSONField(
        _("failed parts"),
        default=list,
        blank=True,
        help_text=_(
            "The parts of the pull that failed (a metric group, a post's "
            "insights, a report); the next pull asks for them again."
        ),
    )

    class Meta:
        verbose_name = _("ingestion run")
        verbose_name_plural = _("ingestion runs")
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return "{} {} {}".format(self.account_id, self.window_end, self.status)


class RawPayload(models.Model):
    """An API answer as received, kept for audit for a set time."""

    run = models.ForeignKey(
        IngestionRun,
        verbose_name=_("ingestion run"),
        on_delete=models.CASCADE,
        related_name="payloads",
    )
    endpoint = models.CharField(_("endpoint"), max_length=300)
    api_version = models.CharField(_("API version"), max_length=20, blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"))
    payload = models.JSONField(_("payload"))
    fetched_at = models.DateTimeField(_("fetched at"), default=timezone.now)

    class Meta:
        verbose_name = _("raw API payload")
        verbose_name_plural = _("raw API payloads")
        ordering = ["-fetched_at", "-id"]

    def __str__(self) -> str:
        return self.endpoint


def raw_payload_retention() -> datetime.timedelta:
    return datetime.timedelta(days=settings.SOCIAL_RAW_PAYLOAD_DAYS)
