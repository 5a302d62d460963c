"""The audit log's one table: events chained by SHA-256, written only by `audit_record`."""

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One recorded event; `hash` seals its content and the hash of the event before it.

    Ids are set explicitly by `audit_record` (last id + 1, under the chain lock), so the
    sequence has no gaps: a missing id means a deleted row, not a rolled-back insert.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("时间"))
    actor = models.CharField(_("操作者"), max_length=100)
    actor_user_id = models.BigIntegerField(_("操作者用户编号"), null=True, blank=True)
    action = models.CharField(_("动作"), max_length=64)
    subject_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    subject_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    reason = models.TextField(_("事由"), blank=True)
    # Never raw identity numbers: callers pass masked values (audit_record refuses them).
    data = models.JSONField(_("数据"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "at"],
                name="audit_subject_at_idx",
            ),
            models.Index(fields=["action", "at"], name="audit_action_at_idx"),
            models.Index(fields=["actor_user_id", "at"], name="audit_actor_at_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.actor}"
