"""Celery tasks of the webhooks: thin, they take ids (aspirations.channels.intake)."""

from __future__ import annotations

from celery import shared_task

from aspirations.channels import intake, polling
from aspirations.inbox.models import Delivery


@shared_task
def process_delivery_task(delivery_id: int) -> int:
    """Read one stored webhook delivery into the inbox; the messages stored."""
    try:
        return intake.process(delivery_id=delivery_id).messages_stored
    except Delivery.DoesNotExist:  # deleted since it was queued
        return 0


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
