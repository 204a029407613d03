"""Celery tasks of the webhooks: thin, they take ids (aspirations.channels.intake)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from aspirations.channels import intake, polling
from aspirations.inbox.models import Delivery


@shared_task
def process_delivery_task(delivery_id: int) -> int:
    """Read one stored webhook delivery into the inbox; the messages stored."""
    try:
        return intake.process(delivery_id=delivery_id).messages_stored
    except Delivery.DoesNotExist:  # deleted since it was queued
        return 0


# Set while a drain task is queued: the deliveries stored meanwhile are
# read by it, so they need no message of their own.
DRAIN_QUEUED = "aspirations:webhook-drain-queued"


@shared_task
def drain_deliveries_task() -> int:
    """Read every pending delivery; one task wakes for a whole burst."""
    # Cleared before reading: a delivery stored from now on wakes another.
    cache.delete(DRAIN_QUEUED)
    return intake.drain()


def wake_drain(delivery_id: int) -> None:
    """After a delivery is stored: queue a drain unless one is queued
    already. Building a Celery message costs more than the rest of the
    webhook's request (bench/README.md), and a burst needs only one."""
    timeout = settings.ASPIRATION_WEBHOOK_RESEND_AFTER_SECONDS
    if not cache.add(DRAIN_QUEUED, delivery_id, timeout=timeout):
        return
    try:
        drain_deliveries_task.apply_async(retry=False, argsrepr="()", kwargsrepr="{}")
    except Exception:
        # Not queued: the next delivery tries again, the sweep in any case.
        cache.delete(DRAIN_QUEUED)
        raise


@shared_task
def sweep_deliveries_task() -> int:
    """Every minute: send again the deliveries whose message was lost."""
    return intake.sweep(enqueue=publish)


def publish(delivery_id: int) -> None:
    """Queue a stored delivery for a worker."""
    # No publish retries: the webhook must answer fast, and a delivery
    # whose message never reached the broker is sent again by the sweep.
    # The argument's repr given: Celery's saferepr of it costs more than
    # the rest of the message.
    process_delivery_task.apply_async(
        args=[delivery_id],
        retry=False,
        argsrepr="({},)".format(int(delivery_id)),
        kwargsrepr="{}",
    )


@shared_task
def poll_comments_task() -> int:
    """Every 15 minutes: one poll task per connected account."""
    ids = polling.poll_all()
    for account_id in ids:
        poll_account_task.delay(account_id)
    return len(ids)


@shared_task
def poll_account_task(account_id: int) -> int:
    """Poll one account's recent comments into the inbox; the messages stored."""
    return polling.poll_account(account_id).stored
