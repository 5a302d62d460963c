from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContribConfig(AppConfig):
    name = "tongban.contrib"
    label = "contrib"
    verbose_name = _("外部系统")
