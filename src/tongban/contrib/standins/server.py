"""Local stand-ins for the outside systems: one small HTTP server on 127.0.0.1.

It answers under `/sms`, `/population`, `/exit_entry`, `/legal_entity` and `/audit_sink`
the way the platform's clients in `tongban.contrib` expect the real systems to answer, from
the demo records in `registry.yaml`. The SMS stand-in keeps every message in
`<data folder>/standins/sms.jsonl` and shows them at `/sms/` (the demo's phone); while a
file `sms.down` exists in that folder it answers 503, as a gateway outage would. The audit
sink keeps the checkpoints it is given in `audit_sink.jsonl`, append-only, across restarts.

Test helpers add records with `POST /<registry>/_records`.
"""

import html
import json
import threading
import uuid
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml
from django.conf import settings

from tongban.contrib.standins.smtp import SmtpServer
from tongban.ops.ports import port_record

DATA_FILE = Path(__file__).with_name("registry.yaml")


def demo_records() -> dict[str, Any]:
    """The stand-ins' demo records as loaded from `registry.yaml`."""
    return dict(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))


class Records:
    """The registries' records, loaded from YAML, plus what tests add at run time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        data = demo_records()
        self.people: list[dict[str, Any]] = list(data["people"])
        self.entities: list[dict[str, Any]] = list(data["entities"])
        self.documents: list[dict[str, Any]] = list(data["documents"])
        self.lock = threading.Lock()
        self.sms_keys: dict[str, dict[str, Any]] = {}  # idempotency key → the message
        self.checkpoints: dict[int, dict[str, Any]] = {}  # row sealed → its checkpoint
        if self.checkpoints_file.exists():
            for line in self.checkpoints_file.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    self.checkpoints.setdefault(int(record["last_id"]), record)
        # A restarted gateway still knows the keys it delivered.
        for message in self.sms_list():
            if message.get("key"):
                self.sms_keys.setdefault(message["key"], message)

    @property
    def sms_file(self) -> Path:
        return self.folder / "sms.jsonl"

    def sms_store(self, to: str, text: str, *, key: str = "") -> dict[str, Any]:
        """Deliver one message, once per `key` (as a real gateway honours idempotency
        keys): a message posted again with a key already taken answers the first one."""
        if key:
            with self.lock:
                if key in self.sms_keys:
                    return self.sms_keys[key]
        message = {
            "id": uuid.uuid4().hex,
            "to": to,
            "text": text,
            "at": datetime.now(UTC).isoformat(),
            "key": key,
        }
        with self.lock:
            if key and key in self.sms_keys:  # taken while this one was being made
                return self.sms_keys[key]
            with self.sms_file.open("a", encoding="utf-8") as out:
                out.write(json.dumps(message, ensure_ascii=False) + "\n")
            if key:
                self.sms_keys[key] = message
        return message

    @property
    def checkpoints_file(self) -> Path:
        return self.folder / "audit_sink.jsonl"

    def checkpoint_keep(self, record: dict[str, Any]) -> int:
        """Keep a checkpoint: 201 kept, 200 already held, 409 another held for its row."""
        row = int(record["last_id"])
        with self.lock:
            held = self.checkpoints.get(row)
            if held is not None:
                return 200 if held == record else 409
            self.checkpoints[row] = record
            with self.checkpoints_file.open("a", encoding="utf-8") as out:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return 201

    def checkpoint_list(self, after: int, limit: int) -> list[dict[str, Any]]:
        with self.lock:
            rows = sorted(row for row in self.checkpoints if row > after)[:limit]
            return [self.checkpoints[row] for row in rows]

    def sms_list(self, to: str | None = None) -> list[dict[str, Any]]:
        if not self.sms_file.exists():
            return []
        lines = self.sms_file.read_text(encoding="utf-8").splitlines()
        messages = [json.loads(line) for line in lines if line.strip()]
        return [m for m in messages if to is None or m["to"] == to]

    def mail_list(self, to: str | None = None) -> list[dict[str, Any]]:
        path = self.folder / "mail.jsonl"
        if not path.exists():
            return []
        lines = path.read_text(encoding="utf-8").splitlines()
        messages = [json.loads(line) for line in lines if line.strip()]
        return [m for m in messages if to is None or to in m["to"]]

    def person_verify(self, registry: str, body: dict[str, Any]) -> dict[str, Any]:
        number = str(body.get("number", "")).upper()
        for person in self.people:
            if person["registry"] != registry or person["number"] != number:
                continue
            if person["doc_type"] != body.get("doc_type"):
                continue
            if _name_key(person["name"]) != _name_key(str(body.get("name", ""))):
                return {"match": False, "reason": "name_differs"}
            return {"match": True, "reason": ""}
        return {"match": False, "reason": "not_found"}

    def guardianship(self, body: dict[str, Any]) -> dict[str, Any]:
        child_number = str(body.get("child_number", "")).upper()
        for person in self.people:
            if person["number"] != child_number:
                continue
            named = _name_key(person["name"]) == _name_key(
                str(body.get("child_name", ""))
            )
            guardians = [str(g).upper() for g in person.get("guardians", [])]
            listed = str(body.get("guardian_number", "")).upper() in guardians
            return {"match": named and listed}
        return {"match": False}


def _name_key(name: str) -> str:
    return " ".join(name.replace("·", " ").split()).casefold()


def _handler(records: Records) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "tongban-standins/1"
        # Keep-alive, as real systems do, so the platform's pooled connections are reused;
        # an idle connection is closed after a minute.
        protocol_version = "HTTP/1.1"
        timeout = 60
        # Headers and body leave in two writes; on a kept-alive connection Nagle's
        # algorithm would hold the body back for the client's delayed ACK (~40 ms a call).
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def _send(self, status: int, payload: Any) -> None:
            body = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            if not length:
                return {}
            value = json.loads(self.rfile.read(length))
            return value if isinstance(value, dict) else {}

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            path = parts.path.rstrip("/")
            if path in ("", "/healthz"):
                return self._send(200, {"status": "ok"})
            if path == "/sms/messages":
                return self._send(200, records.sms_list(query.get("to")))
            if path == "/sms":
                if (records.folder / "sms.down").exists():  # a gateway that is down
                    return self._send(503, {"code": "gateway_down"})
                return self._sms_page()
            if path == "/mail/messages":
                return self._send(200, records.mail_list(query.get("to")))
            if path == "/audit_sink":
                return self._send(200, {"checkpoints": len(records.checkpoints)})
            if path == "/audit_sink/checkpoints/latest":
                newest = records.checkpoint_list(0, len(records.checkpoints))
                return self._send(200, newest[-1] if newest else None)
            if path == "/audit_sink/checkpoints":
                try:
                    after = int(query.get("after", 0))
                    limit = max(1, min(int(query.get("limit", 1000)), 1000))
                except ValueError:
                    return self._send(400, {"code": "after_and_limit_are_numbers"})
                return self._send(200, records.checkpoint_list(after, limit))
            registry, _sep, rest = path.lstrip("/").partition("/")
            if rest == "documents":
                holder = query.get("holder", "").upper()
                dataset = query.get("dataset")
                found = [
                    d
                    for d in records.documents
                    if d["registry"] == registry
                    and d["holder"] == holder
                    and (dataset is None or d["dataset"] == dataset)
                ]
                return self._send(200, found)
            if registry == "legal_entity" and rest.startswith("entities/"):
                uscc = rest.removeprefix("entities/").upper()
                for entity in records.entities:
                    if entity["uscc"] == uscc:
                        return self._send(200, entity)
                return self._send(404, {"code": "not_found"})
            return self._send(404, {"code": "no_such_path"})

        def do_POST(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path.rstrip("/")
            try:
                body = self._body()
            except ValueError:
                return self._send(400, {"code": "bad_json"})
            if path == "/sms/messages":
                if (records.folder / "sms.down").exists():
                    return self._send(503, {"code": "gateway_down"})
                if not body.get("to") or not body.get("text"):
                    return self._send(400, {"code": "to_and_text_required"})
                message = records.sms_store(
                    str(body["to"]), str(body["text"]), key=str(body.get("key") or "")
                )
                return self._send(202, {"id": message["id"]})
            if path == "/audit_sink/checkpoints":
                if not isinstance(body.get("last_id"), int) or not body.get(
                    "signature"
                ):
                    return self._send(400, {"code": "not_a_checkpoint"})
                status = records.checkpoint_keep(body)
                return self._send(status, {"held": status != 201})
            if path == "/population/guardianship":
                return self._send(200, records.guardianship(body))
            if path in ("/population/verify", "/exit_entry/verify"):
                registry = path.split("/")[1]
                return self._send(200, records.person_verify(registry, body))
            registry, _sep, rest = path.lstrip("/").partition("/")
            if rest == "_records":
                with records.lock:
                    if registry == "legal_entity":
                        records.entities.append(body)
                    elif body.get("dataset"):
                        records.documents.append({"registry": registry, **body})
                    else:
                        records.people.append({"registry": registry, **body})
                return self._send(201, {"ok": True})
            return self._send(404, {"code": "no_such_path"})

        def _sms_page(self) -> None:
            rows = "".join(
                f"<tr><td>{html.escape(m['at'][:19])}</td><td>{html.escape(m['to'])}</td>"
                f"<td>{html.escape(m['text'])}</td></tr>"
                for m in reversed(records.sms_list())
            )
            page = (
                "<!doctype html><meta charset=utf-8><meta name=viewport "
                "content='width=device-width'><title>SMS stand-in</title>"
                "<h1>短信网关（演示替身） SMS gateway stand-in</h1>"
                "<table border=1 cellpadding=4><tr><th>time (UTC)</th><th>to</th>"
                f"<th>text</th></tr>{rows}</table>"
            ).encode()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

    return Handler


class StandinServer(ThreadingHTTPServer):
    """The stand-ins' HTTP server; counts the TCP connections it accepted."""

    daemon_threads = True
    connections = 0

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1
        super().process_request(request, client_address)


def make_server(folder: Path, port: int = 0) -> StandinServer:
    """A stand-in server bound to 127.0.0.1 (port 0 picks a free one); call serve_forever."""
    return StandinServer(("127.0.0.1", port), _handler(Records(folder)))


def standins_start(
    folder: Path, port: int | None = None, smtp_port: int | None = None
) -> tuple[StandinServer, Any]:
    """Start the HTTP and SMTP stand-ins (SMTP in a thread) and record their ports.

    The ports default to `STANDINS_PORT` and `STANDINS_SMTP_PORT`, where 0 is a free port.
    Answers both servers; the caller runs the HTTP one with `serve_forever`.
    """
    if port is None:
        port = int(settings.STANDINS_PORT)
    if smtp_port is None:
        smtp_port = int(settings.STANDINS_SMTP_PORT)
    server = make_server(folder, port)
    smtp = SmtpServer(folder, smtp_port)
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    port_record("smtp", int(smtp.server_address[1]))
    port_record("standins", int(server.server_address[1]))
    return server, smtp
