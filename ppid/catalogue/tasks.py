"""Scheduled catalogue jobs. Tasks take ids and call one service each."""

from __future__ import annotations

from celery import shared_task
from django.utils import translation

from core.tasks import MAIL_RETRY
from opds.models import Opd
from ppid.catalogue import selectors, services
from ppid.catalogue.models import ExclusionDecision
from ppid.catalogue.search import rebuild_vocabulary


@shared_task
def send_freshness_reminders_task() -> int:
    """Weekly: one reminder task per OPD that has due or overdue items."""
    opd_ids = selectors.opds_with_items_due()
    for opd_id in opd_ids:
        send_opd_freshness_reminder_task.delay(opd_id)
    return len(opd_ids)


@shared_task(**MAIL_RETRY)
def send_opd_freshness_reminder_task(opd_id: int) -> int:
    """E-mail one OPD's admins its due and overdue periodic items."""
    with translation.override("id"):
        return services.send_freshness_reminder(opd=Opd.objects.get(pk=opd_id))


@shared_task
def open_ended_exclusions_task() -> int:
    """Daily, after midnight: one opening task per exclusion whose period
    ended (PP 61/2010 Pasal 11(3))."""
    decision_ids = selectors.lapsed_exclusion_ids()
    for decision_id in decision_ids:
        open_ended_exclusion_task.delay(decision_id)
    return len(decision_ids)


@shared_task
def open_ended_exclusion_task(decision_id: int) -> bool:
    """Open one exclusion whose period ended."""
    with translation.override("id"):
        return services.open_ended_exclusion(
            decision=ExclusionDecision.objects.get(pk=decision_id)
        )


@shared_task
def send_exclusion_end_reminders_task() -> int:
    """Daily: remind PPID Utama before an exclusion ends or is due for review."""
    decisions = services.exclusions_needing_reminder()
    for decision in decisions:
        send_exclusion_end_reminder_task.delay(decision.pk)
    return len(decisions)


@shared_task(**MAIL_RETRY)
def send_exclusion_end_reminder_task(decision_id: int) -> bool:
    """Tell PPID Utama that one exclusion ends soon."""
    with translation.override("id"):
        return services.send_exclusion_end_reminder(
            decision=ExclusionDecision.objects.get(pk=decision_id)
        )


@shared_task
def rebuild_search_vocabulary_task() -> int:
    """Nightly: count again the words of the public titles and summaries."""
    return rebuild_vocabulary()
