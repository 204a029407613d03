"""The yearly service report (Laporan Layanan Informasi Publik, UU 14/2008
Pasal 12; Perki 1/2021 Pasal 56): the parts PPID Utama writes, and the
report's publication.

Its figures are not stored: ``ppid.requests.selectors`` computes them from
the request register whenever the report is read.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

TEXT_MAX = 10000
# Rupiah, whole: a kabupaten budget line never needs cents.
MONEY = {"max_digits": 15, "decimal_places": 0}


class YearlyReport(models.Model):
    """One year's report: what PPID Utama writes, and when it was published."""

    # Perki 1/2021 Pasal 56 (minimum contents, domain.md §1.4): the parts no
    # register can compute, in the report's order.
    MANUAL_FIELDS = (
        "policy",
        "facilities",
        "staff",
        "staff_count",
        "budget",
        "budget_allocated",
        "budget_spent",
        "constraints_internal",
        "constraints_external",
        "recommendations",
    )
    # The written parts (texts); the others are numbers.
    TEXT_FIELDS = (
        "policy",
        "facilities",
        "staff",
        "budget",
        "constraints_internal",
        "constraints_external",
        "recommendations",
    )
    # A report is published only with every written part filled in; the
    # numbers may stay empty (a PPID often has no budget line of its own).
    REQUIRED_TO_PUBLISH = TEXT_FIELDS

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    policy = models.TextField(
        _("service policy"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_(
            "The public-information service policy in outline: decrees, "
            "standard operating procedures, service standards."
        ),
    )
    facilities = models.TextField(
        _("facilities and infrastructure"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Service desks, the website, equipment and their condition."),
    )
    staff = models.TextField(
        _("staff and their qualifications"), max_length=TEXT_MAX, blank=True
    )
    staff_count = models.PositiveSmallIntegerField(
        _("number of PPID staff"), null=True, blank=True
    )
    budget = models.TextField(
        _("budget and its use"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Where the service's money came from and what it paid for."),
    )
    budget_allocated = models.DecimalField(
        _("budget allocated (Rp)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_spent = models.DecimalField(
        _("budget used (Rp)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    constraints_internal = models.TextField(
        _("internal constraints"), max_length=TEXT_MAX, blank=True
    )
    constraints_external = models.TextField(
        _("external constraints"), max_length=TEXT_MAX, blank=True
    )
    recommendations = models.TextField(
        _("recommendations and follow-up plan"), max_length=TEXT_MAX, blank=True
    )
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_on = models.DateField(
        _("published on"), null=True, blank=True, editable=False
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    last_reminded_on = models.DateField(
        _("last reminder sent on"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("yearly service report")
        verbose_name_plural = _("yearly service reports")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    def clean(self) -> None:
        allocated, spent = self.budget_allocated, self.budget_spent
        # A negative amount has its own error; comparing it would add another.
        if allocated is not None and spent is not None and 0 <= allocated < spent:
            raise ValidationError(
                {
                    "budget_spent": _(
                        "The budget used cannot exceed the budget allocated."
                    )
                }
            )
