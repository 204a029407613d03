"""Monthly KIP-readiness scores per OPD.

The framework (indicators, their items and weights) is data, one per year,
mirroring the Komisi Informasi's Monev. Each month a report is built: one
score per OPD, made of item scores that keep their evidence. Reviewers add
the manual scores, each OPD may agree or contest before a deadline, and
the final report is locked; a later change makes a new version with a
reason, so what was published stays as it was.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.runs import DurableRun, RunStatus
from opds.models import Opd

TWO_PLACES = Decimal("0.01")


class Band(models.TextChoices):
    """The Komisi Informasi's qualifications, on the score rounded to 2
    decimals (half up): the published bands leave gaps (89.9 < x < 90)
    that half-open intervals close."""

    INFORMATIF = "informatif", _("Informatif")
    MENUJU_INFORMATIF = "menuju_informatif", _("Menuju Informatif")
    CUKUP_INFORMATIF = "cukup_informatif", _("Cukup Informatif")
    KURANG_INFORMATIF = "kurang_informatif", _("Kurang Informatif")
    TIDAK_INFORMATIF = "tidak_informatif", _("Tidak Informatif")


# Lower bounds, highest first.
BAND_FLOORS = [
    (Decimal("90"), Band.INFORMATIF),
    (Decimal("80"), Band.MENUJU_INFORMATIF),
    (Decimal("60"), Band.CUKUP_INFORMATIF),
    (Decimal("40"), Band.KURANG_INFORMATIF),
]


def rounded(score: Decimal | float | str) -> Decimal:
    """A score as published: 2 decimals, half up."""
    return Decimal(str(score)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def band_for(score: Decimal | float | str) -> str:
    """The band of a score, judged on its rounded value."""
    value = rounded(score)
    for floor, band in BAND_FLOORS:
        if value >= floor:
            return band
    return Band.TIDAK_INFORMATIF


def last_day(month: datetime.date) -> datetime.date:
    """The last day of ``month``'s month."""
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


class Framework(models.Model):
    """One year's indicators and weights; the Komisi Informasi changes
    them between years, never within one."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("evaluation framework")
        verbose_name_plural = _("evaluation frameworks")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """A figure an automatic item is scored against (posts a week, hours
    for serta merta, the median-day steps, …), stored per framework year
    with where it comes from, so a month rebuilt after a change of code or
    of Dinkominfo's house rules is scored against the targets of its own
    year. A year without a target of its own keeps the previous year's."""

    class Code(models.TextChoices):
        # Jenis informasi
        SERTA_MERTA_HOURS = (
            "serta_merta_hours",
            _("Hours to announce serta-merta information"),
        )
        # Pelayanan informasi: the median working days to an answer that
        # earn full, three quarters and half the marks; beyond, nothing.
        MEDIAN_DAYS_FULL = "median_days_full", _("Median working days for full marks")
        MEDIAN_DAYS_THREE_QUARTERS = (
            "median_days_three_quarters",
            _("Median working days for three quarters of the marks"),
        )
        MEDIAN_DAYS_HALF = "median_days_half", _("Median working days for half marks")
        # Digitalisasi: Dinkominfo's social-media house rules
        POSTS_PER_WEEK = "posts_per_week", _("Posts a week")
        VISUAL_SHARE = "visual_share", _("Share of infographics and videos")
        PPID_SHARE = "ppid_share", _("Share of posts announcing PPID information")
        FOLLOWER_GROWTH = "follower_growth", _("Follower growth a month")
        FOLLOWER_BAND_1 = "follower_band_1", _("Followers from which the 2nd band")
        FOLLOWER_BAND_2 = "follower_band_2", _("Followers from which the 3rd band")
        FOLLOWER_BAND_3 = "follower_band_3", _("Followers from which the 4th band")
        VIDEO_MAX_SECONDS = "video_max_seconds", _("Longest video, in seconds")

    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    code = models.CharField(_("target"), max_length=40, choices=Code.choices)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4)
    source = models.TextField(
        _("source"),
        help_text=_(
            "Where the value comes from: the law, the Komisi Informasi, "
            "Dinkominfo's practice."
        ),
    )

    class Meta:
        verbose_name = _("evaluation target")
        verbose_name_plural = _("evaluation targets")
        ordering = ["framework", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"],
                name="evaluations_target_code",
                violation_error_message=_(
                    "The framework already has a value for this target."
                ),
            )
        ]

    def __str__(self) -> str:
        return "{} {}: {}".format(self.framework, self.get_code_display(), self.value)


class Indicator(models.Model):
    """A Monev indicator (jenis informasi, digitalisasi, …) with its weight
    in the total score."""

    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Points of 100 the indicator carries."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["framework", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="evaluations_indicator_code"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One scored question of an indicator: computed from the portal's data
    (automatic) or scored by the Dinkominfo team with evidence (manual)."""

    class Method(models.TextChoices):
        AUTOMATIC = "automatic", _("Computed from the portal's data")
        MANUAL = "manual", _("Scored by the Dinkominfo team")

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=300)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Relative to the other items of the indicator."),
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    rule = models.CharField(
        _("rule"),
        max_length=40,
        blank=True,
        help_text=_("The computation of an automatic item."),
    )
    guidance = models.TextField(
        _("how to raise it"),
        blank=True,
        help_text=_("Shown as an action in the OPD's report."),
    )
    action_url = models.CharField(
        _("where it is done"),
        max_length=200,
        blank=True,
        help_text=_("A path of the portal, e.g. /dasbor/informasi/."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("evaluation item")
        verbose_name_plural = _("evaluation items")
        ordering = ["indicator", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "code"], name="evaluations_item_code"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MonthlyReport(models.Model):
    """One month's scores for every OPD, in one version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft: computed, under review")
        REPLY = "reply", _("Open for the OPDs' reply")
        FINAL = "final", _("Final")

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    reason = models.TextField(
        _("reason for this version"),
        blank=True,
        help_text=_("Why a final report was reopened."),
    )
    reply_deadline = models.DateField(_("reply deadline"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    opened_for_reply_at = models.DateTimeField(
        _("opened for reply at"), null=True, blank=True
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    as_of = models.DateField(
        _("preview as of"),
        null=True,
        blank=True,
        help_text=_(
            "Set when the month had not ended when it was computed: the report "
            "is a preview of the month so far, never opened for reply, final "
            "or public."
        ),
    )
    sha256 = models.CharField(
        _("SHA-256 of the report file"),
        max_length=64,
        blank=True,
        help_text=_("Rebuilding from the same data gives the same file."),
    )

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "version"], name="evaluations_report_version"
            )
        ]

    def __str__(self) -> str:
        return "{:%Y-%m} v{}".format(self.month, self.version)

    @property
    def month_end(self) -> datetime.date:
        return last_day(self.month)

    @property
    def is_preview(self) -> bool:
        """Computed before the month ended: a month is final only after it
        ends, so a month-to-date build is shown, never replied to or
        published."""
        return self.as_of is not None

    @property
    def judged_on(self) -> datetime.date:
        """The day the checks judged at the month's end were judged on: the
        month's last day, or a preview's day."""
        return self.as_of or self.month_end


class OpdScore(models.Model):
    """An OPD's score and band in one report."""

    report = models.ForeignKey(
        MonthlyReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    opd = models.ForeignKey(
        Opd, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    band = models.CharField(_("band"), max_length=20, choices=Band.choices)
    rank = models.PositiveSmallIntegerField(_("rank"))
    reply = models.CharField(
        _("OPD's reply"),
        max_length=10,
        choices=[
            ("", _("None yet")),
            ("agree", _("Agrees")),
            ("contest", _("Contests")),
        ],
        blank=True,
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("OPD score")
        verbose_name_plural = _("OPD scores")
        ordering = ["report", "rank", "opd__name"]
        constraints = [
            models.UniqueConstraint(fields=["report", "opd"], name="evaluations_score")
        ]

    def __str__(self) -> str:
        return "{} {}".format(self.opd, self.score)


class ItemScore(models.Model):
    """One item's score for one OPD, with what it was computed from."""

    opd_score = models.ForeignKey(
        OpdScore,
        verbose_name=_("OPD score"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    ratio = models.DecimalField(
        _("fulfilment"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("0 to 1; empty when the item does not apply or is not scored."),
    )
    applies = models.BooleanField(
        _("applies"),
        default=True,
        help_text=_("Not applicable items (no request this month) weigh nothing."),
    )
    detail = models.CharField(_("how it was computed"), max_length=300, blank=True)
    evidence = models.JSONField(
        _("evidence"),
        default=list,
        blank=True,
        help_text=_("Links to the items, posts and requests it was computed from."),
    )
    comment = models.TextField(_("reviewer's comment"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        ordering = ["opd_score", "item__indicator__position", "item__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["opd_score", "item"], name="evaluations_item_score"
            )
        ]

    def __str__(self) -> str:
        return "{}: {}".format(self.item, self.ratio)


class Contest(models.Model):
    """An OPD's objection to one item score, with its evidence, and the
    reviewers' decision on it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        ACCEPTED = "accepted", _("Accepted: score changed")
        REJECTED = "rejected", _("Rejected")

    item_score = models.OneToOneField(
        ItemScore,
        verbose_name=_("item score"),
        on_delete=models.CASCADE,
        related_name="contest",
    )
    argument = models.TextField(_("argument"), max_length=4000)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    response = models.TextField(_("reviewers' response"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return str(self.item_score)


class ReportRun(DurableRun):
    """One computation of a month's draft, a durable run (core.runs) like a
    pull: queued after commit, claimed by one worker, swept when lost."""

    Status = RunStatus

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Monthly schedule")
        COMMAND = "command", _("Command line")
        MANUAL = "manual", _("Started by staff")

    month = models.DateField(_("month"))
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Why a final month is computed again, as a new version."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    report = models.ForeignKey(
        MonthlyReport,
        verbose_name=_("report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
    )
    opds = models.PositiveIntegerField(_("OPDs scored"), default=0)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-queued_at", "-id"]

    def __str__(self) -> str:
        return "{:%Y-%m} {}".format(self.month, self.status)
