"""``manage.py build_monthly_report --month YYYY-MM``: what the 1st-of-the-
month beat does, now and in this process, recorded as a report run."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.months import parse_month
from evaluations import runs
from evaluations.models import ReportRun


def _month(text: str) -> datetime.date:
    month = parse_month(text)
    if month is None:
        raise CommandError(_("--month: write the month as YYYY-MM, e.g. 2026-10."))
    return month


class Command(BaseCommand):
    help = "Compute a month's KIP-readiness draft for every OPD."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument(
            "--reason",
            default="",
            help="Required when the month is final: a new version is made.",
        )

    def handle(self, *args, **options) -> None:
        month = _month(options["month"])
        try:
            run = runs.run_now(
                month, trigger=ReportRun.Trigger.COMMAND, reason=options["reason"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        report = run.report
        self.stdout.write(
            _("%(month)s version %(version)s: %(opds)s OPDs scored, SHA-256 %(sha)s")
            % {
                "month": "{:%Y-%m}".format(report.month),
                "version": report.version,
                "opds": run.opds,
                "sha": report.sha256,
            }
        )
