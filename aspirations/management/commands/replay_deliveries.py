"""``manage.py replay_deliveries``: read stored webhook bodies into the inbox again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aspirations.channels import intake
from aspirations.inbox.models import Delivery


class Command(BaseCommand):
    help = (
        "Process stored webhook deliveries again (by id range and/or status); "
        "what was stored before is not stored twice. Bodies whose signature "
        "no longer checks out are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from-id", type=int, default=None)
        parser.add_argument("--to-id", type=int, default=None)
        parser.add_argument(
            "--status",
            action="append",
            choices=Delivery.Status.values,
            help="Only deliveries in this status (repeatable).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be replayed."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        deliveries = Delivery.objects.order_by("pk")
        if options["from_id"] is None and options["to_id"] is None:
            if not options["status"]:
                raise CommandError("Give --from-id/--to-id or --status.")
        if options["from_id"] is not None:
            deliveries = deliveries.filter(pk__gte=options["from_id"])
        if options["to_id"] is not None:
            deliveries = deliveries.filter(pk__lte=options["to_id"])
        if options["status"]:
            deliveries = deliveries.filter(status__in=options["status"])
        replayed = skipped = stored = 0
        for pk in deliveries.values_list("pk", flat=True).iterator():
            delivery = Delivery.objects.get(pk=pk)
            # A body refused at the door (forged, truncated) is never read.
            if not intake.signature_ok(bytes(delivery.body), delivery.signature):
                skipped += 1
                self.stdout.write("{}: skipped, signature does not check".format(pk))
                continue
            if options["dry_run"]:
                self.stdout.write("{}: {}".format(pk, delivery.status))
                continue
            before = delivery.messages_stored
            done = intake.process(delivery_id=pk, replay=True)
            replayed += 1
            stored += max(done.messages_stored - before, 0)
            self.stdout.write("{}: {} {}".format(pk, done.status, done.reason).rstrip())
        self.stdout.write(
            "replayed {}, skipped {}, new messages {}".format(replayed, skipped, stored)
        )
