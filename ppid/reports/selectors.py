"""Reads of the yearly service report: its deadline, whether it is
published or late, and the parts PPID Utama wrote.

This package reads nothing of the request register, so that the register's
pages and files can read the report's state (``ppid.requests`` stands on
``ppid.reports``, never the other way round).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from ppid.reports.models import YearlyReport


def today() -> datetime.date:
    return timezone.localdate()


def deadline(year: int) -> datetime.date:
    """The last day to publish ``year``'s report: 31 March of the following
    year by default (Perki 1/2021 Pasal 56, secondary sources only;
    PPID_YEARLY_REPORT_DEADLINE)."""
    month, day = settings.PPID_YEARLY_REPORT_DEADLINE
    return datetime.date(year + 1, month, day)


def reminder_start(year: int) -> datetime.date:
    """The first day PPID Utama is reminded of an unpublished report (1 March
    of the following year by default; PPID_YEARLY_REPORT_REMINDER_FROM)."""
    month, day = settings.PPID_YEARLY_REPORT_REMINDER_FROM
    return datetime.date(year + 1, month, day)


@dataclass(frozen=True)
class ReportStatus:
    """Where one year's report stands on a given day."""

    year: int
    deadline: datetime.date
    reminder_from: datetime.date
    published_on: datetime.date | None
    today: datetime.date

    @property
    def is_published(self) -> bool:
        return self.published_on is not None

    @property
    def year_ended(self) -> bool:
        return self.today.year > self.year

    @property
    def is_overdue(self) -> bool:
        """Not published and the deadline has passed: the "belum diterbitkan"
        flag."""
        return not self.is_published and self.today > self.deadline

    @property
    def is_due(self) -> bool:
        """Not published, and the reminders have started."""
        return not self.is_published and self.today >= self.reminder_from


def report_status(year: int, report: YearlyReport | None = None) -> ReportStatus:
    """The state of ``year``'s report (one query unless ``report`` is given)."""
    if report is None:
        report = YearlyReport.objects.filter(year=year).first()
    return ReportStatus(
        year=year,
        deadline=deadline(year),
        reminder_from=reminder_start(year),
        published_on=report.published_on if report else None,
        today=today(),
    )


@dataclass(frozen=True)
class ReportContents:
    """What a report file shows of the written parts: ``report`` is None while
    they are not to be shown (unpublished, outside a draft)."""

    status: ReportStatus
    report: YearlyReport | None
    draft: bool


def report_contents(year: int, *, drafts: bool = False) -> ReportContents:
    """The written parts of ``year``'s report as a file shows them: the
    published text, or with ``drafts`` (PPID Utama's preview) the text as it
    stands."""
    report = YearlyReport.objects.filter(year=year).first()
    status = report_status(year, report)
    shown = report if report is not None and (drafts or status.is_published) else None
    return ReportContents(
        status=status, report=shown, draft=drafts and not status.is_published
    )


def reports_overview() -> list[tuple[ReportStatus, YearlyReport | None]]:
    """Every year that has or should have a report, newest first: each year
    with a record, and last year's and this year's (one query)."""
    reports = {report.year: report for report in YearlyReport.objects.all()}
    current = today().year
    years = sorted(set(reports) | {current - 1, current}, reverse=True)
    return [
        (
            report_status(year, reports.get(year) or YearlyReport(year=year)),
            reports.get(year),
        )
        for year in years
    ]
