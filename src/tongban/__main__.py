"""The `tongban` console command: Django's management commands with tongban's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.conf.dev")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    try:
        execute_from_command_line(["tongban", *sys.argv[1:]])
    except (OperationalError, ProgrammingError) as error:
        text = str(error)
        # SQLite: "no such table: x"; PostgreSQL: 'relation "x" does not exist'
        missing = "no such table" in text or (
            "relation" in text and "does not exist" in text
        )
        if not missing:
            raise
        sys.stderr.write(
            "tongban: the database is not set up yet "
            f"({text.splitlines()[0] if text else 'a table is missing'}).\n"
            "  Set it up with:   tongban migrate   (and `tongban catalog load` for the "
            "service catalogue)\n"
            "  or run `make demo`, which sets up everything and loads demo data.\n"
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
