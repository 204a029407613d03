"""The working-day calendar's own days: cuti bersama and other days the
decrees add or take away (``ppid.calendar.workdays`` reads them)."""

from __future__ import annotations

from django.db import models
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
