"""Deployment checks of the audit trail (`tongban check --deploy`)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def audit_trail_shipped(**_kwargs: Any) -> list[CheckMessage]:
    """Checkpoints must leave the machine, signed by a key its administrators do not hold."""
    found: list[CheckMessage] = []
    backend = str(getattr(settings, "AUDIT_SINK_BACKEND", ""))
    if not backend:
        found.append(
            Warning(
                "AUDIT_SINK_BACKEND is empty: audit checkpoints stay on this machine, "
                "so cutting the log and the checkpoint file together goes unseen.",
                hint="Set TONGBAN_AUDIT_SINK_URL to the append-only store (docs/audit.md).",
                id="tongban.audit.W001",
            )
        )
    elif backend.endswith(".HttpAuditSink") and not settings.OUTSIDE_SYSTEMS.get(
        "audit_sink"
    ):
        found.append(
            Warning(
                "TONGBAN_AUDIT_SINK_URL is not set: checkpoints would go to the local "
                "stand-in, which is not off the machine.",
                hint="Set TONGBAN_AUDIT_SINK_URL (docs/audit.md, 'The audit sink').",
                id="tongban.audit.W002",
            )
        )
    if not getattr(settings, "AUDIT_CHECKPOINT_KEY", None):
        found.append(
            Warning(
                "TONGBAN_AUDIT_CHECKPOINT_KEY is not set: checkpoints are signed with a "
                "key derived from the secret key, which the platform's operators hold.",
                hint="Set a key held apart from the database's administrators.",
                id="tongban.audit.W003",
            )
        )
    return found
