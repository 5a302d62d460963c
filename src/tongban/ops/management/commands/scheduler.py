"""`tongban scheduler`: the scheduler process — a scheduler pass every few seconds."""

import signal
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from tongban.ops.services import scheduler_tick


class Command(BaseCommand):
    help = "Run due periodic jobs in a loop until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=None)

    def handle(self, *args: Any, interval: float | None, **options: Any) -> None:
        pause = (
            interval if interval is not None else settings.TONGBAN_SCHEDULER_INTERVAL
        )
        running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"scheduler started, a pass every {pause:g} s")
        self.stdout.flush()
        while running:
            close_old_connections()
            try:
                for outcome in scheduler_tick():
                    if not outcome.ok:
                        self.stderr.write(f"{outcome.name} failed: {outcome.error}")
            except (
                Exception
            ) as error:  # the database may be away for a moment; keep going
                self.stderr.write(f"scheduler pass failed: {error}")
            deadline = time.monotonic() + pause
            while running and time.monotonic() < deadline:
                time.sleep(0.2)
        self.stdout.write("scheduler stopped")
