"""The registries over HTTP, as documented for their real counterparts:

- `POST {url}/verify {"name", "doc_type", "number", "nationality"}` → `{"match", "reason"}`
- `POST {url}/guardianship {"guardian_number", "child_number", "child_name"}` → `{"match"}`
  (population)
- `GET {url}/entities/{uscc}` → the entity, or 404 (legal entity)
- `GET {url}/documents?holder=&dataset=` → a list of documents

The same clients talk to the real registries (`TONGBAN_<NAME>_URL`) and to the stand-ins.
"""

from typing import Any

from tongban.contrib.http import OutsideSystemUnavailable, call
from tongban.contrib.registries import EntityRecord, IdentityAnswer, PositionHolder


class HttpDocumentRegistry:
    def __init__(self, system: str) -> None:
        self.system = system

    def held_documents(
        self, *, holder: str, dataset: str | None
    ) -> list[dict[str, Any]]:
        query = {"holder": holder}
        if dataset:
            query["dataset"] = dataset
        status, payload = call(self.system, "GET", "/documents", query=query)
        if status != 200 or not isinstance(payload, list):
            raise OutsideSystemUnavailable(f"{self.system}: HTTP {status}")
        return payload


class HttpPersonRegistry(HttpDocumentRegistry):
    """Population or exit-entry: identity checks (a POST that changes nothing)."""

    def identity_check(
        self, *, name: str, doc_type: str, number: str, nationality: str
    ) -> IdentityAnswer:
        body = {
            "name": name,
            "doc_type": doc_type,
            "number": number,
            "nationality": nationality,
        }
        status, payload = call(self.system, "POST", "/verify", body=body)
        if status != 200 or not isinstance(payload, dict):
            raise OutsideSystemUnavailable(f"{self.system}: HTTP {status}")
        return IdentityAnswer(
            registry=self.system,
            matches=bool(payload.get("match")),
            reason=str(payload.get("reason", "")),
        )


class HttpPopulationRegistry(HttpPersonRegistry):
    def guardianship_check(
        self, *, guardian_number: str, child_number: str, child_name: str
    ) -> bool:
        body = {
            "guardian_number": guardian_number,
            "child_number": child_number,
            "child_name": child_name,
        }
        status, payload = call(self.system, "POST", "/guardianship", body=body)
        if status != 200 or not isinstance(payload, dict):
            raise OutsideSystemUnavailable(f"{self.system}: HTTP {status}")
        return bool(payload.get("match"))


class HttpEntityRegistry(HttpDocumentRegistry):
    def entity_lookup(self, uscc: str) -> EntityRecord | None:
        status, payload = call(self.system, "GET", f"/entities/{uscc}")
        if status == 404:
            return None
        if status != 200 or not isinstance(payload, dict):
            raise OutsideSystemUnavailable(f"{self.system}: HTTP {status}")
        return EntityRecord(
            uscc=payload["uscc"],
            name=payload["name"],
            name_en=payload.get("name_en", ""),
            kind=payload.get("kind", ""),
            region_code=payload.get("region_code", ""),
            status=payload.get("status", "active"),
            positions=[
                PositionHolder(**holder) for holder in payload.get("positions", [])
            ],
        )
