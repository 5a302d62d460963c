"""Messages to people: the in-app inbox, and an outbox of SMS and email that is never lost.

An outbox row is written in the same transaction as the event it tells of; the worker sends
it after commit, and the scheduler retries with backoff until it goes or gives up.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core import protect


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    """One message in an inbox: a person's, or a staff member's on their workbench."""

    recipient = models.ForeignKey(
        "accounts.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    staff_recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_notifications",
    )
    event = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField()
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["staff_recipient", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False, staff_recipient=None)
                | models.Q(recipient=None, staff_recipient__isnull=False),
                name="notification_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.title


def _new_key() -> str:
    return uuid.uuid4().hex


class OutboxMessage(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="outbox"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    to_encrypted = models.TextField()
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # Sent with every attempt; the gateway takes a message once per key, so an attempt
    # whose answer was lost (the sender died) never reaches the phone twice. Random, not
    # the id: ids repeat across databases, a gateway serves many. Empty on rows made
    # before keys existed; the first attempt gives them one.
    idempotency_key = models.CharField(max_length=32, blank=True, default=_new_key)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"

    @property
    def to(self) -> str:
        return protect.decrypt(self.to_encrypted, context="outbox.to")


class Preference(models.Model):
    """Whether a person wants a channel; in-app messages always arrive."""

    person = models.ForeignKey(
        "accounts.Person",
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "channel"], name="preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.channel} {self.enabled}"
