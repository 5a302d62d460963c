"""Django app configuration for tongban.api."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tongban.api"
    label = "api"
