"""Django app configuration for tongban.core."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tongban.core"
    label = "core"
    verbose_name = "tongban core"
