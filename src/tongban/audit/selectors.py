"""Reads of the audit log: the events about one subject, the events of one user, the log
as its reader (the audit administrator) searches it."""

import datetime as dt

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


def audit_events_filtered(
    *,
    action: str = "",
    actor: str = "",
    actor_user_id: int | None = None,
    subject_type: str = "",
    subject_id: str = "",
    since: dt.datetime | None = None,
    before: dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The log as its reader searches it, newest first: each filter given narrows it —
    one action, one actor (a user's id, or `system` / `anonymous`), one subject (its type,
    and its id), at or after `since` and before `before`."""
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if actor_user_id is not None:
        events = events.filter(actor_user_id=actor_user_id)
    elif actor:
        events = events.filter(actor=actor)
    if subject_type:
        events = events.filter(subject_type=subject_type)
    if subject_id:
        events = events.filter(subject_id=subject_id)
    if since is not None:
        events = events.filter(at__gte=since)
    if before is not None:
        events = events.filter(at__lt=before)
    return events.order_by("-id")


def audit_actions() -> list[str]:
    """Every action the log holds, for the reader's choice of one (the index on
    action and time answers it)."""
    return list(
        AuditEvent.objects.order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
