"""The SMS gateway: `sms_send(phone, text)`, through the backend in `SMS_BACKEND`."""

from typing import Protocol

from tongban.contrib.backends import backend_for
from tongban.contrib.http import OutsideSystemUnavailable

__all__ = ["OutsideSystemUnavailable", "SmsGateway", "sms_send"]


class SmsGateway(Protocol):
    """Hands text messages to phones."""

    def send(self, phone: str, text: str, *, key: str = "") -> str:
        """Take one message for delivery; answer the gateway's id for it. A message
        handed again with the same `key` is not delivered again: the gateway answers
        the id it gave the first time.

        Raises `OutsideSystemUnavailable` when the gateway cannot take it now.
        """
        ...


def sms_send(phone: str, text: str, *, key: str = "") -> str:
    """Hand one message to the gateway; answers the gateway's message id.

    `key` makes a retry safe: the same key is delivered once, however often it is
    handed over. Raises `OutsideSystemUnavailable` when the gateway cannot take it (the
    caller keeps the message and tries again later, with the same key).
    """
    gateway: SmsGateway = backend_for("sms")
    return gateway.send(phone, text, key=key)
