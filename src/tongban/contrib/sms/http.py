"""The SMS gateway over HTTP: `POST {url}/messages {"to", "text"}` → `202 {"id"}`.

The same client talks to a real gateway at `TONGBAN_SMS_URL` and to the stand-in
(`tongban standins`), whose recorded port is used when no URL is configured.
"""

from tongban.contrib.http import OutsideSystemUnavailable, call


class HttpSmsGateway:
    def __init__(self, system: str = "sms") -> None:
        self.system = system

    def send(self, phone: str, text: str) -> str:
        # A POST: never retried once sent, so a message is not delivered twice.
        status, payload = call(
            self.system, "POST", "/messages", body={"to": phone, "text": text}
        )
        if status != 202 or not isinstance(payload, dict):
            raise OutsideSystemUnavailable(
                f"{self.system}: refused with HTTP {status}: {payload}"
            )
        return str(payload["id"])
