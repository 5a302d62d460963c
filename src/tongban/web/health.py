"""`GET /healthz`: the database, the worker's and scheduler's heartbeats, the outside
systems (reachable now, last success, last failure), the clock and calendar warnings.

It looks across the platform (ops' heartbeats, the workdays calendar), so it sits in the
top layer with the pages, not in ops, which every app may import.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from tongban.contrib.health import outside_systems_health
from tongban.core import clock
from tongban.ops.models import Heartbeat
from tongban.workdays.selectors import (
    calendar_missing_message,
    calendar_missing_next_year,
)


@dataclass(frozen=True)
class Health:
    status: str  # ok | degraded | failing
    checks: dict[str, dict[str, Any]]
    warnings: list[dict[str, Any]]


def _database_check() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means the database is not usable
        return {"ok": False, "vendor": connection.vendor, "error": str(error)}
    return {"ok": True, "vendor": connection.vendor}


def _heartbeat_check(process: str, beats: dict[str, Heartbeat]) -> dict[str, Any]:
    beat = beats.get(process)
    if beat is None:
        return {"ok": False, "last_heartbeat": None, "age_seconds": None}
    age = (timezone.now() - beat.beat_at).total_seconds()
    return {
        "ok": age <= settings.TONGBAN_HEARTBEAT_STALE_SECONDS,
        "last_heartbeat": beat.beat_at.isoformat(),
        "age_seconds": round(age, 1),
        "platform_now": beat.platform_now.isoformat(),
        "pid": beat.pid,
    }


def health_get() -> Health:
    database = _database_check()
    checks: dict[str, dict[str, Any]] = {"database": database}
    warnings: list[dict[str, Any]] = []
    if not database["ok"]:
        return Health(status="failing", checks=checks, warnings=warnings)
    beats = {beat.process: beat for beat in Heartbeat.objects.all()}
    checks["worker"] = _heartbeat_check("worker", beats)
    checks["scheduler"] = _heartbeat_check("scheduler", beats)
    missing_year = calendar_missing_next_year()
    checks["calendar"] = {"ok": missing_year is None, "missing_year": missing_year}
    if missing_year is not None:
        warnings.append(
            {
                "code": "calendar_missing",
                "year": missing_year,
                "message": str(calendar_missing_message(missing_year)),
            }
        )
    # Reported, never failing the page: the platform works on while one is down (the
    # outbox keeps messages, a registry's material stays for the applicant to upload).
    outside = outside_systems_health()
    checks["outside_systems"] = {
        "ok": all(system["ok"] for system in outside.values()),
        "systems": outside,
    }
    checks["clock"] = {
        "ok": True,
        "now": clock.now().isoformat(),
        "adjusted": clock.is_adjusted(),
    }
    healthy = all(check["ok"] for check in checks.values())
    return Health(
        status="ok" if healthy else "degraded", checks=checks, warnings=warnings
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers (degraded parts are reported, not fatal); else 503."""
    health = health_get()
    body = {
        "status": health.status,
        "checks": health.checks,
        "warnings": health.warnings,
    }
    status = 503 if health.status == "failing" else 200
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
