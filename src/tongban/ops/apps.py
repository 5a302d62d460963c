"""Django app configuration for tongban.ops."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "tongban.ops"
    label = "ops"
    verbose_name = _("运行")

    def ready(self) -> None:
        # Periodic jobs are declared in each app's jobs.py, data under the data key in its
        # keyed.py (`tongban keys`); load them all once.
        autodiscover_modules("jobs")
        autodiscover_modules("keyed")
