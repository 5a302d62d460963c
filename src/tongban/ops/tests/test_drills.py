"""The crash and outage drills, bounded (tests/drills.py says what "lost nothing" means).

Each runs a whole tongban of its own under the demo's runner. The crash drill runs in the
PostgreSQL pass (the database of production), the outage drill in the SQLite pass (the
demo's): each once, as the slow checks of the suite do.
"""

import datetime as dt
import os
from typing import Any

import pytest

from tests.drills import (
    Books,
    drill_instance,
    outbox_settled,
    retry_unanswered,
    submit_all,
)

pytestmark = pytest.mark.processes

ON_POSTGRES = os.environ.get("TONGBAN_DATABASE_URL", "").startswith("postgres")


def _platform_now(instance: Any) -> dt.datetime:
    return dt.datetime.fromisoformat(instance.healthz()["checks"]["clock"]["now"])


def _tick(instance: Any, moment: dt.datetime) -> None:
    instance.tongban("tick", "--now", moment.isoformat())


def test_crash_drill_loses_nothing() -> None:
    """About 100 one-request submissions; a web worker and the task worker each killed
    once with SIGKILL while requests are in flight."""
    if not ON_POSTGRES:
        pytest.skip("in the PostgreSQL pass only")
    with drill_instance("crash") as instance:
        killed: dict[str, int] = {}
        answers = submit_all(
            instance,
            100,
            during={
                30: lambda: killed.setdefault("web", instance.kill_web_worker()),
                60: lambda: killed.setdefault("worker", instance.kill("worker")),
            },
        )
        retry_unanswered(instance, answers)

        running = instance.wait(instance.all_running, 60, "every process running again")
        assert running["worker"][1] != killed["worker"]
        instance.wait(
            lambda: (
                len(workers := instance.web_workers()) == 2
                and killed["web"] not in workers
            ),
            30,
            "gunicorn to replace its worker",
        )
        # An SMS whose attempt died with the worker holds its lease for two minutes of
        # platform time; then it is tried again, with the same key.
        _tick(instance, _platform_now(instance) + dt.timedelta(minutes=3))
        instance.wait(lambda: outbox_settled(instance), 60, "every message sent")

        books = Books(
            instance.books(), answers, instance.sms_delivered(), instance.setup["phone"]
        ).check(positions=len(instance.setup["positions"]))
        assert books.problems == []
        assert len(books.data["cases"]) == 100


def test_outage_drill_delivers_every_message_once_afterwards() -> None:
    """The SMS gateway down for 300 s of platform time while cases are submitted."""
    if ON_POSTGRES:
        pytest.skip("in the SQLite pass only")
    with drill_instance("outage") as instance:
        instance.sms_down(True)
        answers = submit_all(instance, 20, threads=4)
        assert [a.status for a in answers] == [201] * 20  # applying never waits on SMS

        sms = instance.healthz()["checks"]["outside_systems"]["systems"]["sms"]
        assert sms["reachable"] is False
        start = _platform_now(instance)
        for minute in range(1, 6):  # five minutes down, the scheduler passing each one
            _tick(instance, start + dt.timedelta(minutes=minute))
        outbox = instance.books()["outbox"]
        assert outbox and all(m["status"] == "pending" for m in outbox)
        assert all(m["attempts"] >= 2 and m["last_error"] for m in outbox)

        instance.sms_down(False)
        # The next attempt of each is at most 8 minutes away after four failures.
        _tick(instance, start + dt.timedelta(minutes=5 + 9))
        instance.wait(lambda: outbox_settled(instance), 60, "every message sent")

        books = Books(
            instance.books(), answers, instance.sms_delivered(), instance.setup["phone"]
        ).check(positions=len(instance.setup["positions"]))
        assert books.problems == []
        sms = instance.healthz()["checks"]["outside_systems"]["systems"]["sms"]
        assert sms["reachable"] is True
        assert sms["last_success"] > sms["last_failure"]
