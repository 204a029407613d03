"""The public information catalogue (DIP), excluded information (DIK) and the
working-day calendar's local overrides."""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opds.models import Opd


class Category(models.TextChoices):
    """The four kinds of information of UU 14/2008 (Pasal 9, 10, 11, 17)."""

    BERKALA = "berkala", _("Periodic")
    SERTA_MERTA = "serta_merta", _("Immediate")
    SETIAP_SAAT = "setiap_saat", _("Available at all times")
    DIKECUALIKAN = "dikecualikan", _("Excluded")


PUBLIC_CATEGORIES = [Category.BERKALA, Category.SERTA_MERTA, Category.SETIAP_SAAT]
PUBLIC_CATEGORY_CHOICES = [(c.value, c.label) for c in PUBLIC_CATEGORIES]


class Subtype(models.Model):
    """A sub-type of information from the Perki 1/2021 lists, kept as data."""

    category = models.CharField(
        _("category"),
        max_length=20,
        choices=PUBLIC_CATEGORY_CHOICES,
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_required = models.BooleanField(
        _("required"),
        default=True,
        help_text=_("Every OPD is expected to publish an item of this sub-type."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("information sub-type")
        verbose_name_plural = _("information sub-types")
        ordering = ["category", "position", "name"]

    def __str__(self) -> str:
        return self.name


class InformationItemQuerySet(models.QuerySet["InformationItem"]):
    """Reusable filters over the catalogue."""

    def public(self, today: datetime.date | None = None) -> InformationItemQuerySet:
        """The only way into the public catalogue: published, not excluded
        (an exclusion whose period has ended no longer counts)."""
        return self.filter(public_items_q(today))

    def excluded_in_force(
        self, today: datetime.date | None = None
    ) -> InformationItemQuerySet:
        """Published DIK entries whose exclusion still holds: the only ones a
        refusal may rest on (PP 61/2010 Pasal 11(3))."""
        return self.filter(
            category=Category.DIKECUALIKAN,
            status=InformationItem.Status.PUBLISHED,
            exclusion__in=ExclusionDecision.objects.in_force(today),
        )

    def for_opd(self, opd: Opd) -> InformationItemQuerySet:
        return self.filter(opd=opd)

    def berkala_due_by(self, day: datetime.date) -> InformationItemQuerySet:
        """Periodic items whose update falls due on or before ``day``."""
        return self.filter(
            berkala_update_due_q(day),
            category=Category.BERKALA,
            status=InformationItem.Status.PUBLISHED,
        )

    def berkala_needing_update(self, today: datetime.date) -> InformationItemQuerySet:
        """Periodic items overdue or falling due within the warning window."""
        return self.berkala_due_by(
            today + datetime.timedelta(days=settings.PPID_DUE_SOON_DAYS)
        )


def exclusions_open_at_end() -> bool:
    """Whether an ended exclusion is public at once (the default, PP 61/2010
    Pasal 11(3)) rather than sent back to its OPD as a draft for review."""
    return settings.PPID_EXCLUSION_END_ACTION == "publish"


def public_items_q(today: datetime.date | None = None) -> Q:
    """What the public may read, as a condition on items.

    Excluded information is hidden while its exclusion is in force. When the
    period has ended the information is public by law even before the daily
    job opens it (PP 61/2010 Pasal 11(3): without a PPID determination it
    becomes public at the end of the period), unless the portal is set to
    send ended exclusions back for review first (PPID_EXCLUSION_END_ACTION)
    and the PPID has not determined ahead that it opens at the end.
    """
    ended = ExclusionDecision.objects.lapsed(today)
    if not exclusions_open_at_end():
        ended = ended.filter(end_decided_at__isnull=False)
    visible = ~Q(category=Category.DIKECUALIKAN) | Q(
        category=Category.DIKECUALIKAN, pk__in=ended.values("item_id")
    )
    return Q(status=InformationItem.Status.PUBLISHED) & visible


def _add_years(day: datetime.date, years: int) -> datetime.date:
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(years=years)


def _update_interval():
    from dateutil.relativedelta import relativedelta

    return relativedelta(months=settings.PPID_BERKALA_UPDATE_MONTHS)


def berkala_update_due_q(day: datetime.date) -> Q:
    """The date condition of ``berkala_due_by(day)``: last updated a whole
    update interval or more before ``day``."""
    return Q(last_updated_at__date__lte=day - _update_interval())


class InformationItem(models.Model):
    """An entry of the Daftar Informasi Publik (or of the DIK when excluded).

    The fields follow the legal minimum of a DIP entry: summary, the unit
    that holds it, who is responsible, when and where it was made, its form
    and its retention period.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Format(models.TextChoices):
        SOFTCOPY = "softcopy", _("Softcopy")
        HARDCOPY = "hardcopy", _("Hardcopy")
        BOTH = "both", _("Softcopy and hardcopy")

    opd = models.ForeignKey(
        Opd,
        verbose_name=_("OPD"),
        on_delete=models.PROTECT,
        related_name="information_items",
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary of contents"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    subtype = models.ForeignKey(
        Subtype,
        verbose_name=_("sub-type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    responsible_official = models.CharField(_("responsible official"), max_length=200)
    made_on = models.DateField(_("date made"))
    made_at_place = models.CharField(_("place made"), max_length=200)
    format = models.CharField(
        _("form"), max_length=10, choices=Format.choices, default=Format.SOFTCOPY
    )
    retention_period = models.CharField(
        _("retention period"),
        max_length=200,
        help_text=_("As in the archive retention schedule (JRA), e.g. 5 tahun."),
    )
    year = models.PositiveSmallIntegerField(
        _("year covered"),
        validators=[MinValueValidator(1945), MaxValueValidator(2100)],
    )
    period = models.CharField(
        _("period covered"),
        max_length=100,
        blank=True,
        help_text=_("When narrower than a year, e.g. Semester I or Triwulan III."),
    )
    external_url = models.URLField(_("external link"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    event_occurred_at = models.DateTimeField(
        _("event occurred at"),
        null=True,
        blank=True,
        help_text=_("Immediate information: when the event happened."),
    )
    last_updated_at = models.DateTimeField(
        _("content last updated"),
        default=timezone.now,
        help_text=_("Periodic items fall due for update counted from here."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    extracted_text = models.TextField(
        _("text of the files"), blank=True, editable=False
    )
    # Filled on PostgreSQL only; SQLite keeps the same stems in an FTS5 table
    # (see ppid.catalogue.search).
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)

    objects = InformationItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("information item")
        verbose_name_plural = _("information items")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(
                fields=["status", "category", "-published_at"],
                name="ppid_item_status_cat_pub",
            ),
            models.Index(fields=["opd", "status"], name="ppid_item_opd_status"),
            # Lists and broad searches read published items newest first.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="ppid_item_published_recent",
            ),
            # Counting the public catalogue (a list's pages) reads this index
            # only: the public condition needs the category, and the id for
            # excluded items, never the wide rows.
            models.Index(
                fields=["category", "id"],
                condition=Q(status="published"),
                name="ppid_item_public_count",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(category=Category.DIKECUALIKAN) | Q(subtype__isnull=True),
                name="%(app_label)s_%(class)s_excluded_has_no_subtype",
                violation_error_message=_("Excluded information has no sub-type."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ppid:item-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.category == Category.DIKECUALIKAN:
            if self.subtype_id is not None:
                errors["subtype"] = _("Excluded information has no sub-type.")
        elif self.subtype is not None and self.subtype.category != self.category:
            errors["subtype"] = _("This sub-type belongs to another category.")
        if self.category == Category.SERTA_MERTA and self.event_occurred_at is None:
            errors["event_occurred_at"] = _(
                "Immediate information needs the time the event happened."
            )
        if self.event_occurred_at and self.event_occurred_at > timezone.now():
            errors["event_occurred_at"] = _("The event cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_excluded(self) -> bool:
        return self.category == Category.DIKECUALIKAN

    @property
    def is_public(self) -> bool:
        """Whether anyone may read the item (the per-object ``public_items_q``)."""
        if self.status != self.Status.PUBLISHED:
            return False
        if not self.is_excluded:
            return True
        decision = getattr(self, "exclusion", None)
        return (
            decision is not None
            and decision.has_lapsed()
            and (exclusions_open_at_end() or decision.end_decided_at is not None)
        )

    @property
    def next_update_due(self) -> datetime.date | None:
        """Periodic items fall due a set number of months after their update."""
        if self.category != Category.BERKALA:
            return None
        return timezone.localdate(self.last_updated_at) + _update_interval()

    def freshness(self, today: datetime.date | None = None) -> str | None:
        """``ok``, ``due`` (within the warning window) or ``overdue``."""
        due = self.next_update_due
        if due is None:
            return None
        today = today or timezone.localdate()
        if due < today:
            return "overdue"
        if (due - today).days <= settings.PPID_DUE_SOON_DAYS:
            return "due"
        return "ok"

    @property
    def time_to_announce(self) -> datetime.timedelta | None:
        """Immediate information: from the event to its publication."""
        if self.event_occurred_at and self.published_at:
            return self.published_at - self.event_occurred_at
        return None


def item_file_path(instance: InformationFile, filename: str) -> str:
    # The client's name never reaches the disk: it may hold ../ or a
    # misleading double extension.
    extension = PurePosixPath(filename).suffix.lower()
    return "ppid/{}{}".format(uuid.uuid4().hex, extension)


class InformationFile(models.Model):
    """A file of an item, stored under a generated name and served by a view."""

    item = models.ForeignKey(
        InformationItem,
        verbose_name=_("information item"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField(_("file"), upload_to=item_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    is_redacted_version = models.BooleanField(
        _("redacted public version"),
        default=False,
        help_text=_("For partly excluded information: the version the public sees."),
    )
    extracted_text = models.TextField(_("extracted text"), blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("information file")
        verbose_name_plural = _("information files")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse(
            "ppid:file-download", kwargs={"pk": self.item_id, "file_id": self.pk}
        )


class ItemChange(models.Model):
    """One recorded change of an item: who, when, what. Never edited."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RETURNED = "returned", _("Returned to draft")
        FILE_ADDED = "file_added", _("File added")
        FILE_REMOVED = "file_removed", _("File removed")
        EXCLUSION_SET = "exclusion_set", _("Exclusion decided")
        OPENED = "opened", _("Opened to the public")

    item = models.ForeignKey(
        InformationItem,
        verbose_name=_("information item"),
        on_delete=models.CASCADE,
        related_name="changes",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    changes = models.JSONField(
        _("changes"), default=dict, blank=True, help_text=_("Field: [before, after].")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("item change")
        verbose_name_plural = _("item changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return "{} {}".format(self.get_action_display(), self.at.isoformat())

    def summary(self) -> str:
        """The change as one sentence for the public change log: what
        happened, and for an edit which parts, never a field's name alone."""
        if self.action == self.Action.UPDATED:
            fields = self.changed_fields()
            if fields:
                return _("Changes to: %(fields)s.") % {"fields": ", ".join(fields)}
            return str(_("The information was updated."))
        sentences = {
            self.Action.CREATED: _("The information was entered."),
            self.Action.SUBMITTED: _("Submitted to PPID Utama for review."),
            self.Action.PUBLISHED: _("Published to the public."),
            self.Action.WITHDRAWN: _("Withdrawn from publication."),
            self.Action.RETURNED: _("Returned to the OPD for changes."),
            self.Action.FILE_ADDED: _("A file was added."),
            self.Action.FILE_REMOVED: _("A file was removed."),
            self.Action.EXCLUSION_SET: _("The exclusion decision was recorded."),
            self.Action.OPENED: _("Opened to the public."),
        }
        return str(sentences.get(self.action, self.get_action_display()))

    def changed_fields(self) -> list[str]:
        """The names of what changed, for the public change log (no values)."""
        labels = []
        for key in self.changes:
            model, name = InformationItem, key
            if key.startswith("exclusion."):
                model, name = ExclusionDecision, key.split(".", 1)[1]
            elif key == "file":
                labels.append(str(_("file")))
                continue
            try:
                labels.append(str(model._meta.get_field(name).verbose_name))
            except Exception:  # a field since removed still has its history
                labels.append(key)
        return labels


# UU 14/2008 Pasal 17: the numbered points each ground lists (a: 1-5, c: 1-7,
# e: 1-7, f: 1-4, h: 1-5). Grounds b, d, g, i and j have no list.
GROUND_POINTS: dict[str, int] = {"a": 5, "c": 7, "e": 7, "f": 4, "h": 5}
# The longest period the law itself sets: law enforcement (ground a) at most
# 30 years (PP 61/2010 Pasal 5(1); UU 14/2008 Pasal 20(2) leaves the periods
# to the PP). Every other ground lasts "as long as needed" or as another law
# says (PP 61/2010 Pasal 6-9): PPID_EXCLUSION_MAX_YEARS may cap those.
LEGAL_MAX_YEARS: dict[str, int] = {"a": 30}
# PP 61/2010 Pasal 11(2): the PPID decides on an exclusion's end at the
# latest this many working days before the period ends.
END_DECISION_WORKING_DAYS = 30


def reminder_window() -> datetime.timedelta:
    """Calendar days that surely hold the working days from the first
    end-of-period reminder to the end itself."""
    working_days = (
        END_DECISION_WORKING_DAYS + settings.PPID_EXCLUSION_REMINDER_LEAD_WORKING_DAYS
    )
    # Three calendar days per working day and two months spare cover even
    # Idul Fitri with its cuti bersama.
    return datetime.timedelta(days=working_days * 3 + 60)


def max_exclusion_years(ground: str) -> int | None:
    """The longest period for ``ground``: the law's cap, tightened (never
    loosened) by the PPID_EXCLUSION_MAX_YEARS setting."""
    caps = [
        years
        for years in (
            LEGAL_MAX_YEARS.get(ground),
            settings.PPID_EXCLUSION_MAX_YEARS.get(ground),
        )
        if years is not None
    ]
    return min(caps) if caps else None


class ExclusionDecisionQuerySet(models.QuerySet["ExclusionDecision"]):
    """Which decisions hold on a given day."""

    def in_force(self, today: datetime.date | None = None) -> ExclusionDecisionQuerySet:
        """Not opened, and the period not yet over (an end date is the last
        excluded day; "as long as needed" never lapses by itself)."""
        today = today or timezone.localdate()
        return self.filter(opened_at__isnull=True).filter(
            Q(period_end__isnull=True) | Q(period_end__gte=today)
        )

    def lapsed(self, today: datetime.date | None = None) -> ExclusionDecisionQuerySet:
        """Not opened by anyone yet, but the period is over: public by law
        (PP 61/2010 Pasal 11(3)), waiting for the daily job."""
        today = today or timezone.localdate()
        return self.filter(opened_at__isnull=True, period_end__lt=today)

    def ending_by(
        self, horizon: datetime.date, today: datetime.date | None = None
    ) -> ExclusionDecisionQuerySet:
        """Published DIK entries in force whose end, or review date for one
        that lasts as long as needed, falls on or before ``horizon``."""
        return self.in_force(today).filter(
            Q(period_end__lte=horizon)
            | Q(period_end__isnull=True, review_date__lte=horizon),
            item__status=InformationItem.Status.PUBLISHED,
            item__category=Category.DIKECUALIKAN,
        )

    def ended(self, today: datetime.date | None = None) -> ExclusionDecisionQuerySet:
        """Opened, by decision or at the end of the period, or lapsed."""
        today = today or timezone.localdate()
        return self.filter(Q(opened_at__isnull=False) | Q(period_end__lt=today))


class ExclusionDecision(models.Model):
    """The surat penetapan klasifikasi of an excluded item (PP 61/2010 Pasal 4).

    Only the information's name, its OPD, the legal basis, the consequence
    and the period are public (the DIK register); the rest is staff-only.
    """

    class Ground(models.TextChoices):
        A = "a", _("a. obstructs law enforcement")
        B = "b", _("b. harms intellectual property or fair competition")
        C = "c", _("c. endangers national defence and security")
        D = "d", _("d. reveals Indonesia's natural resources")
        E = "e", _("e. harms national economic resilience")
        F = "f", _("f. harms foreign relations")
        G = "g", _("g. reveals an authentic deed or a will")
        H = "h", _("h. reveals personal secrets")
        I = "i", _("i. confidential memoranda between public bodies")  # noqa: E741
        J = "j", _("j. may not be disclosed under another law")

    class Scope(models.TextChoices):
        WHOLE = "whole", _("Whole")
        PARTIAL = "partial", _("Partial")

    class TestOccasion(models.TextChoices):
        """When the consequence test was done (Perki 1/2021 Pasal 49(1))."""

        PROACTIVE = "proactive", _("Before any request")
        ON_REQUEST = "on_request", _("When a request was received")
        ON_ORDER = "on_order", _("In a dispute, on the Information Commission's order")

    item = models.OneToOneField(
        InformationItem,
        verbose_name=_("information item"),
        on_delete=models.CASCADE,
        related_name="exclusion",
    )
    ground = models.CharField(
        _("ground (UU 14/2008 Pasal 17)"), max_length=1, choices=Ground.choices
    )
    ground_point = models.PositiveSmallIntegerField(
        _("point of the ground"), null=True, blank=True
    )
    legal_basis = models.TextField(_("legal basis"))
    consequence = models.TextField(_("consequence if opened"))
    public_interest = models.TextField(_("public-interest consideration"))
    # UU 14/2008 Pasal 19 and PP 61/2010 Pasal 3(1): the test comes before
    # the decision. Empty only on decisions recorded before it was asked.
    consequence_tested_on = models.DateField(
        _("consequence test date"),
        null=True,
        help_text=_("The date of the signed consequence-test sheet."),
    )
    test_occasion = models.CharField(
        _("consequence test done"),
        max_length=12,
        choices=TestOccasion.choices,
        default=TestOccasion.PROACTIVE,
    )
    scope = models.CharField(
        _("scope"), max_length=10, choices=Scope.choices, default=Scope.WHOLE
    )
    redacted_summary = models.TextField(
        _("redacted public summary"),
        blank=True,
        help_text=_("For a partial exclusion: what the public may read."),
    )
    period_start = models.DateField(_("excluded from"))
    period_end = models.DateField(
        _("excluded until"),
        null=True,
        blank=True,
        help_text=_("Empty: as long as needed, with a review date."),
    )
    review_date = models.DateField(_("review date"), null=True, blank=True)
    decided_by = models.CharField(_("PPID who decided"), max_length=200)
    approved_by = models.CharField(_("head who approved"), max_length=200)
    decided_place = models.CharField(_("place decided"), max_length=100)
    decided_on = models.DateField(_("date decided"))
    signed_sheet = models.FileField(
        _("signed sheet"), upload_to=item_file_path, max_length=200, blank=True
    )
    reminder_sent_at = models.DateTimeField(
        _("end-of-period reminder sent"), null=True, blank=True, editable=False
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opening_note = models.TextField(_("opening decision"), blank=True)
    # PP 61/2010 Pasal 11(1)-(2): the PPID may determine, ahead of the end,
    # that the information opens when the period ends; the reminders stop
    # and the daily job opens it then, into the category chosen here.
    end_decided_at = models.DateTimeField(
        _("opening at the end decided at"), null=True, blank=True, editable=False
    )
    end_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opening at the end decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    end_opens_as = models.CharField(
        _("opens at the end as"),
        max_length=20,
        choices=PUBLIC_CATEGORY_CHOICES,
        blank=True,
        editable=False,
    )
    end_decision_note = models.TextField(
        _("grounds of the opening at the end"), blank=True, editable=False
    )
    opened_on_expiry = models.BooleanField(
        _("opened when its period ended"),
        default=False,
        editable=False,
        help_text=_("Opened by the daily job, not by a PPID decision."),
    )

    objects = ExclusionDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("exclusion decision")
        verbose_name_plural = _("exclusion decisions")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="%(app_label)s_%(class)s_end_after_start",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=False) | Q(review_date__isnull=False),
                name="%(app_label)s_%(class)s_end_or_review",
                violation_error_message=_(
                    "Give an end date, or a review date when it lasts as long as "
                    "needed."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.item)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.scope == self.Scope.PARTIAL and not self.redacted_summary.strip():
            errors["redacted_summary"] = _(
                "A partial exclusion needs the summary the public may read."
            )
        errors.update(self._point_errors())
        errors.update(self._period_errors())
        errors.update(self._test_errors())
        if errors:
            raise ValidationError(errors)

    def _point_errors(self) -> dict[str, Any]:
        """UU 14/2008 Pasal 17: a point exists only in the ground's own list."""
        if not self.ground:
            return {}
        points = GROUND_POINTS.get(self.ground)
        if points is None:
            if self.ground_point is not None:
                return {
                    "ground_point": _(
                        "Point of the ground: Pasal 17 letter %(ground)s has no "
                        "numbered points; leave it empty."
                    )
                    % {"ground": self.ground}
                }
            return {}
        if self.ground_point is None or not 1 <= self.ground_point <= points:
            return {
                "ground_point": _(
                    "Point of the ground: Pasal 17 letter %(ground)s lists points "
                    "1 to %(count)s; choose the one that applies."
                )
                % {"ground": self.ground, "count": points}
            }
        return {}

    def _period_errors(self) -> dict[str, Any]:
        """The longest period the law (or the setting) allows for the ground."""
        years = max_exclusion_years(self.ground) if self.ground else None
        if years is None or self.period_start is None:
            return {}
        last_day = _add_years(self.period_start, years) - datetime.timedelta(days=1)
        if self.period_end is None:
            return {
                "period_end": _(
                    "Excluded until: on ground %(ground)s the period lasts at most "
                    "%(years)s years, so it needs an end date (%(date)s at the "
                    "latest)."
                )
                % {
                    "ground": self.ground,
                    "years": years,
                    "date": last_day.strftime("%d-%m-%Y"),
                }
            }
        if self.period_end > last_day:
            return {
                "period_end": _(
                    "Excluded until: on ground %(ground)s the period lasts at most "
                    "%(years)s years; the last excluded day is %(date)s at the "
                    "latest."
                )
                % {
                    "ground": self.ground,
                    "years": years,
                    "date": last_day.strftime("%d-%m-%Y"),
                }
            }
        return {}

    def _test_errors(self) -> dict[str, Any]:
        """The consequence test comes first (UU 14/2008 Pasal 19; PP 61/2010
        Pasal 3(1)) and cannot be dated in the future."""
        tested = self.consequence_tested_on
        if tested is None:
            return {}  # the field itself is required (blank=False)
        if self.decided_on and tested > self.decided_on:
            return {
                "consequence_tested_on": _(
                    "Consequence test date: the test comes before the decision "
                    "(UU 14/2008 Pasal 19), so it cannot be after %(date)s."
                )
                % {"date": self.decided_on.strftime("%d-%m-%Y")}
            }
        if tested > timezone.localdate():
            return {
                "consequence_tested_on": _(
                    "Consequence test date: the date cannot be in the future."
                )
            }
        return {}

    def has_lapsed(self, today: datetime.date | None = None) -> bool:
        """The period is over and nobody has opened it yet (``lapsed``)."""
        today = today or timezone.localdate()
        return (
            self.opened_at is None
            and self.period_end is not None
            and self.period_end < today
        )

    def is_in_force(self, today: datetime.date | None = None) -> bool:
        """The per-object ``in_force``."""
        today = today or timezone.localdate()
        return self.opened_at is None and (
            self.period_end is None or self.period_end >= today
        )

    @property
    def opened_on(self) -> datetime.date | None:
        """The day the information became public: when it was opened, or the
        day after its period ended if the daily job has not run yet."""
        if self.opened_at is not None:
            return timezone.localdate(self.opened_at)
        if self.period_end is not None:
            return self.period_end + datetime.timedelta(days=1)
        return None

    @property
    def decision_target(self) -> datetime.date | None:
        """The date a PPID decision is about: the end of the period, or the
        review date of an exclusion that lasts as long as needed."""
        return self.period_end or self.review_date

    def reminder_dates(self, calendar: Any) -> tuple[datetime.date, datetime.date]:
        """(first reminder, legal mark) for ``decision_target``, in working days.

        PP 61/2010 Pasal 11(2) sets the mark: the decision on the end is made
        at the latest 30 working days before it. A reminder on that day is
        already the last moment, so the first one comes
        PPID_EXCLUSION_REMINDER_LEAD_WORKING_DAYS earlier (domain.md §8).
        ``calendar`` is a ``ppid.calendar.workdays.WorkingCalendar``.
        """
        target = self.decision_target
        if target is None:
            raise ValueError("a decision has an end date or a review date")
        mark = calendar.add(target, -END_DECISION_WORKING_DAYS)
        first = calendar.add(mark, -settings.PPID_EXCLUSION_REMINDER_LEAD_WORKING_DAYS)
        return first, mark

    @property
    def legal_reference(self) -> str:
        """E.g. ``UU 14/2008 Pasal 17 huruf h angka 2``."""
        text = "UU 14/2008 Pasal 17 huruf {}".format(self.ground)
        if self.ground_point:
            text += " angka {}".format(self.ground_point)
        return text


class SearchTerm(models.Model):
    """A word of the catalogue's titles and summaries, for "Did you mean …?".

    Looked up by its first two letters and its length, so a suggestion reads
    a few rows, never the catalogue.
    """

    term = models.CharField(_("word"), max_length=40, unique=True)
    prefix = models.CharField(_("first letters"), max_length=2)
    length = models.PositiveSmallIntegerField(_("length"))
    frequency = models.PositiveIntegerField(
        _("frequency"),
        default=1,
        help_text=_("Items whose title or summary has the word, when last counted."),
    )

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        indexes = [
            models.Index(fields=["prefix", "length"], name="ppid_searchterm_lookup")
        ]

    def __str__(self) -> str:
        return self.term
