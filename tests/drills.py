"""Crash and outage drills against a whole tongban: every process under the demo's runner
(`scripts/supervise`), applicants submitting over the API while processes are killed or an
outside system is down, then the books checked.

The test suite runs them bounded (`ops/tests/test_drills.py`: about 100 submissions, the
outage on the platform clock); `make bench ONLY=outage` runs the outage in real time and
writes its figures (`bench/run.py`). What "lost nothing" means is `Books.problems`:

- every submission answered 2xx has its whole case: received, its materials with their
  files on disk and the right sizes, its receipt, its draft and submit events;
- a submission whose answer was lost, tried again with its `Idempotency-Key`, answers the
  same case — no case twice for one key, none without a key's submission;
- after the orphan sweep no stored file is without its material row;
- every message of the outbox is sent, and the SMS gateway delivered each exactly once.
"""

import concurrent.futures
import contextlib
import http.client
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
# 外国企业常驻代表机构变更登记 (首席代表变更), filed by a company's handler: one request
# with the form and a file per required material.
SERVICE = "000131007000-310000000000-000-11310000002420033N-1-00"
FORM = {
    "office_name": "英国示范贸易有限公司上海代表处",
    "new_representative": "Jane Doe",
    "passport_number": "561234987",
    "appointment_date": "2026-11-20",
}

SETUP = r"""
import json
from tongban.accounts.models import Person, Company
from tongban.accounts.services import api_session_open
from tongban.catalog.models import ServiceItem
Person.objects.filter(name="陈美玲").update(level=3)
handler = Person.objects.get(name="陈美玲")
office = Company.objects.get(uscc="91310000ME2X0A1173")
materials = ServiceItem.objects.get(code="{service}").current.content.get("materials") or []
positions = [i for i, m in enumerate(materials)
             if m.get("required", True)
             and m.get("source") not in ("legal_entity_registry", "online_form")]
print(json.dumps({{
    "token": api_session_open(handler.user).access_token,
    "acting": f"company:{{office.pk}}",
    "positions": positions,
    "phone": handler.phone,
}}))
"""

BOOKS = r"""
import json
from pathlib import Path
from django.conf import settings
from django.core.files.storage import default_storage
from tongban.cases.models import Case, CaseMaterial, CaseDocument, CaseEvent
from tongban.cases.materials import orphan_files_sweep
from tongban.notifications.models import OutboxMessage
swept = orphan_files_sweep(older_than_seconds=0)
cases = []
for case in Case.objects.filter(item__code="{service}").order_by("pk"):
    # uploaded files (a material the government holds is fetched: a row without a file)
    materials = list(CaseMaterial.objects.filter(case=case, replaced_at=None).exclude(file=""))
    files = []
    for m in materials:
        exists = default_storage.exists(m.file.name)
        files.append({{"position": m.position, "exists": exists,
                      "size_ok": exists and default_storage.size(m.file.name) == m.size}})
    cases.append({{
        "number": case.number, "key": case.idempotency_key, "status": case.status,
        "materials": files,
        "documents": list(CaseDocument.objects.filter(case=case).values_list("kind", flat=True)),
        "events": list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("action", flat=True)),
    }})
named = set(CaseMaterial.objects.values_list("file", flat=True))
media = Path(settings.MEDIA_ROOT)
stored = {{str(p.relative_to(media)) for p in (media / "cases").rglob("*") if p.is_file()}} \
    if (media / "cases").exists() else set()
outbox = [
    {{"key": m.idempotency_key, "status": m.status, "attempts": m.attempts,
      "channel": m.channel, "last_error": m.last_error}}
    for m in OutboxMessage.objects.order_by("pk")
]
print(json.dumps({{"cases": cases, "orphans": sorted(stored - named), "swept": swept,
                  "outbox": outbox}}, ensure_ascii=False))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def scan_pdf(label: str) -> bytes:
    """A small one-page PDF, as a phone's scanner app makes (reportlab)."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, label)
    page.showPage()
    page.save()
    return out.getvalue()


def supervisor_status(conf: Path) -> dict[str, tuple[str, int]]:
    """Each running program of a supervisord: its state and pid (`supervisorctl status`)."""
    out = subprocess.run(
        [str(BIN / "supervisorctl"), "-c", str(conf), "status"],
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    ).stdout
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[2] == "pid":
            found[parts[0]] = (parts[1], int(parts[3].rstrip(",")))
    return found


@dataclass
class Answer:
    key: str
    status: int  # 0: no answer (the connection broke)
    number: str = ""
    error: str = ""
    tries: int = 1


@dataclass
class Instance:
    """A tongban of its own — its data folder and database — under `scripts/supervise`."""

    data_dir: Path
    database_url: str
    port: int = field(default_factory=free_port)
    runner: subprocess.Popen[bytes] | None = None
    setup: dict[str, Any] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "DJANGO_SETTINGS_MODULE": "tongban.conf.dev",
            "TONGBAN_DATA_DIR": str(self.data_dir),
            "TONGBAN_DATABASE_URL": self.database_url,
            "TONGBAN_CLOCK_ADJUSTABLE": "1",
            "TONGBAN_DEBUG": "0",
            "TONGBAN_SCHEDULER_INTERVAL": "1",
            "TONGBAN_WEB_WORKERS": "2",
            "PYTHONUNBUFFERED": "1",
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def conf(self) -> Path:
        return self.data_dir / "supervisor" / "supervisord.conf"

    def tongban(self, *arguments: str, timeout: float = 180) -> str:
        done = subprocess.run(
            [str(BIN / "tongban"), *arguments],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
        if done.returncode:
            raise RuntimeError(f"tongban {arguments[0]}: {done.stderr[-2000:]}")
        return done.stdout

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.tongban("migrate", "--no-input", "--verbosity", "0")
        self.tongban("catalog", "load", "--actor", "drill")
        self.tongban("demo_data")
        lines = self.tongban("shell", "-c", SETUP.format(service=SERVICE)).splitlines()
        self.setup = json.loads(lines[-1])
        log = (self.data_dir / "supervise.log").open("wb")
        self.runner = subprocess.Popen(
            [
                str(BIN / "python"),
                str(ROOT / "scripts" / "supervise"),
                "--port",
                str(self.port),
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait(self.all_running, 90, "every process running")
        self.wait(self.healthy, 60, "the web answering")

    def stop(self) -> None:
        if self.runner is None:
            return
        subprocess.run(
            [str(BIN / "supervisorctl"), "-c", str(self.conf), "shutdown"],
            check=False,
            timeout=60,
            capture_output=True,
        )
        try:
            self.runner.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.runner.pid, signal.SIGKILL)
        self.runner = None

    def logs(self) -> str:
        path = self.data_dir / "supervise.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def wait(self, predicate: Any, seconds: float, what: str) -> Any:
        deadline = time.monotonic() + seconds
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}\n{self.logs()}")
            time.sleep(0.3)

    # --- processes ------------------------------------------------------------------

    def status(self) -> dict[str, tuple[str, int]]:
        return supervisor_status(self.conf)

    def all_running(self) -> dict[str, tuple[str, int]] | None:
        status = self.status()
        names = {"web", "worker", "scheduler", "standins"}
        if set(status) == names and all(s == "RUNNING" for s, _pid in status.values()):
            return status
        return None

    def web_workers(self) -> list[int]:
        """The gunicorn workers: children of the web process (which is gunicorn itself)."""
        master = self.status().get("web", ("", 0))[1]
        children = Path(f"/proc/{master}/task/{master}/children")
        with contextlib.suppress(OSError):
            return [int(pid) for pid in children.read_text().split()]
        return []

    def kill_web_worker(self) -> int:
        workers = self.web_workers()
        assert workers, "no gunicorn worker to kill"
        os.kill(workers[0], signal.SIGKILL)
        return workers[0]

    def kill(self, name: str) -> int:
        pid = self.status()[name][1]
        os.kill(pid, signal.SIGKILL)
        return pid

    # --- what people do ---------------------------------------------------------------

    def healthz(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + "/healthz", timeout=10) as response:  # noqa: S310 — our own instance
            return dict(json.loads(response.read()))

    def healthy(self) -> bool:
        try:
            self.healthz()
        except (OSError, ValueError):
            return False
        return True

    def submit(self, key: str, pdf: bytes) -> Answer:
        """One application in one request, as the mobile app sends it."""
        boundary = uuid.uuid4().hex
        parts = [
            ("service_code", SERVICE.encode()),
            ("form", json.dumps(FORM, ensure_ascii=False).encode()),
        ]
        body = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value
            + b"\r\n"
            for name, value in parts
        )
        for position in self.setup["positions"]:
            body += (
                (
                    f"--{boundary}\r\nContent-Disposition: form-data; "
                    f'name="material_{position}"; filename="scan.pdf"\r\n'
                    "Content-Type: application/pdf\r\n\r\n"
                ).encode()
                + pdf
                + b"\r\n"
            )
        body += f"--{boundary}--\r\n".encode()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                "POST",
                "/api/v1/cases/submissions",
                body=body,
                headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Authorization": f"Bearer {self.setup['token']}",
                    "X-Acting-For": self.setup["acting"],
                    "Idempotency-Key": key,
                },
            )
            response = connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            return Answer(key, 0, error=f"{type(error).__name__}: {error}")
        finally:
            connection.close()
        number = ""
        with contextlib.suppress(ValueError, KeyError, TypeError):
            number = str(json.loads(payload)["number"])
        return Answer(
            key,
            response.status,
            number,
            "" if number else payload[:200].decode(errors="replace"),
        )

    def sms_delivered(self) -> list[dict[str, Any]]:
        port = json.loads((self.data_dir / "ports" / "standins").read_text())["port"]
        url = f"http://127.0.0.1:{port}/sms/messages"
        with urllib.request.urlopen(url, timeout=10) as response:
            return list(json.loads(response.read()))

    def sms_down(self, down: bool) -> None:
        flag = self.data_dir / "standins" / "sms.down"
        if down:
            flag.touch()
        else:
            flag.unlink(missing_ok=True)

    def books(self) -> dict[str, Any]:
        lines = self.tongban("shell", "-c", BOOKS.format(service=SERVICE)).splitlines()
        return dict(json.loads(lines[-1]))


def submit_all(
    instance: Instance,
    count: int,
    *,
    threads: int = 6,
    during: dict[int, Any] | None = None,
    pause: float = 0.0,
) -> list[Answer]:
    """`count` submissions, `threads` at a time; `during[n]` runs once n have been sent."""
    pdf = scan_pdf("drill")
    keys = [f"drill-{uuid.uuid4().hex}" for _ in range(count)]
    during = dict(during or {})
    answers: list[Answer] = []
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        futures = []
        for sent, key in enumerate(keys):
            if sent in during:
                during.pop(sent)()
            futures.append(pool.submit(instance.submit, key, pdf))
            if pause:
                time.sleep(pause)
        answers = [future.result() for future in futures]
    return answers


def retry_unanswered(
    instance: Instance, answers: list[Answer], tries: int = 10
) -> None:
    """What a client does with a request that got no answer, or a 5xx: send it again with
    the same key until it is answered."""
    pdf = scan_pdf("drill")
    for index, answer in enumerate(answers):
        again = answer
        while not 200 <= again.status < 300 and again.tries < tries:
            if 400 <= again.status < 500:
                break
            time.sleep(0.5)
            again = instance.submit(answer.key, pdf)
            again.tries = answer.tries + 1
            answer = again
        answers[index] = again


@dataclass
class Books:
    """The instance's books after a drill, and what is wrong with them."""

    data: dict[str, Any]
    answers: list[Answer]
    delivered: list[dict[str, Any]]
    phone: str
    problems: list[str] = field(default_factory=list)

    def check(self, *, positions: int) -> "Books":
        cases = self.data["cases"]
        by_key = Counter(case["key"] for case in cases)
        for key, times in by_key.items():
            if times > 1:
                self.problems.append(f"{times} cases for one submission ({key})")
        answered = {a.key: a for a in self.answers if 200 <= a.status < 300}
        by_number = {case["number"]: case for case in cases}
        for answer in answered.values():
            case = by_number.get(answer.number)
            if case is None:
                self.problems.append(f"answered {answer.number} but no such case")
                continue
            if case["key"] != answer.key:
                self.problems.append(f"{answer.number} answered for another key")
        sent_keys = {a.key for a in self.answers}
        for case in cases:
            whole = (
                case["status"] == "received"
                and len(case["materials"]) == positions
                and all(m["exists"] and m["size_ok"] for m in case["materials"])
                and "receipt" in case["documents"]
                and case["events"][:2] == ["draft", "submit"]
            )
            if not whole:
                self.problems.append(f"{case['number']} is not whole: {case}")
            if case["key"] not in sent_keys:
                self.problems.append(f"{case['number']} has a key nobody sent")
        for answer in self.answers:
            if answer.key not in answered:
                self.problems.append(
                    f"{answer.key} never answered 2xx: {answer.status} {answer.error}"
                )
        if self.data["orphans"]:
            self.problems.append(
                f"orphan files after the sweep: {self.data['orphans']}"
            )
        outbox = self.data["outbox"]
        for message in outbox:
            if message["status"] != "sent":
                self.problems.append(f"outbox message not sent: {message}")
        sms_keys = {m["key"] for m in outbox if m["channel"] == "sms"}
        delivered = Counter(m.get("key") for m in self.delivered)
        for key in sms_keys:
            if delivered[key] != 1:
                self.problems.append(f"SMS {key} delivered {delivered[key]} times")
        to_phone = [m for m in self.delivered if m["to"] == self.phone]
        if len(to_phone) < len(cases):
            self.problems.append(
                f"{len(to_phone)} SMS reached the filer for {len(cases)} cases"
            )
        return self


def fresh_database(data_dir: Path) -> str:
    """SQLite in the data folder, or a database of its own on the test PostgreSQL."""
    url = os.environ.get("TONGBAN_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{data_dir / 'drill.sqlite3'}"
    import psycopg

    name = f"tongban_drill_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    base, _sep, _old = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


@contextlib.contextmanager
def drill_instance(prefix: str) -> Any:
    data_dir = Path(tempfile.mkdtemp(prefix=f"tongban-{prefix}-"))
    instance = Instance(data_dir=data_dir, database_url=fresh_database(data_dir))
    try:
        instance.start()
        yield instance
    finally:
        instance.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def outbox_settled(instance: Instance) -> bool:
    """Nothing left to send (the worker's lease on a killed attempt has run out)."""
    outbox = instance.books()["outbox"]
    return bool(outbox) and all(m["status"] != "pending" for m in outbox)
