"""Celery tasks of the webhooks: thin, they take ids (aspirations.channels.intake)."""

from __future__ import annotations

from celery import shared_task


@shared_task
def process_delivery_task(delivery_id: int) -> int:
    """Read one stored webhook delivery into the inbox; the messages stored."""
    from aspirations.channels import intake

    return intake.process(delivery_id=delivery_id).messages_stored


@shared_task
def sweep_deliveries_task() -> int:
    """Every minute: send again the deliveries whose message was lost."""
    from aspirations.channels import intake

    return intake.sweep()
