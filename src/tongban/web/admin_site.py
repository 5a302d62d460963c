"""The admin site, which warns operators of what needs their attention on its index page."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from tongban.workdays.selectors import (
    calendar_missing_message,
    calendar_missing_next_year,
)


class TongbanAdminSite(admin.AdminSite):
    site_header = _("通办 管理后台")
    site_title = _("通办 管理后台")
    index_title = _("平台管理")
    index_template = "web/admin_index.html"

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
