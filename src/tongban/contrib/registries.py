"""Government registries the platform asks, over HTTP, as it would ask the real ones.

- population (人口库): is this name the holder of this resident ID number?
- exit_entry (出入境管理信息库): the same for passports, permanent residence IDs and the
  Hong Kong, Macao and Taiwan residents' permits.
- legal_entity (法人库): a company by its unified social credit code, with the holders of its
  registered positions (legal representative, 首席代表, 委派代表).

Each also returns the documents it holds for a holder (`documents`), which the cases issue
fetches as materials the applicant need not supply (免交).
"""

from dataclasses import dataclass, field
from typing import Any

from tongban.contrib.http import OutsideSystemUnavailable, call

__all__ = [
    "EntityRecord",
    "IdentityAnswer",
    "OutsideSystemUnavailable",
    "PositionHolder",
    "entity_lookup",
    "held_documents",
    "identity_check",
]


@dataclass(frozen=True)
class IdentityAnswer:
    registry: str
    matches: bool
    reason: str  # "" when it matches; "not_found" or "name_differs" otherwise


@dataclass(frozen=True)
class PositionHolder:
    position: (
        str  # legal_representative, chief_representative, delegated_representative
    )
    name: str
    doc_type: str
    number: str


@dataclass(frozen=True)
class EntityRecord:
    uscc: str
    name: str
    name_en: str
    kind: str
    region_code: str
    status: str
    positions: list[PositionHolder] = field(default_factory=list)

    def holders(self, position: str) -> list[PositionHolder]:
        return [holder for holder in self.positions if holder.position == position]


def registry_for(doc_type: str) -> str:
    """Residents' IDs are confirmed by the population registry, everything else by exit-entry."""
    return "population" if doc_type == "resident_id" else "exit_entry"


def identity_check(
    *, name: str, doc_type: str, number: str, nationality: str
) -> IdentityAnswer:
    registry = registry_for(doc_type)
    status, payload = call(
        registry,
        "POST",
        "/verify",
        body={
            "name": name,
            "doc_type": doc_type,
            "number": number,
            "nationality": nationality,
        },
    )
    if status != 200 or not isinstance(payload, dict):
        raise OutsideSystemUnavailable(f"{registry}: HTTP {status}")
    return IdentityAnswer(
        registry=registry,
        matches=bool(payload.get("match")),
        reason=str(payload.get("reason", "")),
    )


def entity_lookup(uscc: str) -> EntityRecord | None:
    status, payload = call("legal_entity", "GET", f"/entities/{uscc}")
    if status == 404:
        return None
    if status != 200 or not isinstance(payload, dict):
        raise OutsideSystemUnavailable(f"legal_entity: HTTP {status}")
    return EntityRecord(
        uscc=payload["uscc"],
        name=payload["name"],
        name_en=payload.get("name_en", ""),
        kind=payload.get("kind", ""),
        region_code=payload.get("region_code", ""),
        status=payload.get("status", "active"),
        positions=[PositionHolder(**holder) for holder in payload.get("positions", [])],
    )


def held_documents(
    registry: str, *, holder: str, dataset: str | None = None
) -> list[dict[str, Any]]:
    """Documents a registry holds for a holder (ID number or credit code), with issuer and date."""
    query = {"holder": holder}
    if dataset:
        query["dataset"] = dataset
    status, payload = call(registry, "GET", "/documents", query=query)
    if status != 200 or not isinstance(payload, list):
        raise OutsideSystemUnavailable(f"{registry}: HTTP {status}")
    return payload


def guardianship_check(
    *, guardian_number: str, child_number: str, child_name: str
) -> bool:
    """Whether the population registry lists this guardian for this child (by name and ID)."""
    status, payload = call(
        "population",
        "POST",
        "/guardianship",
        body={
            "guardian_number": guardian_number,
            "child_number": child_number,
            "child_name": child_name,
        },
    )
    if status != 200 or not isinstance(payload, dict):
        raise OutsideSystemUnavailable(f"population: HTTP {status}")
    return bool(payload.get("match"))
