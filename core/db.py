"""Database helpers every app's services share."""

from __future__ import annotations

from django.db.models import Model


def hold_row(instance: Model) -> None:
    """Hold the row until the transaction ends, so that two callers deciding
    about it at once decide one after the other."""
    type(instance)._default_manager.select_for_update().filter(pk=instance.pk).exists()


def lock_row(instance: Model) -> None:
    """Hold the row and read it afresh before deciding anything.

    Two staff acting at once (an edit while PPID Utama withdraws, two
    extensions of one request) would otherwise each save their stale copy
    over the other's change. Call it inside the service's transaction.
    """
    hold_row(instance)
    instance.refresh_from_db()
