"""Background tasks of notifications (run by the worker)."""

from django_tasks import task

from tongban.notifications.services import outbox_send


@task()
def send_outbox_messages(message_ids: list[int]) -> int:
    """Send the messages one step wrote; answers how many went (the rest are retried by
    the scheduler's `notifications.outbox` job)."""
    return sum(outbox_send(message_id) for message_id in message_ids)
