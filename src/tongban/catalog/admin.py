"""Admin pages of the catalogue: read-only, because the catalogue is published from YAML.

Administrators see every implementation, each immutable version and each publication
(who, when, what changed); they change the catalogue by editing `catalog/` and running
`tongban catalog load`, which keeps the history whole.
"""

from django.contrib import admin
from django.http import HttpRequest

from tongban.catalog.models import (
    CatalogLoad,
    Collection,
    Department,
    ServiceItem,
    ServiceVersion,
)
from tongban.core.admin import ReadOnlyAdmin


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "region", "level", "phone", "is_demo", "is_active"]
    list_filter = ["level", "region", "is_demo", "is_active"]
    search_fields = ["name", "code"]


class VersionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ServiceVersion
    fields = ["number", "created_at", "load", "content_hash"]
    readonly_fields = ["number", "created_at", "load", "content_hash"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "department", "region", "is_retired"]
    list_filter = ["is_retired", "item_type", "case_type", "region", "department"]
    search_fields = ["name", "name_en", "code", "basic_code"]
    inlines = [VersionInline]


@admin.register(ServiceVersion)
class ServiceVersionAdmin(ReadOnlyAdmin):
    list_display = ["item", "number", "created_at", "load"]
    search_fields = ["item__code", "item__name"]


@admin.register(CatalogLoad)
class CatalogLoadAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "source", "unchanged"]
    readonly_fields = [
        "created_at",
        "actor",
        "source",
        "created",
        "changed",
        "retired",
        "unchanged",
    ]


@admin.register(Collection)
class CollectionAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "key", "position"]
    list_filter = ["kind"]
