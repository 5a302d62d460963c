"""The Procfile's processes run together: web, worker and scheduler share one clock."""

import datetime as dt

import pytest

pytestmark = pytest.mark.processes


def test_web_worker_and_scheduler_report_heartbeats_through_healthz(live_instance):
    def both_alive():
        health = live_instance.get_json("/healthz")
        checks = health["checks"]
        return health if checks["worker"]["ok"] and checks["scheduler"]["ok"] else None

    health = live_instance.wait_for(
        both_alive, timeout=60, what="worker and scheduler heartbeats"
    )
    assert health["checks"]["database"]["ok"] is True
    assert (live_instance.data_dir / "ports" / "web").exists()


def test_moving_the_clock_five_working_days_reaches_every_process(live_instance):
    # Monday 2 March 2026, 09:00 in Shanghai; five working days later is Monday 9 March.
    result = live_instance.tongban("tick", "--now", "2026-03-02T09:00:00+08:00")
    assert "platform time 2026-03-02T01:00:00" in result.stdout
    later = live_instance.tongban("workdays", "add", "2026-03-02", "5").stdout.strip()
    assert later == "2026-03-09"
    live_instance.tongban("tick", "--now", f"{later}T09:00:00+08:00")

    web_now = live_instance.get_json("/healthz")["checks"]["clock"]["now"]
    assert dt.datetime.fromisoformat(web_now).date() == dt.date(2026, 3, 9)

    def worker_saw_the_new_day():
        worker = live_instance.get_json("/healthz")["checks"]["worker"]
        seen = worker.get("platform_now")
        return seen and dt.datetime.fromisoformat(seen).date() == dt.date(2026, 3, 9)

    # The scheduler enqueues the heartbeat task when it is due; the worker runs it and
    # records the platform time it read.
    live_instance.wait_for(
        worker_saw_the_new_day, timeout=90, what="the worker to see 9 March"
    )
