"""Django app configuration for tongban.audit."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tongban.audit"
    label = "audit"
    verbose_name = _("审计日志")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tongban.audit import checks  # noqa: F401 — registers the deployment checks
