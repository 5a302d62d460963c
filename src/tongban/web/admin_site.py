"""The admin site, which warns operators of what needs their attention on its index page.

Who enters (三员分立): a superuser, or a staff member whose roles open something here
(`accounts.permissions.ADMIN_SITE_GRANTS` — the system administrator), signed in on the
staff login page with a password and a one-time code; the admin's own login form takes
superusers only (staff accounts are never `is_staff`). Anyone else is refused with 403.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tongban.accounts.permissions import django_permissions
from tongban.accounts.selectors import staff_of
from tongban.audit.services import audit_record
from tongban.workdays.selectors import (
    calendar_missing_message,
    calendar_missing_next_year,
)


class _Audited:
    """Every add, change and delete made in the admin site, in the audit log too, in the
    change's own transaction: the system administrator works here, and the audit
    administrator reads what they did (等保 2.0 8.1.5.1, their operations audited)."""

    def _audit(self, request: HttpRequest, action: str, obj: Any) -> None:
        meta = obj._meta
        audit_record(
            action=f"admin.{action}",
            actor=request.user,
            subject_type=f"{meta.app_label}.{meta.model_name}",
            subject_id=obj.pk,
            data={"object": str(obj)[:100]},
        )

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, "add", obj)
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, "change", obj)
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            self._audit(request, "delete", obj)
        return super().log_deletions(request, queryset)  # type: ignore[misc]


class TongbanAdminSite(admin.AdminSite):
    site_header = _("通办 管理后台")
    site_title = _("通办 管理后台")
    index_title = _("平台管理")
    index_template = "web/admin_index.html"
    login_template = "web/admin_login.html"

    def register(
        self, model_or_iterable: Any, admin_class: Any = None, **options: Any
    ) -> None:
        """Each model's admin, audited (`_Audited`)."""
        audited = type(
            (admin_class or admin.ModelAdmin).__name__,
            (_Audited, admin_class or admin.ModelAdmin),
            {"__module__": (admin_class or admin.ModelAdmin).__module__},
        )
        super().register(model_or_iterable, audited, **options)

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_active:
            return False
        if user.is_staff:
            return True
        return bool(django_permissions(staff_of(user)))

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.user.is_authenticated and not self.has_permission(request):
            # A staff member whose roles open nothing here (an auditor, a reviewer): a
            # refusal, not a second login form that would take no staff account anyway.
            return render(
                request,
                "accounts/message.html",
                {
                    "title": gettext("管理后台"),
                    "text": gettext(
                        "管理后台仅供系统管理员使用，您的角色不含此项权限。"
                    ),
                },
                status=403,
            )
        context = {"staff_login_url": reverse("accounts:staff_login")}
        return super().login(request, {**(extra_context or {}), **context})

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        warnings = []
        missing_year = calendar_missing_next_year()
        if missing_year is not None:
            warnings.append(calendar_missing_message(missing_year))
        return super().index(
            request, {**(extra_context or {}), "platform_warnings": warnings}
        )
