"""`tongban workdays` for staff and scripts."""

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tongban.workdays.services import day_override_set

pytestmark = pytest.mark.django_db


def run(*arguments: str) -> str:
    output = StringIO()
    call_command("workdays", *arguments, stdout=output)
    return output.getvalue().strip()


def test_add_prints_the_resulting_date():
    assert run("add", "2020-01-23", "1") == "2020-02-03"
    assert run("add", "2020-02-10", "15") == "2020-03-02"
    assert run("add", "2026-09-24", "7", "--calendar-days") == "2026-10-08"


def test_count_prints_the_number_of_working_days():
    assert run("count", "2020-02-10", "2020-03-02") == "15"


def test_region_is_honoured():
    day_override_set(
        region="310000", date=dt.date(2026, 3, 6), is_working_day=False, name="调休"
    )
    assert run("add", "2026-03-05", "1", "--region", "310115") == "2026-03-09"
    assert run("add", "2026-03-05", "1") == "2026-03-06"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["add", "2027-03-01", "1"], "calendar_missing"),
        (["add", "2026-03-01", "1", "--region", "999999"], "unknown_region"),
        (["add", "2026-02-30", "1"], "not a date"),
        (["count", "2026-03-01", "2027-03-01"], "2027"),
    ],
)
def test_errors_are_one_clear_line(arguments, message):
    with pytest.raises(CommandError) as error:
        run(*arguments)
    assert message in str(error.value)


def test_the_tongban_console_command_works_from_a_shell(database_url):
    tongban = Path(sys.executable).parent / "tongban"
    env = {**os.environ, "TONGBAN_DATABASE_URL": database_url}
    result = subprocess.run(
        [str(tongban), "workdays", "add", "2020-01-23", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2020-02-03"
    failed = subprocess.run(
        [str(tongban), "workdays", "add", "2027-03-01", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert failed.returncode == 1
    assert "calendar_missing" in failed.stderr


@pytest.mark.django_db(transaction=False)
def test_a_command_before_the_database_is_set_up_says_how_to_set_it_up(tmp_path):
    """Right after `make setup`, before any migrate: a sentence, not a traceback."""
    tongban = Path(sys.executable).parent / "tongban"
    env = {
        **os.environ,
        "TONGBAN_DATA_DIR": str(tmp_path),
        "TONGBAN_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "tongban.conf.dev",
    }
    result = subprocess.run(
        [str(tongban), "workdays", "add", "2020-01-23", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert result.returncode == 2
    assert "tongban migrate" in result.stderr
    assert "Traceback" not in result.stderr
