"""`make demo`'s runner restarts a process that dies (one crash used to take the demo
down). Runs on its own data folder and SQLite file, in the SQLite pass only: nothing here
depends on the database."""

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.drills import supervisor_status

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[4]
BIN = ROOT / ".venv" / "bin"


def _wait(predicate: object, seconds: float = 40) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()  # type: ignore[operator]
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("timed out")


def test_a_process_killed_in_the_demo_is_started_again(tmp_path: Path) -> None:
    if os.environ.get("TONGBAN_DATABASE_URL", "").startswith("postgres"):
        pytest.skip("in the SQLite pass only")
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "tongban.conf.dev",
        "TONGBAN_DATA_DIR": str(tmp_path),
        "TONGBAN_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "TONGBAN_WEB_WORKERS": "1",
    }
    subprocess.run(
        [str(BIN / "tongban"), "migrate", "--no-input", "-v", "0"],
        env=env,
        check=True,
        timeout=120,
    )
    runner = subprocess.Popen(
        [str(BIN / "python"), str(ROOT / "scripts" / "supervise"), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    conf = tmp_path / "supervisor" / "supervisord.conf"
    try:

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ):
                    return True
            except OSError:
                return False

        _wait(healthy)
        running = _wait(
            lambda: (
                (s := supervisor_status(conf))
                and all(v[0] == "RUNNING" for v in s.values())
                and len(s) == 4
                and s
            )
        )
        assert isinstance(running, dict)
        _state, worker = running["worker"]
        os.kill(worker, signal.SIGKILL)
        again = _wait(
            lambda: (
                (s := supervisor_status(conf)).get("worker", ("", worker))[1] != worker
                and s["worker"][0] == "RUNNING"
            )
        )
        assert again
        assert set(supervisor_status(conf)) == {
            "web",
            "worker",
            "scheduler",
            "standins",
        }
        assert healthy()  # the others never stopped
    finally:
        subprocess.run(
            [str(BIN / "supervisorctl"), "-c", str(conf), "shutdown"],
            check=False,
            timeout=30,
            capture_output=True,
        )
        try:
            runner.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
