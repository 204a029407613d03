"""OPD social-media accounts, their posts and the insight metrics pulled
from the platforms (or imported from their CSV exports).

Metrics are stored as daily values under canonical names, never as deltas
only: a missed run or a platform correction is repaired by pulling the
window again, and growth is computed when read.
"""

from __future__ import annotations

import datetime
import hashlib

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opds.models import Opd

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

    class MetaLogin(models.TextChoices):
        # The two logins answer on different hosts with different tokens:
        # graph.facebook.com with a Page's token, graph.instagram.com with
        # an Instagram user token.
        FACEBOOK = "facebook", _("Facebook Login for Business")
        INSTAGRAM = "instagram", _("Instagram Login")

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
    meta_login = models.CharField(
        _("Meta login"),
        max_length=10,
        choices=MetaLogin.choices,
        default=MetaLogin.FACEBOOK,
        help_text=_(
            "How an Instagram account was connected: through its Facebook "
            "Page, or with Instagram Login."
        ),
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
    refresh_expires_at = models.DateTimeField(
        _("refresh token expires at"),
        null=True,
        blank=True,
        help_text=_(
            "When the token that renews the access token lapses (TikTok's "
            "refresh token, the Facebook Login user token): then only a new "
            "connection helps."
        ),
    )
    reconnect_reminder_for = models.DateTimeField(
        _("reconnect reminder sent for"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The lapse the last reconnect reminder announced."),
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

    def lapses_at(self) -> datetime.datetime | None:
        """When staff must connect the account again, if nothing renews it.

        With a refresh token (YouTube, TikTok, Facebook Login's user token)
        the access token is renewed without staff until the refresh token
        lapses (None: it does not); without one, the access token's expiry.
        """
        if self.refresh_token_encrypted:
            return self.refresh_expires_at
        return self.token_expires_at

    def token_health(self, now: datetime.datetime | None = None) -> str:
        """ok, expiring (within 7 days), expired or revoked."""
        if self.token_revoked_at is not None:
            return self.TokenHealth.REVOKED
        lapses = self.lapses_at()
        if lapses is None:
            return self.TokenHealth.OK
        now = now or timezone.now()
        if lapses <= now:
            return self.TokenHealth.EXPIRED
        if lapses <= now + EXPIRING_WITHIN:
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


def thumbnail_path(instance: Post, filename: str) -> str:
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
        _("thumbnail"), upload_to=thumbnail_path, max_length=200, blank=True
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
    reporting_timezone = models.CharField(
        _("reporting time zone"),
        max_length=40,
        blank=True,
        help_text=_(
            "The time zone in which the platform cuts its days (Meta and "
            "YouTube: Pacific time)."
        ),
    )
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

    # Metric rows are written only by socialposts.accounts.ingest, which joins every
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

    # As for AccountMetricDaily: integrity is kept by socialposts.accounts.ingest.
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
