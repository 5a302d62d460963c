"""SQLite is set up as a multi-process database: WAL journal, busy timeout, immediate writes."""

from pathlib import Path

import pytest
from django.db import connection

from tongban.conf.env import database_from_url


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


def test_postgresql_url_options(tmp_path: Path) -> None:
    """Django's defaults unless the URL asks: preparing statements is the operator's
    choice (it trades planning time for generic plans)."""
    url = "postgresql://app:s%40cret@db.example:5433/tongban"
    default = database_from_url(url, data_dir=tmp_path)
    assert default["PASSWORD"] == "s@cret"
    assert default["OPTIONS"] == {}
    prepared = database_from_url(
        url + "?server_side_binding=on&prepare_threshold=5&sslmode=require",
        data_dir=tmp_path,
    )
    assert prepared["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": 5,
        "sslmode": "require",
    }
    off = database_from_url(
        url + "?server_side_binding=false&prepare_threshold=off", data_dir=tmp_path
    )
    assert off["OPTIONS"] == {"server_side_binding": False, "prepare_threshold": None}
