"""Writes of the running processes: heartbeats, scheduler passes, task-result pruning."""

import datetime as dt
import logging
import os
import socket
import traceback
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tongban.core import clock
from tongban.ops.jobs import REGISTRY, PeriodicJob
from tongban.ops.models import Heartbeat, JobState

logger = logging.getLogger(__name__)


def heartbeat_record(*, process: str) -> Heartbeat:
    heartbeat, _created = Heartbeat.objects.update_or_create(
        process=process,
        defaults={
            "beat_at": timezone.now(),
            "platform_now": clock.now(),
            "pid": os.getpid(),
            "host": socket.gethostname(),
        },
    )
    return heartbeat


@dataclass(frozen=True)
class JobOutcome:
    name: str
    ok: bool
    error: str = ""


def _claim(job: PeriodicJob, now: dt.datetime) -> bool:
    """Take the job's due run for this process; False when it is not due or taken.

    Durable: the claim must be committed before the job runs, or a second scheduler
    would not see it and run the job too."""
    with transaction.atomic(durable=True):
        state, created = JobState.objects.get_or_create(
            name=job.name, defaults={"next_run_at": now}
        )
        # A next run far more than one interval ahead means the clock was moved back
        # (tests, demos): run now rather than wait for the old future to come round.
        moved_back = state.next_run_at > now + 2 * job.every
        if state.next_run_at > now and not moved_back:
            return False
        claimed = JobState.objects.filter(
            pk=state.pk, next_run_at=state.next_run_at
        ).update(next_run_at=now + job.every, last_started_at=now)
    return claimed == 1


def _finish(job: PeriodicJob, error: str) -> None:
    state = JobState.objects.get(name=job.name)
    state.last_finished_at = clock.now()
    state.last_error = error
    state.runs += 1
    state.failures += 1 if error else 0
    state.save(update_fields=["last_finished_at", "last_error", "runs", "failures"])


def scheduler_tick() -> list[JobOutcome]:
    """One scheduler pass: sign the heartbeat, run every job that is due, report each."""
    heartbeat_record(process="scheduler")
    now = clock.now()
    outcomes: list[JobOutcome] = []
    for job in sorted(REGISTRY.values(), key=lambda job: job.name):
        if not _claim(job, now):
            continue
        try:
            job.function()
        except Exception:  # one failing job must not stop the others
            error = traceback.format_exc()
            logger.exception("periodic job %s failed", job.name)
            _finish(job, error)
            outcomes.append(
                JobOutcome(job.name, ok=False, error=error.strip().splitlines()[-1])
            )
        else:
            _finish(job, "")
            outcomes.append(JobOutcome(job.name, ok=True))
    return outcomes


def task_results_prune(*, older_than: dt.timedelta) -> int:
    cutoff = timezone.now() - older_than
    deleted, _details = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    return deleted
