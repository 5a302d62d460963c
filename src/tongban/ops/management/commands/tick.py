"""`tongban tick`: one scheduler pass — runs every periodic job that is due now."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.core import clock
from tongban.ops.services import scheduler_tick


class Command(BaseCommand):
    help = "Run the periodic jobs that are due; --now first moves the platform clock."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            help="move the platform clock to this ISO date-time first (tests and demos only)",
        )

    def handle(self, *args: Any, now: str | None, **options: Any) -> None:
        if now:
            try:
                clock.set_now(clock.parse_moment(now))
            except (ValueError, RuntimeError) as error:
                raise CommandError(str(error)) from error
        outcomes = scheduler_tick()
        self.stdout.write(f"platform time {clock.now().isoformat()}")
        for outcome in outcomes:
            status = "ok" if outcome.ok else f"FAILED: {outcome.error}"
            self.stdout.write(f"  {outcome.name}: {status}")
        if any(not outcome.ok for outcome in outcomes):
            raise CommandError("some periodic jobs failed")
