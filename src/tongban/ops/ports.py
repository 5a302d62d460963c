"""Ports of the helper processes: given (PORT) or picked free, and recorded in the data folder.

Two instances with different data folders run side by side: each process records the
port it took under `<data folder>/ports/<name>`, where the other processes, the tests and
the operator read it.
"""

import json
import os
import socket
from pathlib import Path

from django.conf import settings


def _ports_dir() -> Path:
    return Path(settings.DATA_DIR) / "ports"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def port_record(name: str, port: int, *, host: str = "127.0.0.1") -> Path:
    folder = _ports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps({"host": host, "port": port, "pid": os.getpid()}))
    return path


def port_read(name: str) -> int | None:
    try:
        return int(json.loads((_ports_dir() / name).read_text())["port"])
    except (OSError, ValueError, KeyError):
        return None
