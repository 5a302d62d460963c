"""The audit sink over HTTP.

    POST {url}/checkpoints  {checkpoint}      → 201 kept, 200 already held, 409 another held
    GET  {url}/checkpoints?after=N&limit=M    → 200 [checkpoint, …] in row order
    GET  {url}/checkpoints/latest             → 200 checkpoint or null

The same client talks to a real store at `TONGBAN_AUDIT_SINK_URL` and to the stand-in.
"""

from typing import Any

from tongban.contrib.auditsink import AuditSinkRefused
from tongban.contrib.http import OutsideSystemUnavailable, call


class HttpAuditSink:
    def __init__(self, system: str = "audit_sink") -> None:
        self.system = system

    def append(self, record: dict[str, Any]) -> None:
        # Safe to send again: the store answers 200 for a checkpoint it already holds.
        status, payload = call(self.system, "POST", "/checkpoints", body=record)
        if status == 409:
            raise AuditSinkRefused(
                f"{self.system} holds another checkpoint for row {record.get('last_id')}"
            )
        if status not in (200, 201):
            raise OutsideSystemUnavailable(
                f"{self.system}: refused with HTTP {status}: {payload}"
            )

    def latest(self) -> dict[str, Any] | None:
        status, payload = call(self.system, "GET", "/checkpoints/latest")
        if status != 200:
            raise OutsideSystemUnavailable(f"{self.system}: HTTP {status}")
        return payload if isinstance(payload, dict) else None

    def records(self, *, after: int = 0, limit: int = 1000) -> list[dict[str, Any]]:
        status, payload = call(
            self.system,
            "GET",
            "/checkpoints",
            query={"after": str(after), "limit": str(limit)},
        )
        if status != 200 or not isinstance(payload, list):
            raise OutsideSystemUnavailable(f"{self.system}: HTTP {status}")
        return [item for item in payload if isinstance(item, dict)]
