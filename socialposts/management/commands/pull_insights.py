"""``manage.py pull_insights``: pull accounts now, in this process."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from socialposts.accounts.models import SocialAccount
from socialposts.pulls import services as pulls
from socialposts.pulls.models import IngestionRun
from socialposts.pulls.tasks import pull_account_task


class Command(BaseCommand):
    help = "Pull insight metrics of API-connected accounts synchronously."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", type=int, help="Only this account id.")
        parser.add_argument(
            "--since",
            type=datetime.date.fromisoformat,
            help="First day to pull (YYYY-MM-DD); default: the nightly window.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = SocialAccount.objects.filter(
            connection=SocialAccount.Connection.API, is_active=True
        ).order_by("pk")
        if options["account"]:
            accounts = accounts.filter(pk=options["account"])
            if not accounts.exists():
                raise CommandError(
                    _("No API-connected account with id %(id)s.")
                    % {"id": options["account"]}
                )
        today = timezone.localdate()
        since = options["since"]
        if since and since > today:
            raise CommandError(_("--since cannot be in the future."))
        total = accounts.count()
        done = {status: 0 for status in IngestionRun.Status.values}
        for position, account in enumerate(accounts, start=1):
            run = pulls.queue_pull(
                account,
                trigger=IngestionRun.Trigger.COMMAND,
                window=(since, today) if since else None,
                enqueue=lambda run_id: None,
            )
            pull_account_task.apply(args=[run.pk], task_id=run.task_id)
            run.refresh_from_db()
            done[run.status] = done.get(run.status, 0) + 1
            filled = int(30 * position / total)
            self.stdout.write(
                "\r[{}{}] {}/{} {} {}".format(
                    "#" * filled,
                    "." * (30 - filled),
                    position,
                    total,
                    account,
                    run.status,
                ).ljust(100),
                ending="",
            )
            self.stdout.flush()
        self.stdout.write("")
        self.stdout.write(
            ", ".join(
                "{}: {}".format(status, count)
                for status, count in done.items()
                if count
            )
            or _("No account to pull.")
        )
