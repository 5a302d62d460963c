"""Writes of the running processes: heartbeats, scheduler passes, task-result pruning;
and the rotation of the data key (`tongban keys rotate`)."""

import datetime as dt
import logging
import os
import socket
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tongban.core import clock, protect
from tongban.ops.jobs import REGISTRY, PeriodicJob
from tongban.ops.keyed import KeyedTable, rotated_tables
from tongban.ops.models import Heartbeat, JobState, KeyRotation, KeyRotationTable
from tongban.ops.selectors import keys_status

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


# --- rotating the data key ---------------------------------------------------------------

# Passes over one table before giving up: each pass after the first takes only values that
# appeared under another key meanwhile, which a process still on the old settings writes.
KEY_ROTATION_MAX_PASSES = 5


class KeyRotationRefused(Exception):
    """The rotation cannot start, or cannot go on; the message says what to do."""


class AuditRecorder(Protocol):
    """`tongban.audit.services.audit_record`, passed in: ops sits below the audit app."""

    def __call__(
        self,
        *,
        action: str,
        subject_type: str = ...,
        subject_id: str | int = ...,
        data: Mapping[str, Any] | None = ...,
    ) -> object: ...


@dataclass(frozen=True)
class RotationBatch:
    table: str
    rekeyed: int  # rows rewritten in this batch
    table_rekeyed: int  # in the table so far, over every run of this rotation
    after_pk: int
    rows_per_second: int


@dataclass(frozen=True)
class RotationOutcome:
    rotation: KeyRotation
    is_resumed: bool
    rekeyed: dict[str, int]  # rows rewritten per table, over every run
    this_run: int  # rows rewritten by this run
    seconds: float


def key_rotation_run(
    *,
    record: AuditRecorder,
    operator: str,
    batch_size: int = 500,
    pause: float = 0.0,
    report: Callable[[RotationBatch], None] | None = None,
) -> RotationOutcome | None:
    """Rewrite everything under the data key under the current key and suite, in batches
    of `batch_size` rows, each batch and its progress one transaction; None when nothing
    is under another key. Killed at any point, it is resumed by running it again: a batch
    is written whole or not at all, and the next run starts after the last one written.

    Refused unless the current key is configured (`TONGBAN_DATA_KEY`) and every key the
    data is under is in the ring. Audited when it starts or resumes and when it ends.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if not protect.current_key_configured():
        raise KeyRotationRefused(
            "TONGBAN_DATA_KEY is not set, so the current key is derived from the secret "
            "key: set TONGBAN_DATA_KEY to the new key and TONGBAN_DATA_KEY_PREVIOUS to "
            "the old one, restart every process, then rotate"
        )
    status = keys_status()
    unknown = status.unknown_keys(rotated_only=True)
    if unknown:
        listed = ", ".join(f"{key} ({n} values)" for key, n in sorted(unknown.items()))
        raise KeyRotationRefused(
            f"data is under keys that are not in the ring: {listed}; add them to "
            "TONGBAN_DATA_KEY_PREVIOUS (is this shell's environment the services' one?)"
        )
    unfinished = KeyRotation.objects.filter(
        key_id=protect.current_key().id, suite=protect.suite(), finished_at=None
    ).exists()
    if not status.stale() and not unfinished:
        return None
    started = time.monotonic()
    rotation, is_resumed = _key_rotation_begin(record=record, operator=operator)
    this_run = 0
    for table in rotated_tables():
        if table.rekey is not None:
            this_run += _table_rotate(
                rotation,
                table,
                table.rekey,
                batch_size=batch_size,
                pause=pause,
                report=report,
            )
    rekeyed = _key_rotation_end(rotation, record=record, operator=operator)
    return RotationOutcome(
        rotation=rotation,
        is_resumed=is_resumed,
        rekeyed=rekeyed,
        this_run=this_run,
        seconds=time.monotonic() - started,
    )


def _key_rotation_begin(
    *, record: AuditRecorder, operator: str
) -> tuple[KeyRotation, bool]:
    key, chosen = protect.current_key(), protect.suite()
    try:
        with transaction.atomic(durable=True):
            rotation = (
                KeyRotation.objects.select_for_update()
                .filter(key_id=key.id, suite=chosen, finished_at=None)
                .first()
            )
            is_resumed = rotation is not None
            if rotation is None:
                rotation = KeyRotation.objects.create(
                    key_id=key.id, suite=chosen, started_at=timezone.now()
                )
            rotation.runs += 1
            rotation.save(update_fields=["runs"])
            for table in rotated_tables():
                KeyRotationTable.objects.get_or_create(
                    rotation=rotation, table=table.label
                )
            record(
                action="keys.rotation_resumed"
                if is_resumed
                else "keys.rotation_started",
                subject_type="key_rotation",
                subject_id=rotation.pk,
                data={
                    "key_id": key.id,
                    "suite": chosen,
                    "previous_key_ids": [k.id for k in protect.keyring()[1:]],
                    "run": rotation.runs,
                    "operator": operator,
                },
            )
    except IntegrityError:  # another run began the same rotation at the same moment
        return _key_rotation_begin(record=record, operator=operator)
    return rotation, is_resumed


def _stale(table: KeyedTable) -> models.Q:
    """Rows with a value of `table.columns` under another key or suite."""
    prefix = protect.current_prefix()
    stale = models.Q()
    for column in table.columns:
        stale |= ~models.Q(**{column: ""}) & ~models.Q(
            **{f"{column}__startswith": prefix}
        )
    return stale


def _table_rotate(
    rotation: KeyRotation,
    table: KeyedTable,
    rekey: Callable[[Any], bool],
    *,
    batch_size: int,
    pause: float,
    report: Callable[[RotationBatch], None] | None,
) -> int:
    """Walk one table in passes until a pass rewrites nothing; the rows this run rewrote."""
    manager = table.model._default_manager
    progress = KeyRotationTable.objects.get(rotation=rotation, table=table.label)
    rewritten = 0
    while progress.finished_at is None:
        began = time.monotonic()
        try:
            with transaction.atomic(durable=True):
                # Locked first: two runs at once take turns, batch by batch.
                progress = KeyRotationTable.objects.select_for_update().get(
                    pk=progress.pk
                )
                if progress.finished_at is not None:
                    break
                rows = manager.filter(pk__gt=progress.after_pk)
                if table.values is None:
                    rows = rows.filter(_stale(table))
                if table.related:
                    rows = rows.select_related(*table.related)
                batch = list(
                    rows.select_for_update(of=("self",)).order_by("pk")[:batch_size]
                )
                if not batch:
                    _pass_end(progress, table)
                    continue
                changed = [row for row in batch if _row_rekey(table, rekey, row)]
                _rows_write(table, changed)
                progress.after_pk = int(batch[-1].pk)
                progress.pass_rekeyed += len(changed)
                progress.rekeyed += len(changed)
                progress.save(update_fields=["after_pk", "pass_rekeyed", "rekeyed"])
        except IntegrityError as error:
            raise KeyRotationRefused(
                f"{table.label}: two rows hold the same value once re-keyed (rows after "
                f"id {progress.after_pk}) — a duplicate written by a process still on "
                "the old key; merge them, then run again"
            ) from error
        rewritten += len(changed)
        if report is not None:
            seconds = max(time.monotonic() - began, 1e-6)
            report(
                RotationBatch(
                    table=table.label,
                    rekeyed=len(changed),
                    table_rekeyed=progress.rekeyed,
                    after_pk=progress.after_pk,
                    rows_per_second=int(len(batch) / seconds),
                )
            )
        if pause:
            time.sleep(pause)
    return rewritten


def _rows_write(table: KeyedTable, rows: list[models.Model]) -> None:
    """One UPDATE by primary key per row, sent as one batch (`executemany`): Django's
    `bulk_update` builds a CASE over the whole batch for every column, which SQLite then
    evaluates for every row — many times slower at 500 rows (docs/security.md)."""
    if not rows:
        return
    meta = table.model._meta
    fields = [_concrete(meta.get_field(name)) for name in table.written_columns]
    key = _concrete(meta.pk)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    where = f"{quote(key.column)} = %s"
    statement = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {where}"  # noqa: S608 — names from the model's metadata, values as parameters
    parameters = [
        [
            field.get_db_prep_save(getattr(row, field.attname), connection)
            for field in fields
        ]
        + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(statement, parameters)


def _concrete(field: object) -> "models.Field[Any, Any]":
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{field!r} is not a column")
    return field


def _row_rekey(
    table: KeyedTable, rekey: Callable[[Any], bool], row: models.Model
) -> bool:
    try:
        return rekey(row)
    except protect.DecryptionFailed as error:
        raise KeyRotationRefused(
            f"{table.label} id {row.pk}: cannot be decrypted with any key of the ring "
            f"({error}); add the key it was written with to TONGBAN_DATA_KEY_PREVIOUS"
        ) from error


def _pass_end(progress: KeyRotationTable, table: KeyedTable) -> None:
    """At the end of a table: done if this pass rewrote nothing, else another pass."""
    if progress.pass_rekeyed == 0:
        progress.finished_at = timezone.now()
    elif progress.passes >= KEY_ROTATION_MAX_PASSES:
        raise KeyRotationRefused(
            f"{table.label}: values under another key kept appearing through "
            f"{progress.passes} passes — is a process still running on the old "
            "settings? Restart it, then run again"
        )
    else:
        progress.passes += 1
        progress.after_pk = 0
        progress.pass_rekeyed = 0
    progress.save(update_fields=["finished_at", "passes", "after_pk", "pass_rekeyed"])


def _key_rotation_end(
    rotation: KeyRotation, *, record: AuditRecorder, operator: str
) -> dict[str, int]:
    with transaction.atomic(durable=True):
        rotation = KeyRotation.objects.select_for_update().get(pk=rotation.pk)
        tables = rotation.tables.order_by("pk")
        rekeyed = {progress.table: progress.rekeyed for progress in tables}
        if rotation.finished_at is None:  # else another run at once finished it
            rotation.finished_at = timezone.now()
            rotation.save(update_fields=["finished_at"])
            record(
                action="keys.rotation_finished",
                subject_type="key_rotation",
                subject_id=rotation.pk,
                data={
                    "key_id": rotation.key_id,
                    "suite": rotation.suite,
                    "rows": rekeyed,
                    "runs": rotation.runs,
                    "minutes": int(
                        (rotation.finished_at - rotation.started_at).total_seconds()
                        // 60
                    ),
                    "operator": operator,
                },
            )
    return rekeyed
