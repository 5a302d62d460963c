"""Background tasks of the ops app, run by the worker (`tongban db_worker`)."""

import logging
from typing import Any

from django.db import transaction
from django_tasks import task
from django_tasks_db import DatabaseBackend

from tongban.ops.services import heartbeat_record

logger = logging.getLogger(__name__)


@task()
def worker_heartbeat() -> None:
    heartbeat_record(process="worker")


def enqueue_with_transaction(task: Any, *args: Any) -> None:
    """Queue `task(*args)` for what the current transaction writes. With the database task
    queue (the default) the task row is written in that same transaction — it exists
    exactly when what it works on does, and costs no second commit; other queues are told
    after commit, so a worker never looks for rows not yet committed. A queue that refuses
    after commit is logged: every caller's periodic job picks up what no task did."""
    in_database = isinstance(task.get_backend(), DatabaseBackend)
    if in_database and transaction.get_connection().in_atomic_block:
        task.enqueue(*args)
        return

    def later() -> None:
        try:
            task.enqueue(*args)
        except Exception:  # noqa: BLE001 — the periodic job does the work anyway
            logger.exception("could not enqueue %s%r", task.name, args)

    transaction.on_commit(later)
