"""The SMS gateway: `sms_send(phone, text)`. A real gateway or the stand-in, over HTTP."""

from tongban.contrib.http import OutsideSystemUnavailable, call


def sms_send(phone: str, text: str) -> str:
    """Hand one message to the gateway; answers the gateway's message id.

    Raises `OutsideSystemUnavailable` when the gateway cannot take it (the caller keeps the
    message and tries again later).
    """
    status, payload = call("sms", "POST", "/messages", body={"to": phone, "text": text})
    if status != 202 or not isinstance(payload, dict):
        raise OutsideSystemUnavailable(f"sms: refused with HTTP {status}: {payload}")
    return str(payload["id"])
