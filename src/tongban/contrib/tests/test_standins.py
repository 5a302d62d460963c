"""`tongban standins` listens on a fixed port when one is set, else on a free one."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.test import override_settings

from tongban.contrib.standins.server import standins_start
from tongban.ops.ports import free_port, port_read

TONGBAN = Path(sys.executable).parent / "tongban"


def _healthz(port: int) -> dict[str, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
        return dict(json.loads(r.read()))


def test_the_fixed_ports_are_used_and_recorded(tmp_path: Path) -> None:
    port, smtp_port = free_port(), free_port()
    with override_settings(STANDINS_PORT=port, STANDINS_SMTP_PORT=smtp_port):
        server, smtp = standins_start(tmp_path / "standins")
    try:
        assert server.server_address[1] == port
        assert smtp.server_address[1] == smtp_port
        assert (port_read("standins"), port_read("smtp")) == (port, smtp_port)
    finally:
        server.server_close()
        smtp.shutdown()
        smtp.server_close()


def test_without_a_fixed_port_a_free_one_is_recorded(tmp_path: Path) -> None:
    server, smtp = standins_start(tmp_path / "standins")
    try:
        assert server.server_address[1] != 0
        assert port_read("standins") == server.server_address[1]
    finally:
        server.server_close()
        smtp.shutdown()
        smtp.server_close()


def test_the_command_keeps_its_fixed_port_across_restarts(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tongban.conf.test",
        "TONGBAN_DATA_DIR": str(tmp_path),
        "TONGBAN_STANDINS_PORT": str(port),
    }
    recorded = tmp_path / "ports" / "standins"
    for _start in range(2):
        recorded.unlink(missing_ok=True)
        process = subprocess.Popen(  # noqa: S603 — our own command
            [str(TONGBAN), "standins"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 30
            while not recorded.exists():
                assert process.poll() is None, process.stderr and process.stderr.read()
                assert time.monotonic() < deadline, "the stand-ins did not start"
                time.sleep(0.1)
            assert json.loads(recorded.read_text())["port"] == port
            assert _healthz(port) == {"status": "ok"}
        finally:
            process.terminate()
            process.wait(timeout=10)
