"""Rows the running processes write: heartbeats and the state of each periodic job."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last sign of life of a process kind (worker, scheduler)."""

    process = models.CharField(_("进程"), max_length=40, unique=True)
    # Real time, not the platform clock: liveness must survive the clock being moved.
    beat_at = models.DateTimeField(_("最近心跳"))
    platform_now = models.DateTimeField(_("平台时钟读数"))
    pid = models.PositiveIntegerField(_("进程号"))
    host = models.CharField(_("主机"), max_length=200)

    class Meta:
        verbose_name = _("心跳")
        verbose_name_plural = _("心跳")

    def __str__(self) -> str:
        return f"{self.process} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class JobState(models.Model):
    """When a periodic job runs next, on the platform clock, and how its last run went.

    The scheduler claims a due run by moving `next_run_at` forward with a conditional
    update, so two schedulers never run the same job twice for one due time.
    """

    name = models.CharField(_("任务"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("下次运行"))
    last_started_at = models.DateTimeField(_("上次开始"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("上次结束"), null=True, blank=True)
    last_error = models.TextField(_("上次错误"), blank=True)
    runs = models.PositiveIntegerField(_("运行次数"), default=0)
    failures = models.PositiveIntegerField(_("失败次数"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")

    def __str__(self) -> str:
        return self.name


class RateWindow(models.Model):
    """How many times a key (an address, a phone) was used in one fixed window of time.

    In the database, so a limit holds across every web process and server, and counted
    with one atomic increment per use, so concurrent tries cannot all slip through.
    """

    key = models.CharField(_("键"), max_length=200)
    window_start = models.DateTimeField(_("时段开始"))
    count = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("限流计数")
        verbose_name_plural = _("限流计数")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_start"], name="rate_window_unique"
            )
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start:%H:%M:%S} {self.count}"


class OutsideSystemState(models.Model):
    """When an outside system (the SMS gateway, mail, a registry) last answered, and last
    failed — what `/healthz` reports beside whether it is reachable now. Written by the
    clients at most once a minute per process (`contrib/health.py`)."""

    system = models.CharField(_("外部系统"), max_length=40, unique=True)
    last_success_at = models.DateTimeField(_("最近成功"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("最近失败"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("外部系统状态")
        verbose_name_plural = _("外部系统状态")

    def __str__(self) -> str:
        return self.system


class KeyRotation(models.Model):
    """A run of `tongban keys rotate` towards one key and suite: its progress is kept, so
    a run that was stopped (killed, interrupted, a failure) is resumed by running again."""

    key_id = models.CharField(_("目标密钥"), max_length=8)
    suite = models.CharField(_("密码套件"), max_length=3)
    # Real time, as heartbeats: how long an operator's run took, whatever the clock says.
    started_at = models.DateTimeField(_("开始"))
    finished_at = models.DateTimeField(_("完成"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("运行次数"), default=0)

    class Meta:
        verbose_name = _("密钥轮换")
        verbose_name_plural = _("密钥轮换")
        constraints = [
            # One unfinished rotation per key and suite: a second run resumes it.
            models.UniqueConstraint(
                fields=["key_id", "suite"],
                condition=models.Q(finished_at=None),
                name="key_rotation_one_unfinished",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_id} ({self.suite})"


class KeyRotationTable(models.Model):
    """Where a rotation got to in one table. A pass walks the table by primary key from the
    start, one batch per transaction, this row written in the same transaction; the table
    is done when a pass finds nothing left under another key."""

    rotation = models.ForeignKey(
        KeyRotation, on_delete=models.CASCADE, related_name="tables"
    )
    table = models.CharField(_("数据表"), max_length=100)
    after_pk = models.BigIntegerField(_("已处理至"), default=0)
    passes = models.PositiveIntegerField(_("遍数"), default=1)
    pass_rekeyed = models.PositiveBigIntegerField(_("本遍改写行数"), default=0)
    rekeyed = models.PositiveBigIntegerField(_("改写行数"), default=0)
    finished_at = models.DateTimeField(_("完成"), null=True, blank=True)

    class Meta:
        verbose_name = _("密钥轮换进度")
        verbose_name_plural = _("密钥轮换进度")
        constraints = [
            models.UniqueConstraint(
                fields=["rotation", "table"], name="key_rotation_table_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.table} > {self.after_pk}"
