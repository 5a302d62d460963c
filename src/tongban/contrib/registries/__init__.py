"""Government registries the platform asks, each through its backend in `REGISTRY_BACKENDS`.

- population (人口库): is this name the holder of this resident ID number? Is this person
  a child's guardian?
- exit_entry (出入境管理信息库): the same for passports, permanent residence IDs and the
  Hong Kong, Macao and Taiwan residents' permits.
- legal_entity (法人库): a company by its unified social credit code, with the holders of its
  registered positions (legal representative, 首席代表, 委派代表).

Each also returns the documents it holds for a holder (`held_documents`), which the cases
issue fetches as materials the applicant need not supply (免交).
"""

from dataclasses import dataclass, field
from typing import Any, Protocol

from tongban.contrib.backends import backend_for
from tongban.contrib.http import OutsideSystemUnavailable

__all__ = [
    "DocumentRegistry",
    "EntityRecord",
    "EntityRegistry",
    "IdentityAnswer",
    "OutsideSystemUnavailable",
    "PersonRegistry",
    "PopulationRegistry",
    "PositionHolder",
    "entity_lookup",
    "guardianship_check",
    "held_documents",
    "identity_check",
    "registry_for",
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


# Every method raises `OutsideSystemUnavailable` when the registry cannot answer now.


class DocumentRegistry(Protocol):
    """A registry that holds documents (licences, certificates) for holders."""

    def held_documents(
        self, *, holder: str, dataset: str | None
    ) -> list[dict[str, Any]]: ...


class PersonRegistry(DocumentRegistry, Protocol):
    """Confirms that a name holds an identity document (population, exit-entry)."""

    def identity_check(
        self, *, name: str, doc_type: str, number: str, nationality: str
    ) -> IdentityAnswer: ...


class PopulationRegistry(PersonRegistry, Protocol):
    """The population registry also knows children's guardians."""

    def guardianship_check(
        self, *, guardian_number: str, child_number: str, child_name: str
    ) -> bool: ...


class EntityRegistry(DocumentRegistry, Protocol):
    """The legal-entity registry: companies by unified social credit code."""

    def entity_lookup(self, uscc: str) -> EntityRecord | None: ...


def registry_for(doc_type: str) -> str:
    """Residents' IDs are confirmed by the population registry, everything else by exit-entry."""
    return "population" if doc_type == "resident_id" else "exit_entry"


def identity_check(
    *, name: str, doc_type: str, number: str, nationality: str
) -> IdentityAnswer:
    registry: PersonRegistry = backend_for("registry", registry_for(doc_type))
    return registry.identity_check(
        name=name, doc_type=doc_type, number=number, nationality=nationality
    )


def entity_lookup(uscc: str) -> EntityRecord | None:
    registry: EntityRegistry = backend_for("registry", "legal_entity")
    return registry.entity_lookup(uscc)


def held_documents(
    registry: str, *, holder: str, dataset: str | None = None
) -> list[dict[str, Any]]:
    """Documents a registry holds for a holder (ID number or credit code), with issuer and date."""
    backend: DocumentRegistry = backend_for("registry", registry)
    return backend.held_documents(holder=holder, dataset=dataset)


def guardianship_check(
    *, guardian_number: str, child_number: str, child_name: str
) -> bool:
    """Whether the population registry lists this guardian for this child (by name and ID)."""
    registry: PopulationRegistry = backend_for("registry", "population")
    return registry.guardianship_check(
        guardian_number=guardian_number,
        child_number=child_number,
        child_name=child_name,
    )
