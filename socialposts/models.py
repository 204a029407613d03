"""OPD social-media accounts, their posts and the insight metrics pulled
from the platforms (or imported from their CSV exports).

Metrics are stored as daily values under canonical names, never as deltas
only: a missed run or a platform correction is repaired by pulling the
window again, and growth is computed when read.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opds.models import Opd
from socialposts.infographics import Kind as InfographicKind
from socialposts.infographics import Size as InfographicSize

# An account whose last successful pull is older than this is stale.
STALE_AFTER = datetime.timedelta(days=2)
# A token expiring within this is shown as "expiring" and refreshed.
EXPIRING_WITHIN = datetime.timedelta(days=7)


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    X = "x", "X"


class SocialAccount(models.Model):
    """One OPD's account on one platform."""

    class Connection(models.TextChoices):
        API = "api", _("Pulled from the platform's API")
        MANUAL = "manual", _("Entered or imported by the OPD")

    class TokenHealth(models.TextChoices):
        OK = "ok", _("OK")
        EXPIRING = "expiring", _("Expiring within 7 days")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Needs reconnecting")

    opd = models.ForeignKey(
        Opd,
        verbose_name=_("OPD"),
        on_delete=models.PROTECT,
        related_name="social_accounts",
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=100)
    profile_url = models.URLField(_("profile URL"), blank=True)
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        blank=True,
        help_text=_("The account's id at the platform, needed for the API."),
    )
    connection = models.CharField(
        _("connection"),
        max_length=10,
        choices=Connection.choices,
        default=Connection.MANUAL,
    )
    access_token_encrypted = models.TextField(
        _("access token (encrypted)"), blank=True, editable=False
    )
    refresh_token_encrypted = models.TextField(
        _("refresh token (encrypted)"), blank=True, editable=False
    )
    token_expires_at = models.DateTimeField(
        _("token expires at"), null=True, blank=True
    )
    token_revoked_at = models.DateTimeField(
        _("token refused at"),
        null=True,
        blank=True,
        help_text=_("Set when the platform refused the token (e.g. Meta code 190)."),
    )
    last_success_at = models.DateTimeField(
        _("last successful pull"), null=True, blank=True
    )
    deferred_until = models.DateField(
        _("pulls deferred until"),
        null=True,
        blank=True,
        help_text=_("Set when the platform's daily quota ran out."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("social-media account")
        verbose_name_plural = _("social-media accounts")
        ordering = ["opd__name", "platform", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "handle"], name="social_account_platform_handle"
            ),
            models.UniqueConstraint(
                fields=["platform", "external_id"],
                condition=~Q(external_id=""),
                name="social_account_platform_external_id",
            ),
        ]

    def __str__(self) -> str:
        return "{} @{}".format(self.get_platform_display(), self.handle)

    def token_health(self, now: datetime.datetime | None = None) -> str:
        """ok, expiring (within 7 days), expired or revoked."""
        if self.token_revoked_at is not None:
            return self.TokenHealth.REVOKED
        # With a refresh token (YouTube, TikTok) the short access token is
        # renewed before every pull; only a refused refresh needs staff.
        if self.token_expires_at is None or self.refresh_token_encrypted:
            return self.TokenHealth.OK
        now = now or timezone.now()
        if self.token_expires_at <= now:
            return self.TokenHealth.EXPIRED
        if self.token_expires_at <= now + EXPIRING_WITHIN:
            return self.TokenHealth.EXPIRING
        return self.TokenHealth.OK

    def is_stale(self, now: datetime.datetime | None = None) -> bool:
        """An API account whose last successful pull is older than 2 days."""
        if self.connection != self.Connection.API:
            return False
        now = now or timezone.now()
        return self.last_success_at is None or self.last_success_at < now - STALE_AFTER


class Topic(models.Model):
    """What a post is about, in Dinkominfo's evaluation terms."""

    code = models.SlugField(_("code"), max_length=30, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class ContentType(models.TextChoices):
    FOTO = "foto", _("Photo")
    VIDEO = "video", _("Video")
    REELS = "reels", _("Reels / short video")
    INFOGRAFIS = "infografis", _("Infographic")
    CAROUSEL = "carousel", _("Carousel")
    STORY = "story", _("Story")
    TEKS = "teks", _("Text")


def _thumbnail_path(instance: Post, filename: str) -> str:
    # External ids come from platforms and CSV files: hashed, never a path.
    digest = hashlib.sha256(instance.external_id.encode()).hexdigest()[:32]
    return "social/thumbs/{}/{}.jpg".format(instance.account_id, digest)


class Post(models.Model):
    """One post of an account, with what it is and what it announces."""

    account = models.ForeignKey(
        SocialAccount,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="posts",
    )
    external_id = models.CharField(_("external id"), max_length=100)
    permalink = models.URLField(_("link"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), db_index=True)
    content_type = models.CharField(
        _("content type"), max_length=20, choices=ContentType.choices
    )
    caption = models.TextField(_("caption"), blank=True, max_length=5000)
    duration_seconds = models.PositiveIntegerField(
        _("duration in seconds"), null=True, blank=True
    )
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=_thumbnail_path, max_length=200, blank=True
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="posts"
    )
    information_item = models.ForeignKey(
        "ppid.InformationItem",
        verbose_name=_("PPID item announced"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="social_posts",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"],
                name="social_post_account_external_id",
            )
        ]

    def __str__(self) -> str:
        return "{} {}".format(self.account, self.external_id)


class Metric(models.Model):
    """A canonical metric: one name for what every platform counts alike."""

    class Level(models.TextChoices):
        ACCOUNT = "account", _("Account")
        POST = "post", _("Post")
        BOTH = "both", _("Account and post")

    class Kind(models.TextChoices):
        COUNT = "count", _("Count")
        TOTAL = "total", _("Running total")
        MINUTES = "minutes", _("Minutes")
        PERCENT = "percent", _("Percent")

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.name


class PlatformMetric(models.Model):
    """A platform's own name for a canonical metric, and when it was valid.

    Instagram's ``impressions`` became ``views`` on 2025-04-21; Meta retired
    the ``page_impressions*`` family in 2025-2026. A row with
    ``breaks_series`` marks where a chart must show a break, because the
    new name does not count exactly what the old one did.
    """

    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    name = models.CharField(_("platform's metric name"), max_length=100)
    metric = models.ForeignKey(
        Metric,
        verbose_name=_("canonical metric"),
        on_delete=models.PROTECT,
        related_name="platform_names",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    breaks_series = models.BooleanField(_("breaks the series"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("platform metric name")
        verbose_name_plural = _("platform metric names")
        ordering = ["platform", "name", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "name", "valid_from"],
                name="social_platform_metric_unique",
            )
        ]

    def __str__(self) -> str:
        return "{}:{} → {}".format(self.platform, self.name, self.metric_id)


class AccountMetricDaily(models.Model):
    """An account's value of one metric on one day (followers: the total)."""

    # Metric rows are written only by socialposts.ingest, which joins every
    # row to its account and metric; database-level foreign keys would add
    # two trigger checks per row and halve ingestion speed (bench/ingestion.py).
    # Deletes still cascade through the ORM. The unique key below serves the
    # lookups by account, so the columns carry no index of their own.
    account = models.ForeignKey(
        SocialAccount,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="daily_metrics",
        db_constraint=False,
        db_index=False,
    )
    metric = models.ForeignKey(
        Metric,
        verbose_name=_("metric"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    date = models.DateField(_("date"))
    value = models.FloatField(_("value"))
    source_metric = models.CharField(_("platform's metric name"), max_length=100)
    fetched_at = models.DateTimeField(_("fetched at"))

    class Meta:
        verbose_name = _("daily account metric")
        verbose_name_plural = _("daily account metrics")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "metric", "date"], name="social_account_metric_day"
            )
        ]

    def __str__(self) -> str:
        return "{} {} {}".format(self.account_id, self.metric_id, self.date)


class PostMetricSnapshot(models.Model):
    """A post's cumulative value of one metric as of one day."""

    # As for AccountMetricDaily: integrity is kept by socialposts.ingest.
    post = models.ForeignKey(
        Post,
        verbose_name=_("post"),
        on_delete=models.CASCADE,
        related_name="snapshots",
        db_constraint=False,
        db_index=False,
    )
    metric = models.ForeignKey(
        Metric,
        verbose_name=_("metric"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    date = models.DateField(_("date"))
    value = models.FloatField(_("value"))
    source_metric = models.CharField(_("platform's metric name"), max_length=100)
    fetched_at = models.DateTimeField(_("fetched at"))

    class Meta:
        verbose_name = _("post metric snapshot")
        verbose_name_plural = _("post metric snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "metric", "date"], name="social_post_metric_day"
            )
        ]

    def __str__(self) -> str:
        return "{} {} {}".format(self.post_id, self.metric_id, self.date)


class IngestionRun(models.Model):
    """One pull of one account: the database, not the broker, is the record.

    A run is queued in the same transaction that creates it and claimed by
    exactly one worker; a sweeper re-queues runs whose worker went silent.
    """

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
    task_id = models.CharField(
        _("task id"),
        max_length=50,
        blank=True,
        help_text=_(
            "The message that may execute this run; a new one on each re-queue."
        ),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    error = models.TextField(_("error"), blank=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ingestion run")
        verbose_name_plural = _("ingestion runs")
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return "{} {} {}".format(self.account_id, self.window_end, self.status)

    @property
    def is_final(self) -> bool:
        return self.status in (
            self.Status.SUCCEEDED,
            self.Status.PARTIAL,
            self.Status.FAILED,
            self.Status.DEFERRED,
        )


def _import_upload_path(instance: ImportJob, filename: str) -> str:
    # A generated name in a folder nothing serves: the export is the OPD's
    # unpublished data, and the client's name may hold ../ or worse.
    return "social/imports/{}.csv".format(uuid.uuid4().hex)


class ImportJob(models.Model):
    """A CSV import too large to run inside the request, with its progress.

    The row is the record: the view creates it and queues its task after
    commit; the task checks every row, then writes all of them in one
    transaction or none. The stored upload is deleted when the job ends.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

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
        upload_to=_import_upload_path,
        max_length=200,
        blank=True,
        help_text=_("Deleted when the job ends."),
    )
    original_name = models.CharField(_("file name"), max_length=200)
    as_of = models.DateField(_("figures as of"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    task_id = models.CharField(
        _("task id"),
        max_length=50,
        blank=True,
        help_text=_("The message that may execute this job."),
    )
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
    queued_at = models.DateTimeField(
        _("queued at"),
        default=timezone.now,
        help_text=_("When its message was last sent; the sweeper sends it again."),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"),
        null=True,
        blank=True,
        help_text=_("Written while rows are checked; a silent job lost its worker."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("CSV import job")
        verbose_name_plural = _("CSV import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return "{} {} {}".format(self.account_id, self.original_name, self.status)

    @property
    def is_final(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

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


def _infographic_path(instance: Infographic, filename: str) -> str:
    # A generated name: the data drawn may name an unpublished item.
    return "infographics/{}.png".format(uuid.uuid4().hex)


class Infographic(models.Model):
    """An image the portal drew for an OPD's social media, kept with who
    made it, when and from what, and the post that published it."""

    opd = models.ForeignKey(
        Opd,
        verbose_name=_("OPD"),
        on_delete=models.PROTECT,
        related_name="infographics",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InfographicKind.choices)
    size = models.CharField(_("size"), max_length=10, choices=InfographicSize.choices)
    data = models.JSONField(
        _("data drawn"),
        default=dict,
        blank=True,
        help_text=_("The cleaned input of the drawing, without the logo."),
    )
    source_item = models.ForeignKey(
        "ppid.InformationItem",
        verbose_name=_("made from PPID item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="infographics",
    )
    source_report = models.ForeignKey(
        "evaluations.MonthlyReport",
        verbose_name=_("made from monthly report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    image = models.ImageField(
        _("image"),
        upload_to=_infographic_path,
        max_length=200,
    )
    width = models.PositiveIntegerField(_("width in pixels"))
    height = models.PositiveIntegerField(_("height in pixels"))
    alt_text = models.TextField(_("alt text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    post = models.ForeignKey(
        Post,
        verbose_name=_("published by post"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="infographics",
    )
    linked_at = models.DateTimeField(_("linked to the post at"), null=True, blank=True)

    class Meta:
        verbose_name = _("infographic")
        verbose_name_plural = _("infographics")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["opd", "-created_at"], name="social_infographic_opd_made"
            )
        ]

    def __str__(self) -> str:
        return "{} {} {}".format(self.opd_id, self.kind, self.pk)

    @property
    def title(self) -> str:
        """What the image is about, for lists: its title, OPD or month."""
        data = self.data or {}
        return str(
            data.get("title") or data.get("month_label") or data.get("opd_name") or ""
        )
