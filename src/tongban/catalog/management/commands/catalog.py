"""`tongban catalog load [PATH]` and `tongban catalog dump [PATH]`: the catalogue as YAML."""

import getpass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.catalog.services import CatalogInvalid, catalog_dump, catalog_load


class Command(BaseCommand):
    help = "Load the service catalogue from YAML (all checked first), or dump it back."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser(
            "load", help="publish the catalogue folder (default: catalog/)"
        )
        load.add_argument("path", nargs="?", default=None)
        load.add_argument(
            "--actor", default=None, help="who publishes (default: the OS user)"
        )
        dump = actions.add_parser("dump", help="write the current catalogue as YAML")
        dump.add_argument("path", nargs="?", default=None)

    def handle(self, *args: Any, action: str, path: str | None, **options: Any) -> None:
        root = Path(path) if path else Path(settings.PROJECT_DIR) / "catalog"
        if action == "dump":
            count = catalog_dump(root=root)
            self.stdout.write(f"wrote {count} services to {root}")
            return
        actor = options.get("actor") or f"cli:{getpass.getuser()}"
        try:
            outcome = catalog_load(root=root, actor=actor)
        except CatalogInvalid as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(error.problems)} problems; nothing was loaded"
            ) from error
        self.stdout.write(
            f"created {len(outcome.created)}, changed {len(outcome.changed)}, "
            f"retired {len(outcome.retired)}, unchanged {outcome.unchanged}"
        )
