"""Background tasks of the ops app, run by the worker (`tongban db_worker`)."""

from django_tasks import task

from tongban.ops.services import heartbeat_record


@task()
def worker_heartbeat() -> None:
    heartbeat_record(process="worker")
