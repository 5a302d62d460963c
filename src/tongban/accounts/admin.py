"""Accounts in the admin site: read-only, numbers masked. Changes go through services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import Company, Grant, Person, StaffProfile
from tongban.catalog.constants import StaffRole
from tongban.core.admin import ReadOnlyAdmin


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "doc_type",
        "doc_masked",
        "phone_masked",
        "level",
        "created_at",
    )
    list_filter = ("doc_type", "level", "level_evidence")
    search_fields = ("name",)
    fields = (
        "name",
        "doc_type",
        "doc_masked",
        "nationality",
        "phone_masked",
        "email",
        "level",
        "level_evidence",
        "level_at",
        "created_at",
        "created_by",
        "created_by_department",
    )


@admin.register(Company)
class CompanyAdmin(ReadOnlyAdmin):
    list_display = ("name", "uscc", "legal_representative", "registry_checked_at")
    search_fields = ("name", "uscc")
    exclude = ("positions",)


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ("kind", "agent", "company", "principal", "status", "valid_until")
    list_filter = ("kind", "status")


@admin.register(StaffProfile)
class StaffProfileAdmin(ReadOnlyAdmin):
    list_display = ("user", "department", "role_names", "totp_confirmed_at")
    list_filter = ("department",)
    exclude = ("totp_encrypted", "roles")
    readonly_fields = ("role_names",)

    @admin.display(description=_("角色"))
    def role_names(self, profile: StaffProfile) -> str:
        """The roles by their names (受理人员), not their codes (`intake_clerk`)."""
        return "、".join(
            str(StaffRole(role).label) if role in StaffRole.values else role
            for role in profile.roles
        )
