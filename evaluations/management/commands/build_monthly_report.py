"""``manage.py build_monthly_report --month YYYY-MM``: what the 1st-of-the-
month beat does, now and in this process, recorded as a report run."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from evaluations import runs
from evaluations.models import ReportRun


def _month(text: str) -> datetime.date:
    try:
        if len(text) != 7:
            raise ValueError(text)
        return datetime.date.fromisoformat(text + "-01")
    except ValueError as exc:
        raise CommandError(
            "--month: tulis bulan sebagai YYYY-MM, misalnya 2026-10."
        ) from exc


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
        run = runs.queue_run(
            month, trigger=ReportRun.Trigger.COMMAND, enqueue=lambda run_id: None
        )
        run = runs.claim(run.pk)
        if run is None:
            raise CommandError("Bulan ini sedang dihitung oleh proses lain.")
        try:
            run = runs.execute(run, reason=options["reason"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        report = run.report
        self.stdout.write(
            "{:%Y-%m} versi {}: {} OPD dinilai, SHA-256 {}".format(
                report.month,
                report.version,
                run.opds or report.scores.count(),
                report.sha256,
            )
        )
