"""Django app configuration for tongban.web, and the admin site's configuration."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WebConfig(AppConfig):
    default = True
    name = "tongban.web"
    label = "web"

    def ready(self) -> None:
        from tongban.web import checks  # noqa: F401 — registers the deployment checks


class AdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "tongban.web.admin_site.TongbanAdminSite"
