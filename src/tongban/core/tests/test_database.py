"""SQLite is set up as a multi-process database: WAL journal, busy timeout, immediate writes."""

from pathlib import Path

import pytest
from django.db import connection


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_on_a_file():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 30000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    name = str(connection.settings_dict["NAME"])
    assert "memory" not in name
    assert Path(name).is_file()


def test_postgresql_binds_on_the_server_and_prepares_frequent_statements(
    tmp_path: Path,
) -> None:
    from tongban.conf.env import database_from_url

    url = "postgresql://app:s%40cret@db.example:5433/tongban"
    default = database_from_url(url, data_dir=tmp_path)
    assert default["PASSWORD"] == "s@cret"
    assert default["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}
    pooled = database_from_url(
        url + "?prepare_threshold=off&sslmode=require", data_dir=tmp_path
    )
    assert pooled["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": None,
        "sslmode": "require",
    }
    client = database_from_url(url + "?server_side_binding=false", data_dir=tmp_path)
    assert client["OPTIONS"]["server_side_binding"] is False


@pytest.mark.django_db
def test_postgresql_connection_prepares_statements() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL settings only")
    connection.ensure_connection()
    assert connection.connection.prepare_threshold == 5
    # a statement run often is prepared on the server, and still answers right
    for n in range(8):
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::int + 1", [n])
            assert cursor.fetchone()[0] == n + 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] >= 1
