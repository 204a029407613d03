"""Index the whole catalogue again (README, "Search")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from ppid.catalogue.cache import everything_changed
from ppid.catalogue.search import reindex_everything


class Command(BaseCommand):
    help = (
        "Index every information item again and recount the suggestions' "
        "vocabulary: after loaddata, a restore, or a change of the stemmer, "
        "the stem corrections or the synonyms."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = reindex_everything()
            # Searches may find other items now: no cached page holds.
            everything_changed()
        self.stdout.write(_("%(count)s items indexed.") % {"count": count})
