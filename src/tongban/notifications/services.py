"""Notify people of what concerns them: inbox now, SMS and email through the outbox.

`notify` runs inside the caller's transaction, so a message exists exactly when its event
does. Sending happens after commit (a background task) and again from the scheduler for
anything due: a gateway outage delays a message, never loses it.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from tongban.accounts.models import Person
from tongban.contrib.sms import OutsideSystemUnavailable, sms_send
from tongban.core import clock, protect
from tongban.core.errors import NotFound
from tongban.notifications.messages import (
    STAFF_EMAIL_EVENTS,
    STAFF_TEMPLATES,
    TEMPLATES,
)
from tongban.notifications.models import (
    Channel,
    Notification,
    OutboxMessage,
    OutboxStatus,
    Preference,
)
from tongban.ops.tasks import enqueue_with_transaction

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class CaseKey(Protocol):
    """A case (`cases.Case`) as far as a notification needs it: its key. Notifications sit
    below cases and never import them (the layers contract in pyproject.toml); the
    foreign key names the model by string."""

    @property
    def pk(self) -> Any: ...


MAX_ATTEMPTS = 12
# A sending attempt holds the message this long; if the sender dies it is tried again after.
LEASE = dt.timedelta(minutes=2)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, … minutes between attempts, at most six hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), dt.timedelta(hours=6))


def preference_set(*, person: Person, channel: str, enabled: bool) -> None:
    Preference.objects.update_or_create(
        person=person, channel=channel, defaults={"enabled": enabled}
    )


def message_render(
    templates: tuple[Promise, Promise], context: dict[str, Any], language: str
) -> tuple[str, str]:
    """An event's title and text in `language`. A value with an English twin in the
    context (`service` and `service_en`, `department` and `department_en`, …) is
    written by its twin in English where the twin is not empty; lazy values (待定) are
    translated here, in `language`."""
    if language == "en":
        context = {
            key: context.get(f"{key}_en") or value for key, value in context.items()
        }
    with translation.override(language):
        title, text = (str(template) % context for template in templates)
        return title, text


def notify(
    *,
    people: "Iterable[Person]",
    event: str,
    context: dict[str, Any],
    case: CaseKey | None = None,
) -> list[Notification]:
    """Tell people of an event: one inbox message each, and SMS / email as each allows,
    each in the person's language (`Person.language`).

    Written in bulk (a step tells its filer and the person or company it is for), so a
    step costs three statements however many people hear of it.
    """
    recipients = list({p.pk: p for p in people}.values())
    if not recipients:
        return []
    texts = {
        language: message_render(TEMPLATES[event], context, language)
        for language in {person.language for person in recipients}
    }
    now = clock.now()
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=person,
            event=event,
            title=texts[person.language][0],
            body=texts[person.language][1],
            case_id=None if case is None else case.pk,
            created_at=now,
        )
        for person in recipients
    )
    off = set(
        Preference.objects.filter(
            person__in=[p.pk for p in recipients], enabled=False
        ).values_list("person_id", "channel")
    )
    messages = []
    for person, notification in zip(recipients, notifications, strict=True):
        addresses = []
        if person.phone_encrypted and (person.pk, Channel.SMS) not in off:
            addresses.append((Channel.SMS, person.phone))
        if (
            person.email
            and person.email_confirmed_at
            and (person.pk, Channel.EMAIL) not in off
        ):
            addresses.append((Channel.EMAIL, person.email))
        messages += [
            _outbox_message(notification, channel, address, now, person.language)
            for channel, address in addresses
        ]
    if messages:
        ids = [m.pk for m in OutboxMessage.objects.bulk_create(messages)]
        _enqueue_with_step(ids)
    return notifications


def notify_staff(
    *,
    users: "Iterable[AbstractBaseUser]",
    event: str,
    context: dict[str, Any],
    case: CaseKey | None = None,
) -> int:
    """Tell staff on their workbench; by email too for events that need someone to act
    (`STAFF_EMAIL_EVENTS`) when the staff member has an address. Answers how many.
    Written in the administration's working language (`LANGUAGE_CODE`), whatever the
    language of the page the step was taken on."""
    language = settings.LANGUAGE_CODE
    title, text = message_render(STAFF_TEMPLATES[event], context, language)
    now = clock.now()
    recipients = list({u.pk: u for u in users}.values())
    notifications = Notification.objects.bulk_create(
        Notification(
            staff_recipient_id=user.pk,
            event=event,
            title=title,
            body=text,
            case_id=None if case is None else case.pk,
            created_at=now,
        )
        for user in recipients
    )
    if event in STAFF_EMAIL_EVENTS:
        messages = [
            _outbox_message(notification, Channel.EMAIL, address, now, language)
            for user, notification in zip(recipients, notifications, strict=True)
            if (address := str(getattr(user, "email", "") or ""))
        ]
        if messages:
            _enqueue_with_step(
                [m.pk for m in OutboxMessage.objects.bulk_create(messages)]
            )
    return len(notifications)


def sms_signed(text: str, language: str) -> str:
    """An SMS as the gateway sends it: the platform's signature first, in `language`."""
    with translation.override(language):
        return _("【通办】%(text)s") % {"text": text}


def _outbox_message(
    notification: Notification,
    channel: str,
    address: str,
    now: dt.datetime,
    language: str | None = None,
) -> OutboxMessage:
    """A message of `notification` to send by `channel`, the address encrypted; its
    text already in the recipient's `language` (by default Chinese), an SMS signed in
    it."""
    language = language or settings.LANGUAGE_CODE
    return OutboxMessage(
        notification=notification,
        channel=channel,
        to_encrypted=protect.encrypt(address, context="outbox.to"),
        subject=notification.title,
        body=sms_signed(notification.body, language)
        if channel == Channel.SMS
        else notification.body,
        next_attempt_at=now,
        created_at=now,
    )


def _enqueue_with_step(ids: list[int]) -> None:
    """Queue the sending of a step's messages, with the step's transaction
    (`ops.tasks.enqueue_with_transaction`; the job `notifications.outbox` sends anything
    a task did not)."""
    # cycle: notifications.tasks runs this module's outbox_send
    from tongban.notifications.tasks import send_outbox_messages

    enqueue_with_transaction(send_outbox_messages, ids)


def outbox_send(message_id: int) -> bool:
    """One attempt at one message; True when sent. Safe to call twice at once: the attempt
    takes a lease on the row first, and only one caller gets it."""
    now = clock.now()
    leased = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if not leased:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    changes: dict[str, str] = {}
    if not message.idempotency_key:  # a row from before keys: its key from now on
        message.idempotency_key = changes["idempotency_key"] = uuid.uuid4().hex
    if message.attempts > 1 and not message.last_error:
        # the attempt before took its lease and never answered: its sender stopped
        previous = message.attempts - 1
        changes["last_error"] = (
            f"attempt {previous} did not finish (the sender stopped)"
        )
    if changes:
        OutboxMessage.objects.filter(pk=message_id).update(**changes)
    try:
        if message.channel == Channel.SMS:
            sms_send(message.to, message.body, key=message.idempotency_key)
        else:
            send_mail(message.subject, message.body, None, [message.to])
    except (OutsideSystemUnavailable, OSError) as error:
        failed = message.attempts >= MAX_ATTEMPTS
        OutboxMessage.objects.filter(pk=message_id).update(
            status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING,
            next_attempt_at=now + backoff(message.attempts),
            last_error=str(error)[:300],
        )
        return False
    except Exception as error:
        # not the outside system's answer: written down, then raised for the task's log
        OutboxMessage.objects.filter(pk=message_id).update(
            last_error=f"{type(error).__name__}: {error}"[:300]
        )
        raise
    # sent: the last error stays, the story of the attempts before this one
    OutboxMessage.objects.filter(pk=message_id).update(
        status=OutboxStatus.SENT, sent_at=clock.now()
    )
    return True


def outbox_due(limit: int = 200) -> int:
    """Send what is due (the scheduler runs this); answers how many went."""
    due = OutboxMessage.objects.filter(
        status=OutboxStatus.PENDING, next_attempt_at__lte=clock.now()
    ).order_by("next_attempt_at")
    return sum(outbox_send(pk) for pk in due.values_list("pk", flat=True)[:limit])


def _read(mine: "QuerySet[Notification]", notification_id: int) -> None:
    """Mark one of `mine` read (again is harmless); another's, or none, is a 404."""
    if not mine.filter(pk=notification_id).exists():
        raise NotFound("not_found", _("未找到该消息。"))
    mine.filter(pk=notification_id, read_at=None).update(read_at=clock.now())


def notification_read(*, person: Person, notification_id: int) -> None:
    _read(Notification.objects.filter(recipient=person), notification_id)


def staff_notification_read(*, user: "AbstractBaseUser", notification_id: int) -> None:
    _read(Notification.objects.filter(staff_recipient_id=user.pk), notification_id)


def staff_case_messages_read(*, user: "AbstractBaseUser", case: CaseKey) -> None:
    """A staff member opened the case: its messages to them count as read."""
    Notification.objects.filter(
        staff_recipient_id=user.pk, case_id=case.pk, read_at=None
    ).update(read_at=clock.now())
