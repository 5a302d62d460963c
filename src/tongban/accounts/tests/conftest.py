"""Fixtures of the accounts tests: an API client that signs up and logs in like an app."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

PASSWORD = "Tongban-2026-safe"


@dataclass
class Api:
    client: Client
    standins: Any
    token: str = ""
    acting: str = ""

    def _headers(self) -> dict[str, str]:
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.acting:
            headers["X-Acting-For"] = self.acting
        return headers

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get(f"/api/v1{path}", query, headers=self._headers())

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            body or {},
            content_type="application/json",
            headers=self._headers(),
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1{path}", headers=self._headers())

    def as_(self, token: str, acting: str = "") -> "Api":
        return Api(self.client, self.standins, token, acting)

    def register(
        self,
        name: str,
        doc_number: str,
        phone: str,
        *,
        doc_type: str = "resident_id",
        nationality: str | None = None,
    ) -> "Api":
        sent = self.post(
            "/auth/sms-codes",
            {
                "phone": phone,
                "purpose": "register",
                "doc_type": doc_type,
                "doc_number": doc_number,
                "nationality": nationality,
            },
        )
        assert sent.status_code == 202, sent.json()
        from tongban.core.phones import phone_normalise

        code = self.standins.last_code(phone_normalise(phone))
        response = self.post(
            "/auth/register",
            {
                "name": name,
                "doc_type": doc_type,
                "doc_number": doc_number,
                "nationality": nationality,
                "phone": phone,
                "sms_code": code,
                "password": PASSWORD,
            },
        )
        assert response.status_code == 201, response.json()
        return self.as_(response.json()["access_token"])


@pytest.fixture
def api(standins: Any, db: None) -> Api:
    return Api(Client(), standins)


STAFF_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def staff_token(api: Api, username: str, department_name: str, roles: list[str]) -> str:
    """A staff member with a bound authenticator, logged in over the API."""
    import hashlib

    import pyotp

    from tongban.accounts.services import staff_create
    from tongban.catalog.models import Department

    digest = int(hashlib.sha256(department_name.encode()).hexdigest(), 16)
    department, _created = Department.objects.get_or_create(
        name=department_name,
        defaults={
            "code": f"1131{digest % 10**14:014d}",
            "region": "310000",
            "level": "city",
            "short_name": department_name[:10],
        },
    )
    staff_create(
        username=username,
        email=f"{username}@example.gov.cn",
        password=PASSWORD,
        department=department,
        roles=roles,
        totp_secret=STAFF_SECRET,
    )
    from tongban.core import clock

    response = api.post(
        "/auth/staff-token",
        {
            "username": username,
            "password": PASSWORD,
            "totp": pyotp.TOTP(STAFF_SECRET).at(clock.now()),
        },
    )
    assert response.status_code == 200, response.json()
    return str(response.json()["access_token"])
