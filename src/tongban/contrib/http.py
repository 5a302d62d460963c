"""One small JSON-over-HTTP client for every outside system, and where each one lives."""

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

from tongban.ops.ports import port_read


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


def call(
    system: str,
    method: str,
    path: str,
    *,
    body: dict[str, Any] | None = None,
    query: dict[str, str] | None = None,
    timeout: float = 5.0,
) -> tuple[int, Any]:
    """Send one request; answers (status, decoded JSON). 4xx answers are returned, not raised."""
    url = system_url(system) + path
    if query:
        url += "?" + urllib.parse.urlencode(query)
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 — the URL is configuration, http(s) only
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        if error.code >= 500:
            raise OutsideSystemUnavailable(f"{system}: HTTP {error.code}") from error
        try:
            payload = json.loads(error.read() or b"null")
        except ValueError:
            payload = None
        return error.code, payload
    except (urllib.error.URLError, TimeoutError, ConnectionError, ValueError) as error:
        raise OutsideSystemUnavailable(f"{system}: {error}") from error
