"""Fixtures shared by the whole suite: a private data folder, the platform clock, and a live
instance — the Procfile's processes started on free ports against their own database."""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent

_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session", autouse=True)
def _private_data_folder() -> Iterator[Path]:
    """Each test process (and xdist worker) writes its clock file and ports in its own folder."""
    from django.conf import settings

    folder = Path(tempfile.mkdtemp(prefix=f"tongban-{_worker}-"))
    original = settings.DATA_DIR
    settings.DATA_DIR = folder
    yield folder
    settings.DATA_DIR = original
    shutil.rmtree(folder, ignore_errors=True)


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Browser tests run on PostgreSQL only (the SQLite run is the fast one)."""
    url = os.environ.get("TONGBAN_DATABASE_URL", "")
    if url.startswith("postgres"):
        return
    skip = pytest.mark.skip(reason="browser tests run on PostgreSQL only")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _platform_clock_reset() -> Iterator[None]:
    """Every test starts and ends on the real time."""
    from tongban.core import clock

    clock.reset()
    yield
    clock.reset()


@dataclass
class Standins:
    """The outside-system stand-ins, served on 127.0.0.1 for this test process."""

    url: str
    folder: Path

    def sms(self, phone: str) -> list[dict[str, Any]]:
        query = urllib.parse.urlencode({"to": phone})
        with urllib.request.urlopen(f"{self.url}/sms/messages?{query}", timeout=5) as r:
            return list(json.loads(r.read()))

    def last_code(self, phone: str) -> str:
        import re

        messages = self.sms(phone)
        assert messages, f"no SMS was sent to {phone}"
        found = re.search(r"(\d{6})", messages[-1]["text"])
        assert found, messages[-1]["text"]
        return found.group(1)

    def add(self, registry: str, record: dict[str, Any]) -> None:
        request = urllib.request.Request(
            f"{self.url}/{registry}/_records",
            data=json.dumps(record).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=5).close()

    def mail(self, to: str) -> list[dict[str, Any]]:
        query = urllib.parse.urlencode({"to": to})
        with urllib.request.urlopen(
            f"{self.url}/mail/messages?{query}", timeout=5
        ) as r:
            return list(json.loads(r.read()))

    def sms_down(self, down: bool = True) -> None:
        flag = self.folder / "sms.down"
        if down:
            flag.touch()
        else:
            flag.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def standins(_private_data_folder: Path) -> Iterator[Standins]:
    """A real stand-in server (SMS gateway, registries) that the platform reaches over HTTP."""
    import threading

    from django.conf import settings

    from tongban.contrib.standins.server import make_server
    from tongban.contrib.standins.smtp import SmtpServer
    from tongban.ops.ports import port_record

    folder = _private_data_folder / "standins"
    server = make_server(folder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    smtp = SmtpServer(folder)
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    port_record("smtp", int(smtp.server_address[1]))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    original = dict(settings.OUTSIDE_SYSTEMS)
    settings.OUTSIDE_SYSTEMS = {name: f"{url}/{name}" for name in original}
    try:
        yield Standins(url=url, folder=folder)
    finally:
        settings.OUTSIDE_SYSTEMS = original
        server.shutdown()
        server.server_close()
        smtp.shutdown()
        smtp.server_close()


@pytest.fixture
def platform_clock() -> Any:
    """The platform clock, to move within a test: `platform_clock.set_now(datetime)`."""
    from tongban.core import clock

    return clock


@pytest.fixture
def database_url(db: None) -> str:
    """The test database as a URL, for a `tongban` command run in another process."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    return f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


# --- a live instance ---------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fresh_database(data_dir: Path) -> str:
    """A database of its own for the live instance: a file, or a new PostgreSQL database."""
    url = os.environ.get("TONGBAN_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{data_dir / 'live.sqlite3'}"
    import psycopg

    name = f"tongban_live_{_worker}_{os.getpid()}"
    base, _sep, _old = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


@dataclass
class LiveInstance:
    """A running tongban: its URLs by process name, its data folder, and a command runner."""

    data_dir: Path
    env: dict[str, str]
    urls: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def tongban(
        self, *arguments: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run `tongban ARGUMENTS` against this instance, as an operator would."""
        return subprocess.run(
            [str(VENV_BIN / "tongban"), *arguments],
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def get_json(self, path: str) -> Any:
        with urllib.request.urlopen(self.urls["web"] + path, timeout=10) as response:
            return json.loads(response.read())

    def wait_for(
        self, predicate: Any, *, timeout: float = 30, what: str = "condition"
    ) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out waiting for {what}; logs:\n{self.logs()}"
                )
            time.sleep(0.2)

    def sms_code(self, phone_e164: str) -> str:
        """The latest code the instance's SMS stand-in delivered to a phone."""
        import re

        query = urllib.parse.urlencode({"to": phone_e164})
        url = f"{self.urls['standins']}/sms/messages?{query}"
        with urllib.request.urlopen(url, timeout=5) as response:
            messages = json.loads(response.read())
        assert messages, f"no SMS to {phone_e164}"
        found = re.search(r"(\d{6})", messages[-1]["text"])
        assert found
        return found.group(1)

    def logs(self) -> str:
        parts = []
        for path in sorted((self.data_dir / "logs").glob("*.log")):
            parts.append(f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}")
        return "\n".join(parts)


def _procfile() -> dict[str, str]:
    from honcho.environ import parse_procfile

    return dict(parse_procfile((ROOT / "Procfile").read_text()).processes)


@pytest.fixture(scope="session")
def live_instance() -> Iterator[LiveInstance]:
    """Every process the Procfile declares, as `make demo` runs them, on free ports."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"tongban-live-{_worker}-"))
    (data_dir / "logs").mkdir()
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "tongban.conf.dev",
        "TONGBAN_DATA_DIR": str(data_dir),
        "TONGBAN_DATABASE_URL": _fresh_database(data_dir),
        "TONGBAN_CLOCK_ADJUSTABLE": "1",
        "TONGBAN_DEBUG": "0",
        "TONGBAN_SCHEDULER_INTERVAL": "1",
        "TONGBAN_WEB_WORKERS": "1",
        "PORT": str(_free_port()),
        "PYTHONUNBUFFERED": "1",
    }
    instance = LiveInstance(data_dir=data_dir, env=env)
    instance.tongban("migrate", "--no-input", "--verbosity", "0")
    for name, command in _procfile().items():
        log = (data_dir / "logs" / f"{name}.log").open("wb")
        # Procfile lines are shell commands, as honcho runs them.
        instance.processes[name] = subprocess.Popen(  # noqa: S602
            command,
            shell=True,
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        instance.urls["web"] = f"http://127.0.0.1:{env['PORT']}"

        def web_answers() -> bool:
            try:
                urllib.request.urlopen(
                    instance.urls["web"] + "/healthz", timeout=2
                ).close()
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False
            return True

        instance.wait_for(web_answers, timeout=60, what="the web process")
        instance.wait_for(
            lambda: (data_dir / "ports" / "standins").exists(),
            timeout=30,
            what="the stand-ins",
        )
        port = json.loads((data_dir / "ports" / "standins").read_text())["port"]
        instance.urls["standins"] = f"http://127.0.0.1:{port}"
        yield instance
    finally:
        import signal

        for process in instance.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in instance.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(data_dir, ignore_errors=True)
