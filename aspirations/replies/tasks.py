"""Celery tasks of the replies: thin, by id."""

from celery import shared_task

from aspirations.replies import services


@shared_task(acks_late=True)
def send_reply_task(message_id: int) -> str:
    """Send one queued reply through its channel."""
    return services.send(message_id)
