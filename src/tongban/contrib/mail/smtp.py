"""Email over SMTP: to the configured server, or to the stand-in's recorded port."""

from typing import Any

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend

from tongban.contrib.health import outcome_record
from tongban.ops.ports import port_read


class StandinAwareSmtpBackend(EmailBackend):
    """Django's SMTP backend; without a configured host it uses the local SMTP stand-in."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not getattr(settings, "SMTP_HOST_CONFIGURED", False):
            kwargs.setdefault("host", "127.0.0.1")
            kwargs.setdefault("port", port_read("smtp") or 25)
        super().__init__(*args, **kwargs)

    def send_messages(self, email_messages: Any) -> int:
        try:
            sent = super().send_messages(email_messages)
        except OSError as error:
            outcome_record("mail", ok=False, error=str(error))
            raise
        outcome_record("mail", ok=True)
        return sent
