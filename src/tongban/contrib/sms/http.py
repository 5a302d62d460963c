"""The SMS gateway over HTTP: `POST {url}/messages {"to", "text", "key"?}` → `202 {"id"}`;
a message posted again with the same `key` is not delivered again (same `id`).

The same client talks to a real gateway at `TONGBAN_SMS_URL` and to the stand-in
(`tongban standins`), whose recorded port is used when no URL is configured.
"""

from tongban.contrib.http import OutsideSystemUnavailable, call


class HttpSmsGateway:
    def __init__(self, system: str = "sms") -> None:
        self.system = system

    def send(self, phone: str, text: str, *, key: str = "") -> str:
        # A POST: never retried here once sent; a caller's retry carries the same key.
        body = {"to": phone, "text": text}
        if key:
            body["key"] = key
        status, payload = call(self.system, "POST", "/messages", body=body)
        if status != 202 or not isinstance(payload, dict):
            raise OutsideSystemUnavailable(
                f"{self.system}: refused with HTTP {status}: {payload}"
            )
        return str(payload["id"])
