"""`GET /healthz` for operators and load balancers (`web/health.py`)."""

import datetime as dt

import pytest

from tongban.ops.services import heartbeat_record
from tongban.workdays.services import arrangement_parse, calendar_year_save

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_reports_database_and_missing_heartbeats_as_degraded(client, platform_clock):
    platform_clock.set_now(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["worker"] == {
        "ok": False,
        "last_heartbeat": None,
        "age_seconds": None,
    }
    assert body["checks"]["scheduler"]["ok"] is False
    assert body["checks"]["clock"]["adjusted"] is True
    assert body["warnings"] == []


def test_all_well_when_worker_and_scheduler_beat(client, platform_clock, standins):
    platform_clock.set_now(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
    heartbeat_record(process="worker")
    heartbeat_record(process="scheduler")
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["checks"]["worker"]["ok"] is True
    assert body["checks"]["worker"]["age_seconds"] < 5


def test_warns_from_1_october_when_next_years_calendar_is_missing(
    client, platform_clock
):
    platform_clock.set_now(dt.datetime(2026, 9, 30, 12, 0, tzinfo=SHANGHAI))
    assert client.get("/healthz").json()["warnings"] == []
    platform_clock.set_now(dt.datetime(2026, 10, 1, 9, 0, tzinfo=SHANGHAI))
    warnings = client.get("/healthz").json()["warnings"]
    assert [(w["code"], w["year"]) for w in warnings] == [("calendar_missing", 2027)]
    assert "2027" in warnings[0]["message"]
    calendar_year_save(
        year=2027, source="test", days=arrangement_parse("2027-01-01 休 元旦")
    )
    assert client.get("/healthz").json()["warnings"] == []


def test_an_outside_system_that_is_down_is_reported_not_fatal(
    client, platform_clock, standins
):
    """The SMS gateway down: the page still answers 200, says which system and since
    when; back up, it says so, and when it last answered."""
    from tongban.contrib import health
    from tongban.contrib.sms import OutsideSystemUnavailable, sms_send

    platform_clock.set_now(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
    heartbeat_record(process="worker")
    heartbeat_record(process="scheduler")
    health._written.clear()  # the once-a-minute throttle, from this test's start
    down = standins.folder / "sms.down"
    down.touch()
    try:
        with pytest.raises(OutsideSystemUnavailable):
            sms_send("+8613800138000", "text")
        response = client.get("/healthz")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "degraded"
        systems = body["checks"]["outside_systems"]["systems"]
        assert systems["sms"]["reachable"] is False
        assert systems["sms"]["last_failure"] is not None
        assert all(systems[name]["reachable"] for name in ("population", "mail"))
    finally:
        down.unlink()
    sms_send("+8613800138000", "text")
    body = client.get("/healthz").json()
    assert body["status"] == "ok", {
        k: v for k, v in body["checks"].items() if not v["ok"]
    }
    sms = body["checks"]["outside_systems"]["systems"]["sms"]
    assert sms["reachable"] is True
    assert sms["last_success"] is not None
