"""A minimal SMTP server for the demo and tests: accepts every message and keeps it in
`<data folder>/standins/mail.jsonl` (shown at `/mail/` on the stand-ins' HTTP port)."""

import email
import email.policy
import json
import socketserver
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class _Handler(socketserver.StreamRequestHandler):
    server: "SmtpServer"

    def _say(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self._say("220 tongban-standins ESMTP")
        sender = ""
        recipients: list[str] = []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("HELO", "EHLO"):
                self._say("250 tongban-standins")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(" <>"), []
                self._say("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if line in (b".\r\n", b".\n", b""):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                self.server.store(sender, recipients, b"".join(lines))
                self._say("250 OK: queued")
            elif verb == "RSET":
                sender, recipients = "", []
                self._say("250 OK")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:
                self._say("250 OK")


class SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, folder: Path, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.file = folder / "mail.jsonl"
        self.lock = threading.Lock()

    def store(self, sender: str, recipients: list[str], data: bytes) -> None:
        message = email.message_from_bytes(data, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record: dict[str, Any] = {
            "at": datetime.now(UTC).isoformat(),
            "from": sender,
            "to": recipients,
            "subject": str(message.get("Subject", "")).strip(),
            "text": body.get_content() if body is not None else "",
        }
        with self.lock, self.file.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
