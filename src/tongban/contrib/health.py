"""How the outside systems are doing: each client records when a system last answered
and last failed (`outcome_record`), and `/healthz` asks whether each is reachable now
(`reachable`) without ever failing the page for it.

Records are written at most once a minute per system and process, in a savepoint of
their own when the caller is in a transaction (a note that fails never breaks the call it
notes; the callers ask outside systems before their transactions begin).
"""

import socket
import threading
import time
from typing import Any

import urllib3
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tongban.ops.models import OutsideSystemState
from tongban.ops.ports import port_read

WRITE_EVERY_SECONDS = 60
PROBE_TIMEOUT_SECONDS = 1.0
HTTP_SYSTEMS = ("sms", "population", "exit_entry", "legal_entity", "audit_sink")

_written: dict[tuple[str, bool], float] = {}
_lock = threading.Lock()


def outcome_record(system: str, *, ok: bool, error: str = "") -> None:
    """Note that `system` answered (ok) or failed; best effort, never raises."""
    now = time.monotonic()
    with _lock:
        last = _written.get((system, ok), 0.0)
        if now - last < WRITE_EVERY_SECONDS or connection.needs_rollback:
            return
        _written[system, ok] = now
    at = timezone.now()
    values: dict[str, Any] = (
        {"last_success_at": at}
        if ok
        else {"last_failure_at": at, "last_error": error[:300]}
    )
    try:
        with transaction.atomic():
            updated = OutsideSystemState.objects.filter(system=system).update(**values)
            if not updated:
                OutsideSystemState.objects.get_or_create(system=system, defaults=values)
    except Exception:  # noqa: BLE001 — a health note must never break the call it notes
        with _lock:
            _written.pop((system, ok), None)


def _http_reachable(system: str) -> tuple[bool, str]:
    from tongban.contrib.http import OutsideSystemUnavailable, system_url

    try:
        url = system_url(system)
    except OutsideSystemUnavailable as error:
        return False, str(error)
    try:
        response = urllib3.request(
            "GET",
            url + "/",
            timeout=urllib3.Timeout(total=PROBE_TIMEOUT_SECONDS),
            retries=False,
            redirect=False,
        )
    except (urllib3.exceptions.HTTPError, OSError) as error:
        return False, str(error)
    if response.status >= 500:
        return False, f"HTTP {response.status}"
    return True, ""


def _mail_reachable() -> tuple[bool, str]:
    if getattr(settings, "SMTP_HOST_CONFIGURED", False):
        host, port = settings.EMAIL_HOST, int(settings.EMAIL_PORT)
    else:
        host, port = "127.0.0.1", int(port_read("smtp") or 25)
    try:
        with socket.create_connection((host, port), timeout=PROBE_TIMEOUT_SECONDS):
            return True, ""
    except OSError as error:
        return False, str(error)


def outside_systems_health() -> dict[str, dict[str, Any]]:
    """Each outside system: reachable now (probed in parallel, a second at most), and
    when it last answered and last failed, as the clients recorded."""
    probes: dict[str, tuple[bool, str]] = {}

    def probe(name: str) -> None:
        probes[name] = _mail_reachable() if name == "mail" else _http_reachable(name)

    names = [*HTTP_SYSTEMS, "mail"]
    threads = [threading.Thread(target=probe, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PROBE_TIMEOUT_SECONDS + 1)
    states = {s.system: s for s in OutsideSystemState.objects.filter(system__in=names)}
    report = {}
    for name in names:
        reachable, error = probes.get(name, (False, "no answer in time"))
        state = states.get(name)
        report[name] = {
            "ok": reachable,
            "reachable": reachable,
            "error": error,
            "last_success": state.last_success_at.isoformat()
            if state and state.last_success_at
            else None,
            "last_failure": state.last_failure_at.isoformat()
            if state and state.last_failure_at
            else None,
        }
    return report
