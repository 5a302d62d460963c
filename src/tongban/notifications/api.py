"""The in-app inbox and notification preferences."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from tongban.api.auth import bearer, person_required, staff_required
from tongban.core.paging import LIMIT_MAX, OFFSET_MAX
from tongban.notifications import selectors, services
from tongban.notifications.models import Channel, Notification, Preference

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    event: str
    title: str
    body: str
    case_number: str | None
    created_at: dt.datetime
    read: bool


class NotificationPageOut(Schema):
    count: int
    items: list[NotificationOut]


class PreferenceIn(Schema):
    sms: bool = True
    email: bool = True


@router.get("/me/notifications", response=NotificationPageOut, auth=bearer)
def inbox(
    request: HttpRequest,
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
    limit: int = Query(100, ge=1, le=LIMIT_MAX),
) -> dict[str, Any]:
    """Newest first, a page at a time."""
    person = person_required(request)
    messages = selectors.inbox(person).select_related("case")
    return _page(messages, offset, limit)


def _page(messages: Any, offset: int, limit: int) -> dict[str, Any]:
    return {
        "count": messages.count(),
        "items": [_out(n) for n in messages[offset : offset + limit]],
    }


def _out(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "event": notification.event,
        "title": notification.title,
        "body": notification.body,
        "case_number": notification.case.number if notification.case_id else None,  # type: ignore[union-attr]
        "created_at": notification.created_at,
        "read": notification.read_at is not None,
    }


@router.get("/workbench/notifications", response=NotificationPageOut, auth=bearer)
def staff_inbox(
    request: HttpRequest,
    unread: bool = False,
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
    limit: int = Query(100, ge=1, le=LIMIT_MAX),
) -> dict[str, Any]:
    """A staff member's messages: supplements, cases waiting for them, forwarded cases."""
    staff = staff_required(request)
    messages = selectors.staff_inbox(staff.user).select_related("case")
    if unread:
        messages = messages.filter(read_at=None)
    return _page(messages, offset, limit)


@router.post(
    "/workbench/notifications/{notification_id}/read",
    response={204: None},
    auth=bearer,
)
def staff_read(request: HttpRequest, notification_id: int) -> Status:
    services.staff_notification_read(
        user=staff_required(request).user, notification_id=notification_id
    )
    return Status(204, None)


@router.post(
    "/me/notifications/{notification_id}/read", response={204: None}, auth=bearer
)
def read(request: HttpRequest, notification_id: int) -> Status:
    services.notification_read(
        person=person_required(request), notification_id=notification_id
    )
    return Status(204, None)


@router.put("/me/notification-preferences", response=PreferenceIn, auth=bearer)
def preferences(request: HttpRequest, payload: PreferenceIn) -> dict[str, bool]:
    person = person_required(request)
    services.preference_set(person=person, channel=Channel.SMS, enabled=payload.sms)
    services.preference_set(person=person, channel=Channel.EMAIL, enabled=payload.email)
    stored = {p.channel: p.enabled for p in Preference.objects.filter(person=person)}
    return {
        "sms": stored.get(Channel.SMS, True),
        "email": stored.get(Channel.EMAIL, True),
    }
