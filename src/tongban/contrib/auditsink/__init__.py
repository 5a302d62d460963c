"""The audit sink: where signed audit checkpoints are shipped off the machine.

A checkpoint (`tongban.audit.services`) seals the audit chain's head. Kept only beside the
database, it can be cut together with the log by whoever holds the machine; a copy in a
store they cannot rewrite makes that cut show (`tongban audit verify` reads both).

The sink is append-only: it keeps every checkpoint it is given, answers them in order of
the row they seal, and refuses a second, different checkpoint for a row it already holds.
`AUDIT_SINK_BACKEND` names the class ("" for none); the HTTP client talks to a real store
at `TONGBAN_AUDIT_SINK_URL` and to the stand-in (`tongban standins`).
"""

from typing import Any, Protocol

from django.conf import settings

from tongban.contrib.backends import backend_for
from tongban.contrib.http import OutsideSystemUnavailable

__all__ = [
    "AuditSink",
    "AuditSinkRefused",
    "OutsideSystemUnavailable",
    "audit_sink",
]


class AuditSinkRefused(Exception):
    """The sink already holds a different checkpoint for the same row, and kept its own."""


class AuditSink(Protocol):
    """An append-only store of signed checkpoints."""

    def append(self, record: dict[str, Any]) -> None:
        """Keep one checkpoint. Giving the same checkpoint again is harmless.

        Raises `AuditSinkRefused` when the sink holds another checkpoint for its row,
        `OutsideSystemUnavailable` when the sink cannot be reached.
        """
        ...

    def latest(self) -> dict[str, Any] | None:
        """The checkpoint of the highest row the sink holds, or None."""
        ...

    def records(self, *, after: int = 0, limit: int = 1000) -> list[dict[str, Any]]:
        """Up to `limit` checkpoints for rows above `after`, in row order."""
        ...


def audit_sink() -> AuditSink | None:
    """The configured sink, or None when `AUDIT_SINK_BACKEND` is empty."""
    if not getattr(settings, "AUDIT_SINK_BACKEND", ""):
        return None
    sink: AuditSink = backend_for("audit_sink")
    return sink
