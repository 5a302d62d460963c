"""Admin pages for operators: heartbeats and periodic jobs, read-only."""

from django.contrib import admin

from tongban.core.admin import ReadOnlyAdmin
from tongban.ops.models import Heartbeat, JobState


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["process", "beat_at", "platform_now", "pid", "host"]


@admin.register(JobState)
class JobStateAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "next_run_at",
        "last_started_at",
        "last_finished_at",
        "runs",
        "failures",
    ]
