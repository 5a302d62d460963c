"""Numbers for cases and documents, drawn like a database sequence: unique, increasing per
prefix, gaps allowed.

On PostgreSQL the number is drawn on a connection of its own that commits at once, so the
row of a busy prefix (one department's cases of one day) is locked for one statement, not
for the whole transaction of the submission that asked for it; a submission that is then
refused leaves a gap. On SQLite there is a single writer anyway: the caller's connection
draws it inside the caller's transaction.
"""

import threading

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    InterfaceError,
    OperationalError,
    connection,
    connections,
)
from django.db.backends.base.base import BaseDatabaseWrapper

from tongban.cases.models import NumberSequence

_TABLE = NumberSequence._meta.db_table
_NEXT = (
    f"INSERT INTO {_TABLE} (prefix, last) VALUES (%s, 1) "  # noqa: S608 — a constant
    f"ON CONFLICT (prefix) DO UPDATE SET last = {_TABLE}.last + 1 RETURNING last"
)
_local = threading.local()


def _own_connection() -> BaseDatabaseWrapper:
    own = getattr(_local, "connection", None)
    if own is None:
        own = connections.create_connection(DEFAULT_DB_ALIAS)
        _local.connection = own
    return own


def numbers_close() -> None:
    """Close this thread's own numbers connection, if it has one."""
    own = getattr(_local, "connection", None)
    if own is not None:
        own.close()
        _local.connection = None


def number_next(prefix: str) -> int:
    """The next number for `prefix` (1 for a new prefix)."""
    separate = (
        getattr(settings, "NUMBERS_OWN_CONNECTION", False)
        and connection.vendor == "postgresql"
    )
    target = _own_connection() if separate else connection
    for attempt in (1, 2):
        try:
            with target.cursor() as cursor:
                cursor.execute(_NEXT, [prefix])
                return int(cursor.fetchone()[0])
        except (OperationalError, InterfaceError):
            if not separate or attempt == 2:
                raise
            target.close()  # the server closed the idle connection: open a new one
    raise AssertionError("unreachable")
