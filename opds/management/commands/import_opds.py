"""``manage.py import_opds FILE``: load or update the OPD registry from CSV."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from opds.services import import_opds, read_registry_csv


class Command(BaseCommand):
    help = "Create or update OPDs from a CSV: short_name,name,kind,website[,parent]."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            result = import_opds(rows=read_registry_csv(path))
        except (OSError, ValidationError) as exc:
            messages = getattr(exc, "messages", [str(exc)])
            raise CommandError("\n".join(messages)) from None
        self.stdout.write(
            _("%(created)s new OPDs, %(updated)s updated.")
            % {"created": result.created, "updated": result.updated}
        )
