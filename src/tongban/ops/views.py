"""`GET /healthz`: the database, the worker's and scheduler's heartbeats, calendar warnings."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from tongban.ops.selectors import health_get


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
