"""The one HTTP client of every outside system, and where each system lives.

One urllib3 `PoolManager` per process (made on first use, made again after a fork; it is
thread-safe) keeps connections open between idempotent calls (GET, HEAD). Every call has a
connect and a read timeout. A call that fails before the request was sent (connection
refused, connect timeout) is tried again whatever its method; one that fails after is
tried again only for GET and HEAD, so a POST such as sending an SMS is never sent twice.

A POST goes on a connection of its own, closed after the answer: it is never retried, so
it must never be handed a pooled socket that a firewall or the server dropped while idle
(which would fail it after the read timeout). When the systems honour an idempotency key,
POSTs carrying one can be retried and pooled too.
"""

import json
import os
import threading
from typing import Any
from urllib.parse import urlencode

import urllib3
from django.conf import settings

from tongban.contrib.health import outcome_record
from tongban.ops.ports import port_read

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD"})


class OutsideSystemUnavailable(Exception):
    """The outside system did not answer, or answered with a server error."""


def system_url(name: str) -> str:
    """The base URL of an outside system: configured, else the local stand-in's recorded port."""
    configured = str(getattr(settings, "OUTSIDE_SYSTEMS", {}).get(name, "") or "")
    if configured:
        return configured.rstrip("/")
    port = port_read("standins")
    if port is None:
        raise OutsideSystemUnavailable(
            f"no address for {name}: set TONGBAN_{name.upper()}_URL or start the stand-ins"
        )
    return f"http://127.0.0.1:{port}/{name}"


_pool: urllib3.PoolManager | None = None
_pool_pid = 0
_pool_lock = threading.Lock()


def pool() -> urllib3.PoolManager:
    """This process's connection pool (a forked child makes its own: sockets are not shared)."""
    global _pool, _pool_pid
    pid = os.getpid()
    if _pool is None or _pool_pid != pid:
        with _pool_lock:
            if _pool is None or _pool_pid != pid:
                _pool = urllib3.PoolManager(
                    num_pools=20, maxsize=settings.OUTSIDE_SYSTEM_POOL_SIZE
                )
                _pool_pid = pid
    return _pool


def _retries(method: str) -> urllib3.Retry:
    attempts = int(settings.OUTSIDE_SYSTEM_RETRIES)
    return urllib3.Retry(
        total=attempts,
        connect=attempts,
        read=attempts if method in IDEMPOTENT_METHODS else 0,
        status=0,
        other=0,
        redirect=3,
        allowed_methods=IDEMPOTENT_METHODS,
        backoff_factor=0.1,
        raise_on_status=False,
        raise_on_redirect=False,
    )


def _once(
    method: str,
    url: str,
    data: bytes | None,
    headers: dict[str, str],
    timeout: urllib3.Timeout,
) -> urllib3.BaseHTTPResponse:
    """A non-idempotent request on a fresh connection, closed after its answer."""
    connection = urllib3.connection_from_url(url, maxsize=1, block=False)
    try:
        return connection.urlopen(
            method,
            urllib3.util.parse_url(url).request_uri,
            body=data,
            headers={**headers, "Connection": "close"},
            timeout=timeout,
            retries=_retries(method),
            preload_content=True,
        )
    finally:
        connection.close()


def call(
    system: str,
    method: str,
    path: str,
    *,
    body: dict[str, Any] | None = None,
    query: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """Send one request; answers (status, decoded JSON). 4xx answers are returned, not raised."""
    method = method.upper()
    url = system_url(system) + path
    if query:
        url += "?" + urlencode(query)
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    timeout = urllib3.Timeout(
        connect=float(settings.OUTSIDE_SYSTEM_CONNECT_TIMEOUT),
        read=float(settings.OUTSIDE_SYSTEM_READ_TIMEOUT),
    )
    try:
        if method in IDEMPOTENT_METHODS:
            response = pool().request(
                method,
                url,
                body=data,
                headers=headers,
                timeout=timeout,
                retries=_retries(method),
            )
        else:
            response = _once(method, url, data, headers, timeout)
    except (urllib3.exceptions.HTTPError, OSError) as error:
        outcome_record(system, ok=False, error=str(error))
        raise OutsideSystemUnavailable(f"{system}: {error}") from error
    if response.status >= 500:
        outcome_record(system, ok=False, error=f"HTTP {response.status}")
        raise OutsideSystemUnavailable(f"{system}: HTTP {response.status}")
    outcome_record(system, ok=True)
    try:
        return response.status, json.loads(response.data or b"null")
    except ValueError as error:
        if response.status >= 400:
            return response.status, None
        raise OutsideSystemUnavailable(f"{system}: not JSON: {error}") from error
