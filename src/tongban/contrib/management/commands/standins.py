"""`tongban standins`: the local stand-ins for the outside systems (demo and tests only)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from tongban.contrib.standins.server import make_server
from tongban.ops.ports import port_record


class Command(BaseCommand):
    help = "Serve the SMS gateway and registry stand-ins on 127.0.0.1 (a free port unless --port)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        import threading

        from tongban.contrib.standins.smtp import SmtpServer

        folder = Path(settings.DATA_DIR) / "standins"
        server = make_server(folder, options["port"])
        smtp = SmtpServer(folder)
        threading.Thread(target=smtp.serve_forever, daemon=True).start()
        port = int(server.server_address[1])
        port_record("smtp", int(smtp.server_address[1]))
        port_record("standins", port)
        self.stdout.write(
            f"stand-ins at http://127.0.0.1:{port}/ (SMS: /sms/, mail: /mail/), "
            f"SMTP on 127.0.0.1:{smtp.server_address[1]}"
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        finally:
            server.server_close()
