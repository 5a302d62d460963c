"""The SMS gateway: `sms_send(phone, text)`, through the backend in `SMS_BACKEND`."""

from typing import Protocol

from tongban.contrib.backends import backend_for
from tongban.contrib.http import OutsideSystemUnavailable

__all__ = ["OutsideSystemUnavailable", "SmsGateway", "sms_send"]


class SmsGateway(Protocol):
    """Hands text messages to phones."""

    def send(self, phone: str, text: str) -> str:
        """Take one message for delivery; answer the gateway's id for it.

        Raises `OutsideSystemUnavailable` when the gateway cannot take it now.
        """
        ...


def sms_send(phone: str, text: str) -> str:
    """Hand one message to the gateway; answers the gateway's message id.

    Raises `OutsideSystemUnavailable` when the gateway cannot take it (the caller keeps the
    message and tries again later).
    """
    gateway: SmsGateway = backend_for("sms")
    return gateway.send(phone, text)
