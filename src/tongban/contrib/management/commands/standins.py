"""`tongban standins`: the local stand-ins for the outside systems (demo and tests only)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from tongban.contrib.standins.server import standins_start


class Command(BaseCommand):
    help = (
        "Serve the SMS gateway and registry stand-ins on 127.0.0.1: on --port, else "
        "TONGBAN_STANDINS_PORT, else a free port (recorded in the data folder)."
    )
    # The stand-ins are not the platform: its URLs and models need not load for them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(settings.DATA_DIR) / "standins"
        server, smtp = standins_start(folder, options["port"])
        port = int(server.server_address[1])
        self.stdout.write(
            f"stand-ins at http://127.0.0.1:{port}/ (SMS: /sms/, mail: /mail/), "
            f"SMTP on 127.0.0.1:{smtp.server_address[1]}"
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        finally:
            server.server_close()
            smtp.server_close()
