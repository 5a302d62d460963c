"""The in-app inbox and notification preferences."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from tongban.accounts.api import bearer, person_required
from tongban.notifications import selectors, services
from tongban.notifications.models import Channel, Preference

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    event: str
    title: str
    body: str
    case_number: str | None
    created_at: dt.datetime
    read: bool


class PreferenceIn(Schema):
    sms: bool = True
    email: bool = True


@router.get("/me/notifications", response=list[NotificationOut], auth=bearer)
def inbox(request: HttpRequest) -> list[dict[str, Any]]:
    person = person_required(request)
    return [
        {
            "id": n.pk,
            "event": n.event,
            "title": n.title,
            "body": n.body,
            "case_number": n.case.number if n.case_id else None,  # type: ignore[union-attr]
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in selectors.inbox(person).select_related("case")[:100]
    ]


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
