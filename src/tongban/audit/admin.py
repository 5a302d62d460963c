"""The audit log in the admin site: read-only, like every log."""

from django.contrib import admin

from tongban.audit.models import AuditEvent
from tongban.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "subject_type", "subject_id"]
    list_filter = ["action", "subject_type"]
    search_fields = ["=subject_id", "=actor", "action"]
    date_hierarchy = "at"
