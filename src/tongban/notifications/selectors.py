from typing import TYPE_CHECKING

from django.db.models import QuerySet

from tongban.accounts.models import Person
from tongban.notifications.models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def inbox(person: Person) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=person).order_by("-created_at", "-pk")


def staff_inbox(user: "AbstractBaseUser") -> QuerySet[Notification]:
    return Notification.objects.filter(staff_recipient_id=user.pk).order_by(
        "-created_at", "-pk"
    )
