"""The registry of periodic jobs, and the jobs of the ops app itself.

An app declares a job in its own `jobs.py` with `@periodic(...)`; the scheduler
(`tongban scheduler`, or one pass with `tongban tick`) runs each job when it is due on the
platform clock. Every job must be idempotent: running it twice does no harm.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: dt.timedelta
    function: Callable[[], object]


REGISTRY: dict[str, PeriodicJob] = {}


def periodic(
    *, every: dt.timedelta, name: str | None = None
) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def register(function: Callable[[], object]) -> Callable[[], object]:
        job_name = name or f"{function.__module__}.{function.__name__}"
        REGISTRY[job_name] = PeriodicJob(name=job_name, every=every, function=function)
        return function

    return register


@periodic(every=dt.timedelta(seconds=30), name="ops.worker_heartbeat")
def enqueue_worker_heartbeat() -> object:
    """Ask the worker to sign its heartbeat, which proves the queue is being worked."""
    # cycle: ops.tasks → ops.services → this module's REGISTRY
    from tongban.ops.tasks import worker_heartbeat

    # While the worker is down, one waiting heartbeat is enough: don't pile them up.
    if DBTaskResult.objects.filter(
        task_path=worker_heartbeat.module_path, status=TaskResultStatus.READY
    ).exists():
        return None
    return worker_heartbeat.enqueue()


@periodic(every=dt.timedelta(hours=1), name="ops.prune_rate_windows")
def prune_rate_windows() -> object:
    """Forget rate-limit windows that ended more than a day ago."""
    # cycle: ops.ratelimits → ops.models, loaded after this module's registry
    from tongban.ops.ratelimits import rate_windows_prune

    return rate_windows_prune(older_than=dt.timedelta(days=1))


@periodic(every=dt.timedelta(days=1), name="ops.prune_task_results")
def prune_task_results() -> object:
    """Forget finished background-task results older than a week."""
    # cycle: ops.services reads this module's REGISTRY
    from tongban.ops.services import task_results_prune

    return task_results_prune(older_than=dt.timedelta(days=7))
