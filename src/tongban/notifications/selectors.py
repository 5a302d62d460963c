from django.db.models import QuerySet

from tongban.accounts.models import Person
from tongban.notifications.models import Notification


def inbox(person: Person) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=person).order_by("-created_at", "-pk")
