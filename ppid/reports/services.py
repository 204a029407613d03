"""Writes of the yearly service report: PPID Utama's parts, its publication
and the reminder before its deadline (Perki 1/2021 Pasal 56)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from core.db import lock_row
from opds import permissions as perms
from opds.models import User
from ppid.reports import selectors
from ppid.reports.models import YearlyReport


def _refuse(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Only PPID Utama writes the yearly report."))


def _check_year(year: int) -> None:
    if not 2000 <= year <= selectors.today().year:
        raise ValidationError(
            {"year": _("There is no report for %(year)s.") % {"year": year}},
            code="bad_year",
        )


def _report_for_update(year: int) -> YearlyReport:
    report, _created = YearlyReport.objects.get_or_create(year=year)
    lock_row(report)
    return report


def _refuse_published(report: YearlyReport) -> None:
    # A published report is a public document; it is not rewritten afterwards.
    if report.published_on is not None:
        raise ValidationError(
            _("The %(year)s report was published on %(date)s and is no longer changed.")
            % {"year": report.year, "date": report.published_on.strftime("%d-%m-%Y")},
            code="published",
        )


def save_yearly_report(*, year: int, by: User, data: Mapping[str, Any]) -> YearlyReport:
    """Save PPID Utama's parts of ``year``'s report (``YearlyReport.MANUAL_FIELDS``
    from ``data``); bad input is refused by field and nothing is saved."""
    _refuse(perms.can_edit_yearly_report(by))
    _check_year(year)
    with transaction.atomic():
        report = _report_for_update(year)
        _refuse_published(report)
        for field in YearlyReport.MANUAL_FIELDS:
            value = data.get(field)
            if field in YearlyReport.TEXT_FIELDS:
                value = (value or "").strip()
            elif value == "":
                value = None
            setattr(report, field, value)
        report.updated_by = by
        report.full_clean()
        report.save()
    return report


def publish_yearly_report(*, year: int, by: User) -> YearlyReport:
    """Publish ``year``'s report: once the year is over and with every written
    part filled in (Perki 1/2021 Pasal 56). The figures stay those of the
    register, computed whenever the report is read."""
    _refuse(perms.can_edit_yearly_report(by))
    _check_year(year)
    day = selectors.today()
    if year >= day.year:
        raise ValidationError(
            {
                "year": _("The %(year)s report can be published once the year is over.")
                % {"year": year}
            },
            code="too_early",
        )
    with transaction.atomic():
        report = _report_for_update(year)
        _refuse_published(report)
        missing = {
            field: _("Fill in this part before publishing.")
            for field in YearlyReport.REQUIRED_TO_PUBLISH
            if not getattr(report, field).strip()
        }
        if missing:
            raise ValidationError(missing, code="incomplete")
        report.published_on = day
        report.published_by = by
        report.save(update_fields=["published_on", "published_by", "updated_at"])
    return report


def send_yearly_report_reminder(*, day: datetime.date | None = None) -> int:
    """E-mail PPID Utama that last year's report is not yet published: from
    PPID_YEARLY_REPORT_REMINDER_FROM (1 March), again every
    PPID_YEARLY_REPORT_REMINDER_EVERY_DAYS days, past the deadline too, until
    it is published (Perki 1/2021 Pasal 56). Returns the number of recipients
    (0: nothing sent)."""
    day = day or selectors.today()
    year = day.year - 1
    if day < selectors.reminder_start(year):
        return 0
    with transaction.atomic():
        report = _report_for_update(year)
        if report.published_on is not None:
            return 0
        every = datetime.timedelta(days=settings.PPID_YEARLY_REPORT_REMINDER_EVERY_DAYS)
        if (
            report.last_reminded_on is not None
            and day < report.last_reminded_on + every
        ):
            return 0
        recipients = list(
            User.objects.filter(role=User.Role.PPID_UTAMA, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if not recipients:
            return 0
        status = selectors.report_status(year, report)
        context = {
            "year": year,
            "deadline": status.deadline,
            "overdue": day > status.deadline,
            "url": settings.SITE_URL + reverse("ppid:yearly-report-edit", args=[year]),
        }
        if context["overdue"]:
            subject = _(
                "[PPID] The %(year)s yearly report is not yet published; the deadline "
                "was %(date)s"
            )
        else:
            subject = _("[PPID] Publish the %(year)s yearly report by %(date)s")
        send_mail(
            subject % {"year": year, "date": status.deadline.strftime("%d-%m-%Y")},
            render_to_string("ppid/email/yearly_report_reminder.txt", context),
            None,
            recipients,
        )
        report.last_reminded_on = day
        report.save(update_fields=["last_reminded_on"])
    return len(recipients)
