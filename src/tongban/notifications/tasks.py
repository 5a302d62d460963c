"""Background tasks of notifications (run by the worker)."""

from django_tasks import task


@task()
def send_outbox_message(message_id: int) -> bool:
    from tongban.notifications.services import outbox_send

    return outbox_send(message_id)
