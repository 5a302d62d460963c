"""Admin pages for operators: heartbeats, periodic jobs and key rotations, read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongban.core.admin import ReadOnlyAdmin
from tongban.ops.models import Heartbeat, JobState, KeyRotation, KeyRotationTable


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


class KeyRotationTableInline(admin.TabularInline[KeyRotationTable, KeyRotation]):
    model = KeyRotationTable
    fields = readonly_fields = ("table", "after_pk", "passes", "rekeyed", "finished_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(KeyRotation)
class KeyRotationAdmin(ReadOnlyAdmin):
    list_display = ["key_id", "suite", "started_at", "finished_at", "runs"]
    inlines = [KeyRotationTableInline]
