from typing import TYPE_CHECKING

from django.db.models import QuerySet

from tongban.accounts.models import Person
from tongban.core.masking import mask_email, mask_phone
from tongban.notifications.models import Channel, Notification, Preference

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def inbox(person: Person) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=person).order_by("-created_at", "-pk")


def staff_inbox(user: "AbstractBaseUser") -> QuerySet[Notification]:
    return Notification.objects.filter(staff_recipient_id=user.pk).order_by(
        "-created_at", "-pk"
    )


def channels_of(person: Person) -> list[tuple[str, str]]:
    """Where a person hears of their cases beyond the platform's own messages: each
    channel `notify` would use for them now, with its address masked for a screen."""
    off = set(
        Preference.objects.filter(person=person, enabled=False).values_list(
            "channel", flat=True
        )
    )
    found = []
    if person.phone_encrypted and Channel.SMS not in off:
        found.append((Channel.SMS.value, mask_phone(person.phone)))
    if person.email and person.email_confirmed_at and Channel.EMAIL not in off:
        found.append((Channel.EMAIL.value, mask_email(person.email)))
    return found
