"""Model instances read by hand-written SQL, converted exactly as the ORM converts them.

For the few reads every request makes (the API token check): building and compiling the
same ORM query on each request cost several times what running it does. The columns come
from the models' own metadata, each value goes through the same converters the ORM
applies (the backend's, then the field's), and instances are made with `Model.from_db`,
so they behave like any instance the ORM loaded.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class Columns:
    """A model's concrete columns under a table alias, with their converters."""

    model: type[Model]
    alias: str
    attnames: tuple[str, ...]
    converters: tuple[tuple[tuple[Converter, ...], Any], ...]
    select: str

    def __len__(self) -> int:
        return len(self.attnames)


@cache
def _columns(model: type[Model], alias: str, vendor: str) -> Columns:
    quote = connection.ops.quote_name
    fields: list[Field[Any, Any]] = list(model._meta.concrete_fields)
    converters = []
    for field in fields:
        column = field.get_col(alias)
        found = [
            *connection.ops.get_db_converters(column),
            *column.get_db_converters(connection),
        ]
        converters.append((tuple(found), column))
    return Columns(
        model=model,
        alias=alias,
        attnames=tuple(f.attname for f in fields),
        converters=tuple(converters),
        select=", ".join(f"{alias}.{quote(f.column)}" for f in fields),
    )


def columns(model: type[Model], alias: str) -> Columns:
    """`model`'s columns as `alias.column, …` for a SELECT, and how to read them back."""
    return _columns(model, alias, connection.vendor)


def instance(cols: Columns, row: Sequence[Any], start: int) -> Model | None:
    """The instance in `row[start:start + len(cols)]`; None where an outer join found
    nothing (a null primary key)."""
    values = list(row[start : start + len(cols)])
    pk = cols.model._meta.pk
    if pk is not None and values[cols.attnames.index(pk.attname)] is None:
        return None
    for index, (converters, expression) in enumerate(cols.converters):
        for convert in converters:
            values[index] = convert(values[index], expression, connection)
    return cols.model.from_db(connection.alias, list(cols.attnames), values)
