"""The working-day calendar's own days: cuti bersama and other days the
decrees add or take away, each year's holidays as counted, and the rule on
cuti bersama (``ppid.calendar.workdays`` reads them)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """A day whose working status differs from the national calendar.

    Late decrees (a cuti bersama added or moved by SKB or Keppres) and local
    decisions of the Pemkab arrive after the ``holidays`` package is released.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    reason = models.CharField(_("reason"), max_length=200)
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("The decree or decision, e.g. SKB 3 Menteri No. 1497/2025."),
    )

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["-date"]

    def __str__(self) -> str:
        return "{} ({})".format(self.date.isoformat(), self.reason)


class CalendarYear(models.Model):
    """The holidays of one year as the portal counts them: a snapshot.

    Taken from the ``holidays`` package the first time the year is used (or
    entered from the SKB by a migration), so that a stored deadline never
    moves when the package is upgraded; an admin action refreshes it on
    purpose and recomputes the open requests (domain.md §7.2, §8).
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("Where the days come from: the SKB, or the package and version."),
    )
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)

    class Meta:
        verbose_name = _("holiday calendar of a year")
        verbose_name_plural = _("holiday calendars by year")
        ordering = ["-year"]

    def __str__(self) -> str:
        return "{} ({})".format(self.year, self.source)


class CalendarHoliday(models.Model):
    """One public holiday or cuti bersama day of a year's snapshot."""

    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public holiday")
        CUTI_BERSAMA = "cuti_bersama", _("Cuti bersama")

    calendar_year = models.ForeignKey(
        CalendarYear,
        verbose_name=_("year"),
        on_delete=models.CASCADE,
        related_name="days",
    )
    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_estimate = models.BooleanField(
        _("estimated"),
        default=False,
        help_text=_("A lunar date not yet fixed by decree (“perkiraan”)."),
    )

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return "{} {}".format(self.date.isoformat(), self.name)

    def clean(self) -> None:
        # The calendar reads a year's days by their date.
        if (
            self.date
            and self.calendar_year_id
            and (self.date.year != self.calendar_year.year)
        ):
            raise ValidationError(
                {"date": _("The date must fall in the calendar's year.")}
            )


class CutiBersamaRule(models.Model):
    """Whether cuti bersama counts as a working day, from a date on.

    The law is silent (domain.md §7.1, §9 point 3): the portal follows the
    rule in force on each cuti bersama day; before the first rule,
    ``settings.WORKDAYS_CUTI_BERSAMA_IS_WORKING`` applies.
    """

    effective_from = models.DateField(_("in force from"), unique=True)
    counts_as_working_day = models.BooleanField(_("cuti bersama is a working day"))
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("The decision this rule follows, e.g. an SK or SE of the Bupati."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("cuti bersama rule")
        verbose_name_plural = _("cuti bersama rules")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return "{} ({})".format(self.effective_from.isoformat(), self.source)
