"""The registry of data under the data key: what `tongban keys rotate` rewrites and what
`tongban keys status` counts.

An app declares its keyed data in its own `keyed.py` (loaded once by `OpsConfig.ready`,
as `jobs.py` is), next to the models, since only the app knows how a value is made:

- `keyed(Model, columns=..., rekey=...)`: rows the rotation rewrites. `columns` hold values
  that name their key (`protect` ciphertexts and blind indexes); a row with one not under
  the current key and suite is passed to `rekey`, which rewrites it in place from the
  plaintext and answers whether it changed anything. A model whose keyed values sit
  inside another column (JSON) gives `values` instead, and every row is passed to `rekey`.
- `keyed(Model, columns=..., live=..., ages_out=...)` without `rekey`: digests of secrets
  the platform never holds (SMS codes, refresh tokens), which cannot be rewritten; they
  are checked under every key of the ring and age out — `live` says which rows still
  matter, `ages_out` when they stop mattering.

`ops/tests/test_keyed_registry.py` fails when a model has a `*_encrypted`, `*_index` or
`*_digest` column no app declared.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class KeyedTable:
    label: str  # "accounts.person": the model's label, lower case
    model: type[models.Model]
    columns: tuple[str, ...]
    # Rewrites a row under the current key; True when it changed something.
    rekey: Callable[[Any], bool] | None = None
    # The columns `rekey` writes (default: `columns`).
    writes: tuple[str, ...] = ()
    # The keyed values of a row held outside `columns` (inside a JSON column).
    values: Callable[[Any], Iterable[str]] | None = None
    # Related rows `rekey` reads, fetched with the batch.
    related: tuple[str, ...] = ()
    # Without `rekey`: the rows that still matter (a Q, made at the time of asking).
    live: Callable[[], models.Q] | None = None
    ages_out: str = ""

    @property
    def is_rotated(self) -> bool:
        return self.rekey is not None

    @property
    def written_columns(self) -> tuple[str, ...]:
        return self.writes or self.columns


REGISTRY: dict[str, KeyedTable] = {}


def keyed(
    model: type[models.Model],
    *,
    columns: tuple[str, ...] = (),
    rekey: Callable[[Any], bool] | None = None,
    writes: tuple[str, ...] = (),
    values: Callable[[Any], Iterable[str]] | None = None,
    related: tuple[str, ...] = (),
    live: Callable[[], models.Q] | None = None,
    ages_out: str = "",
) -> KeyedTable:
    if rekey is None and not (live and ages_out):
        raise ValueError("data that is not rewritten must say when it ages out")
    table = KeyedTable(
        label=model._meta.label_lower,
        model=model,
        columns=columns,
        rekey=rekey,
        writes=writes,
        values=values,
        related=related,
        live=live,
        ages_out=ages_out,
    )
    REGISTRY[table.label] = table
    return table


def rotated_tables() -> list[KeyedTable]:
    """The tables the rotation rewrites, in the order they were declared."""
    return [table for table in REGISTRY.values() if table.is_rotated]
