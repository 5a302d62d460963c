"""Reads of the audit log: the events about one subject, the events of one user."""

from django.db.models import QuerySet

from tongban.audit.models import AuditEvent


def audit_events_for_subject(
    subject_type: str, subject_id: str | int, *, actions: list[str] | None = None
) -> QuerySet[AuditEvent]:
    """The events about one subject, newest first, optionally only the given actions."""
    events = AuditEvent.objects.filter(
        subject_type=subject_type, subject_id=str(subject_id)
    )
    if actions is not None:
        events = events.filter(action__in=actions)
    return events.order_by("-at", "-id")


def audit_events_by_actor(user_id: int) -> QuerySet[AuditEvent]:
    """The events a user caused, newest first."""
    return AuditEvent.objects.filter(actor_user_id=user_id).order_by("-at", "-id")
