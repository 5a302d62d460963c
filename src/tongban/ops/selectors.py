"""Reads of the ops app: which keys the data under the data key is under (`tongban keys
status`), counted in the database, and where the last rotation got to."""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Q, Value, When
from django.db.models.functions import Substr

from tongban.core import protect
from tongban.ops.keyed import REGISTRY, KeyedTable
from tongban.ops.models import KeyRotation, KeyRotationTable

# How a group of values is named: "a2:<key id>" (suite letter, format, key), or LEGACY.
GROUP_LENGTH = protect.PREFIX_LENGTH - 1


@dataclass(frozen=True)
class ColumnKeys:
    """How many values of one column are under each key ("a2:3f9a1c2e", or "legacy")."""

    table: str
    column: str
    counts: Mapping[str, int]
    is_rotated: (
        bool  # rewritten by `tongban keys rotate`; else live rows only, ageing out
    )
    ages_out: str


def group_key_id(group: str) -> str:
    return "" if group == protect.LEGACY else group[3:]


@dataclass(frozen=True)
class KeysStatus:
    ring: tuple[str, ...]  # key ids, the current one first
    suite: str
    is_configured: bool  # the current key given by TONGBAN_DATA_KEY, not derived
    columns: tuple[ColumnKeys, ...]
    rotation: KeyRotation | None  # the latest
    progress: tuple[KeyRotationTable, ...]

    @property
    def current_group(self) -> str:
        return f"{protect.SUITE_LETTERS[self.suite]}2:{self.ring[0]}"

    def stale(self) -> int:
        """Values the rotation rewrites that are not under the current key and suite."""
        return sum(
            n
            for column in self.columns
            if column.is_rotated
            for group, n in column.counts.items()
            if group != self.current_group
        )

    def unknown_keys(self, *, rotated_only: bool = False) -> dict[str, int]:
        """Values under a key that is not in the ring (they cannot be read)."""
        found: Counter[str] = Counter()
        for column in self.columns:
            if rotated_only and not column.is_rotated:
                continue  # an SMS code or a session of a retired key: it just ends
            for group, n in column.counts.items():
                key_id = group_key_id(group)
                if key_id and key_id not in self.ring:
                    found[key_id] += n
        return dict(found)

    def references(self, key_id: str) -> int:
        """Values still under `key_id`, and values whose key is not named (legacy)."""
        return sum(
            n
            for column in self.columns
            for group, n in column.counts.items()
            if group_key_id(group) in {key_id, ""}
        )


def _column_counts(table: KeyedTable, column: str) -> dict[str, int]:
    rows = table.model._default_manager.exclude(**{column: ""})
    if table.live is not None:
        rows = rows.filter(table.live())
    named = Q()
    for letter in (*protect.SUITE_LETTERS.values(), protect.DIGEST_LETTER):
        named |= Q(**{f"{column}__startswith": f"{letter}2:"})
    groups = (
        rows.annotate(
            group=Case(
                When(named, then=Substr(column, 1, GROUP_LENGTH)),
                default=Value(protect.LEGACY),
            )
        )
        .values("group")
        .annotate(n=Count("pk"))
        .order_by("group")
    )
    return {str(row["group"]): int(row["n"]) for row in groups}


def _values_counts(
    table: KeyedTable, values: Callable[[Any], Iterable[str]]
) -> dict[str, int]:
    counts: Counter[str] = Counter()
    rows = table.model._default_manager.only("pk", *table.written_columns)
    for row in rows.iterator(chunk_size=2000):
        for value in values(row):
            if value:
                named = protect.value_key_id(value) != protect.LEGACY
                counts[value[:GROUP_LENGTH] if named else protect.LEGACY] += 1
    return dict(counts)


def keys_status() -> KeysStatus:
    columns: list[ColumnKeys] = []
    for table in REGISTRY.values():
        if table.values is not None:
            counted = {
                "+".join(table.written_columns): _values_counts(table, table.values)
            }
        else:
            counted = {c: _column_counts(table, c) for c in table.columns}
        columns += [
            ColumnKeys(table.label, column, counts, table.is_rotated, table.ages_out)
            for column, counts in counted.items()
        ]
    rotation = KeyRotation.objects.order_by("-pk").first()
    progress = (
        tuple(KeyRotationTable.objects.filter(rotation=rotation).order_by("pk"))
        if rotation is not None
        else ()
    )
    return KeysStatus(
        ring=tuple(key.id for key in protect.keyring()),
        suite=protect.suite(),
        is_configured=protect.current_key_configured(),
        columns=tuple(columns),
        rotation=rotation,
        progress=progress,
    )
