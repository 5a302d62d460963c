from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tongban.accounts"
    label = "accounts"
    verbose_name = _("账户与身份")

    def ready(self) -> None:
        from tongban.accounts import checks  # noqa: F401 — registers the staff checks
