"""`tongban serve`: the web server (gunicorn) on PORT, its port recorded in the data folder."""

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.ops.ports import port_record


class Command(BaseCommand):
    help = "Serve tongban with gunicorn on 127.0.0.1:$PORT (default 8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default=os.environ.get("TONGBAN_BIND_HOST", "127.0.0.1")
        )
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT") or 8000)
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("TONGBAN_WEB_WORKERS") or 2),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("TONGBAN_WEB_THREADS") or 4),
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int,
        threads: int,
        **options: Any,
    ) -> None:
        port_record("web", port, host=host)
        self.stdout.write(f"tongban serving on http://{host}:{port}/")
        self.stdout.flush()
        arguments = [
            sys.executable,
            "-m",
            "gunicorn",
            "tongban.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
        ]
        # Become gunicorn, so signals from the process runner reach the server directly.
        os.execv(sys.executable, arguments)  # noqa: S606
