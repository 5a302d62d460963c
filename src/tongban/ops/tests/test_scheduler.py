"""The scheduler runs each periodic job once per due time, on the platform clock."""

import datetime as dt
import threading

import pytest
from django.db import connections, transaction

from tongban.core import clock
from tongban.ops.jobs import REGISTRY, PeriodicJob
from tongban.ops.models import Heartbeat, JobState
from tongban.ops.services import scheduler_tick

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def counting_job():
    runs: list[dt.datetime] = []
    job = PeriodicJob(
        name="test.count",
        every=dt.timedelta(hours=1),
        function=lambda: runs.append(clock.now()),
    )
    REGISTRY[job.name] = job
    yield runs
    del REGISTRY[job.name]


@pytest.mark.django_db
def test_a_due_job_runs_once_and_again_when_due(counting_job, platform_clock):
    platform_clock.set_now(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
    names = [outcome.name for outcome in scheduler_tick()]
    assert "test.count" in names
    assert len(counting_job) == 1
    scheduler_tick()
    assert len(counting_job) == 1  # not due again within the hour
    platform_clock.set_now(dt.datetime(2026, 3, 2, 10, 1, tzinfo=SHANGHAI))
    scheduler_tick()
    assert len(counting_job) == 2
    state = JobState.objects.get(name="test.count")
    assert state.runs == 2
    ran_at = dt.datetime(2026, 3, 2, 10, 1, tzinfo=SHANGHAI)
    assert (
        dt.timedelta(hours=1)
        <= state.next_run_at - ran_at
        < dt.timedelta(hours=1, seconds=5)
    )
    assert Heartbeat.objects.get(process="scheduler").platform_now.date() == dt.date(
        2026, 3, 2
    )


@pytest.mark.django_db
def test_a_pass_refuses_to_run_inside_another_transaction(counting_job, platform_clock):
    """A claim must be committed before its job runs, or another scheduler runs it too."""
    platform_clock.set_now(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        scheduler_tick()
    assert counting_job == []
    assert not JobState.objects.exists()


@pytest.mark.django_db
def test_moving_the_clock_back_does_not_freeze_the_schedule(
    counting_job, platform_clock
):
    platform_clock.set_now(dt.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI))
    scheduler_tick()
    platform_clock.set_now(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
    scheduler_tick()
    assert len(counting_job) == 2


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_does_not_stop_the_others(counting_job):
    def broken() -> None:
        raise RuntimeError("registry unreachable")

    REGISTRY["test.broken"] = PeriodicJob("test.broken", dt.timedelta(hours=1), broken)
    try:
        outcomes = {outcome.name: outcome for outcome in scheduler_tick()}
    finally:
        del REGISTRY["test.broken"]
    assert outcomes["test.broken"].ok is False
    assert "registry unreachable" in outcomes["test.broken"].error
    assert outcomes["test.count"].ok is True
    state = JobState.objects.get(name="test.broken")
    assert (state.failures, state.runs) == (1, 1)
    assert "RuntimeError" in state.last_error


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_run_a_due_job_exactly_once(counting_job):
    """On the file database (SQLite) or PostgreSQL, with real concurrent connections."""
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def one_scheduler() -> None:
        try:
            barrier.wait()
            scheduler_tick()
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(counting_job) == 1
    assert JobState.objects.get(name="test.count").runs == 1
