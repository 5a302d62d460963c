"""`tongban clock`: show, move or reset the platform clock (where it may be moved)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.core import clock


class Command(BaseCommand):
    help = "Show the platform clock; `set DATETIME` moves it, `reset` puts it back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", nargs="?", choices=["show", "set", "reset"], default="show"
        )
        parser.add_argument("moment", nargs="?")

    def handle(
        self, *args: Any, action: str, moment: str | None, **options: Any
    ) -> None:
        try:
            if action == "set":
                clock.set_now(clock.parse_moment(moment or ""))
            elif action == "reset":
                clock.reset()
        except (ValueError, RuntimeError) as error:
            raise CommandError(str(error)) from error
        suffix = " (moved)" if clock.is_adjusted() else ""
        self.stdout.write(f"{clock.now().isoformat()}{suffix}")
